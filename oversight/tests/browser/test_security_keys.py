"""A security key in a real browser: Chromium's virtual authenticator (DevTools protocol).

ben signs in with his password and authenticator code, registers a key on the security
page, signs out, signs in again with the password and the key, confirms a sensitive
action (removing the key) with his password and the key, and removes it. Every page the key
touches is checked with axe; the network guard fails the test on any request that
leaves the machine, any CSP violation (the page's script is our own static file) and
any uncaught error.
"""

from __future__ import annotations

import base64

import pytest
from webauthn.helpers import base64url_to_bytes

from oversight.accounts.models import SecurityKey
from oversight.ledger.models import LedgerEvent
from oversight.testing import PASSWORD
from oversight.tests.browser.harness import (
    axe_check,
    format_violations,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _accessible(page) -> None:
    violations = axe_check(page)
    assert violations == [], format_violations(violations)


def test_a_security_key_is_enrolled_and_signs_in(
    live_server, page, personas, settings
) -> None:
    # WebAuthn needs a domain for the RP id: the live server answers on localhost.
    settings.WEBAUTHN_RP_ID = "localhost"
    settings.WEBAUTHN_ORIGIN = live_server.url
    base = live_server.url
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    sign_in(page, base, "ben@oss.example")
    page.goto(base + "/accounts/security/")
    page.get_by_role("link", name="Add a security key").click()
    # Just verified with a code, so no second confirmation is asked for yet.
    page.wait_for_url("**/accounts/security/keys/add/")
    _accessible(page)
    page.get_by_role("button", name="Register the key").click()
    assert page.get_by_text("Fill in “Name of the key” first.").is_visible()
    page.get_by_label("Name of the key").fill("Laptop passkey")
    page.get_by_role("button", name="Register the key").click()
    page.wait_for_url(base + "/accounts/security/")
    assert page.get_by_text("The security key “Laptop passkey” was added.").is_visible()
    assert page.get_by_role("cell", name="Laptop passkey", exact=True).is_visible()
    _accessible(page)
    screenshot(page, "security-keys")

    stored = SecurityKey.objects.get(user=personas["ben"])
    credentials = devtools.send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator}
    )["credentials"]
    # The browser's authenticator holds the very credential the server stored.
    assert [base64.b64decode(c["credentialId"]) for c in credentials] == [
        base64url_to_bytes(stored.credential_id)
    ]

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sign-in/")
    page.get_by_label("Email").fill("ben@oss.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/verify/key/**")
    assert page.get_by_role("link", name="Use your authenticator app instead")
    _accessible(page)
    page.get_by_role("button", name="Use your security key").click()
    page.wait_for_url(base + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "One Stop Systems, Inc."

    used = LedgerEvent.objects.filter(
        action="accounts.security_key_used", actor=personas["ben"]
    ).get()
    assert used.data["stage"] == "sign-in"
    assert used.data["user_verified"] is True
    stored.refresh_from_db()
    assert stored.last_used_at is not None

    # A sensitive action asks again; the key answers for the code.
    settings.REAUTH_MAX_AGE_SECONDS = 0
    page.goto(base + "/accounts/security/")
    page.get_by_role("button", name="Remove Laptop passkey").click()
    page.wait_for_url("**/accounts/confirm/**")
    settings.REAUTH_MAX_AGE_SECONDS = 300
    _accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm with your security key").click()
    page.wait_for_url(base + "/accounts/security/")
    page.get_by_role("button", name="Remove Laptop passkey").click()
    page.wait_for_url(base + "/accounts/security/")
    assert page.get_by_text(
        "The security key “Laptop passkey” was removed."
    ).is_visible()
    assert page.get_by_text("No security keys yet.").is_visible()

    actions = list(
        LedgerEvent.objects.filter(actor=personas["ben"])
        .filter(action__startswith="accounts.security_key_")
        .values_list("action", "data__stage")
    )
    assert actions == [
        ("accounts.security_key_added", None),
        ("accounts.security_key_used", "sign-in"),
        ("accounts.security_key_used", "reauth"),
        ("accounts.security_key_removed", None),
    ]
    assert not SecurityKey.objects.filter(user=personas["ben"]).exists()
