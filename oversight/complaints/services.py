"""Every change to the complaint register: atomic, and recorded in the case's own chain.

Recipients act with their unlocked private key (``RecipientPrivateKey``); nothing here
can open a case without one, and nothing stores a key in clear. Reporter actions are
stored with dates only; they reach the ledger through the daily job, so no stored
instant says when a reporter acted.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import io
import itertools
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import nacl.exceptions
import nacl.hash
import nacl.public
import nacl.utils
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.db.models import F
from django.views.decorators.debug import sensitive_variables

from oversight.accounts.models import Company, Role, RoleAssignment, User
from oversight.accounts.permissions import can
from oversight.accounts.queries import company_today, holders_of, roles_in
from oversight.complaints import ceremony, conf, crypto
from oversight.complaints.models import (
    Attachment,
    Case,
    Category,
    Channel,
    DeletionRecord,
    Grant,
    Message,
    Note,
    ReceiptFailures,
    RecipientKey,
    RecoveryCustodian,
    RecoveryRequest,
    ReporterSession,
    Status,
    WrappedKey,
)
from oversight.complaints.uploads import Spool
from oversight.ledger.services import record
from oversight.rules.complaints.policy import ComplaintPolicy
from oversight.rules.complaints.retention import Retention, retention
from oversight.rules.complaints.statistics import quarter_of

logger = logging.getLogger("oversight.complaints")
RECIPIENT_ROLES = {Role.CHAIR, Role.MEMBER}
CONCERNABLE_ROLES = {Role.CHAIR, Role.MEMBER, Role.MANAGEMENT, Role.INTERNAL_AUDIT}
_ID_ALPHABET = crypto.RECEIPT_ALPHABET


def _random_id(prefix: str, length: int = 12) -> str:
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def policy_of(channel: Channel) -> ComplaintPolicy:
    return ComplaintPolicy(
        acknowledge_days=channel.acknowledge_days,
        feedback_months=channel.feedback_months,
        retention_years=channel.retention_years,
    )


# --- set-up ------------------------------------------------------------------------


@dataclass(frozen=True)
class CustodianInput:
    """A custodian to register: a label, the public key text the CLI printed, a person."""

    label: str
    public_key: str
    person: User | None = None


def _check_custodian(channel_company: Company, item: CustodianInput, on: date) -> bytes:
    try:
        public = crypto.parse_public_key(item.public_key)
    except ValueError as error:
        raise ValidationError(f"{item.label}: {error}.") from None
    if not item.label.strip():
        raise ValidationError("Name each custodian (e.g. Outside counsel).")
    if item.person is not None and item.person.pk in {
        u.pk for u in holders_of(channel_company, RECIPIENT_ROLES, on=on)
    }:
        raise ValidationError(
            "A recovery custodian must not be a committee member: choose outside "
            "counsel or an independent director who is not on the committee."
        )
    if RecipientKey.objects.filter(public_key=public).exists():
        raise ValidationError(
            "That is a person's own complaint key, not a recovery key."
        )
    return public


def _add_custodian(
    channel: Channel, item: CustodianInput, *, actor: User, on: date
) -> RecoveryCustodian:
    public = _check_custodian(channel.company, item, on)
    if any(
        bytes(c.public_key) == public
        for c in channel.custodians.filter(retired_on=None)
    ):
        raise ValidationError("That recovery key is already registered.")
    custodian = RecoveryCustodian.objects.create(
        channel=channel,
        label=item.label.strip()[:120],
        person=item.person,
        public_key=public,
        registered_on=on,
    )
    custodian.mac = conf.public_key_mac("custodian", custodian.pk, public)
    custodian.save(update_fields=["mac"])
    record(
        "complaints.custodian_registered",
        actor=actor,
        company=channel.company,
        target=custodian,
        data={"label": custodian.label, "fingerprint": fingerprint(public)},
    )
    return custodian


fingerprint = ceremony.fingerprint
"""A short, printable fingerprint of a public key, to compare with the custodian's kit
or the one a recovery request shows (the same function the offline step uses)."""


@transaction.atomic
def publish_channel(
    company: Company,
    *,
    actor: User,
    on: date,
    custodians: list[CustodianInput],
    threshold: int,
    fallback: User | None = None,
) -> Channel:
    """Open the complaint procedure with ``threshold``-of-N recovery custodians.

    Only public keys are accepted: the custodians made their key pairs offline
    (``oversight complaints recovery-keygen``); the server never sees a private one.
    """
    if Channel.objects.filter(company=company).exists():
        raise ValidationError("The complaint channel is already published.")
    if not 1 <= threshold <= len(custodians):
        raise ValidationError(
            "Register at least as many recovery custodians as the number needed to recover."
        )
    channel = Channel.objects.create(
        company=company,
        published_on=on,
        fallback=fallback,
        recovery_threshold=threshold,
    )
    record(
        "complaints.channel_published",
        actor=actor,
        company=company,
        target=channel,
        data={"on": on, "fallback_set": fallback is not None, "threshold": threshold},
    )
    for item in custodians:
        _add_custodian(channel, item, actor=actor, on=on)
    return channel


@transaction.atomic
def register_custodian(
    channel: Channel, item: CustodianInput, *, actor: User, on: date
) -> RecoveryCustodian:
    """Add a custodian; every case re-wraps its recovery paths when a holder next opens it."""
    custodian = _add_custodian(channel, item, actor=actor, on=on)
    Channel.objects.filter(pk=channel.pk).update(
        recovery_version=F("recovery_version") + 1
    )
    return custodian


@transaction.atomic
def retire_custodian(custodian: RecoveryCustodian, *, actor: User, on: date) -> None:
    """Retire a custodian's key (lost, compromised, or the person left): rotation.

    Every recovery wrap that needs this key is deleted now; the cases re-wrap to
    the remaining custodians when a holder next opens them.
    """
    channel = custodian.channel
    active = channel.custodians.filter(retired_on=None).exclude(pk=custodian.pk)
    if active.count() < channel.recovery_threshold:
        raise ValidationError(
            "Register the new custodian first: recovery needs "
            f"{channel.recovery_threshold} active custodians."
        )
    custodian.retired_on = on
    custodian.save(update_fields=["retired_on"])
    stale = [
        w.pk
        for w in WrappedKey.objects.filter(
            case__company=channel.company, holder_tag__startswith=RECOVERY_PREFIX
        ).only("pk", "holder_tag")
        if custodian.pk in _custodian_ids(w.holder_tag)
    ]
    WrappedKey.objects.filter(pk__in=stale).delete()
    Channel.objects.filter(pk=channel.pk).update(
        recovery_version=F("recovery_version") + 1
    )
    record(
        "complaints.custodian_retired",
        actor=actor,
        company=channel.company,
        target=custodian,
        data={
            "label": custodian.label,
            "fingerprint": fingerprint(bytes(custodian.public_key)),
        },
    )


RECOVERY_PREFIX = "recovery:"


def trusted_public_key(row: RecipientKey | RecoveryCustodian) -> bytes | None:
    """The row's public key if its MAC verifies, else ``None`` (never wrap to it).

    The MAC is keyed with the pepper, which is not in the database: whoever can
    write to the database alone cannot substitute a key of their own.
    """
    public = bytes(row.public_key)
    if isinstance(row, RecipientKey):
        expected = conf.public_key_mac("recipient", row.user_id, public)
    else:
        expected = conf.public_key_mac("custodian", row.pk, public)
    if not hmac.compare_digest(expected, row.mac):
        logger.warning("complaints: a stored public key failed its check; not used")
        return None
    return public


def _recovery_tag(custodians: tuple[RecoveryCustodian, ...]) -> str:
    return RECOVERY_PREFIX + "-".join(str(c.pk) for c in custodians)


def _custodian_ids(tag: str) -> list[int]:
    return [int(x) for x in tag.removeprefix(RECOVERY_PREFIX).split("-") if x]


def _recovery_wraps(
    case: Case,
    keys: crypto.CaseKeys,
    channel: Channel,
    excluded: set[int],
    shred: crypto.ReportKey,
) -> list[WrappedKey]:
    """One nested wrap per set of ``threshold`` custodians, none for a named one.

    A custodian named in the report or excluded from the case is left out of every
    set, so the case stays recoverable only by custodians it does not concern (and
    not at all if fewer than ``threshold`` remain).
    """
    eligible = [
        c
        for c in channel.custodians.filter(retired_on=None)
        if (c.person_id is None or c.person_id not in excluded)
        and trusted_public_key(c) is not None
    ]
    return [
        WrappedKey(
            case=case,
            holder_tag=_recovery_tag(group),
            wrapped=_seal_outer(
                shred,
                case.id,
                crypto.wrap_for_custodians(
                    keys, [bytes(c.public_key) for c in group], report_id=case.id
                ),
            ),
        )
        for group in itertools.combinations(eligible, channel.recovery_threshold)
    ]


def _wrap_recovery(
    case: Case, keys: crypto.CaseKeys, channel: Channel, excluded: set[int]
) -> None:
    """Replace the case's recovery wraps with the channel's current custodians'."""
    case.wraps.filter(holder_tag__startswith=RECOVERY_PREFIX).delete()
    WrappedKey.objects.bulk_create(
        _recovery_wraps(case, keys, channel, excluded, _shred_key(case.id))
    )
    case.recovery_version = channel.recovery_version
    Case.objects.filter(pk=case.pk).update(recovery_version=channel.recovery_version)


def set_up_key(user: User, *, passphrase: str, on: date) -> RecipientKey:
    """Create the user's key pair, the private half sealed under ``passphrase``."""
    return create_key(user, passphrase=passphrase, on=on)[0]


@sensitive_variables("passphrase", "private")
@transaction.atomic
def create_key(
    user: User, *, passphrase: str, on: date
) -> tuple[RecipientKey, crypto.RecipientPrivateKey]:
    """:func:`set_up_key`, also returning the private key in hand (no second Argon2id)."""
    if len(passphrase) < 12:
        raise ValidationError("Use a passphrase of at least 12 characters.")
    if RecipientKey.objects.filter(user=user).exists():
        raise ValidationError("You already have a complaint key.")
    private = crypto.new_recipient_key()
    key = RecipientKey.objects.create(
        user=user,
        public_key=private.public_key,
        mac=conf.public_key_mac("recipient", user.pk, private.public_key),
        protected=crypto.protect_private_key(
            private, passphrase.encode(), params=key_params(), minimum=key_floor()
        ),
        created_on=on,
    )
    record(
        "complaints.key_created",
        actor=user,
        company=None,
        target=key,
        data={"fingerprint": fingerprint(private.public_key)},
    )
    return key, private


def key_params() -> crypto.KeyParams:
    from django.conf import settings

    return getattr(settings, "COMPLAINTS_KEY_PARAMS", crypto.KEY_PARAMS_DEFAULT)


def key_floor() -> crypto.KeyParams:
    """The weakest Argon2id parameters accepted: 3 passes over 64 MiB, except in tests."""
    from django.conf import settings

    if getattr(settings, "TESTING", False):
        return crypto.KEY_PARAMS_TESTS
    return crypto.KEY_PARAMS_MIN


class _UnlockThrottle:
    """Wrong passphrases per account, in memory: 5 in 60 seconds, then a wait.

    Each attempt costs an Argon2id derivation (0.2 s, 128 MiB); the limit keeps a
    stolen session from guessing passphrases at the server's expense.
    """

    def __init__(self, limit: int = 5, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self.failures: dict[int, list[float]] = {}
        self.lock = threading.Lock()

    def allowed(self, user_id: int, now: float) -> bool:
        with self.lock:
            recent = [
                t for t in self.failures.get(user_id, []) if t > now - self.window
            ]
            self.failures[user_id] = recent
            return len(recent) < self.limit

    def failed(self, user_id: int, now: float) -> None:
        with self.lock:
            self.failures.setdefault(user_id, []).append(now)


UNLOCK_THROTTLE = _UnlockThrottle()


@sensitive_variables("passphrase")
def unlock_key(user: User, passphrase: str) -> crypto.RecipientPrivateKey:
    """The user's private key, or :class:`ValidationError` for a wrong passphrase.

    Throttled per account (5 wrong passphrases a minute), before any Argon2id work.
    """
    key = RecipientKey.objects.filter(user=user).first()
    if key is None:
        raise ValidationError("Set up your complaint key first.")
    now = time.monotonic()
    if not UNLOCK_THROTTLE.allowed(user.pk, now):
        raise ValidationError(
            "Too many wrong passphrases: wait a minute and try again."
        )
    try:
        return crypto.unlock_private_key(
            bytes(key.protected),
            passphrase.encode(),
            public_key=bytes(key.public_key),
            minimum=key_floor(),
        )
    except crypto.DecryptionError:
        UNLOCK_THROTTLE.failed(user.pk, now)
        raise ValidationError("That passphrase does not unlock your key.") from None


# --- intake (reporter, no account) -----------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file to attach: its bytes, or the request's encrypted spool of it.

    ``Upload(name, type, body)`` holds the bytes (small files, tests, the demo);
    ``Upload(name, type, spool=spool)`` reads the spool an upload handler wrote,
    one chunk at a time, so a large file is never whole in memory.
    """

    name: str
    content_type: str
    body: bytes = b""
    spool: Spool | None = None

    @property
    def size(self) -> int:
        return self.spool.size if self.spool is not None else len(self.body)

    @property
    def sha256(self) -> str:
        if self.spool is not None:
            return self.spool.sha256
        return hashlib.sha256(self.body).hexdigest()

    def chunks(self) -> Iterable[bytes]:
        return self.spool.chunks() if self.spool is not None else (self.body,)


@dataclass(frozen=True)
class ReportInput:
    category: str
    text: str
    contact: str = ""
    concerns: tuple[int, ...] = ()
    files: tuple[Upload, ...] = field(default=())


def concernable(company: Company, on: date) -> list[User]:
    """People a reporter may name as concerned: committee members and officers."""
    return list(holders_of(company, CONCERNABLE_ROLES, on=on).order_by("full_name"))


def _seal_json(key: crypto.ReportKey, case_id: str, purpose: str, value: Any) -> bytes:
    return crypto.seal(
        key, json.dumps(value).encode(), report_id=case_id, purpose=purpose
    )


def _open_json(
    key: crypto.ReportKey, case_id: str, purpose: str, blob: bytes | memoryview
) -> Any:
    return json.loads(
        crypto.open_sealed(key, bytes(blob), report_id=case_id, purpose=purpose)
    )


def _check_files(files: tuple[Upload, ...]) -> None:
    total = 0
    for upload in files:
        if upload.content_type not in conf.ALLOWED_TYPES:
            raise ValidationError(
                "This type of file is not accepted: use PDF, an image, text, CSV, Word, Excel or e-mail."
            )
        if upload.size > conf.max_file_bytes():
            raise ValidationError("A file is larger than the limit.")
        total += upload.size
    if total > conf.max_report_bytes():
        raise ValidationError("The files together are larger than the limit.")


def _new_attachment(
    case: Case, key: crypto.ReportKey, upload: Upload, *, by_reporter: bool, on: date
) -> Attachment:
    """An attachment row, sealed and not yet saved, its body already in a blob file.

    The body is streamed from the upload (a spool is decrypted a chunk at a time)
    into a new blob, OVS2 under the case key, padded to its size bucket by the
    stream itself (``crypto.file_bucket``), and synced before this returns. The
    caller inserts the row, or removes the blob (``_remove_blobs``) if it cannot.
    """
    attachment_id = _random_id("F")
    blob = _write_blob(
        attachment_id,
        lambda out: crypto.encrypt_stream(
            key,
            upload.chunks(),
            out,
            report_id=case.id,
            purpose=f"file-body/{attachment_id}",
            size=upload.size,
        ),
    )
    meta = {
        "name": upload.name[:200],
        "type": upload.content_type,
        "size": upload.size,
        "sha256": upload.sha256,
    }
    return Attachment(
        id=attachment_id,
        case=case,
        meta=_seal_json(key, case.id, f"file-meta/{attachment_id}", meta),
        body=None,
        blob=blob,
        from_reporter=by_reporter,
        added_on=on,
    )


def _new_attachments(
    case: Case, key: crypto.ReportKey, uploads: Iterable[Upload], *, on: date
) -> list[Attachment]:
    """Reporter files as unsaved rows with their blobs written; none left on failure."""
    made: list[Attachment] = []
    try:
        for upload in uploads:
            made.append(_new_attachment(case, key, upload, by_reporter=True, on=on))
    except BaseException:
        _remove_blobs(a.blob for a in made)
        raise
    return made


# --- attachment bodies: one encrypted file each, outside the database --------------

_BLOB_SUFFIX = ".blob"


def _blob_path(name: str) -> Path:
    return conf.blob_dir() / name


def _fsync_dir(directory: Path) -> None:
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _write_blob(attachment_id: str, write: Callable[[BinaryIO], object]) -> str:
    """A new blob file for the attachment, filled by ``write`` and synced; its name.

    The name is the attachment's random id and a random suffix (a rotation writes a
    new blob beside the old one), never anything the reporter chose. A failure
    removes the partial file; a crash leaves an orphan for :func:`sweep_blobs`.
    """
    directory = conf.private_dir(conf.blob_dir())
    name = f"{attachment_id}.{secrets.token_hex(8)}{_BLOB_SUFFIX}"
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        _fsync_dir(directory)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return name


def _remove_blobs(names: Iterable[str | None]) -> None:
    """Best-effort deletion of blob files (the guarantee is the destroyed keys)."""
    for name in names:
        if name:
            _blob_path(name).unlink(missing_ok=True)


def attachment_source(attachment: Attachment) -> BinaryIO:
    """The stored stream of an attachment: its blob file, or the database body of a
    row written before blobs (``FileNotFoundError`` if the blob is missing)."""
    if attachment.blob:
        return _blob_path(attachment.blob).open("rb")
    return io.BytesIO(bytes(attachment.body or b""))


def sweep_blobs(*, older_than: float = 86400.0) -> int:
    """Remove blob files no attachment row names (a crash between writing a blob and
    committing its row, a rotation rolled back, a deletion interrupted); only files
    older than a day, so a submission or a rotation in flight keeps its blobs."""
    directory = conf.blob_dir()
    if not directory.exists():
        return 0
    cutoff = time.time() - older_than
    files = [
        p.name for p in directory.glob(f"*{_BLOB_SUFFIX}") if p.stat().st_mtime < cutoff
    ]
    orphans: list[str] = []
    for start in range(0, len(files), 500):
        batch = files[start : start + 500]
        kept = set(
            Attachment.objects.filter(blob__in=batch).values_list("blob", flat=True)
        )
        orphans += [name for name in batch if name not in kept]
    _remove_blobs(orphans)
    return len(orphans)


# --- the shred layer: every wrap sealed again under a key kept outside the database ----


def _shred_path(case_id: str) -> Path:
    return conf.shred_key_dir() / f"{case_id}.key"


def _new_shred_key(case_id: str) -> crypto.ReportKey:
    """A fresh random key file for the case, written and synced before any wrap uses it."""
    directory = conf.shred_key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    raw = nacl.utils.random(crypto.KEY_BYTES)
    fd = os.open(_shred_path(case_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, raw)
        os.fsync(fd)
    finally:
        os.close(fd)
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return crypto.ReportKey(raw)


def _shred_key(case_id: str) -> crypto.ReportKey:
    try:
        raw = _shred_path(case_id).read_bytes()
    except OSError:
        raise crypto.DecryptionError("decryption failed") from None
    if len(raw) != crypto.KEY_BYTES:
        raise crypto.DecryptionError("decryption failed")
    return crypto.ReportKey(raw)


def _outer(case_id: str, wrap: bytes) -> bytes:
    return _seal_outer(_shred_key(case_id), case_id, wrap)


def _seal_outer(shred: crypto.ReportKey, case_id: str, wrap: bytes) -> bytes:
    return crypto.seal(
        shred, wrap, report_id=case_id, purpose="shred-layer", pad_block=1
    )


def inner_wrap(case_id: str, blob: bytes | memoryview) -> bytes:
    """A stored wrap without its shred layer; DecryptionError once the case is shredded."""
    return crypto.open_sealed(
        _shred_key(case_id),
        bytes(blob),
        report_id=case_id,
        purpose="shred-layer",
        pad_block=1,
    )


def _destroy_shred_key(case_id: str) -> None:
    path = _shred_path(case_id)
    try:
        with path.open("r+b") as handle:
            handle.write(bytes(crypto.KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except FileNotFoundError:
        return


def sweep_shred_keys(*, older_than: float = 86400.0) -> int:
    """Destroy key files whose case no longer exists (a crash between commit and
    destruction, or a submission rolled back); only files older than a day, so a
    submission in flight keeps its key."""
    directory = conf.shred_key_dir()
    if not directory.exists():
        return 0
    cutoff = time.time() - older_than
    files = {p.stem: p for p in directory.glob("*.key") if p.stat().st_mtime < cutoff}
    alive = set(Case.objects.filter(pk__in=files).values_list("pk", flat=True))
    for case_id in files.keys() - alive:
        _destroy_shred_key(case_id)
    return len(files.keys() - alive)


def _wrap_to(case: Case, keys: crypto.CaseKeys, tag: str, public_key: bytes) -> None:
    _holder_wrap(case, keys, tag, public_key, _shred_key(case.id)).save(
        force_insert=True
    )


def _holder_wrap(
    case: Case,
    keys: crypto.CaseKeys,
    tag: str,
    public_key: bytes,
    shred: crypto.ReportKey,
) -> WrappedKey:
    """Both case keys sealed to one holder's public key (not yet saved)."""
    return WrappedKey(
        case=case,
        holder_tag=tag,
        wrapped=_seal_outer(
            shred, case.id, crypto.wrap_case_keys(keys, public_key, report_id=case.id)
        ),
    )


def _new_internal(exclusions: list[dict[str, Any]], audit: list[str]) -> dict[str, Any]:
    return {"exclusions": exclusions, "audit": audit}


def internal_of(case: Case, keys: crypto.CaseKeys) -> dict[str, Any]:
    """What only holders read: exclusions with reasons, the case's audit keys."""
    value: dict[str, Any] = _open_json(
        keys.internal, case.id, "internal", case.internal
    )
    return value


def excluded_ids(case: Case, keys: crypto.CaseKeys) -> set[int]:
    return {int(e["id"]) for e in internal_of(case, keys)["exclusions"]}


_WRITERS = threading.Lock()


WRITER_WAIT = 10.0
"""Seconds a submission queues for its turn before it goes on with SQLite's own busy
handler (which then waits up to the database's timeout): a writer that never lets go
delays submissions, it never stops them."""


@contextmanager
def _one_writer() -> Iterator[None]:
    """One submission transaction at a time on an SQLite database.

    The threads of a process queue on a lock and the processes on an ``flock`` beside
    the database file; both hand over at once, where SQLite's own busy handler would
    sleep in steps of up to 100 ms. Past ``WRITER_WAIT``, or if the lock file cannot be
    opened, the submission goes on without its turn. PostgreSQL needs neither.
    """
    wrapper = connections[DEFAULT_DB_ALIAS]
    if not isinstance(wrapper, SQLiteWrapper) or wrapper.is_in_memory_db():
        yield
        return
    deadline = time.monotonic() + WRITER_WAIT
    if not _WRITERS.acquire(timeout=WRITER_WAIT):
        yield
        return
    try:
        fd = _writer_lock(f"{wrapper.settings_dict['NAME']}.submit-lock", deadline)
        try:
            yield
        finally:
            if fd is not None:
                os.close(fd)  # closing the descriptor releases the lock
    finally:
        _WRITERS.release()


def _writer_lock(path: str, deadline: float) -> int | None:
    """The locked descriptor of ``path``, or ``None`` past ``deadline`` or if it cannot
    be opened (logged; the busy handler then serialises the writers)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        logger.warning("complaints: the submission lock %s: %s", path, exc.strerror)
        return None
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                logger.warning("complaints: a submission went on without its turn")
                return None
            time.sleep(0.002)


@sensitive_variables("receipt", "keys", "data")
def submit_report(
    company: Company,
    *,
    receipt: str,
    data: ReportInput,
    on: date,
    suspect: bool = False,
) -> tuple[Case, bool]:
    """File a report under ``receipt``; ``(case, False)`` if that receipt already filed one.

    Idempotent: the receipt comes from the form's sealed nonce, so the same form sent
    twice finds the first case. Recipients are the committee's chair and members on
    ``on``, minus anyone the reporter named; if that leaves no one, the channel's
    fallback. The recovery custodians get nested wraps (M of them together can open
    it), except any custodian the report names.

    Everything is read, encrypted and wrapped first, and every file written to its
    blob and synced; the transaction only inserts the rows, so the write lock is
    held for a few inserts, not for the cryptography or the disk.
    """
    keys = crypto.receipt_keys(receipt)
    verifier = crypto.receipt_verifier(keys, conf.verifier_pepper()).hex()
    existing = Case.objects.filter(receipt_verifier=verifier).first()
    if existing is not None:
        return existing, False
    if not data.text.strip():
        raise ValidationError("Describe what happened.")
    if data.category not in Category.values:
        raise ValidationError("Choose a category.")
    _check_files(data.files)
    for _attempt in range(_PREPARE_ATTEMPTS):
        new = _prepare_case(company, keys, verifier, data, on, suspect)
        try:
            with _one_writer(), transaction.atomic():
                # The recipients were read before the transaction: if a holder left, a
                # key changed or the custodians changed since, wrap again for the
                # roster of now. The channel row lock orders this with role_ended().
                channel = Channel.objects.select_for_update().get(company=company)
                if (
                    _roster(company, channel, on, new.excluded).fingerprint
                    != new.roster
                ):
                    raise _RosterChanged
                new.case.save(force_insert=True)
                WrappedKey.objects.bulk_create(new.wraps)
                Attachment.objects.bulk_create(new.files)
        except _RosterChanged:
            _discard(new)
            continue
        except IntegrityError:
            _discard(new)
            existing = Case.objects.filter(receipt_verifier=verifier).first()
            if existing is None:
                raise
            return existing, False
        except BaseException:
            _discard(new)
            raise
        return new.case, True
    raise ValidationError(
        "The committee's membership is changing; send the report again in a moment."
    )


_PREPARE_ATTEMPTS = 3


class _RosterChanged(Exception):
    """The recipients changed between a submission's preparation and its write."""


@dataclass(frozen=True)
class _Roster:
    """A new case's recipients with their key rows, and a fingerprint of everything its
    wraps depend on: who the recipients are, their public keys, the custodians' version."""

    recipients: list[User]
    keys: list[RecipientKey]
    fingerprint: tuple[object, ...]


def _roster(
    company: Company, channel: Channel, on: date, excluded: set[int]
) -> _Roster:
    recipients = [
        u for u in holders_of(company, RECIPIENT_ROLES, on=on) if u.pk not in excluded
    ]
    if not recipients and channel.fallback is not None:
        recipients = [channel.fallback] if channel.fallback_id not in excluded else []
    ids = sorted(u.pk for u in recipients)
    keys = list(RecipientKey.objects.filter(user_id__in=ids).order_by("user_id"))
    fingerprint = (
        channel.recovery_version,
        tuple(ids),
        tuple((k.user_id, bytes(k.public_key), k.mac) for k in keys),
    )
    return _Roster(recipients, keys, fingerprint)


def _discard(new: _NewCase) -> None:
    """A prepared case that was not inserted: its key file and its blobs go."""
    _destroy_shred_key(new.case.id)
    _remove_blobs(a.blob for a in new.files)


@dataclass(frozen=True)
class _NewCase:
    """A case ready to insert: its row, its wraps and its files, all sealed."""

    case: Case
    wraps: list[WrappedKey]
    files: list[Attachment]
    excluded: set[int]
    roster: tuple[object, ...]


def _prepare_case(
    company: Company,
    receipt: crypto.ReceiptKeys,
    verifier: str,
    data: ReportInput,
    on: date,
    suspect: bool,
) -> _NewCase:
    channel = Channel.objects.get(company=company)
    if not channel.is_open_on(on):
        raise ValidationError("This company's complaint channel is not open.")
    people = {u.pk: u for u in concernable(company, on)}
    concerns = [people[pk] for pk in data.concerns if pk in people]
    excluded = {u.pk for u in concerns}
    roster = _roster(company, channel, on, excluded)
    keys = crypto.CaseKeys.generate()
    reporter_public = crypto.reporter_private_key(reporter_keys(receipt)).public_key
    audit = crypto.RecipientPrivateKey.generate()
    case = Case(
        id=_random_id("C"),
        company=company,
        category=data.category,
        received_on=on,
        receipt_verifier=verifier,
        reporter_public_key=reporter_public,
        audit_public_key=audit.public_key,
        suspect=suspect,
        recovery_version=channel.recovery_version,
    )
    content = {
        "text": data.text,
        "contact": data.contact,
        "concerns": [{"id": u.pk, "name": u.full_name} for u in concerns],
    }
    internal = _new_internal(
        [
            {"id": u.pk, "name": u.full_name, "reason": "Named by the reporter"}
            for u in concerns
        ],
        [audit.reveal().hex()],
    )
    case.content = _seal_json(keys.case, case.id, "content", content)
    case.internal = _seal_json(keys.internal, case.id, "internal", internal)
    shred = _new_shred_key(case.id)
    try:
        case.reporter_wrap = _seal_outer(
            shred,
            case.id,
            crypto.wrap_for_reporter(keys.case, reporter_public, report_id=case.id),
        )
        keys_by_user = {
            k.user_id: public
            for k in roster.keys
            if (public := trusted_public_key(k)) is not None
        }
        wraps = [
            _holder_wrap(
                case, keys, conf.holder_tag(user.pk), keys_by_user[user.pk], shred
            )
            for user in roster.recipients
            if user.pk in keys_by_user
        ]
        wraps += _recovery_wraps(case, keys, channel, excluded, shred)
        files = _new_attachments(case, keys.case, data.files, on=on)
    except BaseException:
        _destroy_shred_key(case.id)
        raise
    return _NewCase(
        case=case,
        wraps=wraps,
        files=files,
        excluded=excluded,
        roster=roster.fingerprint,
    )


def reporter_keys(receipt: str | crypto.ReceiptKeys) -> crypto.ReceiptKeys:
    """The reporter's key seed: the receipt's, mixed with a pepper subkey.

    ``Case.reporter_public_key`` is then no function of the receipt alone, so a
    database dump without the pepper cannot test receipt guesses against it.
    """
    keys = crypto.receipt_keys(receipt) if isinstance(receipt, str) else receipt
    seed = nacl.hash.blake2b(
        keys.wrap_key,
        digest_size=32,
        key=conf.reporter_seed_key(),
        person=b"ovs-reporter-key",
        encoder=nacl.encoding.RawEncoder,
    )
    return crypto.ReceiptKeys(auth_id=b"", wrap_key=seed)


def case_for_receipt(company: Company, receipt: str) -> Case | None:
    keys = crypto.receipt_keys(receipt)
    verifier = crypto.receipt_verifier(keys, conf.verifier_pepper()).hex()
    return Case.objects.filter(company=company, receipt_verifier=verifier).first()


def confirm_receipt(case: Case) -> None:
    """The reporter typed the receipt back: it is never shown again."""
    Case.objects.filter(pk=case.pk).update(receipt_confirmed=True)


# --- the reporter's return -------------------------------------------------------------


class _FailureCounter:
    """Wrong receipts counted in memory and written at most once a minute per process.

    A database write per wrong guess would let an attacker turn cheap guesses into
    write-lock contention for genuine reporters; batching keeps a guess at one hash
    and one indexed read. Up to a minute of counts can be lost if the process dies.
    """

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self.pending: dict[tuple[int, date], int] = {}
        self.flushed_at = time.monotonic()
        self.lock = threading.Lock()

    def count(self, company_id: int, day: date) -> None:
        with self.lock:
            key = (company_id, day)
            self.pending[key] = self.pending.get(key, 0) + 1
            due = time.monotonic() - self.flushed_at >= self.every
        if due:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            pending, self.pending = self.pending, {}
            self.flushed_at = time.monotonic()
        for (company_id, day), n in pending.items():
            with transaction.atomic():
                row, _ = ReceiptFailures.objects.get_or_create(
                    company_id=company_id, day=day
                )
                ReceiptFailures.objects.filter(pk=row.pk).update(count=F("count") + n)


_FAILURES = _FailureCounter()


def flush_receipt_failures() -> None:
    """Write the counted wrong receipts now (tests, and the process's last request)."""
    _FAILURES.flush()


@dataclass
class ReporterAccess:
    case: Case
    key: crypto.ReportKey
    form_secret: str


def _session_seal_key(token: str) -> crypto.ReportKey:
    digest = nacl.hash.blake2b(
        token.encode(),
        digest_size=32,
        key=conf.session_key(),
        person=b"ovs-rsession-key",
        encoder=nacl.encoding.RawEncoder,
    )
    return crypto.ReportKey(digest)


def _token_hash(token: str) -> str:
    return nacl.hash.blake2b(
        token.encode(), key=conf.session_key(), digest_size=32
    ).decode()


@sensitive_variables("receipt_text", "keys", "payload")
def reporter_sign_in(
    company: Company, receipt_text: str, *, on: date, expires_at: float
) -> str | None:
    """A session token for the receipt's case, or ``None`` (counted per day, not timed)."""
    try:
        keys = crypto.receipt_keys(receipt_text)
    except crypto.InvalidReceipt:
        keys = None
    case = None
    if keys is not None:
        verifier = crypto.receipt_verifier(keys, conf.verifier_pepper()).hex()
        case = Case.objects.filter(company=company, receipt_verifier=verifier).first()
    if case is None or keys is None:
        _FAILURES.count(company.pk, on)
        return None
    token = secrets.token_urlsafe(32)
    payload = {
        "seed": reporter_keys(keys).wrap_key.hex(),
        "expires_at": expires_at,
        "form": secrets.token_urlsafe(16),
    }
    ReporterSession.objects.create(
        token_hash=_token_hash(token),
        case=case,
        sealed=_seal_json(_session_seal_key(token), "", "reporter-session", payload),
        created_on=on,
    )
    return token


def reporter_access(token: str, *, now: float) -> ReporterAccess | None:
    """The case and its key for a session cookie, or ``None`` if unknown or expired."""
    session = (
        ReporterSession.objects.filter(token_hash=_token_hash(token))
        .select_related("case")
        .first()
    )
    if session is None:
        return None
    try:
        payload = _open_json(
            _session_seal_key(token), "", "reporter-session", session.sealed
        )
    except crypto.DecryptionError:
        return None
    if now > payload["expires_at"]:
        session.delete()
        return None
    keys = crypto.ReceiptKeys(auth_id=b"", wrap_key=bytes.fromhex(payload["seed"]))
    case = session.case
    key = crypto.unwrap_for_reporter(
        inner_wrap(case.id, case.reporter_wrap), keys, report_id=case.id
    )
    return ReporterAccess(case=case, key=key, form_secret=payload["form"])


def reporter_sign_out(token: str) -> None:
    ReporterSession.objects.filter(token_hash=_token_hash(token)).delete()


def message_purpose(message: Message) -> str:
    """A message is bound to its row, its direction and its author."""
    who = "reporter" if message.from_reporter else f"holder/{message.author_tag}"
    return f"message/{message.pk}/{who}"


def note_purpose(note: Note) -> str:
    """A note is bound to its row and its author."""
    return f"note/{note.pk}/{note.author_tag}"


def _new_message(
    case: Case, key: crypto.ReportKey, text: str, *, author_tag: str, on: date
) -> Message:
    message = Message.objects.create(
        case=case,
        from_reporter=not author_tag,
        author_tag=author_tag,
        body=b"",
        sent_on=on,
    )
    message.body = crypto.seal(
        key, text.encode(), report_id=case.id, purpose=message_purpose(message)
    )
    message.save(update_fields=["body"])
    return message


def reporter_reply(
    access: ReporterAccess, *, text: str, files: tuple[Upload, ...], on: date
) -> None:
    """The reporter answers or adds material; dated, not timed; no ledger row now.

    The files go to their blobs first; the transaction inserts the rows only.
    """
    if not text.strip() and not files:
        raise ValidationError("Write a message or add a file.")
    _check_files(files)
    case = access.case
    attachments = _new_attachments(case, access.key, files, on=on)
    try:
        with transaction.atomic():
            if text.strip():
                _new_message(case, access.key, text, author_tag="", on=on)
            Attachment.objects.bulk_create(attachments)
    except BaseException:
        _remove_blobs(a.blob for a in attachments)
        raise


# --- case work (recipients) ------------------------------------------------------------


def case_key(
    case: Case, user: User, private: crypto.RecipientPrivateKey
) -> crypto.CaseKeys:
    """Unwrap both case keys with the user's own private key.

    A holder who opens a case also renews its recovery wraps if the custodians
    changed since, and rotates its keys if a holder left (:func:`role_ended`).
    """
    wrap = WrappedKey.objects.filter(
        case=case, holder_tag=conf.holder_tag(user.pk)
    ).first()
    if wrap is None:
        raise crypto.DecryptionError("decryption failed")
    keys = _opening_keys(case, wrap, private)
    channel = Channel.objects.get(company=case.company)
    if case.rotation_due:
        keys = _rotate_due(case, keys, actor=user)
    elif case.recovery_version != channel.recovery_version:
        with transaction.atomic():
            _wrap_recovery(case, keys, channel, excluded_ids(case, keys))
    return keys


def _opening_keys(
    case: Case, wrap: WrappedKey, private: crypto.RecipientPrivateKey
) -> crypto.CaseKeys:
    """The case keys in ``wrap``, proven to be this case's: they must open its sealed
    ``internal`` record (a wrap anyone could have sealed to this key proves nothing)."""
    keys = crypto.unwrap_case_keys(
        inner_wrap(case.id, wrap.wrapped), private, report_id=case.id
    )
    internal_of(case, keys)  # DecryptionError if these are not the case's keys
    return keys


@transaction.atomic
def accept_recovered(user: User, private: crypto.RecipientPrivateKey) -> int:
    """Make the user a holder of every case recovered for them whose wrap their key
    opens and whose keys open the case; drop any other (ledgered either way).

    Called when the user unlocks their key. Returns how many cases they now hold.
    """
    accepted = 0
    pending = WrappedKey.objects.filter(
        holder_tag=conf.pending_tag(user.pk)
    ).select_related("case", "case__company")
    for wrap in pending:
        case = wrap.case
        try:
            _opening_keys(case, wrap, private)
        except crypto.DecryptionError:
            wrap.delete()
            _record(case, "recovery_refused", user, {"grantee": user.pk})
            continue
        case.wraps.filter(holder_tag=conf.holder_tag(user.pk)).delete()
        WrappedKey.objects.filter(pk=wrap.pk).update(
            holder_tag=conf.holder_tag(user.pk)
        )
        _record(case, "recovery_accepted", user, {"grantee": user.pk})
        accepted += 1
    return accepted


def _audit_seal(case: Case, details: dict[str, Any]) -> str:
    box = nacl.public.SealedBox(nacl.public.PublicKey(bytes(case.audit_public_key)))
    return base64.b64encode(
        box.encrypt(json.dumps(details, default=str).encode())
    ).decode()


def _record(
    case: Case, action: str, actor: User | None, data: dict[str, Any] | None = None
) -> None:
    """A row in the case's own chain: who did it, and the details, sealed to the case's
    audit key (readable by holders only); nothing in clear names a person or the case."""
    details = {"actor": actor.pk if actor is not None else None, **(data or {})}
    record(
        f"complaints.{action}",
        actor=None,
        company=case.company,
        data={"sealed": _audit_seal(case, details)},
        chain_key=case.ledger_chain,
    )


def audit_trail(case: Case, keys: crypto.CaseKeys) -> list[dict[str, Any]]:
    """The case's ledger rows with their sealed details opened (holders only)."""
    from oversight.ledger.models import LedgerEvent

    boxes = [
        nacl.public.SealedBox(nacl.public.PrivateKey(bytes.fromhex(h)))
        for h in internal_of(case, keys)["audit"]
    ]
    people = {u.pk: u for u in User.objects.filter(complaint_key__isnull=False)}
    rows = []
    for event in LedgerEvent.objects.filter(chain=case.ledger_chain).order_by("seq"):
        details: dict[str, Any] = {}
        sealed = event.data.get("sealed")
        for box in boxes if sealed else []:
            try:
                details = json.loads(box.decrypt(base64.b64decode(sealed)))
                break
            except nacl.exceptions.CryptoError:
                continue
        rows.append(
            {
                "seq": event.seq,
                "action": event.action,
                "occurred_at": event.occurred_at,
                "actor": people.get(details.pop("actor", None) or 0),
                "data": details
                or {k: v for k, v in event.data.items() if k != "sealed"},
            }
        )
    return rows


@transaction.atomic
def note_viewed(case: Case, *, actor: User, what: str = "case") -> None:
    """Record a view of the case or a download of one of its files in its chain."""
    _record(case, f"{what}_viewed", actor)


@transaction.atomic
def note_exported(case: Case, *, actor: User) -> None:
    """Record an export of the whole case in its chain."""
    _record(case, "case_exported", actor)


@transaction.atomic
def set_status(case: Case, *, actor: User, status: str, on: date) -> None:
    if status not in Status.values:
        raise ValidationError("Unknown status.")
    if case.status == Status.CLOSED:
        raise ValidationError("The case is closed.")
    case.status = status
    if status != Status.RECEIVED and case.acknowledged_on is None:
        case.acknowledged_on = on
    if status == Status.CLOSED:
        case.closed_on = on
    case.save(update_fields=["status", "acknowledged_on", "closed_on"])
    _record(case, "status_changed", actor, {"status": status, "on": on})


@transaction.atomic
def add_note(
    case: Case, *, actor: User, key: crypto.CaseKeys, text: str, on: date
) -> Note:
    """An internal note, sealed under K_internal (never the reporter's key)."""
    if not text.strip():
        raise ValidationError("The note is empty.")
    note = Note.objects.create(
        case=case, author_tag=conf.holder_tag(actor.pk), body=b"", written_on=on
    )
    note.body = crypto.seal(
        key.internal, text.encode(), report_id=case.id, purpose=note_purpose(note)
    )
    note.save(update_fields=["body"])
    _record(case, "note_added", actor)
    return note


@transaction.atomic
def send_message(
    case: Case, *, actor: User, key: crypto.CaseKeys, text: str, on: date
) -> Message:
    if not text.strip():
        raise ValidationError("The message is empty.")
    message = _new_message(
        case, key.case, text, author_tag=conf.holder_tag(actor.pk), on=on
    )
    _record(case, "message_sent", actor)
    return message


def users_by_tag() -> dict[str, User]:
    """Every person with a complaint key, by holder tag."""
    users = User.objects.filter(complaint_key__isnull=False)
    return {conf.holder_tag(u.pk): u for u in users}


def holders(case: Case) -> dict[str, User]:
    """The people who hold the case keys, by tag (recovery custodians are not people here)."""
    tags = set(
        case.wraps.exclude(holder_tag__startswith=RECOVERY_PREFIX).values_list(
            "holder_tag", flat=True
        )
    )
    return {tag: u for tag, u in users_by_tag().items() if tag in tags}


@transaction.atomic
def assign(case: Case, *, actor: User, assignee: User) -> None:
    if conf.holder_tag(assignee.pk) not in holders(case):
        raise ValidationError("Give this person access to the case first.")
    case.assignee_tag = conf.holder_tag(assignee.pk)
    case.save(update_fields=["assignee_tag"])
    _record(case, "case_assigned", actor, {"assignee": assignee.pk})


@transaction.atomic
def set_legal_hold(case: Case, *, actor: User, hold: bool) -> None:
    case.legal_hold = hold
    case.save(update_fields=["legal_hold"])
    _record(case, "legal_hold_set" if hold else "legal_hold_released", actor)


def content_of(case: Case, key: crypto.ReportKey) -> dict[str, Any]:
    """The report as the reporter wrote it (under K_case): text, contact, concerns."""
    value: dict[str, Any] = _open_json(key, case.id, "content", case.content)
    return value


def may_exclude(case: Case, actor: User) -> bool:
    """The chair excludes; if the chair holds no key, any remaining holder may."""
    chairs = {u.pk for u in holders_of(case.company, {Role.CHAIR})}
    holding = holders(case)
    chair_holds = any(u.pk in chairs for u in holding.values())
    return conf.holder_tag(actor.pk) in holding and (
        actor.pk in chairs or not chair_holds
    )


@transaction.atomic
def exclude(
    case: Case,
    *,
    actor: User,
    key: crypto.CaseKeys,
    person: User,
    reason: str,
    on: date,
) -> crypto.CaseKeys:
    """Take ``person`` off the case: their wrap goes and both case keys are rotated.

    Every sealed item and file is re-encrypted under new keys, wrapped to the
    remaining holders, the reporter (K_case only) and the custodians the case does
    not concern; a key the excluded person kept opens nothing written before or after.
    The exclusion and its reason are sealed under K_internal, never K_case.
    """
    if not may_exclude(case, actor):
        raise ValidationError(
            "Only the chair (or, if the chair is excluded, a member) may exclude."
        )
    if not reason.strip():
        raise ValidationError("Give a reason.")
    if person.pk == actor.pk:
        raise ValidationError("Ask another holder to exclude you.")
    internal = internal_of(case, key)
    internal["exclusions"].append(
        {"id": person.pk, "name": person.full_name, "reason": reason}
    )
    remaining = {
        tag: user for tag, user in holders(case).items() if user.pk != person.pk
    }
    new = _rotate(case, key, remaining, internal)
    if case.assignee_tag == conf.holder_tag(person.pk):
        case.assignee_tag = ""
        case.save(update_fields=["assignee_tag"])
    _record(
        case,
        "key_rotated",
        actor,
        {"key_version": case.key_version, "on": on, "excluded": person.pk},
    )
    return new


def _rotate(
    case: Case,
    old: crypto.CaseKeys,
    remaining: dict[str, User],
    internal: dict[str, Any],
) -> crypto.CaseKeys:
    """New K_case, K_internal and audit key; everything re-sealed; wraps to ``remaining``."""
    new = crypto.CaseKeys.generate()
    case_id = case.id
    for message in case.messages.all():
        message.body = crypto.rotate_sealed(
            old.case,
            new.case,
            bytes(message.body),
            report_id=case_id,
            purpose=message_purpose(message),
        )
        message.save(update_fields=["body"])
    for note in case.notes.all():
        note.body = crypto.rotate_sealed(
            old.internal,
            new.internal,
            bytes(note.body),
            report_id=case_id,
            purpose=note_purpose(note),
        )
        note.save(update_fields=["body"])
    written: list[str] = []
    try:
        for attachment in case.attachments.all():
            written.append(_rotate_attachment(attachment, old, new))
    except BaseException:
        _remove_blobs(written)
        raise
    audit = crypto.RecipientPrivateKey.generate()
    internal["audit"] = [*internal["audit"], audit.reveal().hex()]
    case.content = crypto.rotate_sealed(
        old.case, new.case, bytes(case.content), report_id=case_id, purpose="content"
    )
    case.internal = _seal_json(new.internal, case_id, "internal", internal)
    case.audit_public_key = audit.public_key
    case.reporter_wrap = _outer(
        case_id,
        crypto.wrap_for_reporter(
            new.case, bytes(case.reporter_public_key), report_id=case_id
        ),
    )
    case.key_version += 1
    case.rotation_due = False
    case.save(
        update_fields=[
            "content",
            "internal",
            "audit_public_key",
            "reporter_wrap",
            "key_version",
            "rotation_due",
        ]
    )
    case.wraps.all().delete()
    public = {
        k.user_id: pk
        for k in RecipientKey.objects.filter(user__in=remaining.values())
        if (pk := trusted_public_key(k)) is not None
    }
    for tag, user in remaining.items():
        if user.pk in public:
            _wrap_to(case, new, tag, public[user.pk])
    channel = Channel.objects.get(company=case.company)
    excluded = {int(e["id"]) for e in internal["exclusions"]}
    _wrap_recovery(case, new, channel, excluded)
    case.grants.all().delete()  # pending wraps were made with the old keys
    return new


def _rotate_attachment(
    attachment: Attachment, old: crypto.CaseKeys, new: crypto.CaseKeys
) -> str:
    """Re-encrypt one file into a new blob; the old one goes after commit.

    A row whose body is still in the database moves to a blob (an OVS1 body comes
    out as OVS2, its padding cut). If the transaction rolls back, the row keeps its
    old blob and the new one is an orphan for :func:`sweep_blobs`.
    """
    case_id = attachment.case_id
    meta = _open_json(old.case, case_id, f"file-meta/{attachment.id}", attachment.meta)
    with attachment_source(attachment) as source:
        blob = _write_blob(
            attachment.id,
            lambda out: crypto.reencrypt_stream(
                old.case,
                new.case,
                source,
                out,
                report_id=case_id,
                purpose=f"file-body/{attachment.id}",
                size=int(meta["size"]),
            ),
        )
    previous = attachment.blob
    try:
        attachment.blob = blob
        attachment.body = None
        attachment.meta = crypto.rotate_sealed(
            old.case,
            new.case,
            bytes(attachment.meta),
            report_id=case_id,
            purpose=f"file-meta/{attachment.id}",
        )
        attachment.save(update_fields=["body", "blob", "meta"])
    except BaseException:
        _remove_blobs([blob])
        raise
    if previous:
        transaction.on_commit(lambda: _remove_blobs([previous]))
    return blob


@transaction.atomic
def _rotate_due(case: Case, keys: crypto.CaseKeys, *, actor: User) -> crypto.CaseKeys:
    """A holder left the committee: the next holder to open the case rotates its keys."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.rotation_due:
        return keys
    new = _rotate(case, keys, holders(case), internal_of(case, keys))
    _record(
        case,
        "key_rotated",
        actor,
        {"key_version": case.key_version, "why": "holder left"},
    )
    return new


@transaction.atomic
def propose_grant(
    case: Case,
    *,
    actor: User,
    key: crypto.CaseKeys,
    grantee: User,
    reason: str,
    on: date,
) -> Grant:
    """A holder wraps the case keys to ``grantee``; it takes effect when another approves."""
    grantee_key = RecipientKey.objects.filter(user=grantee).first()
    if grantee_key is None:
        raise ValidationError("This person has not set up a complaint key yet.")
    grantee_public = trusted_public_key(grantee_key)
    if grantee_public is None:
        raise ValidationError(
            "This person's key failed its check: ask them to set it up again."
        )
    if conf.holder_tag(grantee.pk) in holders(case):
        raise ValidationError("This person already has access.")
    if grantee.pk in excluded_ids(case, key):
        raise ValidationError("This person is excluded from the case.")
    if not reason.strip():
        raise ValidationError("Give a reason.")
    grant = Grant.objects.create(
        case=case,
        grantee_tag=conf.holder_tag(grantee.pk),
        proposer_tag=conf.holder_tag(actor.pk),
        wrapped=_outer(
            case.id, crypto.wrap_case_keys(key, grantee_public, report_id=case.id)
        ),
        reason=crypto.seal(
            key.internal, reason.encode(), report_id=case.id, purpose="grant"
        ),
        proposed_on=on,
    )
    _record(case, "access_proposed", actor, {"grantee": grantee.pk})
    return grant


@transaction.atomic
def approve_grant(grant: Grant, *, actor: User) -> None:
    """A second holder approves; the proposer cannot approve their own proposal."""
    case = grant.case
    tag = conf.holder_tag(actor.pk)
    if tag not in holders(case):
        raise ValidationError("Only someone with access may approve.")
    if tag == grant.proposer_tag:
        raise ValidationError("A second person must approve.")
    WrappedKey.objects.create(
        case=case, holder_tag=grant.grantee_tag, wrapped=grant.wrapped
    )
    grantee = users_by_tag().get(grant.grantee_tag)
    grant.delete()
    _record(case, "access_granted", actor, {"grantee": grantee.pk if grantee else None})


# --- recovery by custodians, and departures ---------------------------------------------


def open_by_custodians(
    case: Case, kits: list[tuple[RecoveryCustodian, crypto.RecipientPrivateKey]]
) -> crypto.CaseKeys:
    """The case keys from the nested wrap of exactly these custodians, or ValidationError."""
    group = tuple(sorted((c for c, _ in kits), key=lambda c: c.pk))
    private = {c.pk: k for c, k in kits}
    wrap = case.wraps.filter(holder_tag=_recovery_tag(group)).first()
    if wrap is None:
        raise ValidationError("These custodians hold no recovery path for this case.")
    try:
        return crypto.unwrap_by_custodians(
            inner_wrap(case.id, wrap.wrapped),
            [private[c.pk] for c in group],
            report_id=case.id,
        )
    except crypto.DecryptionError:
        raise ValidationError("A recovery kit does not match its custodian.") from None


@transaction.atomic
def recover(
    case: Case,
    *,
    actor: User,
    kits: list[tuple[RecoveryCustodian, crypto.RecipientPrivateKey]],
    grantee: User,
    on: date,
) -> None:
    """``threshold`` custodians together give ``grantee`` the case keys (ledgered).

    For when every holder has lost their key. The custodians type their kits; the
    nested wrap for exactly their set opens only with all of them. The grantee must
    have a complaint key and must not be excluded from the case.

    The quick path: the kits are typed into this process, which holds the case keys
    while it re-wraps them. :func:`request_recovery` and :func:`complete_recovery`
    keep both off the server (the custodians peel offline, ``ceremony.py``).
    """
    _check_may_recover(actor, case.company)
    keys = open_by_custodians(case, kits)
    group = sorted((c for c, _ in kits), key=lambda c: c.pk)
    grantee_key = RecipientKey.objects.filter(user=grantee).first()
    grantee_public = trusted_public_key(grantee_key) if grantee_key else None
    if grantee_public is None:
        raise ValidationError("This person has no complaint key that passes its check.")
    if grantee.pk in excluded_ids(case, keys):
        raise ValidationError("This person is excluded from the case.")
    tag = conf.holder_tag(grantee.pk)
    case.wraps.filter(holder_tag=tag).delete()
    _wrap_to(case, keys, tag, grantee_public)
    _record_recovery(case, actor, [c.label for c in group], grantee, on)


# --- offline recovery: neither the kits nor the case keys reach the server --------------

RECOVERY_REQUEST_DAYS = 7
"""A request file answers for this many days; then it must be made again."""
_NO_SHRED_KEY = (
    "The case's shred key file is missing: its wraps can no longer be opened."
)


def may_recover(actor: User, company: Company) -> bool:
    """Who may start and complete a recovery: whoever configures the channel (the chair)."""
    return can(roles_in(actor, company), "complaints.configure")


def _check_may_recover(actor: User, company: Company) -> None:
    if not may_recover(actor, company):
        raise PermissionDenied(
            "Only the committee chair may run a recovery for this company."
        )


def _request_id_hash(request_id: str) -> str:
    digest: bytes = nacl.hash.blake2b(
        request_id.encode(), digest_size=32, person=b"ovs-recovery-id"
    )
    return digest.decode("ascii")


def _grantee_check(user: User, public_key: bytes) -> str:
    return conf.public_key_mac("recovery-grantee", user.pk, public_key)


@dataclass(frozen=True)
class IssuedRequest:
    """What ``recovery-request`` tells the requester: the code to read to each custodian."""

    code: str
    custodians: tuple[ceremony.Custodian, ...]
    expires_on: date


@transaction.atomic
def request_recovery(
    case: Case,
    *,
    actor: User,
    custodians: list[RecoveryCustodian],
    grantee: User,
    on: date,
    out: Path,
) -> IssuedRequest:
    """Write an offline recovery request to ``out`` for these custodians to peel.

    The file holds the nested wrap of exactly this set of custodians without the shred
    layer (:func:`inner_wrap`), the case's sealed ``internal`` record (the last
    custodian checks the exclusions with it), and the grantee's MAC-verified public
    key. No kit is asked for and no case key is opened here. The server keeps the
    hash of the request id and the digest of the file (:class:`RecoveryRequest`), and
    writes ``complaints.recovery_requested`` (sealed) to the case's chain. The file is
    written last, inside the transaction: if it cannot be written, nothing is kept.
    """
    _check_may_recover(actor, case.company)
    ids = [c.pk for c in custodians]
    if not custodians or len(set(ids)) != len(ids):
        raise ValidationError("Name each custodian once, with --custodian.")
    if any(
        c.channel.company_id != case.company_id or c.retired_on is not None
        for c in custodians
    ):
        raise ValidationError("Give the active custodians of this case's company.")
    group = tuple(sorted(custodians, key=lambda c: c.pk))
    wrap = case.wraps.filter(holder_tag=_recovery_tag(group)).first()
    if wrap is None:
        raise ValidationError("These custodians hold no recovery path for this case.")
    for custodian in group:
        if trusted_public_key(custodian) is None:
            raise ValidationError(f"{custodian.label}'s stored key fails its check.")
    grantee_key = RecipientKey.objects.filter(user=grantee).first()
    grantee_public = trusted_public_key(grantee_key) if grantee_key else None
    if grantee_public is None:
        raise ValidationError("This person has no complaint key that passes its check.")
    expires_on = on + timedelta(days=RECOVERY_REQUEST_DAYS)
    request_id = _random_id("R", 26)  # 130 bits
    request = ceremony.Request(
        id=request_id,
        case=case.id,
        company=case.company.name,
        requested_on=on,
        expires_on=expires_on,
        custodians=tuple(
            ceremony.Custodian(
                id=c.pk, label=c.label, fingerprint=fingerprint(bytes(c.public_key))
            )
            for c in group
        ),
        internal=bytes(case.internal),
        grantee_id=grantee.pk,
        grantee_email=grantee.email,
        grantee_public_key=grantee_public,
    )
    RecoveryRequest.objects.create(
        case=case,
        id_hash=_request_id_hash(request_id),
        digest=request.digest,
        custodian_ids="-".join(str(c.pk) for c in group),
        grantee_tag=conf.holder_tag(grantee.pk),
        grantee_check=_grantee_check(grantee, grantee_public),
        key_version=case.key_version,
        requested_on=on,
        expires_on=expires_on,
    )
    _record(
        case,
        "recovery_requested",
        actor,
        {
            "custodians": [c.label for c in group],
            "grantee": grantee.pk,
            "on": on,
            "expires_on": expires_on,
        },
    )
    try:
        ceremony.write_new(
            out,
            ceremony.RequestFile(request, 0, inner_wrap(case.id, wrap.wrapped)).dumps(),
        )
    except ceremony.CeremonyError as error:
        raise ValidationError(str(error)) from None
    except crypto.DecryptionError:
        raise ValidationError(_NO_SHRED_KEY) from None
    return IssuedRequest(
        code=request.code, custodians=request.custodians, expires_on=expires_on
    )


@transaction.atomic
def complete_recovery(
    response_text: str | bytes, *, actor: User, on: date | None = None
) -> Case:
    """Store the last custodian's wrap as the grantee's, and use the request up.

    The response must answer a pending, unexpired, unused request, with the digest
    of the request as it was issued; the case's keys must not have been rotated and
    the grantee's key not replaced since. The wrap gets the shred layer like every
    stored wrap and replaces any earlier wrap of the grantee's. Written like
    :func:`recover`: ``complaints.case_recovered`` (sealed) in the case's chain and
    ``complaints.recovery_used`` in the company chain. Anything wrong: nothing stored.
    ``on`` is the company's today unless given.
    """
    try:
        response = ceremony.Response.loads(response_text)
    except ceremony.CeremonyError as error:
        raise ValidationError(str(error)) from None
    row = (
        RecoveryRequest.objects.select_for_update()
        .select_related("case__company")
        .filter(id_hash=_request_id_hash(response.request_id))
        .first()
    )
    if row is None:
        raise ValidationError(
            "No recovery request matches this response (unknown, or its case was "
            "shredded); nothing was stored."
        )
    case = row.case
    _check_may_recover(actor, case.company)
    on = on or company_today(case.company)
    if row.used_on is not None:
        raise ValidationError(
            f"This recovery request was already used on {row.used_on}; nothing was stored."
        )
    if on > row.expires_on:
        raise ValidationError(
            f"This recovery request expired on {row.expires_on}; make a new one."
        )
    if not hmac.compare_digest(row.digest, response.digest):
        raise ValidationError(
            "This response answers a request that is not the one issued (it was "
            "changed on its way); nothing was stored."
        )
    if len(response.wrap) != crypto.wrap_case_keys_size(case.id):
        raise ValidationError("The response's wrap is not a wrap of this case's keys.")
    if case.key_version != row.key_version:
        raise ValidationError(
            "The case's keys were rotated since the request; make a new request."
        )
    grantee = users_by_tag().get(row.grantee_tag)
    grantee_key = RecipientKey.objects.filter(user=grantee).first() if grantee else None
    public = trusted_public_key(grantee_key) if grantee_key else None
    if (
        grantee is None
        or public is None
        or not hmac.compare_digest(_grantee_check(grantee, public), row.grantee_check)
    ):
        raise ValidationError(
            "The grantee's complaint key changed since the request; make a new request."
        )
    if RecoveryRequest.objects.filter(pk=row.pk, used_on=None).update(used_on=on) != 1:
        raise ValidationError("This recovery request was already used.")
    # Anyone holding the request file could seal keys of their choosing to the
    # grantee, so the wrap is kept aside: it replaces nothing and names no holder
    # until the grantee's own key opens it and what it opens opens this case
    # (accept_recovered, when the grantee next unlocks their key).
    tag = conf.pending_tag(grantee.pk)
    case.wraps.filter(holder_tag=tag).delete()
    try:
        stored = _outer(case.id, response.wrap)
    except crypto.DecryptionError:
        raise ValidationError(_NO_SHRED_KEY) from None
    WrappedKey.objects.create(case=case, holder_tag=tag, wrapped=stored)
    by_id = {
        c.pk: c for c in RecoveryCustodian.objects.filter(channel__company=case.company)
    }
    labels = [by_id[pk].label for pk in _custodian_ids(row.custodian_ids)]
    _record_recovery(case, actor, labels, grantee, on, offline=True)
    return case


def _record_recovery(
    case: Case,
    actor: User,
    labels: list[str],
    grantee: User,
    on: date,
    **extra: bool,
) -> None:
    """A recovery in the case's chain (sealed: which custodians, for whom) and in the
    company's (which custodians, no case)."""
    details = {"custodians": labels, "grantee": grantee.pk, "on": on, **extra}
    _record(case, "case_recovered", actor, details)
    record(
        "complaints.recovery_used",
        actor=actor,
        company=case.company,
        data={"on": on, "custodians": labels},
    )


# --- departures ----------------------------------------------------------------------------


@transaction.atomic
def role_ended(user: User, company: Company, *, on: date) -> int:
    """A chair or member left: their wraps go now, and the cases they held are flagged
    for key rotation by the next holder who opens them. Returns the number of cases.

    Called by ``accounts.services.end_role`` through its hook list (a role ending on
    a later day is left to :func:`revoke_departed` in the daily job). A person who
    still holds a committee role, or is the channel's fallback, keeps access.
    """
    if user.pk in {
        u.pk for u in holders_of(company, RECIPIENT_ROLES, on=on + timedelta(days=1))
    }:
        return 0
    # Locked, so a submission in flight either sees this departure or is seen by it.
    channel = Channel.objects.select_for_update().filter(company=company).first()
    if channel is None or channel.fallback_id == user.pk:
        return 0
    tag = conf.holder_tag(user.pk)
    wraps = WrappedKey.objects.filter(case__company=company, holder_tag=tag)
    cases = list(Case.objects.filter(pk__in=wraps.values("case_id")))
    wraps.delete()
    Grant.objects.filter(case__in=cases, grantee_tag=tag).delete()
    for case in cases:
        Case.objects.filter(pk=case.pk).update(rotation_due=True)
        _record(case, "holder_left", None, {"person": user.pk, "on": on})
    return len(cases)


def on_role_ended(user: User, company: Company, *, on: date) -> None:
    """The hook ``end_role`` calls: now for a role that ended, later (daily) otherwise."""
    if on <= company_today(company):
        role_ended(user, company, on=on)


def revoke_departed(company: Company, *, on: date) -> int:
    """The daily job's half of departures: committee roles that ended before ``on``."""
    ended = set(
        RoleAssignment.objects.filter(
            company=company, role__in=RECIPIENT_ROLES, ends_on__lt=on
        ).values_list("user_id", flat=True)
    )
    current = {u.pk for u in holders_of(company, RECIPIENT_ROLES, on=on)}
    tags = set(
        WrappedKey.objects.filter(case__company=company).values_list(
            "holder_tag", flat=True
        )
    )
    revoked = 0
    for user in User.objects.filter(pk__in=ended - current):
        if conf.holder_tag(user.pk) in tags:
            revoked += role_ended(user, company, on=on - timedelta(days=1))
    return revoked


# --- retention, the daily job and the digest ------------------------------------------


@transaction.atomic
def shred(case: Case, *, on: date, actor: User | None = None) -> DeletionRecord:
    """Crypto-shred a case: destroy every wrapped key, then every ciphertext and row.

    Only non-identifying facts are kept, for statistics.
    """
    tags = sorted(
        set(
            case.wraps.exclude(holder_tag__startswith=RECOVERY_PREFIX).values_list(
                "holder_tag", flat=True
            )
        )
    )
    deletion = DeletionRecord.objects.create(
        company=case.company,
        category=case.category,
        final_status=case.status,
        received_quarter=quarter_of(case.received_on),
        acknowledged_days=(case.acknowledged_on - case.received_on).days
        if case.acknowledged_on
        else None,
        closed_days=(case.closed_on - case.received_on).days
        if case.closed_on
        else None,
        deleted_on=on,
        viewer_tags=tags,
    )
    record(
        "complaints.case_shredded",
        actor=None,
        company=case.company,
        data={"on": on},
        chain_key=case.ledger_chain,
    )
    case.wraps.all().delete()
    ReporterSession.objects.filter(case=case).delete()
    blobs = list(case.attachments.exclude(blob="").values_list("blob", flat=True))
    case.attachments.all().delete()
    case.messages.all().delete()
    case.notes.all().delete()
    case.grants.all().delete()
    case_id = case.id
    case.delete()
    # the key file goes once the deletion is committed; a crash in between leaves it
    # to sweep_shred_keys in the next daily job
    transaction.on_commit(lambda: _destroy_shred_key(case_id))
    # the blobs too (extra: without the wraps and the key file they open with nothing);
    # a crash in between leaves them to sweep_blobs
    transaction.on_commit(lambda: _remove_blobs(blobs))
    return deletion


def apply_retention(company: Company, *, on: date) -> dict[str, int]:
    """Warn before expiry and shred what expired (legal holds block it). Idempotent."""
    channel = Channel.objects.filter(company=company).first()
    if channel is None:
        return {"warned": 0, "shredded": 0}
    policy = policy_of(channel)
    warned = shredded = 0
    for case in Case.objects.filter(company=company, closed_on__isnull=False):
        verdict = retention(case.closed_on, case.legal_hold, on, policy)
        if verdict.state == Retention.EXPIRED:
            shred(case, on=on)
            shredded += 1
        elif verdict.state == Retention.WARNING and case.retention_warned_on is None:
            with transaction.atomic():
                claimed = Case.objects.filter(
                    pk=case.pk, retention_warned_on__isnull=True
                ).update(retention_warned_on=on)
                if claimed == 1:
                    record(
                        "complaints.retention_warned",
                        actor=None,
                        company=company,
                        data={"keep_until": verdict.keep_until},
                        chain_key=case.ledger_chain,
                    )
                    warned += 1
    return {"warned": warned, "shredded": shredded}


DIGEST_SUBJECT = "Oversight: your complaint channel digest"
DIGEST_BODY = (
    "This is the daily digest of the complaint channel. It is sent every day, whether "
    "or not anything happened, and never says what. Sign in to Oversight to see the "
    "cases you hold, if any.\n"
)


def digest_recipients(company: Company, on: date) -> list[User]:
    """Everyone who could hold a case: the same list whether or not any case exists."""
    people = {u.pk: u for u in holders_of(company, RECIPIENT_ROLES, on=on)}
    channel = Channel.objects.filter(company=company).first()
    if channel is not None and channel.fallback is not None:
        people.setdefault(channel.fallback.pk, channel.fallback)
    return sorted(people.values(), key=lambda u: u.email)


def send_digest(company: Company, *, on: date) -> int:
    """The fixed-schedule digest: identical for every recipient, every day, empty or not."""
    people = digest_recipients(company, on)
    for person in people:
        send_mail(DIGEST_SUBJECT, DIGEST_BODY, None, [person.email])
    return len(people)


@transaction.atomic
def record_reporter_activity(company: Company, *, day: date) -> int:
    """Write the day's reporter activity and wrong receipts to the ledger, dated only.

    Run by the daily job for yesterday, so no ledger instant is a reporter's instant.
    """
    written = 0
    for case in Case.objects.filter(company=company, received_on=day):
        record(
            "complaints.report_received",
            actor=None,
            company=company,
            data={"on": day},
            chain_key=case.ledger_chain,
        )
        written += 1
    ids = (
        Message.objects.filter(case__company=company, from_reporter=True, sent_on=day)
        .values_list("case_id", flat=True)
        .distinct()
    )
    for case_id in ids:
        record(
            "complaints.reporter_replied",
            actor=None,
            company=company,
            data={"on": day},
            chain_key=f"complaint:{case_id}",
        )
        written += 1
    failures = ReceiptFailures.objects.filter(
        company=company, day=day, recorded=False
    ).first()
    if failures is not None:
        record(
            "complaints.receipts_failed",
            actor=None,
            company=None,
            data={"on": day, "count": failures.count, "company": company.pk},
            chain_key="complaints:receipts",
        )
        ReceiptFailures.objects.filter(pk=failures.pk).update(recorded=True)
        written += 1
    ReporterSession.objects.filter(created_on__lt=day).delete()
    return written
