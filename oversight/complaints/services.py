"""Every change to the complaint register: atomic, and recorded in the case's own chain.

Recipients act with their unlocked private key (``RecipientPrivateKey``); nothing here
can open a case without one, and nothing stores a key in clear. Reporter actions are
stored with dates only; they reach the ledger through the daily job, so no stored
instant says when a reporter acted.
"""

from __future__ import annotations

import io
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import nacl.hash
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F

from oversight.accounts.models import Company, Role, User
from oversight.accounts.queries import holders_of
from oversight.complaints import conf, crypto
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
    ReporterSession,
    Status,
    WrappedKey,
)
from oversight.ledger.services import record
from oversight.rules.complaints.policy import ComplaintPolicy
from oversight.rules.complaints.retention import Retention, retention
from oversight.rules.complaints.statistics import quarter_of

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


@transaction.atomic
def publish_channel(
    company: Company, *, actor: User, on: date, fallback: User | None = None
) -> crypto.RecoveryKit:
    """Open the complaint procedure; return the recovery kit, which is not kept."""
    kit = crypto.new_recovery_kit()
    channel, created = Channel.objects.get_or_create(
        company=company,
        defaults={"recovery_public_key": kit.public_key, "published_on": on},
    )
    if not created:
        raise ValidationError("The complaint channel is already published.")
    channel.fallback = fallback
    channel.save(update_fields=["fallback"])
    record(
        "complaints.channel_published",
        actor=actor,
        company=company,
        target=channel,
        data={"on": on, "fallback_set": fallback is not None},
    )
    return kit


@transaction.atomic
def set_up_key(user: User, *, passphrase: str, on: date) -> RecipientKey:
    """Create the user's key pair, the private half sealed under ``passphrase``."""
    if len(passphrase) < 12:
        raise ValidationError("Use a passphrase of at least 12 characters.")
    if RecipientKey.objects.filter(user=user).exists():
        raise ValidationError("You already have a complaint key.")
    private = crypto.new_recipient_key()
    key = RecipientKey.objects.create(
        user=user,
        public_key=private.public_key,
        protected=crypto.protect_private_key(
            private, passphrase.encode(), params=key_params()
        ),
        created_on=on,
    )
    record("complaints.key_created", actor=user, company=None, target=key)
    return key


def key_params() -> crypto.KeyParams:
    from django.conf import settings

    return getattr(settings, "COMPLAINTS_KEY_PARAMS", crypto.KEY_PARAMS_DEFAULT)


def unlock_key(user: User, passphrase: str) -> crypto.RecipientPrivateKey:
    """The user's private key, or :class:`ValidationError` for a wrong passphrase."""
    key = RecipientKey.objects.filter(user=user).first()
    if key is None:
        raise ValidationError("Set up your complaint key first.")
    try:
        return crypto.unlock_private_key(
            bytes(key.protected), passphrase.encode(), public_key=bytes(key.public_key)
        )
    except crypto.DecryptionError:
        raise ValidationError("That passphrase does not unlock your key.") from None


# --- intake (reporter, no account) -----------------------------------------------------


@dataclass(frozen=True)
class Upload:
    name: str
    content_type: str
    body: bytes


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
        if len(upload.body) > conf.max_file_bytes():
            raise ValidationError("A file is larger than the limit.")
        total += len(upload.body)
    if total > conf.max_report_bytes():
        raise ValidationError("The files together are larger than the limit.")


def _add_file(
    case: Case, key: crypto.ReportKey, upload: Upload, *, by_reporter: bool, on: date
) -> Attachment:
    attachment_id = _random_id("F")
    out = io.BytesIO()
    crypto.encrypt_stream(
        key,
        [upload.body],
        out,
        report_id=case.id,
        purpose=f"file-body/{attachment_id}",
    )
    meta = {
        "name": upload.name[:200],
        "type": upload.content_type,
        "size": len(upload.body),
        "sha256": nacl.hash.sha256(upload.body).decode(),
    }
    return Attachment.objects.create(
        id=attachment_id,
        case=case,
        meta=_seal_json(key, case.id, f"file-meta/{attachment_id}", meta),
        body=out.getvalue(),
        from_reporter=by_reporter,
        added_on=on,
    )


def _wrap_to(case: Case, key: crypto.ReportKey, tag: str, public_key: bytes) -> None:
    WrappedKey.objects.create(
        case=case,
        holder_tag=tag,
        wrapped=crypto.wrap_for_recipient(key, public_key, report_id=case.id),
    )


_WRITERS = threading.Lock()
"""One submission transaction at a time per process: a worker's threads queue on this
lock, which wakes the next one at once, rather than in SQLite's busy handler, which
sleeps in steps of up to 100 ms."""


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
    fallback. The recovery kit's key is always wrapped, so no report is unreadable.
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
    try:
        with _WRITERS, transaction.atomic():
            return _create_case(company, keys, verifier, data, on, suspect), True
    except IntegrityError:
        existing = Case.objects.filter(receipt_verifier=verifier).first()
        if existing is None:
            raise
        return existing, False


def _create_case(
    company: Company,
    keys: crypto.ReceiptKeys,
    verifier: str,
    data: ReportInput,
    on: date,
    suspect: bool,
) -> Case:
    channel = Channel.objects.get(company=company)
    if not channel.is_open_on(on):
        raise ValidationError("This company's complaint channel is not open.")
    people = {u.pk: u for u in concernable(company, on)}
    concerns = [people[pk] for pk in data.concerns if pk in people]
    excluded = {u.pk for u in concerns}
    recipients = [
        u for u in holders_of(company, RECIPIENT_ROLES, on=on) if u.pk not in excluded
    ]
    if not recipients and channel.fallback is not None:
        recipients = [channel.fallback] if channel.fallback_id not in excluded else []
    key = crypto.ReportKey.generate()
    reporter_public = crypto.reporter_private_key(keys).public_key
    case = Case(
        id=_random_id("C"),
        company=company,
        category=data.category,
        received_on=on,
        receipt_verifier=verifier,
        reporter_public_key=reporter_public,
        suspect=suspect,
    )
    content = {
        "text": data.text,
        "contact": data.contact,
        "concerns": [{"id": u.pk, "name": u.full_name} for u in concerns],
        "exclusions": [
            {"id": u.pk, "name": u.full_name, "reason": "Named by the reporter"}
            for u in concerns
        ],
    }
    case.content = _seal_json(key, case.id, "content", content)
    case.reporter_wrap = crypto.wrap_for_reporter(
        key, reporter_public, report_id=case.id
    )
    case.save(force_insert=True)
    keys_by_user = {
        k.user_id: bytes(k.public_key)
        for k in RecipientKey.objects.filter(user__in=recipients)
    }
    for user in recipients:
        if user.pk in keys_by_user:
            _wrap_to(case, key, conf.holder_tag(user.pk), keys_by_user[user.pk])
    _wrap_to(case, key, "", bytes(channel.recovery_public_key))
    for upload in data.files:
        _add_file(case, key, upload, by_reporter=True, on=on)
    return case


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
        "seed": keys.wrap_key.hex(),
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
    key = crypto.unwrap_for_reporter(bytes(case.reporter_wrap), keys, report_id=case.id)
    return ReporterAccess(case=case, key=key, form_secret=payload["form"])


def reporter_sign_out(token: str) -> None:
    ReporterSession.objects.filter(token_hash=_token_hash(token)).delete()


@transaction.atomic
def reporter_reply(
    access: ReporterAccess, *, text: str, files: tuple[Upload, ...], on: date
) -> None:
    """The reporter answers or adds material; dated, not timed; no ledger row now."""
    if not text.strip() and not files:
        raise ValidationError("Write a message or add a file.")
    _check_files(files)
    case = access.case
    if text.strip():
        Message.objects.create(
            case=case,
            from_reporter=True,
            body=crypto.seal(
                access.key, text.encode(), report_id=case.id, purpose="message"
            ),
            sent_on=on,
        )
    for upload in files:
        _add_file(case, access.key, upload, by_reporter=True, on=on)


# --- case work (recipients) ------------------------------------------------------------


def case_key(
    case: Case, user: User, private: crypto.RecipientPrivateKey
) -> crypto.ReportKey:
    """Unwrap the case key with the user's own private key."""
    wrap = WrappedKey.objects.filter(
        case=case, holder_tag=conf.holder_tag(user.pk)
    ).first()
    if wrap is None:
        raise crypto.DecryptionError("no key for this person")
    return crypto.unwrap_for_recipient(bytes(wrap.wrapped), private, report_id=case.id)


def _record(
    case: Case, action: str, actor: User, data: dict[str, Any] | None = None
) -> None:
    record(
        f"complaints.{action}",
        actor=actor,
        company=case.company,
        target=case,
        data=data or {},
        chain_key=case.ledger_chain,
    )


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
    case: Case, *, actor: User, key: crypto.ReportKey, text: str, on: date
) -> Note:
    if not text.strip():
        raise ValidationError("The note is empty.")
    note = Note.objects.create(
        case=case,
        author_tag=conf.holder_tag(actor.pk),
        body=crypto.seal(key, text.encode(), report_id=case.id, purpose="note"),
        written_on=on,
    )
    _record(case, "note_added", actor)
    return note


@transaction.atomic
def send_message(
    case: Case, *, actor: User, key: crypto.ReportKey, text: str, on: date
) -> Message:
    if not text.strip():
        raise ValidationError("The message is empty.")
    message = Message.objects.create(
        case=case,
        from_reporter=False,
        author_tag=conf.holder_tag(actor.pk),
        body=crypto.seal(key, text.encode(), report_id=case.id, purpose="message"),
        sent_on=on,
    )
    _record(case, "message_sent", actor)
    return message


def holders(case: Case) -> dict[str, User]:
    """The people who hold the case key, by tag (the recovery kit is not a person)."""
    tags = set(case.wraps.exclude(holder_tag="").values_list("holder_tag", flat=True))
    users = User.objects.filter(complaint_key__isnull=False)
    return {conf.holder_tag(u.pk): u for u in users if conf.holder_tag(u.pk) in tags}


@transaction.atomic
def assign(case: Case, *, actor: User, assignee: User) -> None:
    if conf.holder_tag(assignee.pk) not in holders(case):
        raise ValidationError("Give this person access to the case first.")
    case.assignee_tag = conf.holder_tag(assignee.pk)
    case.save(update_fields=["assignee_tag"])
    _record(case, "case_assigned", actor)


@transaction.atomic
def set_legal_hold(case: Case, *, actor: User, hold: bool) -> None:
    case.legal_hold = hold
    case.save(update_fields=["legal_hold"])
    _record(case, "legal_hold_set" if hold else "legal_hold_released", actor)


def content_of(case: Case, key: crypto.ReportKey) -> dict[str, Any]:
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
    key: crypto.ReportKey,
    person: User,
    reason: str,
    on: date,
) -> crypto.ReportKey:
    """Take ``person`` off the case: their wrap goes and the case key is rotated.

    Every sealed item and file is re-encrypted under a new key, which is wrapped to
    the remaining holders, the reporter and the recovery kit; a key the excluded
    person kept opens nothing written before or after.
    """
    if not may_exclude(case, actor):
        raise ValidationError(
            "Only the chair (or, if the chair is excluded, a member) may exclude."
        )
    if not reason.strip():
        raise ValidationError("Give a reason.")
    if person.pk == actor.pk:
        raise ValidationError("Ask another holder to exclude you.")
    content = content_of(case, key)
    content["exclusions"].append(
        {"id": person.pk, "name": person.full_name, "reason": reason}
    )
    remaining = {
        tag: user for tag, user in holders(case).items() if user.pk != person.pk
    }
    new = _rotate(case, key, remaining)
    case.content = _seal_json(new, case.id, "content", content)
    case.save(update_fields=["content"])
    if case.assignee_tag == conf.holder_tag(person.pk):
        case.assignee_tag = ""
        case.save(update_fields=["assignee_tag"])
    _record(case, "key_rotated", actor, {"key_version": case.key_version, "on": on})
    return new


def _rotate(
    case: Case, old: crypto.ReportKey, remaining: dict[str, User]
) -> crypto.ReportKey:
    new = crypto.ReportKey.generate()
    case_id = case.id
    for message in case.messages.all():
        message.body = crypto.rotate_sealed(
            old, new, bytes(message.body), report_id=case_id, purpose="message"
        )
        message.save(update_fields=["body"])
    for note in case.notes.all():
        note.body = crypto.rotate_sealed(
            old, new, bytes(note.body), report_id=case_id, purpose="note"
        )
        note.save(update_fields=["body"])
    for attachment in case.attachments.all():
        out = io.BytesIO()
        crypto.reencrypt_stream(
            old,
            new,
            io.BytesIO(bytes(attachment.body)),
            out,
            report_id=case_id,
            purpose=f"file-body/{attachment.id}",
        )
        attachment.body = out.getvalue()
        attachment.meta = crypto.rotate_sealed(
            old,
            new,
            bytes(attachment.meta),
            report_id=case_id,
            purpose=f"file-meta/{attachment.id}",
        )
        attachment.save(update_fields=["body", "meta"])
    case.content = crypto.rotate_sealed(
        old, new, bytes(case.content), report_id=case_id, purpose="content"
    )
    case.reporter_wrap = crypto.wrap_for_reporter(
        new, bytes(case.reporter_public_key), report_id=case_id
    )
    case.key_version += 1
    case.save(update_fields=["content", "reporter_wrap", "key_version"])
    case.wraps.all().delete()
    public = {
        k.user_id: bytes(k.public_key)
        for k in RecipientKey.objects.filter(user__in=remaining.values())
    }
    for tag, user in remaining.items():
        _wrap_to(case, new, tag, public[user.pk])
    channel = Channel.objects.get(company=case.company)
    _wrap_to(case, new, "", bytes(channel.recovery_public_key))
    case.grants.all().delete()  # pending wraps were made with the old key
    return new


@transaction.atomic
def propose_grant(
    case: Case,
    *,
    actor: User,
    key: crypto.ReportKey,
    grantee: User,
    reason: str,
    on: date,
) -> Grant:
    """A holder wraps the case key to ``grantee``; it takes effect when another approves."""
    grantee_key = RecipientKey.objects.filter(user=grantee).first()
    if grantee_key is None:
        raise ValidationError("This person has not set up a complaint key yet.")
    if conf.holder_tag(grantee.pk) in holders(case):
        raise ValidationError("This person already has access.")
    if not reason.strip():
        raise ValidationError("Give a reason.")
    grant = Grant.objects.create(
        case=case,
        grantee=grantee,
        proposer_tag=conf.holder_tag(actor.pk),
        wrapped=crypto.wrap_for_recipient(
            key, bytes(grantee_key.public_key), report_id=case.id
        ),
        reason=crypto.seal(key, reason.encode(), report_id=case.id, purpose="grant"),
        proposed_on=on,
    )
    _record(case, "access_proposed", actor)
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
        case=case, holder_tag=conf.holder_tag(grant.grantee_id), wrapped=grant.wrapped
    )
    grant.delete()
    _record(case, "access_granted", actor)


# --- retention, the daily job and the digest ------------------------------------------


@transaction.atomic
def shred(case: Case, *, on: date, actor: User | None = None) -> DeletionRecord:
    """Crypto-shred a case: destroy every wrapped key, then every ciphertext and row.

    Only non-identifying facts are kept, for statistics.
    """
    tags = sorted(set(case.wraps.values_list("holder_tag", flat=True)) - {""})
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
        actor=actor,
        company=case.company,
        data={"on": on},
        chain_key=case.ledger_chain,
    )
    case.wraps.all().delete()
    ReporterSession.objects.filter(case=case).delete()
    case.attachments.all().delete()
    case.messages.all().delete()
    case.notes.all().delete()
    case.grants.all().delete()
    case.delete()
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
