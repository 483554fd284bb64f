# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""A real browser through every reporter route: headers, cookies, no outside request."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "one-stop-systems"
DOCUMENT_HEADERS = {
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
}


@pytest.fixture
def browser_page():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        context = browser.new_context()
        page = context.new_page()
        yield page, context
        context.close()
        browser.close()


def test_every_reporter_route_in_a_real_browser(live_server, channel, browser_page):
    page, context = browser_page
    requests: list[str] = []
    documents: list[tuple[str, dict[str, str]]] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on(
        "response",
        lambda r: (
            documents.append((r.url, r.all_headers()))
            if r.request.resource_type == "document"
            else None
        ),
    )
    base = f"{live_server.url}/report/{SLUG}/"
    page.goto(base)
    # while writing: only the one cookie, a random value the form's receipt is bound to
    writing = context.cookies()
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in writing] == [
        ("report_session", True, "Strict")
    ]
    page.select_option("select[name=category]", "auditing")
    page.fill("textarea[name=text]", "The audit fee was split to avoid pre-approval.")
    page.click("button[type=submit]")
    receipt = page.locator("p.receipt strong").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){3}", receipt)
    assert receipt.replace("-", "") not in writing[0]["value"].upper()
    page.fill("input[name=typed]", receipt.lower())
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text()
    assert context.cookies() == []  # confirmed: the binding cookie is gone
    page.goto(base + "follow-up/")
    page.fill("input[name=receipt]", receipt)
    page.click("button[type=submit]")
    assert "split to avoid" in page.content()
    cookies = context.cookies()
    assert [c["name"] for c in cookies] == ["report_session"]
    cookie = cookies[0]
    assert cookie["httpOnly"] is True
    assert cookie["secure"] is True
    assert cookie["sameSite"] == "Strict"
    assert receipt.replace("-", "") not in cookie["value"].upper()
    page.click("text=Leave and forget this session")
    assert context.cookies() == []

    origin = urlsplit(live_server.url).hostname
    assert {urlsplit(u).hostname for u in requests} == {origin}
    assert origin in {"localhost", "127.0.0.1"}
    assert len(documents) >= 6
    for url, headers in documents:
        for name, value in DOCUMENT_HEADERS.items():
            assert headers.get(name, "").startswith(value), (url, name)
        csp = headers["content-security-policy"]
        assert "unsafe" not in csp
        assert "default-src 'none'" in csp
        assert "permissions-policy" in headers
        assert "server" not in headers or "gunicorn" not in headers["server"].lower()


def test_a_browser_sends_a_file_with_the_form_and_it_is_kept_encrypted(
    live_server, channel, browser_page, monkeypatch
):
    """Chromium's own multipart through the upload handler: a blob, no spool left."""
    from oversight.complaints import conf
    from oversight.complaints.models import Attachment

    # Playwright's sync API runs an event loop in this thread; the ORM calls below
    # are synchronous (as oversight/tests/browser/conftest.py says for its tests).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page, _context = browser_page
    evidence = (
        b"CANARY-BROWSER-FILE journal entry 4471, reversed on 2 January\n" * 80000
    )
    page.goto(f"{live_server.url}/report/{SLUG}/")
    page.select_option("select[name=category]", "accounting")
    page.fill("textarea[name=text]", "The journal entries are attached.")
    page.set_input_files(
        "input[name=documents]",
        files=[{"name": "entries.csv", "mimeType": "text/csv", "buffer": evidence}],
    )
    page.click("button[type=submit]")
    receipt = page.locator("p.receipt strong").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){3}", receipt)
    attachment = Attachment.objects.get()
    assert attachment.body is None
    blobs = [p for p in conf.blob_dir().iterdir() if p.is_file()]
    assert [p.name for p in blobs] == [attachment.blob]
    assert b"CANARY-BROWSER-FILE" not in blobs[0].read_bytes()
    assert list(conf.upload_tmp_dir().iterdir()) == []
