"""The complaint register: encrypted case files and the little that stays in clear.

In clear (the scheduler and statistics need it without any key): the company, the
category, the status, dates (never instants) and the legal hold. Everything a person
wrote, every file, the names of the people a report concerns and the exclusions are
ciphertext under the case's own key. Who holds a key is recorded as an opaque tag
(keyed hash of the user under the pepper), so a database dump does not list who
receives which case.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    ACCOUNTING = "accounting", _("Accounting")
    INTERNAL_CONTROLS = "internal_controls", _("Internal controls")
    AUDITING = "auditing", _("Auditing")
    RETALIATION = "retaliation", _("Retaliation")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    INVESTIGATING = "investigating", "Under investigation"
    SUBSTANTIATED = "substantiated", "Substantiated"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
    CLOSED = "closed", "Closed"


class Channel(models.Model):
    """A company's complaint procedure: published or not, its numbers, its keys.

    Recovery is M-of-N among :class:`RecoveryCustodian` public keys, made offline by
    the custodians themselves; no recovery private key is ever on the server.
    ``recovery_threshold`` is M; ``recovery_version`` changes whenever a custodian is
    added or retired, and each case re-wraps its recovery paths when a holder next
    opens it. ``fallback`` receives reports when every default recipient is excluded
    (lead independent director or counsel).
    """

    company = models.OneToOneField(
        "accounts.Company", on_delete=models.PROTECT, related_name="complaint_channel"
    )
    published_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    recovery_threshold = models.PositiveSmallIntegerField(default=2)
    recovery_version = models.PositiveIntegerField(default=1)
    fallback = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledge_days = models.PositiveSmallIntegerField(default=7)
    feedback_months = models.PositiveSmallIntegerField(default=3)
    retention_years = models.PositiveSmallIntegerField(default=7)

    def __str__(self) -> str:
        return f"Complaint channel of {self.company}"

    def is_open_on(self, day: object) -> bool:
        return (
            self.published_on is not None
            and self.published_on <= day  # type: ignore[operator]
            and (self.closed_on is None or day <= self.closed_on)  # type: ignore[operator]
        )


class RecoveryCustodian(models.Model):
    """One recovery custodian's public key: outside counsel, or an independent director
    who is not on the committee. The key pair was made on the custodian's own machine
    (``oversight complaints recovery-keygen``); only the public half is here.

    ``person`` links the custodian to a user when they have one, so a custodian named
    in or excluded from a case gets no recovery path for that case.
    """

    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="custodians"
    )
    label = models.CharField(max_length=120)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    public_key = models.BinaryField(max_length=32)
    mac = models.CharField(max_length=64, default="")  # see conf.public_key_mac
    registered_on = models.DateField()
    retired_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"Recovery custodian {self.label}"

    @property
    def fingerprint(self) -> str:
        from oversight.complaints.crypto import format_public_key

        return format_public_key(bytes(self.public_key)).replace(" ", "")[-8:]


class RecipientKey(models.Model):
    """A person's X25519 key pair; the private half sealed under their own passphrase."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaint_key"
    )
    public_key = models.BinaryField(max_length=32)
    mac = models.CharField(max_length=64, default="")  # see conf.public_key_mac
    protected = models.BinaryField()
    created_on = models.DateField()

    def __str__(self) -> str:
        return f"Complaint key of user {self.user_id}"


class Case(models.Model):
    """One report. ``id`` is random: case numbers reveal neither order nor count."""

    id = models.CharField(primary_key=True, max_length=16, editable=False)
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    received_on = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    legal_hold = models.BooleanField(default=False)
    suspect = models.BooleanField(
        default=False
    )  # flagged by the abuse guard, for triage
    content = models.BinaryField()  # sealed JSON under K_case: text, contact, concerns
    internal = models.BinaryField(
        default=b""
    )  # sealed under K_internal: exclusions, audit
    audit_public_key = models.BinaryField(max_length=32, default=b"")  # ledger details
    receipt_verifier = models.CharField(max_length=64, unique=True)
    receipt_confirmed = models.BooleanField(default=False)  # shown once: never again
    reporter_public_key = models.BinaryField(max_length=32)
    reporter_wrap = models.BinaryField()
    assignee_tag = models.CharField(max_length=64, blank=True)
    key_version = models.PositiveIntegerField(default=1)
    recovery_version = models.PositiveIntegerField(default=0)
    rotation_due = models.BooleanField(default=False)  # a holder left: rotate keys
    retention_warned_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["company", "status"]),
        ]

    def __str__(self) -> str:
        return f"Case {self.id}"

    @property
    def ledger_chain(self) -> str:
        return f"complaint:{self.id}"


class WrappedKey(models.Model):
    """Both case keys sealed to one holder, or nested to a set of recovery custodians."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="wraps")
    holder_tag = models.CharField(max_length=64)  # "recovery:<ids>" for custodians
    wrapped = models.BinaryField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["case", "holder_tag"],
                name="%(app_label)s_%(class)s_one_per_holder",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["holder_tag"])]

    def __str__(self) -> str:
        return f"Wrapped key for {self.case_id}"


class Message(models.Model):
    """A message between the recipients and the reporter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField()
    author_tag = models.CharField(max_length=64, blank=True)
    body = models.BinaryField()
    sent_on = models.DateField()

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"Message on {self.case_id}"


class Note(models.Model):
    """An internal note of the recipients; never shown to the reporter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author_tag = models.CharField(max_length=64)
    body = models.BinaryField()
    written_on = models.DateField()

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"Note on {self.case_id}"


class Attachment(models.Model):
    """A file: name, type, size and SHA-256 sealed in ``meta``; the body a secretstream.

    The body is a file in the blob directory named by ``blob`` (the attachment's
    random id and a random suffix, never the file's name). Rows written before
    blobs keep their body in ``body`` until their case's next key rotation.
    """

    id = models.CharField(primary_key=True, max_length=16, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    meta = models.BinaryField()
    body = models.BinaryField(null=True)
    blob = models.CharField(max_length=64, default="", blank=True)
    from_reporter = models.BooleanField()
    added_on = models.DateField()

    class Meta:
        ordering = ("added_on", "id")

    def __str__(self) -> str:
        return f"Attachment on {self.case_id}"


class Grant(models.Model):
    """A proposal to give one more person the case key: wrapped by a holder, pending a second."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    grantee_tag = models.CharField(max_length=64, default="")
    proposer_tag = models.CharField(max_length=64)
    wrapped = models.BinaryField()
    reason = models.BinaryField()
    proposed_on = models.DateField()

    def __str__(self) -> str:
        return f"Grant on {self.case_id}"


class ReporterSession(models.Model):
    """A reporter's sign-in with a receipt. The cookie is the only key to ``sealed``."""

    token_hash = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()  # wrap key, expiry and form secret, under the cookie
    created_on = models.DateField()

    def __str__(self) -> str:
        return "Reporter session"


class ReceiptFailures(models.Model):
    """Wrong receipts per company and day: counted, never timed."""

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    recorded = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "day"], name="%(app_label)s_%(class)s_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Receipt failures on {self.day}"


class DeletionRecord(models.Model):
    """What remains of a shredded case: non-identifying facts for statistics.

    ``viewer_tags`` lists the holder tags that could see the case, so statistics
    stay filtered per viewer after deletion.
    """

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    final_status = models.CharField(max_length=20, choices=Status.choices)
    received_quarter = models.CharField(max_length=7)
    acknowledged_days = models.PositiveIntegerField(null=True)
    closed_days = models.PositiveIntegerField(null=True)
    deleted_on = models.DateField()
    viewer_tags = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Deleted case ({self.received_quarter})"


class RecoveryRequest(models.Model):
    """An offline recovery under way: a request file is with the custodians.

    The request id is in the file only; the server keeps its hash (so a database
    reader cannot answer a request) and the digest of everything the file says,
    checked again when the response comes back. The grantee is a peppered tag, and
    ``grantee_check`` a peppered MAC of the key the request named, so a change of the
    grantee's key in between is noticed; neither names the person to a dump.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    id_hash = models.CharField(max_length=64, unique=True)
    digest = models.CharField(max_length=64)
    custodian_ids = models.CharField(max_length=200)  # "<id>-<id>", in wrap order
    grantee_tag = models.CharField(max_length=64)
    grantee_check = models.CharField(max_length=64)
    key_version = models.PositiveIntegerField()  # the case's, when requested
    requested_on = models.DateField()
    expires_on = models.DateField()
    used_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery request for {self.case_id}"
