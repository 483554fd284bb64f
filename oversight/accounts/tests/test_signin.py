"""Sign-in: passwords, throttling, the second factor, recovery codes, re-authentication, sessions."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import services
from oversight.accounts.decorators import SESSION_REAUTH_AT
from oversight.accounts.models import ApiToken, Invitation, RecoveryCode
from oversight.ledger.models import LedgerEvent
from oversight.testing import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(
        reverse("accounts:login"), {"email": email, "password": password}
    )


def test_password_then_code_reaches_the_dashboard(personas) -> None:
    client = Client()
    response = sign_in(client, "ada@oss.example")
    assert response.status_code == 302
    # The dashboard sends an unverified person to the second factor.
    response = client.get(reverse("dashboard"))
    assert response["Location"].startswith(reverse("accounts:mfa-verify"))
    response = client.post(
        reverse("accounts:mfa-verify"), {"token": code_for(personas["ada"])}
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    actions = list(
        LedgerEvent.objects.filter(chain="system").values_list("action", flat=True)
    )
    assert actions[-2:] == ["accounts.signin_succeeded", "accounts.mfa_verified"]


def test_a_wrong_password_says_so_and_is_logged(personas) -> None:
    response = sign_in(Client(), "ada@oss.example", "wrong-password")
    assert response.status_code == 200
    assert b"email address or password is not right" in response.content
    event = LedgerEvent.objects.filter(chain="system").latest("seq")
    assert event.action == "accounts.signin_failed"
    assert event.data["known_account"] is True
    assert "ada@oss.example" not in str(event.data)


def test_an_unknown_email_fails_the_same_way(personas) -> None:
    response = sign_in(Client(), "nobody@oss.example", "whatever-password")
    assert b"email address or password is not right" in response.content
    assert (
        LedgerEvent.objects.filter(chain="system").latest("seq").data["known_account"]
        is False
    )


def test_an_account_is_throttled_after_repeated_failures_with_a_clear_message(
    personas, settings
) -> None:
    for _ in range(settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT):
        sign_in(Client(REMOTE_ADDR="10.0.0.1"), "ben@oss.example", "wrong-password")
    # Even the right password from another client is refused while the account cools down.
    response = sign_in(Client(REMOTE_ADDR="10.0.0.2"), "ben@oss.example")
    assert b"Too many failed sign-ins for this account" in response.content
    # Other accounts are unaffected: no global lockout.
    assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), "ada@oss.example").status_code == 302


def test_the_throttle_window_expires(personas, settings) -> None:
    with time_machine.travel("2026-05-01 09:00", tick=False):
        for _ in range(settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT):
            sign_in(Client(), "ben@oss.example", "wrong-password")
        assert b"Too many" in sign_in(Client(), "ben@oss.example").content
    with time_machine.travel("2026-05-01 09:16", tick=False):
        assert sign_in(Client(), "ben@oss.example").status_code == 302


def test_a_client_is_throttled_across_accounts(personas, settings) -> None:
    settings.SIGNIN_MAX_FAILURES_PER_CLIENT = 3
    for name in ("ada", "ben", "fay"):
        sign_in(Client(REMOTE_ADDR="10.9.9.9"), f"{name}@oss.example", "wrong-password")
    response = sign_in(Client(REMOTE_ADDR="10.9.9.9"), "gus@oss.example")
    assert b"Too many failed sign-ins for this device" in response.content
    assert (
        sign_in(Client(REMOTE_ADDR="10.9.9.10"), "gus@oss.example").status_code == 302
    )


def test_throttle_rows_never_hold_the_address(personas) -> None:
    from oversight.accounts.models import SignInThrottle

    sign_in(Client(REMOTE_ADDR="192.0.2.77"), "ada@oss.example", "wrong-password")
    assert not any("192.0.2.77" in row.key_hash for row in SignInThrottle.objects.all())


def test_a_wrong_code_is_refused_and_logged(personas) -> None:
    client = Client()
    sign_in(client, "ada@oss.example")
    response = client.post(reverse("accounts:mfa-verify"), {"token": "000000"})
    assert b"That code is not valid" in response.content
    assert (
        LedgerEvent.objects.filter(chain="system").latest("seq").action
        == "accounts.mfa_failed"
    )
    assert client.get(reverse("dashboard")).status_code == 302


def test_recovery_codes_work_once(personas) -> None:
    codes = services.issue_recovery_codes(personas["ada"])
    assert len(codes) == 10
    assert not RecoveryCode.objects.filter(
        code_hash__in=codes
    ).exists()  # stored hashed
    client = Client()
    sign_in(client, "ada@oss.example")
    assert (
        client.post(reverse("accounts:mfa-verify"), {"token": codes[0]}).status_code
        == 302
    )
    assert client.get(reverse("dashboard")).status_code == 200
    again = Client()
    sign_in(again, "ada@oss.example")
    assert (
        b"That code is not valid"
        in again.post(reverse("accounts:mfa-verify"), {"token": codes[0]}).content
    )


def test_a_new_person_enrols_an_authenticator_with_a_qr_code(personas) -> None:
    TOTPDevice.objects.filter(user=personas["ben"]).delete()
    client = Client()
    sign_in(client, "ben@oss.example")
    response = client.get(reverse("dashboard"))
    assert response["Location"].startswith(reverse("accounts:mfa-enrol"))
    page = client.get(reverse("accounts:mfa-enrol"))
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=personas["ben"], confirmed=False)
    assert b"000000" not in page.content
    bad = client.post(reverse("accounts:mfa-enrol"), {"token": "123456"})
    assert b"That code is not valid" in bad.content
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:mfa-enrol"), {"token": code})
    assert response["Location"] == reverse("accounts:recovery-codes")
    codes_page = client.get(reverse("accounts:recovery-codes"))
    assert (
        len(re.findall(rb"<li>[0-9a-f]{5}-[0-9a-f]{5}</li>", codes_page.content)) == 10
    )
    # Shown once.
    assert not re.findall(
        rb"<li>[0-9a-f]{5}-[0-9a-f]{5}</li>",
        client.get(reverse("accounts:recovery-codes")).content,
    )
    assert client.get(reverse("dashboard")).status_code == 200
    assert LedgerEvent.objects.filter(
        action="accounts.mfa_enrolled", actor=personas["ben"]
    ).exists()


def test_sensitive_actions_ask_for_the_password_and_a_code_again(
    personas, client_for
) -> None:
    client = client_for("ada")
    url = reverse("accounts:recovery-codes-new")
    response = client.post(url, {"return_to": reverse("accounts:security")})
    assert response["Location"].startswith(reverse("accounts:confirm"))
    assert "next=%2Faccounts%2Fsecurity%2F" in response["Location"]
    bad = client.post(
        reverse("accounts:confirm"),
        {"password": "wrong", "token": code_for(personas["ada"])},
    )
    assert b"password or the code is not right" in bad.content
    good = client.post(
        reverse("accounts:confirm") + "?next=/accounts/security/",
        {"password": PASSWORD, "token": code_for(personas["ada"])},
    )
    assert good["Location"] == "/accounts/security/"
    assert client.post(url).status_code == 302
    assert client.get(reverse("accounts:recovery-codes")).status_code == 200


def test_reauthentication_expires(personas, client_for, settings) -> None:
    client = client_for("ada")
    session = client.session
    session[SESSION_REAUTH_AT] = time.time() - settings.REAUTH_MAX_AGE_SECONDS - 1
    session.save()
    response = client.post(reverse("accounts:recovery-codes-new"))
    assert response["Location"].startswith(reverse("accounts:confirm"))


def test_sessions_end_after_inactivity(personas, client_for, settings) -> None:
    with time_machine.travel("2026-05-01 09:00", tick=False):
        client = client_for("ada")
        assert client.get(reverse("dashboard")).status_code == 200
    with time_machine.travel("2026-05-01 09:29", tick=False):
        assert client.get(reverse("dashboard")).status_code == 200
    with time_machine.travel("2026-05-01 10:00", tick=False):
        response = client.get(reverse("dashboard"))
        assert response["Location"].startswith(reverse("accounts:login"))


def test_sign_out_clears_the_session(personas, client_for) -> None:
    client = client_for("ada")
    assert client.get(reverse("accounts:logout")).status_code == 405  # POST only
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get(reverse("dashboard")).status_code == 302
    assert (
        LedgerEvent.objects.filter(chain="system").latest("seq").action
        == "accounts.signed_out"
    )


def test_switching_company_is_explicit_and_checked(
    personas, client_for, company, other_company
) -> None:
    from oversight.accounts.models import Role
    from oversight.accounts.services import assign_role

    assign_role(
        personas["ada"],
        actor=None,
        company=other_company,
        role=Role.MEMBER,
        starts_on=date(2020, 1, 1),
    )
    client = client_for("ada")
    client.post(reverse("accounts:switch-company"), {"company": company.pk})
    assert (
        b'<option value="%d" selected>One Stop' % company.pk
        in client.get(reverse("dashboard")).content
    )
    response = client.post(
        reverse("accounts:switch-company"), {"company": other_company.pk}
    )
    assert response.status_code == 302
    page = client.get(reverse("dashboard")).content
    assert b'<option value="%d" selected>Northwind' % other_company.pk in page
    # A company where one holds no role cannot be switched to.
    assert (
        client_for("ben")
        .post(reverse("accounts:switch-company"), {"company": other_company.pk})
        .status_code
        == 404
    )
    assert (
        client.post(reverse("accounts:switch-company"), {"company": "x"}).status_code
        == 302
    )


def test_an_invitation_brings_a_person_in_once(
    personas, client_for, company, django_capture_on_commit_callbacks
) -> None:
    ivy = client_for("ivy")
    with django_capture_on_commit_callbacks(execute=True):
        ivy.post(
            reverse("accounts:invite"),
            {
                "email": "Nia@OSS.example",
                "full_name": "Nia Newmember",
                "role": "member",
            },
        )
    invitation = Invitation.objects.get(email="nia@oss.example")
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/invitation/(\S+)/", mail.outbox[0].body)
    token = link.group(1)
    assert invitation.token_hash != token
    client = Client()
    page = client.get(reverse("accounts:accept-invitation", args=[token]))
    assert b"Join One Stop Systems" in page.content
    weak = client.post(
        reverse("accounts:accept-invitation", args=[token]),
        {"full_name": "Nia", "password": "short", "password_again": "short"},
    )
    assert weak.status_code == 200 and b"too short" in weak.content
    response = client.post(
        reverse("accounts:accept-invitation", args=[token]),
        {
            "full_name": "Nia Newmember",
            "password": "a-long-enough-passphrase",
            "password_again": "a-long-enough-passphrase",
        },
    )
    assert response["Location"] == reverse("accounts:mfa-enrol")
    from oversight.accounts.models import User

    nia = User.objects.get(email="nia@oss.example")
    assert nia.role_assignments.get(company=company).role == "member"
    assert (
        Client().get(reverse("accounts:accept-invitation", args=[token])).status_code
        == 404
    )


def test_an_expired_invitation_does_not_work(personas, company) -> None:
    issued = services.invite(
        actor=personas["ivy"],
        company=company,
        email="late@oss.example",
        full_name="Late",
        role="member",
    )
    token = issued.url.rstrip("/").rsplit("/", 1)[1]
    with time_machine.travel(issued.invitation.expires_at, tick=False):
        assert (
            Client()
            .get(reverse("accounts:accept-invitation", args=[token]))
            .status_code
            == 404
        )


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(
    personas, client_for
) -> None:
    client = client_for("cleo")
    response = client.post(
        reverse("accounts:api-tokens"), {"name": "exports", "days": 30}
    )
    secret = re.search(rb"ovs_[A-Za-z0-9_\-]+", response.content).group().decode()
    token = ApiToken.objects.get(name="exports")
    assert token.token_hash != secret and secret not in token.token_hash
    assert secret.encode() not in client.get(reverse("accounts:api-tokens")).content
    assert (
        client.post(
            reverse("accounts:api-tokens"), {"name": "", "days": 999}
        ).status_code
        == 400
    )
    # Someone else cannot revoke it; the owner can.
    assert (
        client_for("ada")
        .post(reverse("accounts:revoke-api-token", args=[token.pk]))
        .status_code
        == 404
    )
    assert (
        client_for("eve")
        .post(reverse("accounts:revoke-api-token", args=[token.pk]))
        .status_code
        == 404
    )
    assert (
        client.post(reverse("accounts:revoke-api-token", args=[token.pk])).status_code
        == 302
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
