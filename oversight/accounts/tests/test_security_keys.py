"""Security keys (WebAuthn) as the second factor, TOTP as the fallback.

A software authenticator (``authenticator.py``) produces real "none" attestations and
real ES256 assertions, so every check below runs py_webauthn and our own on genuine data.
"""

from __future__ import annotations

import json
import secrets
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from oversight.accounts import services
from oversight.accounts.decorators import SESSION_REAUTH_AT
from oversight.accounts.models import SecurityKey, SignInThrottle
from oversight.accounts.security_keys import CHALLENGE_MAX_AGE_SECONDS
from oversight.accounts.tests.authenticator import SoftAuthenticator
from oversight.ledger.models import LedgerEvent
from oversight.testing import PASSWORD

pytestmark = pytest.mark.django_db

RP_ID = "oversight.example"
ORIGIN = "https://oversight.example"


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.WEBAUTHN_RP_ID = RP_ID
    settings.WEBAUTHN_ORIGIN = ORIGIN


def new_key(**kwargs) -> SoftAuthenticator:
    return SoftAuthenticator(origin=ORIGIN, rp_id=RP_ID, **kwargs)


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key):06d}"


def reauthenticated(client: Client) -> Client:
    session = client.session
    session[SESSION_REAUTH_AT] = time.time()
    session.save()
    return client


def enrol(client: Client, key: SoftAuthenticator, name: str = "Blue key", **bend):
    """Add ``key`` through the pages; return the POST's response."""
    page = reauthenticated(client).get(reverse("accounts:key-add"))
    assert page.status_code == 200
    return client.post(
        reverse("accounts:key-add"),
        {"name": name, "credential": key.register(page.context["options"], **bend)},
    )


def password_step(email: str, **client_kwargs) -> Client:
    client = Client(**client_kwargs)
    response = client.post(
        reverse("accounts:login"), {"email": email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def key_page(client: Client, next_url: str = "/"):
    page = client.get(reverse("accounts:key-verify"), {"next": next_url})
    assert page.status_code == 200
    return page


def post_answer(client: Client, answer: str):
    return client.post(
        reverse("accounts:key-verify"), {"credential": answer, "next": "/"}
    )


def last_event(action: str) -> LedgerEvent:
    return LedgerEvent.objects.filter(action=action).latest("seq")


@pytest.fixture
def ada_key(personas, client_for) -> SoftAuthenticator:
    key = new_key()
    assert enrol(client_for("ada"), key).status_code == 302
    return key


# --- enrolment ----------------------------------------------------------------------


def test_a_key_is_enrolled_stored_and_listed(personas, client_for) -> None:
    client = client_for("ada")
    page = reauthenticated(client).get(reverse("accounts:key-add"))
    options = page.context["options"]
    assert options["attestation"] == "none"
    assert options["authenticatorSelection"]["residentKey"] == "discouraged"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["rp"]["id"] == RP_ID
    handle = base64url_to_bytes(options["user"]["id"])
    assert len(handle) == 32
    assert str(personas["ada"].pk).encode() != handle
    assert b"ada@oss.example" not in handle
    # The options are data for the page's script, not a script themselves (CSP).
    assert b'<script id="security-key-options" type="application/json">' in page.content
    assert b'src="/static/oversight/security-key.js"' in page.content

    key = new_key()
    response = client.post(
        reverse("accounts:key-add"),
        {"name": "Blue key", "credential": key.register(options)},
    )
    assert response["Location"] == reverse("accounts:security")
    stored = SecurityKey.objects.get(user=personas["ada"])
    assert stored.name == "Blue key"
    assert stored.credential_id == key.id
    assert bytes(stored.public_key).startswith(b"\xa5")  # a COSE map of 5 entries
    assert stored.sign_count == 0
    assert stored.transports == ["usb", "nfc"]
    assert stored.aaguid == "6f766572-7369-6768-7400-0000000000aa"
    assert stored.user_handle == options["user"]["id"]
    event = last_event("accounts.security_key_added")
    assert event.actor == personas["ada"]
    assert event.data["key"] == stored.pk and event.data["name"] == "Blue key"
    listing = client.get(reverse("accounts:security"))
    assert b"Blue key" in listing.content and b"never" in listing.content


def test_a_second_key_excludes_the_first_and_shares_the_user_handle(
    personas, client_for, ada_key
) -> None:
    client = reauthenticated(client_for("ada"))
    options = client.get(reverse("accounts:key-add")).context["options"]
    assert [c["id"] for c in options["excludeCredentials"]] == [ada_key.id]
    assert options["excludeCredentials"][0]["transports"] == ["usb", "nfc"]
    first = SecurityKey.objects.get(credential_id=ada_key.id)
    assert options["user"]["id"] == first.user_handle
    # Each person gets their own random handle.
    ben_options = (
        reauthenticated(client_for("ben"))
        .get(reverse("accounts:key-add"))
        .context["options"]
    )
    assert ben_options["user"]["id"] != first.user_handle


def test_the_same_key_cannot_be_registered_twice(personas, client_for, ada_key) -> None:
    response = enrol(client_for("ada"), ada_key, name="Again")
    assert response.status_code == 400
    assert b"already registered" in response.content
    assert SecurityKey.objects.filter(user=personas["ada"]).count() == 1


@pytest.mark.parametrize(
    ("bend", "reason"),
    [
        ({"origin": "https://evil.example"}, "wrong_origin"),
        ({"rp_id": "evil.example"}, "wrong_rp_id"),
    ],
)
def test_a_registration_for_another_site_is_refused(
    personas, client_for, bend, reason
) -> None:
    response = enrol(client_for("ada"), new_key(), **bend)
    assert response.status_code == 400
    assert b"not accepted" in response.content
    assert not SecurityKey.objects.exists()
    event = last_event("accounts.security_key_failed")
    assert event.data == {"stage": "enrol", "reason": reason}


def test_enrolment_without_a_name_or_without_an_answer_says_so(
    personas, client_for
) -> None:
    client = reauthenticated(client_for("ada"))
    options = client.get(reverse("accounts:key-add")).context["options"]
    unnamed = client.post(
        reverse("accounts:key-add"),
        {"name": "", "credential": new_key().register(options)},
    )
    assert unnamed.status_code == 400 and b"This field is required" in unnamed.content
    no_script = client.post(reverse("accounts:key-add"), {"name": "Blue key"})
    assert no_script.status_code == 400
    assert b"sent no answer from a security key" in no_script.content
    assert not SecurityKey.objects.exists()


def test_an_enrolment_challenge_works_once(personas, client_for) -> None:
    client = reauthenticated(client_for("ada"))
    options = client.get(reverse("accounts:key-add")).context["options"]
    # A failed attempt spends the challenge; the page it shows carries a new one.
    failed = client.post(reverse("accounts:key-add"), {"name": "Blue key"})
    assert failed.context["options"]["challenge"] != options["challenge"]
    response = client.post(
        reverse("accounts:key-add"),
        {"name": "Blue key", "credential": new_key().register(options)},
    )
    assert response.status_code == 400
    assert (
        last_event("accounts.security_key_failed").data["reason"] == "wrong_challenge"
    )
    assert not SecurityKey.objects.exists()


# --- sign-in ------------------------------------------------------------------------


def test_a_person_with_a_key_is_offered_it_first_and_signs_in_with_it(
    personas, ada_key
) -> None:
    client = password_step("ada@oss.example")
    to_verify = client.get(reverse("dashboard"))
    assert to_verify["Location"].startswith(reverse("accounts:mfa-verify"))
    to_key = client.get(to_verify["Location"])
    assert to_key["Location"].startswith(reverse("accounts:key-verify"))
    page = client.get(to_key["Location"])
    options = page.context["options"]
    assert options["rpId"] == RP_ID
    assert options["userVerification"] == "preferred"
    assert [c["id"] for c in options["allowCredentials"]] == [ada_key.id]
    assert b"Use your authenticator app instead" in page.content
    response = post_answer(client, ada_key.sign(options))
    assert response["Location"] == "/"
    assert client.get(reverse("dashboard")).status_code == 200
    stored = SecurityKey.objects.get(credential_id=ada_key.id)
    assert stored.sign_count == 1 and stored.last_used_at is not None
    used = last_event("accounts.security_key_used")
    assert used.data["stage"] == "sign-in" and used.data["sign_count"] == 1
    actions = list(
        LedgerEvent.objects.filter(chain="system").values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "accounts.signin_succeeded",
        "accounts.security_key_used",
        "accounts.mfa_verified",
    ]


def test_the_authenticator_app_remains_the_fallback(personas, ada_key) -> None:
    client = password_step("ada@oss.example")
    page = client.get(reverse("accounts:mfa-verify"), {"method": "app", "next": "/"})
    assert page.status_code == 200
    assert b"Use your security key instead" in page.content
    response = client.post(
        reverse("accounts:mfa-verify") + "?method=app",
        {"token": code_for(personas["ada"]), "next": "/"},
    )
    assert response["Location"] == "/"
    assert client.get(reverse("dashboard")).status_code == 200


def test_without_javascript_the_key_page_points_to_the_app(personas, ada_key) -> None:
    client = password_step("ada@oss.example")
    page = key_page(client)
    # The key button is hidden until the script shows it; the link needs no script.
    assert b"hidden data-security-key" in page.content
    assert b"<noscript>" in page.content
    assert b'href="/accounts/verify/?method=app&amp;next=/"' in page.content
    empty = post_answer(client, "")
    assert b"sent no answer from a security key" in empty.content


def test_a_person_without_a_key_goes_to_the_code_as_before(personas) -> None:
    client = password_step("ben@oss.example")
    assert client.get(reverse("accounts:mfa-verify")).status_code == 200
    redirect = client.get(reverse("accounts:key-verify"))
    assert redirect["Location"].startswith(reverse("accounts:mfa-verify"))


def _refused(client: Client, answer: str, reason: str):
    response = post_answer(client, answer)
    assert response.status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302
    event = last_event("accounts.security_key_failed")
    assert event.data["reason"] == reason
    assert event.data["stage"] == "sign-in"
    return response


@pytest.mark.parametrize(
    ("bend", "reason"),
    [
        ({"challenge": bytes_to_base64url(secrets.token_bytes(32))}, "wrong_challenge"),
        ({"origin": "https://evil.example"}, "wrong_origin"),
        ({"origin": "http://oversight.example"}, "wrong_origin"),
        ({"rp_id": "evil.example"}, "wrong_rp_id"),
    ],
)
def test_an_answer_for_another_challenge_origin_or_rp_is_refused(
    personas, ada_key, bend, reason
) -> None:
    client = password_step("ada@oss.example")
    options = key_page(client).context["options"]
    response = _refused(client, ada_key.sign(options, **bend), reason)
    assert b"That security key was not accepted" in response.content


def test_a_tampered_signature_and_a_malformed_answer_are_refused(
    personas, ada_key
) -> None:
    client = password_step("ada@oss.example")
    answer = json.loads(ada_key.sign(key_page(client).context["options"]))
    answer["response"]["signature"] = bytes_to_base64url(
        b"\x30\x06\x02\x01\x01\x02\x01\x01"
    )
    _refused(client, json.dumps(answer), "bad_signature")
    key_page(client)
    _refused(client, "{not json", "malformed")
    key_page(client)
    _refused(client, json.dumps({"id": ada_key.id, "rawId": 3}), "malformed")


def test_an_assertion_cannot_be_replayed(personas, ada_key) -> None:
    first = password_step("ada@oss.example")
    answer = ada_key.sign(key_page(first).context["options"])
    assert post_answer(first, answer)["Location"] == "/"
    # Another session: the recorded answer carries the old challenge.
    second = password_step("ada@oss.example")
    key_page(second)
    _refused(second, answer, "wrong_challenge")
    # The same session: the challenge was spent by the failure, so even a good answer
    # to it is refused.
    options = key_page(second).context["options"]
    _refused(
        second, ada_key.sign(options, origin="https://evil.example"), "wrong_origin"
    )
    _refused(second, ada_key.sign(options), "wrong_challenge")
    # No page, no challenge: an answer posted without one is refused too.
    session = second.session
    session.pop("oversight_webauthn_challenges")
    session.save()
    _refused(second, ada_key.sign(options), "no_challenge")


def test_an_expired_challenge_is_refused(personas, ada_key) -> None:
    import time_machine

    client = password_step("ada@oss.example")
    with time_machine.travel(time.time(), tick=False) as traveller:
        options = key_page(client).context["options"]
        traveller.shift(CHALLENGE_MAX_AGE_SECONDS + 1)
        response = _refused(client, ada_key.sign(options), "no_challenge")
    assert b"The request to your key expired" in response.content


def test_a_lowered_sign_count_is_refused_and_logged_as_a_possible_clone(
    personas, ada_key
) -> None:
    SecurityKey.objects.filter(credential_id=ada_key.id).update(sign_count=5)
    client = password_step("ada@oss.example")
    for count in (3, 5):  # lower, then equal: neither is an increase
        options = key_page(client).context["options"]
        response = _refused(
            client,
            ada_key.sign(options, sign_count=count),
            "sign_count_not_increased",
        )
        assert b"counter went backwards" in response.content
        event = last_event("accounts.security_key_failed")
        assert event.data["possible_clone"] is True
        assert event.data["stored_sign_count"] == 5
        assert event.data["received_sign_count"] == count
    assert SecurityKey.objects.get(credential_id=ada_key.id).sign_count == 5
    options = key_page(client).context["options"]
    assert post_answer(client, ada_key.sign(options, sign_count=6))["Location"] == "/"


def test_a_key_that_reports_no_counter_keeps_working(personas, client_for) -> None:
    key = new_key(counts=False)
    enrol(client_for("ben"), key)
    for _ in range(2):
        client = password_step("ben@oss.example")
        options = key_page(client).context["options"]
        assert post_answer(client, key.sign(options))["Location"] == "/"
    assert SecurityKey.objects.get(credential_id=key.id).sign_count == 0


def test_a_removed_key_no_longer_signs_in(personas, client_for, ada_key) -> None:
    spare = new_key()
    enrol(client_for("ada"), spare, name="Spare key")
    # A session verified with the key loses that verification when the key goes.
    signed_in = password_step("ada@oss.example")
    post_answer(signed_in, ada_key.sign(key_page(signed_in).context["options"]))
    assert signed_in.get(reverse("dashboard")).status_code == 200
    stored = SecurityKey.objects.get(credential_id=ada_key.id)
    response = reauthenticated(client_for("ada")).post(
        reverse("accounts:key-remove", args=[stored.pk])
    )
    assert response["Location"] == reverse("accounts:security")
    assert last_event("accounts.security_key_removed").data == {
        "key": stored.pk,
        "name": "Blue key",
    }
    assert signed_in.get(reverse("dashboard")).status_code == 302
    client = password_step("ada@oss.example")
    options = key_page(client).context["options"]
    assert [c["id"] for c in options["allowCredentials"]] == [spare.id]
    _refused(client, ada_key.sign(options), "unknown_key")


def test_another_persons_key_does_not_sign_in(personas, client_for, ada_key) -> None:
    ben_key = new_key()
    enrol(client_for("ben"), ben_key)
    client = password_step("ada@oss.example")
    _refused(client, ben_key.sign(key_page(client).context["options"]), "unknown_key")


def test_key_failures_count_toward_the_account_and_client_throttles(
    personas, ada_key, settings
) -> None:
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 3
    client = password_step("ada@oss.example", REMOTE_ADDR="10.1.1.1")
    for _ in range(3):
        options = key_page(client).context["options"]
        _refused(
            client,
            ada_key.sign(options, origin="https://evil.example"),
            "wrong_origin",
        )
    client_row = SignInThrottle.objects.get(scope=SignInThrottle.Scope.CLIENT)
    assert client_row.failures == 3
    options = key_page(client).context["options"]
    response = post_answer(client, ada_key.sign(options))
    assert b"Too many failed sign-ins for this account" in response.content
    assert client.get(reverse("dashboard")).status_code == 302
    # The code route is throttled as well: the count is the account's, not the page's.
    blocked = client.post(
        reverse("accounts:mfa-verify"), {"token": code_for(personas["ada"])}
    )
    assert b"Too many failed sign-ins for this account" in blocked.content


def test_a_client_is_throttled_across_accounts_by_key_failures(
    personas, client_for, ada_key, settings
) -> None:
    settings.SIGNIN_MAX_FAILURES_PER_CLIENT = 2
    ben_key = new_key()
    enrol(client_for("ben"), ben_key)
    ada = password_step("ada@oss.example", REMOTE_ADDR="10.2.2.2")
    _refused(
        ada,
        ada_key.sign(key_page(ada).context["options"], rp_id="x.example"),
        "wrong_rp_id",
    )
    ben = password_step("ben@oss.example", REMOTE_ADDR="10.2.2.2")
    _refused(
        ben,
        ben_key.sign(key_page(ben).context["options"], rp_id="x.example"),
        "wrong_rp_id",
    )
    response = post_answer(ben, ben_key.sign(key_page(ben).context["options"]))
    assert b"Too many failed sign-ins for this device" in response.content


# --- removal and the last factor ------------------------------------------------------


def test_the_last_second_factor_cannot_be_removed(
    personas, client_for, ada_key
) -> None:
    TOTPDevice.objects.filter(user=personas["ada"]).delete()
    stored = SecurityKey.objects.get(credential_id=ada_key.id)
    client = password_step("ada@oss.example")
    post_answer(client, ada_key.sign(key_page(client).context["options"]))
    response = reauthenticated(client).post(
        reverse("accounts:key-remove", args=[stored.pk]), follow=True
    )
    assert b"This is your only second factor" in response.content
    assert SecurityKey.objects.filter(pk=stored.pk).exists()
    assert not LedgerEvent.objects.filter(
        action="accounts.security_key_removed"
    ).exists()


def test_a_recovery_code_still_works_for_a_person_with_only_keys(
    personas, ada_key
) -> None:
    codes = services.issue_recovery_codes(personas["ada"])
    TOTPDevice.objects.filter(user=personas["ada"]).delete()
    client = password_step("ada@oss.example")
    response = client.post(
        reverse("accounts:mfa-verify") + "?method=app", {"token": codes[0], "next": "/"}
    )
    assert response["Location"] == "/"
    assert client.get(reverse("dashboard")).status_code == 200


def test_an_administrator_reset_removes_keys_too(personas, company, ada_key) -> None:
    services.reset_second_factor(
        personas["ada"], actor=personas["ivy"], company=company
    )
    assert not SecurityKey.objects.filter(user=personas["ada"]).exists()


# --- re-authentication -----------------------------------------------------------------


def test_reauthentication_accepts_the_password_and_a_key(
    personas, client_for, ada_key
) -> None:
    client = client_for("ada")
    response = client.post(
        reverse("accounts:recovery-codes-new"),
        {"return_to": reverse("accounts:security")},
    )
    assert response["Location"].startswith(reverse("accounts:confirm"))
    page = client.get(response["Location"])
    assert b"Confirm with your security key" in page.content
    options = page.context["options"]
    url = reverse("accounts:confirm") + "?next=/accounts/security/"
    wrong_password = client.post(
        url, {"password": "wrong", "credential": ada_key.sign(options)}
    )
    assert b"password or the code is not right" in wrong_password.content
    options = wrong_password.context["options"]
    other_site = client.post(
        url,
        {
            "password": PASSWORD,
            "credential": ada_key.sign(options, origin="https://evil.example"),
        },
    )
    assert b"That security key was not accepted" in other_site.content
    failed = last_event("accounts.security_key_failed")
    assert failed.data["stage"] == "reauth"
    options = other_site.context["options"]
    good = client.post(url, {"password": PASSWORD, "credential": ada_key.sign(options)})
    assert good["Location"] == "/accounts/security/"
    assert last_event("accounts.security_key_used").data["stage"] == "reauth"
    assert client.post(reverse("accounts:recovery-codes-new")).status_code == 302
    assert client.get(reverse("accounts:recovery-codes")).context["codes"]


def test_reauthentication_without_keys_is_unchanged(personas, client_for) -> None:
    client = client_for("ben")
    page = client.get(reverse("accounts:confirm"))
    assert page.context["options"] is None
    assert b"security-key.js" not in page.content
    missing = client.post(reverse("accounts:confirm"), {"password": PASSWORD})
    assert b"Enter a code from your authenticator app" in missing.content
    good = client.post(
        reverse("accounts:confirm") + "?next=/accounts/security/",
        {"password": PASSWORD, "token": code_for(personas["ben"])},
    )
    assert good["Location"] == "/accounts/security/"


# --- permissions -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(personas, ada_key) -> None:
    stored = SecurityKey.objects.get(credential_id=ada_key.id)
    client = Client()
    for method, url in (
        ("get", reverse("accounts:key-verify")),
        ("get", reverse("accounts:key-add")),
        ("post", reverse("accounts:key-add")),
        ("post", reverse("accounts:key-remove", args=[stored.pk])),
        ("get", reverse("accounts:security")),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    assert SecurityKey.objects.filter(pk=stored.pk).exists()


def test_key_pages_need_the_second_factor_first(personas, ada_key) -> None:
    stored = SecurityKey.objects.get(credential_id=ada_key.id)
    client = reauthenticated(password_step("ada@oss.example"))
    for method, url in (
        ("get", reverse("accounts:key-add")),
        ("post", reverse("accounts:key-add")),
        ("post", reverse("accounts:key-remove", args=[stored.pk])),
    ):
        response = getattr(client, method)(url)
        assert response["Location"].startswith(reverse("accounts:mfa-verify")), url
    assert SecurityKey.objects.filter(pk=stored.pk).exists()


def test_adding_and_removing_keys_needs_a_fresh_reauthentication(
    personas, client_for, ada_key
) -> None:
    stored = SecurityKey.objects.get(credential_id=ada_key.id)
    client = client_for("ada")
    assert client.get(reverse("accounts:key-add"))["Location"].startswith(
        reverse("accounts:confirm")
    )
    response = client.post(
        reverse("accounts:key-remove", args=[stored.pk]),
        {"return_to": reverse("accounts:security")},
    )
    assert response["Location"].startswith(reverse("accounts:confirm"))
    assert SecurityKey.objects.filter(pk=stored.pk).exists()


def test_a_signed_in_person_is_not_asked_for_a_key_again(personas, client_for) -> None:
    response = client_for("ada").get(
        reverse("accounts:key-verify"), {"next": "/ledger/"}
    )
    assert response["Location"] == "/ledger/"


@pytest.mark.parametrize("who", ["ben", "eve"])
def test_nobody_else_can_remove_a_persons_key(
    personas, client_for, ada_key, who
) -> None:
    stored = SecurityKey.objects.get(credential_id=ada_key.id)
    client = reauthenticated(client_for(who))
    response = client.post(reverse("accounts:key-remove", args=[stored.pk]))
    assert response.status_code == 404
    assert (
        client.get(reverse("accounts:key-remove", args=[stored.pk])).status_code == 405
    )
    assert SecurityKey.objects.filter(pk=stored.pk).exists()


def test_keys_are_personal_so_anyone_signed_in_can_add_their_own(
    personas, client_for
) -> None:
    # eve holds no role in One Stop Systems, but her account is hers to protect.
    assert enrol(client_for("eve"), new_key()).status_code == 302
    assert SecurityKey.objects.get().user == personas["eve"]
    assert (
        b"Blue key" not in client_for("ada").get(reverse("accounts:security")).content
    )


def test_the_key_list_costs_the_same_queries_for_one_key_or_many(
    personas, client_for
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("ada")
    enrol(client, new_key(), name="Key 1")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accounts:security")).status_code == 200
        return len(captured)

    one = queries()
    for n in (2, 3, 4):
        enrol(client, new_key(), name=f"Key {n}")
    assert queries() == one


# --- settings ------------------------------------------------------------------------------


def _relying_party_settings(env: dict[str, str]):
    import os
    import subprocess
    import sys
    from pathlib import Path

    names = ("SITE_URL", "WEBAUTHN_RP_ID", "WEBAUTHN_ORIGIN", "WEBAUTHN_RP_NAME")
    clean = {k: v for k, v in os.environ.items() if k not in names}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; "
            "print(s.WEBAUTHN_RP_ID, s.WEBAUTHN_ORIGIN, s.WEBAUTHN_RP_NAME)",
        ],
        env={
            **clean,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "oversight.settings",
            **env,
        },
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"SITE_URL": "https://board.example.com/"},
            "board.example.com https://board.example.com Oversight",
        ),
        (
            {"SITE_URL": "http://localhost:8000"},
            "localhost http://localhost:8000 Oversight",
        ),
        (
            {
                "SITE_URL": "https://board.example.com",
                "WEBAUTHN_RP_ID": "example.com",
                "WEBAUTHN_RP_NAME": "Audit committee",
            },
            "example.com https://board.example.com Audit committee",
        ),
    ],
)
def test_the_relying_party_comes_from_site_url_unless_set(env, expected) -> None:
    result = _relying_party_settings(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    "env",
    [
        {"SITE_URL": "https://board.example.com", "WEBAUTHN_RP_ID": "evil.example"},
        {"SITE_URL": "https://board.example.com", "WEBAUTHN_RP_ID": "ard.example.com"},
        {
            "SITE_URL": "https://board.example.com",
            "WEBAUTHN_ORIGIN": "https://board.example.com.evil.example",
        },
    ],
)
def test_a_relying_party_id_that_does_not_cover_the_origin_stops_start_up(env) -> None:
    result = _relying_party_settings(env)
    assert result.returncode != 0
    assert "WEBAUTHN_RP_ID" in result.stderr and "must be the host of" in result.stderr


def test_an_answer_naming_another_user_handle_is_refused(personas, ada_key) -> None:
    # The handle is not signed: a key that returns one must return the person's own.
    ada_key.user_handle = secrets.token_bytes(32)
    client = password_step("ada@oss.example")
    _refused(
        client,
        ada_key.sign(key_page(client).context["options"]),
        "user_handle_mismatch",
    )


def test_user_verification_is_preferred_not_required_and_is_recorded(
    personas, client_for
) -> None:
    key = new_key(user_verified=False)
    enrol(client_for("ben"), key)
    assert last_event("accounts.security_key_added").data["user_verified"] is False
    client = password_step("ben@oss.example")
    assert (
        post_answer(client, key.sign(key_page(client).context["options"]))["Location"]
        == "/"
    )
    assert last_event("accounts.security_key_used").data["user_verified"] is False
