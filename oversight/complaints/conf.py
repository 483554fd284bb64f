"""The channel's secrets and per-process state, read from settings.

``COMPLAINTS_PEPPER`` (or ``COMPLAINTS_PEPPER_FILE``) is the one secret kept outside
the database: it keys the receipt verifiers, the holder tags, the form nonces and
the proof-of-work MACs (each through its own libsodium KDF subkey). Without it a
database dump is no oracle for receipts and does not say who holds which case.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import nacl.hash
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.encoding import RawEncoder

from oversight.complaints import abuse, crypto

_CONTEXT = b"ovscomp1"
_VERIFIER, _TAGS, _NONCES, _GUARD, _SESSIONS, _KEY_MACS, _REPORTER = 1, 2, 3, 4, 5, 6, 7


def public_key_mac(kind: str, owner_id: int, public_key: bytes) -> str:
    """Keyed BLAKE2b over ``kind | owner | public key``: a public key written into the
    database by anyone without the pepper does not verify, so nothing is wrapped to it."""
    message = crypto._ad(kind.encode(), str(owner_id).encode(), public_key)
    return nacl.hash.blake2b(
        message, digest_size=32, key=_subkey(_KEY_MACS), encoder=RawEncoder
    ).hex()


def reporter_seed_key() -> bytes:
    return _subkey(_REPORTER)


def shred_key_dir() -> Path:
    """Where each case's shred key lives: outside the database, and outside its backups.

    ``COMPLAINTS_SHRED_KEY_DIR`` (default ``var/complaint-shred-keys``). Back it up, if
    at all, separately and for a short time: as long as a copy of a key file exists,
    a database backup from before that case was shredded can still be opened by a
    holder of the case.
    """
    configured = getattr(settings, "COMPLAINTS_SHRED_KEY_DIR", None)
    return (
        Path(configured)
        if configured
        else Path(settings.VAR_DIR) / "complaint-shred-keys"
    )


@cache
def _master() -> bytes:
    raw = getattr(settings, "COMPLAINTS_PEPPER", "") or os.environ.get(
        "COMPLAINTS_PEPPER", ""
    )
    file_name = os.environ.get("COMPLAINTS_PEPPER_FILE")
    if file_name:
        raw = Path(file_name).read_text().strip()
    if not raw:
        if not (settings.DEBUG or getattr(settings, "TESTING", False)):
            raise ImproperlyConfigured(
                "COMPLAINTS_PEPPER is required when DEBUG is off (32+ random characters)."
            )
        raw = "development-only:" + settings.SECRET_KEY
    if len(raw) < 32:
        raise ImproperlyConfigured("COMPLAINTS_PEPPER must be at least 32 characters.")
    return nacl.hash.blake2b(
        raw.encode(), digest_size=32, person=b"ovs-pepper-v1", encoder=RawEncoder
    )


@cache
def _subkey(subkey_id: int) -> bytes:
    return crypto.kdf_derive(_master(), subkey_id, _CONTEXT)


def verifier_pepper() -> bytes:
    return _subkey(_VERIFIER)


def nonce_key() -> bytes:
    return _subkey(_NONCES)


def session_key() -> bytes:
    return _subkey(_SESSIONS)


def holder_tag(user_id: int) -> str:
    """An opaque, stable tag for a key holder: keyed BLAKE2b of the user id."""
    return nacl.hash.blake2b(
        str(user_id).encode(), digest_size=32, key=_subkey(_TAGS), encoder=RawEncoder
    ).hex()


def pending_tag(user_id: int) -> str:
    """The tag of a wrap recovered for a user and not yet proven: it names no holder
    until the user's own key opens it and it opens the case (see services)."""
    return nacl.hash.blake2b(
        f"pending:{user_id}".encode(),
        digest_size=32,
        key=_subkey(_TAGS),
        encoder=RawEncoder,
    ).hex()


BINDING_SEED_VARIABLE = "OVERSIGHT_POW_BINDING_SEED"
"""Set by gunicorn's arbiter at start (deploy/gunicorn.conf.py) for its workers to share;
without it each process draws its own, which suits a single process."""

_THREADS_KEPT_FREE = 4


def tarpit_slots() -> int:
    """Held answers per process: the setting, but never closer than 4 to the server's
    threads (``GUNICORN_THREADS`` when gunicorn runs us), so they cannot put every
    thread to sleep whatever the two settings say."""
    configured = int(getattr(settings, "COMPLAINTS_TARPIT_SLOTS", 8))
    threads = os.environ.get("GUNICORN_THREADS", "")
    if threads.isdigit():
        return max(0, min(configured, int(threads) - _THREADS_KEPT_FREE))
    return configured


@cache
def guard() -> abuse.Guard:
    """This process's abuse guard (state in memory only), rotated on a timer too."""
    policy = abuse.Policy(
        tarpit_seconds=float(getattr(settings, "COMPLAINTS_TARPIT_SECONDS", 1)),
        tarpit_slots=tarpit_slots(),
    )
    seed = os.environ.get(BINDING_SEED_VARIABLE, "")
    made = abuse.Guard(
        _subkey(_GUARD),
        policy=policy,
        binding_seed=bytes.fromhex(seed) if len(seed) == 64 else None,
    )
    abuse.start_rotation_timer(made)
    return made


def blob_dir() -> Path:
    """Where attachment bodies live, one encrypted file each (OVS2 under the case key).

    ``COMPLAINTS_BLOB_DIR`` (default ``var/complaint-blobs``). Back it up with the
    database: a row without its blob is a file lost.
    """
    configured = getattr(settings, "COMPLAINTS_BLOB_DIR", None)
    return (
        Path(configured) if configured else Path(settings.VAR_DIR) / "complaint-blobs"
    )


def upload_tmp_dir() -> Path:
    """Where uploads are spooled, encrypted, while a request lasts (mode 0700).

    ``COMPLAINTS_UPLOAD_TMP_DIR`` (default ``var/complaint-uploads``). Never back it up:
    its files are removed at the end of their request and open with nothing kept.
    """
    configured = getattr(settings, "COMPLAINTS_UPLOAD_TMP_DIR", None)
    return (
        Path(configured) if configured else Path(settings.VAR_DIR) / "complaint-uploads"
    )


def private_dir(path: Path) -> Path:
    """``path``, created if need be, readable by this user only (mode 0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def max_file_bytes() -> int:
    return int(getattr(settings, "COMPLAINTS_MAX_FILE_BYTES", 100 * 1024 * 1024))


def max_report_bytes() -> int:
    return int(getattr(settings, "COMPLAINTS_MAX_REPORT_BYTES", 500 * 1024 * 1024))


ALLOWED_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "message/rfc822",
}
