"""The browser harness checks what it claims to check.

A tiny site is served by Python's http.server on 127.0.0.1 with the same kind
of strict Content Security Policy the app sends, and the harness is pointed at
a page that is fine, one that is not accessible, one that reaches for another
host and one that breaks its own CSP.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from oversight.tests.browser.harness import (
    SCREENSHOT_DIR,
    BrowserProblem,
    axe_check,
    format_violations,
    guarded_page,
    is_loopback,
    screenshot,
)

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# A 1x1 PNG.
DOT = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _html(title: str, body: str) -> bytes:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body><main><h1>{title}</h1>{body}</main>"
        "</body></html>"
    ).encode()


# path -> (content type, body, Content-Security-Policy or None)
SITE: dict[str, tuple[str, bytes, str | None]] = {
    "/good.html": (
        "text/html",
        _html("Minutes", "<p>Approved.</p><img src='/dot.png' alt='A dot'>"),
        STRICT_CSP,
    ),
    "/bad.html": ("text/html", _html("Minutes", "<img src='/dot.png'>"), STRICT_CSP),
    # No CSP here: the app's policy would stop this request in the browser,
    # and the point is to see the harness catch it when nothing else does.
    "/foreign.html": (
        "text/html",
        _html("Minutes", "<img src='http://example.invalid/x.png' alt='Remote'>"),
        None,
    ),
    "/inline.html": (
        "text/html",
        _html("Minutes", "<script>document.title = 'inline script ran';</script>"),
        STRICT_CSP,
    ),
    "/dot.png": ("image/png", DOT, STRICT_CSP),
    "/favicon.ico": ("image/png", DOT, STRICT_CSP),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path not in SITE:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        content_type, body, csp = SITE[self.path]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if csp:
            self.send_header("Content-Security-Policy", csp)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000/", True),
        ("http://localhost:41234/static/app.css", True),
        ("data:image/png;base64,AAAA", True),
        ("about:blank", True),
        ("http://example.invalid/x.png", False),
        ("https://cdn.example.com/htmx.js", False),
        ("http://127.0.0.1.example.com/", False),
        ("http://0.0.0.0:8000/", False),
    ],
)
def test_is_loopback(url, expected):
    assert is_loopback(url) is expected


def test_tests_here_are_marked_browser(request):
    assert request.node.get_closest_marker("browser") is not None


def test_axe_finds_nothing_on_a_good_page(page, site):
    response = page.goto(f"{site}/good.html")
    assert response is not None
    assert response.headers["content-security-policy"] == STRICT_CSP

    violations = axe_check(page)

    assert violations == [], format_violations(violations)


def test_axe_reports_an_image_without_alt_text(page, site):
    page.goto(f"{site}/bad.html")

    violations = axe_check(page)

    assert [(v.rule, v.impact) for v in violations] == [("image-alt", "critical")]
    assert violations[0].targets == ("img",)
    assert "image-alt" in format_violations(violations)


def test_axe_can_run_twice_on_the_same_page(page, site):
    page.goto(f"{site}/bad.html")
    assert len(axe_check(page)) == 1
    assert len(axe_check(page)) == 1


def test_the_pages_csp_is_enforced_so_axe_is_injected_around_it(browser, site):
    with (  # noqa: PT012
        pytest.raises(BrowserProblem) as caught,
        guarded_page(browser) as (page, guard),
    ):
        page.goto(f"{site}/inline.html")
        assert page.title() == "Minutes"  # the inline script did not run
        with pytest.raises(Exception, match="Content Security Policy"):
            page.add_script_tag(content="window.injected = true;")
        assert axe_check(page) == []
        assert len(guard.csp_violations) == 2
    assert "Content Security Policy violation" in str(caught.value)


def test_a_request_to_another_host_is_recorded_blocked_and_fails_the_page(
    browser, site
):
    failed: list[tuple[str, str | None]] = []
    with (  # noqa: PT012
        pytest.raises(BrowserProblem) as caught,
        guarded_page(browser) as (page, guard),
    ):
        page.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
        page.goto(f"{site}/foreign.html")
        page.wait_for_load_state("load")
        assert guard.foreign == ["http://example.invalid/x.png"]
        assert f"{site}/foreign.html" in guard.requests
    # Aborted by the guard (Chromium appends ".Inspector" to the reason), not
    # a DNS failure: the request never left the browser.
    assert len(failed) == 1
    assert failed[0][0] == "http://example.invalid/x.png"
    assert (failed[0][1] or "").startswith("net::ERR_BLOCKED_BY_CLIENT")
    assert str(caught.value) == (
        "request to a non-loopback host: http://example.invalid/x.png"
    )


def test_an_uncaught_page_error_fails_the_page(browser, site):
    with (  # noqa: PT012
        pytest.raises(BrowserProblem, match=r"uncaught error in the page: .*boom"),
        guarded_page(browser) as (page, _guard),
    ):
        page.goto(f"{site}/good.html")
        with page.expect_event("pageerror"):
            page.evaluate("setTimeout(() => { throw new Error('boom'); })")


def test_a_clean_page_passes_the_guard(browser, site):
    with guarded_page(browser) as (page, guard):
        page.goto(f"{site}/good.html")
        page.wait_for_load_state("load")
    assert guard.problems() == []
    assert f"{site}/good.html" in guard.requests
    assert f"{site}/dot.png" in guard.requests


def test_screenshot_writes_a_png_under_artifacts(page, site):
    page.goto(f"{site}/good.html")

    path = screenshot(page, "harness/good page")

    assert path == SCREENSHOT_DIR / "harness-good-page.png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
