"""Security keys (WebAuthn): the options a page hands the browser and the checks on its answer.

Nothing here writes to the database; ``services`` records keys, their use and failures.
Challenges live in the session, one per purpose, for ``CHALLENGE_MAX_AGE_SECONDS`` at
most, and are taken out (so used once) whether the answer is good or not.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import (
    InvalidAuthenticatorDataStructure,
    InvalidCBORData,
    InvalidJSONStructure,
    WebAuthnException,
)
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from oversight.accounts.models import SecurityKey, User

SESSION_CHALLENGES = "oversight_webauthn_challenges"
# What the browser is told to wait for the person, and how long the server keeps the
# challenge: a little longer, for the round trip.
TIMEOUT_MS = 60_000
CHALLENGE_MAX_AGE_SECONDS = 120
CHALLENGE_BYTES = 32
USER_HANDLE_BYTES = 32


class Purpose(StrEnum):
    SIGN_IN = "sign-in"
    REAUTH = "reauth"
    ENROL = "enrol"


class Reason(StrEnum):
    """Why an answer from a security key was refused; recorded in the ledger."""

    NO_CHALLENGE = "no_challenge"  # none issued, already used, or expired
    MALFORMED = "malformed"
    UNKNOWN_KEY = "unknown_key"  # not one of this person's keys (or removed)
    WRONG_CHALLENGE = "wrong_challenge"
    WRONG_ORIGIN = "wrong_origin"
    WRONG_RP_ID = "wrong_rp_id"
    BAD_SIGNATURE = "bad_signature"
    USER_HANDLE_MISMATCH = "user_handle_mismatch"
    SIGN_COUNT_NOT_INCREASED = "sign_count_not_increased"  # a possible cloned key
    INVALID = "invalid"


class KeyRefused(Exception):
    """The answer from a key was refused, with the reason and what the ledger keeps."""

    def __init__(self, reason: Reason, detail: dict[str, Any] | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.detail = detail or {}


@dataclass(frozen=True)
class Challenge:
    """A challenge taken from the session, with the user handle the options carried."""

    value: bytes
    user_handle: str = ""


@dataclass(frozen=True)
class NewKey:
    """A verified registration, ready to store."""

    credential_id: str
    public_key: bytes
    sign_count: int
    transports: list[str]
    aaguid: str
    user_handle: str
    user_verified: bool


@dataclass(frozen=True)
class Assertion:
    """A verified answer from one of the person's keys."""

    key: SecurityKey
    sign_count: int
    user_verified: bool


# --- challenges -----------------------------------------------------------------


def _issue_challenge(
    session: SessionBase, purpose: Purpose, user_handle: str = ""
) -> bytes:
    challenge = secrets.token_bytes(CHALLENGE_BYTES)
    challenges = dict(session.get(SESSION_CHALLENGES, {}))
    challenges[purpose.value] = {
        "challenge": bytes_to_base64url(challenge),
        "at": time.time(),
        "user_handle": user_handle,
    }
    session[SESSION_CHALLENGES] = challenges
    return challenge


def take_challenge(session: SessionBase, purpose: Purpose) -> Challenge | None:
    """The challenge issued for ``purpose``, removed from the session; None if absent or stale."""
    challenges = dict(session.get(SESSION_CHALLENGES, {}))
    entry = challenges.pop(purpose.value, None)
    session[SESSION_CHALLENGES] = challenges
    if not isinstance(entry, dict):
        return None
    if time.time() - float(entry.get("at", 0)) > CHALLENGE_MAX_AGE_SECONDS:
        return None
    return Challenge(
        base64url_to_bytes(str(entry["challenge"])), str(entry.get("user_handle", ""))
    )


# --- options ----------------------------------------------------------------------


def keys_of(user: User) -> list[SecurityKey]:
    return list(SecurityKey.objects.filter(user=user, confirmed=True))


def _descriptors(keys: list[SecurityKey]) -> list[PublicKeyCredentialDescriptor]:
    descriptors = []
    for key in keys:
        transports = []
        for value in key.transports:
            try:
                transports.append(AuthenticatorTransport(value))
            except ValueError:
                continue
        descriptors.append(
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(key.credential_id), transports=transports or None
            )
        )
    return descriptors


def user_handle_for(user: User) -> str:
    """The person's random user handle: the one their keys carry, or a new one."""
    existing = (
        SecurityKey.objects.filter(user=user)
        .values_list("user_handle", flat=True)
        .first()
    )
    return existing or bytes_to_base64url(secrets.token_bytes(USER_HANDLE_BYTES))


def registration_options(user: User, session: SessionBase) -> dict[str, Any]:
    """Options for ``navigator.credentials.create``, with a fresh challenge in the session.

    Resident (discoverable) keys are discouraged: the key is a second factor after the
    password, so the server always names the credentials it accepts, and a hardware key
    keeps its few resident slots and does not store the person's email address.
    """
    handle = user_handle_for(user)
    options = generate_registration_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_id=base64url_to_bytes(handle),
        user_name=user.email,
        user_display_name=user.get_full_name(),
        challenge=_issue_challenge(session, Purpose.ENROL, handle),
        timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(keys_of(user)),
    )
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


def authentication_options(
    user: User, session: SessionBase, purpose: Purpose
) -> dict[str, Any]:
    """Options for ``navigator.credentials.get`` naming the person's keys, fresh challenge."""
    options = generate_authentication_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        challenge=_issue_challenge(session, purpose),
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(keys_of(user)),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


# --- verification -----------------------------------------------------------------


def _reason_for(exc: Exception) -> Reason:
    if not isinstance(exc, WebAuthnException) or isinstance(
        exc,
        InvalidJSONStructure | InvalidCBORData | InvalidAuthenticatorDataStructure,
    ):
        return Reason.MALFORMED
    text = str(exc).lower()
    for needle, reason in (
        ("challenge", Reason.WRONG_CHALLENGE),
        ("origin", Reason.WRONG_ORIGIN),
        ("rp id", Reason.WRONG_RP_ID),
        ("signature", Reason.BAD_SIGNATURE),
        ("malformed", Reason.MALFORMED),
    ):
        if needle in text:
            return reason
    return Reason.INVALID


def _parse(credential: str) -> dict[str, Any]:
    try:
        data = json.loads(credential)
    except ValueError:
        raise KeyRefused(Reason.MALFORMED) from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise KeyRefused(Reason.MALFORMED)
    return data


def verify_registration(credential: str, challenge: Challenge | None) -> NewKey:
    """Check the browser's answer to :func:`registration_options`; raise :class:`KeyRefused`."""
    if challenge is None or not challenge.user_handle:
        raise KeyRefused(Reason.NO_CHALLENGE)
    data = _parse(credential)
    try:
        verified = verify_registration_response(
            credential=data,
            expected_challenge=challenge.value,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGIN,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise KeyRefused(_reason_for(exc)) from None
    response = data.get("response")
    raw = response.get("transports") if isinstance(response, dict) else None
    transports = [
        t for t in (raw if isinstance(raw, list) else []) if t in _KNOWN_TRANSPORTS
    ]
    return NewKey(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=transports,
        aaguid=verified.aaguid,
        user_handle=challenge.user_handle,
        user_verified=verified.user_verified,
    )


_KNOWN_TRANSPORTS = frozenset(t.value for t in AuthenticatorTransport)


def verify_assertion(
    user: User, credential: str, challenge: Challenge | None
) -> Assertion:
    """Check the browser's answer to :func:`authentication_options`; raise :class:`KeyRefused`.

    The signature, challenge, origin and RP id are checked by py_webauthn. The sign
    count is checked here, after the signature, so that only an answer genuinely made
    with the key's private key can be reported as a possible clone: when the key
    reports counts, each use must show a larger one than the last.
    """
    if challenge is None:
        raise KeyRefused(Reason.NO_CHALLENGE)
    data = _parse(credential)
    key = (
        SecurityKey.objects.select_for_update()
        .filter(user=user, confirmed=True, credential_id=data["id"])
        .first()
    )
    if key is None:
        raise KeyRefused(Reason.UNKNOWN_KEY)
    try:
        verified = verify_authentication_response(
            credential=data,
            expected_challenge=challenge.value,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGIN,
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=0,  # compared below, after the signature
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise KeyRefused(_reason_for(exc), {"key": key.pk}) from None
    handle = data.get("response", {}).get("userHandle")
    if handle and handle != key.user_handle:
        raise KeyRefused(Reason.USER_HANDLE_MISMATCH, {"key": key.pk})
    new, stored = verified.new_sign_count, key.sign_count
    if (new > 0 or stored > 0) and new <= stored:
        raise KeyRefused(
            Reason.SIGN_COUNT_NOT_INCREASED,
            {
                "key": key.pk,
                "possible_clone": True,
                "stored_sign_count": stored,
                "received_sign_count": new,
            },
        )
    return Assertion(key=key, sign_count=new, user_verified=verified.user_verified)
