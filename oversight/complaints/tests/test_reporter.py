# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""The reporter's side: file, confirm the receipt, come back, answer; and bad input."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from oversight.complaints import abuse, crypto, services
from oversight.complaints.models import Case, Message, ReceiptFailures
from oversight.complaints.tests.conftest import hidden

SLUG = "one-stop-systems"
IP = "203.0.113.77"
UA = "CanaryAgent/9.9 (reporter)"


def reporter():
    return Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)


def _form(client, **extra):
    page = client.get(reverse("report:intake", args=[SLUG]))
    assert page.status_code == 200
    html = page.content.decode()
    data = {
        "nonce": hidden(html, "nonce"),
        "challenge": hidden(html, "challenge"),
        "solution": "",
        "category": "accounting",
        "text": "Revenue from the March deal was booked in February.",
        "contact": "",
    }
    data.update(extra)
    return data


def _receipt(html):
    found = re.search(r"<strong>([0-9A-Z-]{23})</strong>", html)
    assert found is not None
    return found.group(1)


def test_a_reporter_files_confirms_returns_and_answers(channel, personas):
    client = reporter()
    data = _form(
        client, documents=[SimpleUploadedFile("ledger.csv", b"a,b\n1,2\n", "text/csv")]
    )
    sent = client.post(reverse("report:intake", args=[SLUG]), data)
    assert sent.status_code == 200
    receipt = _receipt(sent.content.decode())
    assert len(crypto.normalise_receipt(receipt)) == 20
    assert Case.objects.count() == 1

    wrong = client.post(
        reverse("report:confirm", args=[SLUG]),
        {"nonce": data["nonce"], "typed": "AAAAA-AAAAA-AAAAA-AAAAA"},
    )
    assert wrong.status_code == 400
    assert b"not the receipt" in wrong.content
    confirmed = client.post(
        reverse("report:confirm", args=[SLUG]),
        {"nonce": data["nonce"], "typed": receipt.lower().replace("-", " ")},
    )
    assert confirmed.status_code == 200
    assert b"confirmed" in confirmed.content

    back = client.post(
        reverse("report:follow-up", args=[SLUG]),
        {
            "receipt": receipt,
            "challenge": hidden(_get(client, "follow-up"), "challenge"),
        },
    )
    assert back.status_code == 302
    cookie = back.cookies["report_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["secure"]
    assert crypto.normalise_receipt(receipt) not in cookie.value
    page = client.get(reverse("report:case", args=[SLUG]))
    assert b"booked in February" in page.content
    assert b"ledger.csv" in page.content
    secret = hidden(page.content.decode(), "form_secret")
    answered = client.post(
        reverse("report:case", args=[SLUG]),
        {"form_secret": secret, "text": "Also in Q3."},
    )
    assert answered.status_code == 302
    assert Message.objects.filter(from_reporter=True).count() == 1
    out = client.post(reverse("report:sign-out", args=[SLUG]))
    assert out.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get(reverse("report:case", args=[SLUG])).status_code == 302


def _get(client, name):
    return client.get(reverse(f"report:{name}", args=[SLUG])).content.decode()


def test_sending_the_same_form_twice_files_one_report_with_the_same_receipt(channel):
    client = reporter()
    data = _form(client)
    first = client.post(reverse("report:intake", args=[SLUG]), data)
    data["challenge"] = hidden(_get(client, "intake"), "challenge")
    second = client.post(reverse("report:intake", args=[SLUG]), data)
    assert _receipt(first.content.decode()) == _receipt(second.content.decode())
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"text": ""}, b"This field is required"),
        ({"text": "   "}, b"This field is required"),
        ({"category": "gossip"}, b"Select a valid choice"),
        ({"nonce": "forged"}, b"had expired"),
        ({"challenge": "forged"}, b"send the form again"),
        (
            {
                "documents": [
                    SimpleUploadedFile("x.exe", b"MZ", "application/x-msdownload")
                ]
            },
            b"not accepted",
        ),
    ],
)
def test_bad_reports_get_a_clear_message_and_keep_the_text(channel, extra, words):
    client = reporter()
    data = _form(client, **extra)
    response = client.post(reverse("report:intake", args=[SLUG]), data)
    assert response.status_code == 400
    assert words in response.content
    assert Case.objects.count() == 0
    if data["text"].strip():
        assert data["text"].encode() in response.content  # the reporter loses nothing


def test_an_oversized_file_is_refused(channel, settings):
    settings.COMPLAINTS_MAX_FILE_BYTES = 1000
    client = reporter()
    data = _form(
        client,
        documents=[SimpleUploadedFile("big.pdf", b"x" * 5000, "application/pdf")],
    )
    response = client.post(reverse("report:intake", args=[SLUG]), data)
    assert response.status_code == 400
    assert b"larger than the limit" in response.content
    assert Case.objects.count() == 0


@pytest.mark.parametrize("typed", ["AAAAA-AAAAA-AAAAA-AAAAA", "short", "!!!", ""])
def test_a_wrong_or_malformed_receipt_is_refused_and_counted_by_day(channel, typed):
    client = reporter()
    response = client.post(
        reverse("report:follow-up", args=[SLUG]),
        {"receipt": typed, "challenge": hidden(_get(client, "follow-up"), "challenge")},
    )
    assert response.status_code == 400
    assert "report_session" not in response.cookies
    if typed:
        assert b"No report matches" in response.content
        services.flush_receipt_failures()
        assert ReceiptFailures.objects.get().count == 1


def test_receipt_guessing_is_throttled_per_client(channel, settings):
    from oversight.complaints import conf

    client = reporter()
    guard = conf.guard()
    key = guard.client(IP)
    for _ in range(guard.policy.receipt_attempts):
        guard.record(key, abuse.Event.RECEIPT_FAILURE)
    response = client.post(
        reverse("report:follow-up", args=[SLUG]), {"receipt": "x", "challenge": "y"}
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    other = Client(REMOTE_ADDR="198.51.100.1")
    assert other.get(reverse("report:follow-up", args=[SLUG])).status_code == 200


def test_a_guesser_waits_for_its_answers_past_its_free_failures(
    channel, settings, monkeypatch
):
    from oversight.complaints import conf

    settings.COMPLAINTS_TARPIT_SECONDS = 1
    slept: list[float] = []
    monkeypatch.setattr(abuse.time, "sleep", slept.append)
    client, url = reporter(), reverse("report:follow-up", args=[SLUG])
    guard = conf.guard()
    for n in range(guard.policy.free_failures + 1):
        page = client.get(url)
        assert page.status_code == 200
        wrong = client.post(
            url,
            {
                "receipt": "AAAAA-AAAAA-AAAAA-AAAAA",
                "challenge": hidden(page.content.decode(), "challenge"),
            },
        )
        assert b"No report matches" in wrong.content
        assert slept == ([1.0] if n == guard.policy.free_failures else [])
    key = guard.client(IP)
    for _ in range(guard.policy.receipt_attempts):
        guard.record(key, abuse.Event.RECEIPT_FAILURE)
    assert client.get(url).status_code == 429
    assert slept == [1.0, 1.0]
    other = Client(REMOTE_ADDR="198.51.100.1")
    assert other.get(url).status_code == 200
    assert slept == [1.0, 1.0]  # another client never waits for this one


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
    ],
)
def test_a_cross_site_post_is_refused(channel, headers):
    client = reporter()
    data = _form(client)
    response = client.post(reverse("report:intake", args=[SLUG]), data, **headers)
    assert response.status_code == 403
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_ORIGIN": "null"}, {}],
)
def test_a_same_origin_post_is_accepted(channel, headers):
    client = reporter()
    response = client.post(
        reverse("report:intake", args=[SLUG]), _form(client), **headers
    )
    assert response.status_code == 200


def test_an_unknown_or_closed_channel_is_404(db, company):
    assert Client().get(reverse("report:intake", args=[SLUG])).status_code == 404
    assert Client().get(reverse("report:intake", args=["nope"])).status_code == 404


@pytest.mark.parametrize("name", ["intake", "follow-up", "case"])
def test_every_reporter_page_sets_no_cookie_and_no_store(channel, name):
    response = reporter().get(reverse(f"report:{name}", args=[SLUG]))
    assert response.status_code in {200, 302}
    assert response.headers["Cache-Control"].startswith("no-store")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    if name != "intake":
        assert not response.cookies  # no session, no CSRF cookie
        return
    # the form binds its receipt to the reporter's one cookie (H2): that cookie only
    assert set(response.cookies) == {"report_session"}
    cookie = response.cookies["report_session"]
    assert cookie["httponly"]
    assert cookie["secure"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/report/"
    assert int(cookie["max-age"]) <= 3600


def test_the_page_is_translated(channel):
    client = reporter()
    fr = client.get(reverse("report:intake", args=[SLUG]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Signaler une préoccupation".encode() in fr.content
    also = client.get(reverse("report:intake", args=[SLUG]) + "?lang=fr")
    assert "Qui la reçoit".encode() in also.content
    en = client.get(reverse("report:intake", args=[SLUG]))
    assert b"Who receives it" in en.content


def test_a_reporter_who_changes_address_is_not_refused(channel):
    client = reporter()
    data = _form(client)
    moved = Client(REMOTE_ADDR="2001:db8::1", HTTP_USER_AGENT=UA)
    moved.cookies = client.cookies
    assert moved.post(reverse("report:intake", args=[SLUG]), data).status_code == 200
    assert Case.objects.count() == 1


def test_a_form_carried_to_an_address_that_owes_work_asks_again_and_keeps_the_text(
    channel,
):
    """A challenge carried to another address must carry the work that address owes
    (M3): it is refused, the text stays, and the new page's challenge goes through."""
    from oversight.complaints import conf

    client = reporter()
    data = _form(client, text="Quarter-end journal entries were backdated.")
    guard = conf.guard()
    owing = guard.client("198.51.100.1")
    for _ in range(guard.policy.free_failures + 1):
        guard.record(owing, abuse.Event.RECEIPT_FAILURE)
    moved = Client(REMOTE_ADDR="198.51.100.1", HTTP_USER_AGENT=UA)
    moved.cookies = client.cookies
    refused = moved.post(reverse("report:intake", args=[SLUG]), data)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Your connection changed since this page was opened" in page
    assert "Quarter-end journal entries were backdated." in page
    assert not Case.objects.exists()
    data["challenge"] = hidden(page, "challenge")
    bits = int(re.search(r'data-pow-bits="(\d+)"', page).group(1))
    assert bits == 2
    data["solution"] = abuse.solve(data["challenge"], bits)
    sent = moved.post(reverse("report:intake", args=[SLUG]), data)
    assert sent.status_code == 200
    assert Case.objects.count() == 1


def test_the_page_tells_the_truth_about_its_one_cookie(channel):
    """The form sets the reporter's one cookie (its token is bound to it): the page
    says so, in both languages, instead of promising none."""
    client = reporter()
    en = client.get(reverse("report:intake", args=[SLUG]))
    assert "report_session" in en.cookies
    assert (
        b"It sets one cookie, a random number that says nothing about you" in en.content
    )
    assert b"sets no cookie" not in en.content
    fr = client.get(reverse("report:intake", args=[SLUG]) + "?lang=fr")
    assert "Il dépose un seul cookie".encode() in fr.content


def test_the_page_says_who_receives_a_report_by_role(channel):
    html = _get(reporter(), "intake")
    assert "chair and the independent members" in html
    assert "Ben Member" in html  # can be named as concerned


def test_many_files_cannot_add_up_past_the_report_limit(channel, settings):
    settings.COMPLAINTS_MAX_FILE_BYTES = 1000
    settings.COMPLAINTS_MAX_REPORT_BYTES = 2500
    client = reporter()
    files = [
        SimpleUploadedFile(f"f{i}.txt", b"y" * 900, "text/plain") for i in range(4)
    ]
    response = client.post(
        reverse("report:intake", args=[SLUG]), _form(client, documents=files)
    )
    assert response.status_code == 400
    assert b"larger than the limit" in response.content
    assert Case.objects.count() == 0


def test_behind_a_trusted_proxy_clients_are_told_apart_by_the_named_header(
    channel, settings
):
    from django.test import RequestFactory

    from oversight.complaints import conf
    from oversight.complaints.reporter import client_key

    settings.COMPLAINTS_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    one = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.1"
    )
    two = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.2"
    )
    assert client_key(one) != client_key(two)
    assert client_key(one) == conf.guard().client("198.51.100.1")


@pytest.mark.parametrize(
    ("threads", "configured", "slots"),
    [("12", 8, 8), ("8", 8, 4), ("4", 8, 0), ("", 8, 8), ("many", 3, 3)],
)
def test_held_answers_never_take_the_last_four_threads(
    settings, monkeypatch, threads, configured, slots
):
    from oversight.complaints import conf

    monkeypatch.setenv("GUNICORN_THREADS", threads)
    settings.COMPLAINTS_TARPIT_SLOTS = configured
    assert conf.tarpit_slots() == slots


def test_workers_share_the_binding_seed_their_arbiter_drew(monkeypatch):
    from oversight.complaints import conf

    monkeypatch.setenv(conf.BINDING_SEED_VARIABLE, "ab" * 32)
    conf.guard.cache_clear()
    one = conf.guard().client(IP)
    conf.guard.cache_clear()  # another worker of the same server
    assert conf.guard().client(IP).tags == one.tags
    monkeypatch.delenv(conf.BINDING_SEED_VARIABLE)
    conf.guard.cache_clear()  # a server started again draws anew
    assert conf.guard().client(IP).tags != one.tags


def test_a_report_the_database_cannot_take_now_keeps_the_form(channel, monkeypatch):
    """A storage failure answers 503 with the text kept, never a 500; the same form sent
    again files the report (its nonce carries the receipt)."""
    from django.db import OperationalError

    client = reporter()
    data = _form(client, text="The reserve was released to meet guidance.")
    real = services.submit_report

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "submit_report", locked)
    failed = client.post(reverse("report:intake", args=[SLUG]), data)
    assert failed.status_code == 503
    page = failed.content.decode()
    assert "could not be stored just now" in page
    assert "The reserve was released to meet guidance." in page
    assert not Case.objects.exists()
    monkeypatch.setattr(services, "submit_report", real)
    data["challenge"] = hidden(page, "challenge")
    sent = client.post(reverse("report:intake", args=[SLUG]), data)
    assert sent.status_code == 200
    assert Case.objects.count() == 1


def test_a_page_sent_back_says_the_files_must_be_attached_again(channel):
    client = reporter()
    data = _form(
        client,
        challenge="not-a-challenge",
        documents=[SimpleUploadedFile("ledger.csv", b"a,b\n1,2\n", "text/csv")],
    )
    page = client.post(reverse("report:intake", args=[SLUG]), data)
    assert page.status_code == 400
    assert b"attach them again" in page.content
    plain = client.post(
        reverse("report:intake", args=[SLUG]), _form(client, challenge="x")
    )
    assert b"attach them again" not in plain.content
