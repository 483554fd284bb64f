"""Every change to people, companies, roles, second factors and tokens, each with its ledger event."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.models import (
    ApiToken,
    Company,
    Invitation,
    RecoveryCode,
    Role,
    RoleAssignment,
    SecurityKey,
    SignInThrottle,
    User,
)
from oversight.accounts.security_keys import (
    Challenge,
    KeyRefused,
    NewKey,
    Purpose,
    Reason,
    verify_assertion,
)
from oversight.ledger.services import record

RECOVERY_CODE_COUNT = 10


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def client_key(address: str) -> str:
    """A keyed hash of a client address: throttling never stores the address itself."""
    return hmac.new(
        settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256
    ).hexdigest()


# --- companies and roles ------------------------------------------------------


@transaction.atomic
def create_company(
    *,
    actor: User | None,
    name: str,
    slug: str,
    time_zone: str = "America/Los_Angeles",
    fiscal_year_end_month: int = 12,
    fiscal_year_end_day: int = 31,
) -> Company:
    """Create a company (a tenant) and open its ledger chain."""
    company = Company(
        name=name,
        slug=slug,
        time_zone=time_zone,
        fiscal_year_end_month=fiscal_year_end_month,
        fiscal_year_end_day=fiscal_year_end_day,
    )
    company.full_clean()
    company.save()
    record(
        "accounts.company_created",
        actor=actor,
        company=company,
        target=company,
        data={
            "name": name,
            "slug": slug,
            "fiscal_year_end": f"{fiscal_year_end_month:02}-{fiscal_year_end_day:02}",
        },
    )
    return company


@transaction.atomic
def assign_role(
    user: User,
    *,
    actor: User | None,
    company: Company,
    role: Role | str,
    starts_on: date,
    ends_on: date | None = None,
    title: str = "",
) -> RoleAssignment:
    """Give ``user`` a role in ``company`` for a period; the same role may not overlap itself."""
    role = Role(role)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "A role cannot end before it starts."})
    overlapping = RoleAssignment.objects.filter(
        user=user, company=company, role=role
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if overlapping.exists():
        raise ValidationError(
            f"{user} already holds the role {role.label} in that period."
        )
    assignment = RoleAssignment.objects.create(
        user=user,
        company=company,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        title=title,
    )
    record(
        "accounts.role_assigned",
        actor=actor,
        company=company,
        target=assignment,
        data={
            "user": user.email,
            "role": role.value,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "title": title,
        },
    )
    return assignment


ROLE_ENDED_HOOKS: list[Callable[..., object]] = []
"""Called as ``hook(user, company, on=ends_on)`` inside :func:`end_role`'s transaction.

Apps append to it in ``AppConfig.ready`` (the complaint channel revokes a departed
director's case keys), so accounts depends on no app."""


@transaction.atomic
def end_role(
    assignment: RoleAssignment, *, actor: User, ends_on: date
) -> RoleAssignment:
    """End a role on ``ends_on`` (inclusive); history is kept, never deleted."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": "A role cannot end before it starts."})
    if assignment.ends_on is not None and assignment.ends_on <= ends_on:
        raise ValidationError("This role has already ended.")
    previous = assignment.ends_on
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    record(
        "accounts.role_ended",
        actor=actor,
        company=assignment.company,
        target=assignment,
        data={
            "user": assignment.user.email,
            "role": assignment.role,
            "ends_on": ends_on,
            "previous_ends_on": previous,
        },
    )
    for hook in ROLE_ENDED_HOOKS:
        hook(assignment.user, assignment.company, on=ends_on)
    return assignment


# --- invitations --------------------------------------------------------------


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    url: str


@transaction.atomic
def invite(
    *,
    actor: User,
    company: Company,
    email: str,
    full_name: str,
    role: Role | str,
    title: str = "",
) -> IssuedInvitation:
    """Invite a person by email with a single-use link that expires."""
    email = email.strip().lower()
    role = Role(role)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        company=company,
        email=email,
        full_name=full_name,
        role=role,
        title=title,
        token_hash=_sha256(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(hours=settings.INVITATION_MAX_AGE_HOURS),
    )
    record(
        "accounts.invitation_sent",
        actor=actor,
        company=company,
        target=invitation,
        data={"email": email, "role": role.value, "expires_at": invitation.expires_at},
    )
    url = settings.SITE_URL + reverse("accounts:accept-invitation", args=[token])
    transaction.on_commit(
        lambda: send_mail(
            f"Invitation to {company.name} on Oversight",
            f"{actor} invited you to join {company.name} as {role.label}.\n\n"
            f"Accept within {settings.INVITATION_MAX_AGE_HOURS} hours: {url}\n\n"
            "The link works once. If you were not expecting it, ignore this message.",
            None,
            [email],
        )
    )
    return IssuedInvitation(invitation, url)


def find_invitation(token: str) -> Invitation | None:
    """The usable invitation behind a token, or None (used, revoked, expired or unknown)."""
    invitation = (
        Invitation.objects.select_related("company")
        .filter(token_hash=_sha256(token))
        .first()
    )
    if invitation is None or not invitation.is_usable(timezone.now()):
        return None
    return invitation


@transaction.atomic
def accept_invitation(token: str, *, full_name: str, password: str | None) -> User:
    """Use an invitation once: create (or find) the user and give them the role from today."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("company")
        .filter(token_hash=_sha256(token))
        .first()
    )
    if invitation is None or not invitation.is_usable(timezone.now()):
        raise ValidationError(
            "This invitation link is not valid: it was used, revoked or has expired."
        )
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        if not password:
            raise ValidationError({"password": "Choose a password."})
        user = User(email=invitation.email, full_name=full_name or invitation.full_name)
        user.set_password(password)
        user.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    today = timezone.localdate()
    record(
        "accounts.invitation_accepted",
        actor=user,
        company=invitation.company,
        target=invitation,
        data={"email": user.email},
    )
    assign_role(
        user,
        actor=user,
        company=invitation.company,
        role=invitation.role,
        starts_on=today,
        title=invitation.title,
    )
    return user


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, actor: User) -> None:
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError("This invitation was already used or revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        "accounts.invitation_revoked",
        actor=actor,
        company=invitation.company,
        target=invitation,
        data={"email": invitation.email},
    )


# --- sign-in ------------------------------------------------------------------


@dataclass(frozen=True)
class ThrottleState:
    blocked: bool
    retry_after_seconds: int = 0
    reason: str = ""


def _throttle_rows(email: str, client: str) -> list[tuple[str, str, int]]:
    return [
        (
            SignInThrottle.Scope.ACCOUNT,
            _sha256(email.strip().lower()),
            settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
        ),
        (SignInThrottle.Scope.CLIENT, client, settings.SIGNIN_MAX_FAILURES_PER_CLIENT),
    ]


def throttle_state(
    email: str, client: str, *, now: datetime | None = None
) -> ThrottleState:
    """Whether this account or this client has failed too often in the current window."""
    now = now or timezone.now()
    window = timedelta(seconds=settings.SIGNIN_THROTTLE_WINDOW_SECONDS)
    for scope, key, limit in _throttle_rows(email, client):
        row = SignInThrottle.objects.filter(scope=scope, key_hash=key).first()
        if row and row.failures >= limit and now < row.window_started_at + window:
            wait = int((row.window_started_at + window - now).total_seconds()) + 1
            what = (
                "this account"
                if scope == SignInThrottle.Scope.ACCOUNT
                else "this device"
            )
            return ThrottleState(
                True,
                wait,
                f"Too many failed sign-ins for {what}. Try again in {max(1, wait // 60)} minute(s).",
            )
    return ThrottleState(False)


def _count_failure(email: str, client: str, now: datetime) -> None:
    window = timedelta(seconds=settings.SIGNIN_THROTTLE_WINDOW_SECONDS)
    for scope, key, _limit in _throttle_rows(email, client):
        row, created = SignInThrottle.objects.select_for_update().get_or_create(
            scope=scope,
            key_hash=key,
            defaults={"window_started_at": now, "failures": 1},
        )
        if created:
            continue
        if now >= row.window_started_at + window:
            SignInThrottle.objects.filter(pk=row.pk).update(
                window_started_at=now, failures=1
            )
        else:
            SignInThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)


@transaction.atomic
def record_sign_in_failure(
    email: str, *, client: str, user: User | None, stage: str = "password"
) -> None:
    """Count a failed sign-in against the account and the client, and log it."""
    _count_failure(email, client, timezone.now())
    record(
        "accounts.signin_failed" if stage == "password" else "accounts.mfa_failed",
        actor=user,
        company=None,
        target=user,
        data={
            "email_hash": _sha256(email.strip().lower())[:16],
            "known_account": user is not None,
            "stage": stage,
        },
    )


@transaction.atomic
def record_sign_in(user: User, *, client: str, stage: str) -> None:
    """Log a successful sign-in step and clear the account's failure count."""
    SignInThrottle.objects.filter(
        scope=SignInThrottle.Scope.ACCOUNT, key_hash=_sha256(user.email)
    ).delete()
    record(
        "accounts.signin_succeeded" if stage == "password" else "accounts.mfa_verified",
        actor=user,
        company=None,
        target=user,
        data={"stage": stage},
    )


@transaction.atomic
def record_sign_out(user: User) -> None:
    record("accounts.signed_out", actor=user, company=None, target=user)


# --- second factor --------------------------------------------------------------


@transaction.atomic
def start_totp_enrolment(user: User) -> TOTPDevice:
    """An unconfirmed authenticator; it counts only once a code from it is confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )


@transaction.atomic
def confirm_totp_enrolment(device: TOTPDevice, token: str) -> list[str]:
    """Confirm an authenticator with a code from it; return fresh recovery codes, shown once."""
    if not device.verify_token(token.strip()):
        raise ValidationError(
            {
                "token": "That code is not valid. Check the time on your phone and try the current code."
            }
        )
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(
        pk=device.pk
    ).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(
        "accounts.mfa_enrolled",
        actor=device.user,
        company=None,
        target=device.user,
        data={"method": "totp"},
    )
    return issue_recovery_codes(device.user)


def _new_recovery_code() -> str:
    raw = secrets.token_hex(5)
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def issue_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new single-use ones, stored only as hashes."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=make_password(code)) for code in codes
    )
    record(
        "accounts.recovery_codes_issued",
        actor=user,
        company=None,
        target=user,
        data={"count": len(codes)},
    )
    return codes


@transaction.atomic
def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code; True when it was valid and unused."""
    code = code.strip().lower()
    for candidate in RecoveryCode.objects.select_for_update().filter(
        user=user, used_at__isnull=True
    ):
        if check_password(code, candidate.code_hash):
            candidate.used_at = timezone.now()
            candidate.save(update_fields=["used_at"])
            remaining = RecoveryCode.objects.filter(
                user=user, used_at__isnull=True
            ).count()
            record(
                "accounts.recovery_code_used",
                actor=user,
                company=None,
                target=user,
                data={"remaining": remaining},
            )
            return True
    return False


@transaction.atomic
def reset_second_factor(user: User, *, actor: User, company: Company) -> None:
    """An administrator removes a person's second factors so they enrol again at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    SecurityKey.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    record(
        "accounts.mfa_reset",
        actor=actor,
        company=company,
        target=user,
        data={"user": user.email},
    )


# --- security keys ----------------------------------------------------------------


def second_factor_count(user: User) -> int:
    """How many second factors a person has: an authenticator app and security keys."""
    apps: int = TOTPDevice.objects.filter(user=user, confirmed=True).count()
    keys: int = SecurityKey.objects.filter(user=user, confirmed=True).count()
    return apps + keys


@transaction.atomic
def add_security_key(user: User, *, actor: User, name: str, new: NewKey) -> SecurityKey:
    """Store a verified security key (``security_keys.verify_registration``) under a name."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the key, e.g. “Blue key on my keyring”."})
    if SecurityKey.objects.filter(credential_id=new.credential_id).exists():
        raise ValidationError("This security key is already registered.")
    key: SecurityKey = SecurityKey.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=new.credential_id,
        public_key=new.public_key,
        sign_count=new.sign_count,
        transports=new.transports,
        aaguid=new.aaguid,
        user_handle=new.user_handle,
    )
    record(
        "accounts.security_key_added",
        actor=actor,
        company=None,
        target=user,
        data={
            "key": key.pk,
            "name": name,
            "aaguid": new.aaguid,
            "transports": new.transports,
            "user_verified": new.user_verified,
        },
    )
    return key


@transaction.atomic
def remove_security_key(key: SecurityKey, *, actor: User) -> None:
    """Remove a key; the last second factor a person has cannot be removed."""
    key = SecurityKey.objects.select_for_update().select_related("user").get(pk=key.pk)
    if second_factor_count(key.user) <= 1:
        raise ValidationError(
            "This is your only second factor. Add another key or an authenticator app first."
        )
    pk, name = key.pk, key.name
    key.delete()
    record(
        "accounts.security_key_removed",
        actor=actor,
        company=None,
        target=key.user,
        data={"key": pk, "name": name},
    )


@transaction.atomic
def record_security_key_refused(
    user: User, *, stage: Purpose, refused: KeyRefused, client: str | None = None
) -> None:
    """Log a refused answer from a security key; with ``client``, count it as a failed sign-in."""
    if client is not None:
        _count_failure(user.email, client, timezone.now())
    record(
        "accounts.security_key_failed",
        actor=user,
        company=None,
        target=user,
        data={"stage": stage.value, "reason": refused.reason.value, **refused.detail},
    )


@dataclass(frozen=True)
class KeyCheck:
    """The outcome of :func:`authenticate_with_security_key`: the key, or why not."""

    key: SecurityKey | None
    reason: Reason | None = None


@transaction.atomic
def authenticate_with_security_key(
    user: User,
    *,
    credential: str,
    challenge: Challenge | None,
    client: str,
    purpose: Purpose,
) -> KeyCheck:
    """Check an answer from one of the person's keys, and record its use or its failure.

    A refusal counts against the account and client throttles like a wrong code; a sign
    count that did not increase is refused and logged as a possible cloned key.
    """
    try:
        assertion = verify_assertion(user, credential, challenge)
    except KeyRefused as refused:
        record_security_key_refused(user, stage=purpose, refused=refused, client=client)
        return KeyCheck(None, refused.reason)
    key = assertion.key
    key.sign_count = assertion.sign_count
    key.last_used_at = timezone.now()
    key.save(update_fields=["sign_count", "last_used_at"])
    record(
        "accounts.security_key_used",
        actor=user,
        company=None,
        target=user,
        data={
            "key": key.pk,
            "name": key.name,
            "stage": purpose.value,
            "sign_count": assertion.sign_count,
            "user_verified": assertion.user_verified,
        },
    )
    if purpose is Purpose.SIGN_IN:
        record_sign_in(user, client=client, stage="security_key")
    return KeyCheck(key)


# --- API tokens -----------------------------------------------------------------


TOKEN_PREFIX = "ovs_"  # noqa: S105 (a public prefix, not a secret)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once


def hash_token(secret: str) -> str:
    return _sha256(secret)


@transaction.atomic
def create_api_token(
    *, actor: User, company: Company, name: str, days: int
) -> IssuedToken:
    """A personal token for one company; the secret is returned once and stored as a hash."""
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": f"A token lasts between 1 and {settings.API_TOKEN_MAX_DAYS} days."}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        company=company,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        "accounts.api_token_created",
        actor=actor,
        company=company,
        target=token,
        data={"name": name, "expires_at": token.expires_at},
    )
    return IssuedToken(token, secret)


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User) -> None:
    if token.revoked_at is not None:
        raise ValidationError("This token was already revoked.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        "accounts.api_token_revoked",
        actor=actor,
        company=token.company,
        target=token,
        data={"name": token.name},
    )
