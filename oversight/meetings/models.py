"""The meetings register: meetings, agendas, materials, attendance, sessions, motions,
minutes, action items, board reports, written consents, board books and calendar feeds."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.rules.meetings.annual import Counterpart, ItemType
from oversight.rules.meetings.voting import Choice, OutcomeRule, QuorumBasis


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(m.value, m.value.replace("_", " ").capitalize()) for m in enum]  # type: ignore[attr-defined]


class VotingRules(models.Model):
    """The quorum and voting rules of the committee (bylaws or charter); defaults if absent."""

    company = models.OneToOneField(
        Company, on_delete=models.PROTECT, related_name="voting_rules"
    )
    quorum_basis = models.CharField(
        max_length=10, choices=_choices(QuorumBasis), default=QuorumBasis.MAJORITY
    )
    quorum_number = models.PositiveSmallIntegerField(default=0)
    quorum_fraction_numerator = models.PositiveSmallIntegerField(default=1)
    quorum_fraction_denominator = models.PositiveSmallIntegerField(default=2)
    recused_count_toward_quorum = models.BooleanField(default=True)
    outcome_rule = models.CharField(
        max_length=12, choices=_choices(OutcomeRule), default=OutcomeRule.VOTES_CAST
    )
    second_required = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "voting rules"

    def __str__(self) -> str:
        return f"Voting rules of {self.company}"


class Meeting(models.Model):
    """A committee meeting: regular or special, planned, held or cancelled."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "Regular"
        SPECIAL = "special", "Special"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    place = models.CharField(max_length=200, blank=True)
    video_url = models.URLField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    quorum_present = models.BooleanField(null=True, blank=True)
    quorum_message = models.CharField(max_length=300, blank=True)
    held_recorded_at = models.DateTimeField(null=True, blank=True)
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("starts_at",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.local_start:%d %b %Y})"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def day(self) -> date:
        """The meeting date, in its own time zone (the date membership is read on)."""
        return self.local_start.date()


class AgendaItem(models.Model):
    """An item on a meeting's agenda, with who sees it."""

    class Visibility(models.TextChoices):
        ATTENDEES = "attendees", "Everyone invited"
        MEMBERS = "members", "Committee members only"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    item_type = models.CharField(
        max_length=30, choices=_choices(ItemType), default=ItemType.OTHER
    )
    title = models.CharField(max_length=200)
    presenter = models.CharField(max_length=200, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    obligation_ids = models.CharField(
        max_length=200, blank=True, help_text="Charter obligation ids, comma-separated"
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.ATTENDEES
    )
    hidden_from = models.ManyToManyField(User, blank=True, related_name="+")
    carried_from = models.ForeignKey(
        "ActionItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("meeting", "position", "pk")

    def __str__(self) -> str:
        return self.title

    def obligations(self) -> list[str]:
        return [o.strip() for o in self.obligation_ids.split(",") if o.strip()]


class Material(models.Model):
    """One version of a document attached to an agenda item."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="materials"
    )
    name = models.CharField(max_length=200)
    version = models.PositiveSmallIntegerField(default=1)
    file = models.FileField(upload_to="meetings/materials/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("item", "name", "-version")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["item", "name", "version"],
                name="%(app_label)s_%(class)s_one_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Attendance(models.Model):
    """Who was invited to a meeting and whether, how and when they attended."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        IN_PERSON = "in_person", "Present in person"
        REMOTE = "remote", "Present remotely"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guest_name = models.CharField(max_length=200, blank=True)
    guest_affiliation = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.INVITED
    )
    arrived_at = models.TimeField(null=True, blank=True)
    departed_at = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ("meeting", "pk")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="%(app_label)s_%(class)s_once",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_name=""),
                name="%(app_label)s_%(class)s_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(self.user) if self.user else self.guest_name

    @property
    def present(self) -> bool:
        return self.status in {self.Status.IN_PERSON, self.Status.REMOTE}


class ExecutiveSession(models.Model):
    """A separate session: with management, the internal auditor, the auditor, or members only."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="sessions"
    )
    counterpart = models.CharField(max_length=20, choices=_choices(Counterpart))
    attendees = models.ManyToManyField(User, blank=True, related_name="+")
    private_notes = models.TextField(
        blank=True, help_text="Visible only to committee members."
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("meeting", "pk")

    def __str__(self) -> str:
        return f"Executive session ({self.get_counterpart_display()})"


class Motion(models.Model):
    """A motion put at a meeting; its outcome is decided by the rules when the vote closes."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Open"
        CARRIED = "carried", "Carried"
        FAILED = "failed", "Not carried"
        NO_QUORUM = "no_quorum", "No quorum"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="motions"
    )
    item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="motions",
    )
    text = models.TextField()
    moved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    seconded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approves_minutes = models.ForeignKey(
        "Minutes",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_motions",
    )
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    reason = models.TextField(blank=True)
    rule = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    resolution_number = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ("meeting", "pk")

    def __str__(self) -> str:
        return self.text[:80]


class Vote(models.Model):
    """A member's vote on a motion."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=_choices(Choice))

    class Meta:
        ordering = ("motion", "pk")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["motion", "member"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.choice}"


class Recusal(models.Model):
    """A member stands aside from a motion, with the reason."""

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="recusals"
    )
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["motion", "member"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} recused: {self.reason}"


class Minutes(models.Model):
    """The minutes of one meeting: drafted, circulated, approved at a later meeting, frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CIRCULATED = "circulated", "Circulated"
        APPROVED = "approved", "Approved"

    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, related_name="minutes"
    )
    body = models.TextField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    circulated_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_at_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_minutes",
    )
    content_hash = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to="meetings/minutes/%Y/", blank=True)

    class Meta:
        verbose_name_plural = "minutes"

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"


class MinutesAmendment(models.Model):
    """A correction to approved minutes: a new record, never an edit."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.PROTECT, related_name="amendments"
    )
    text = models.TextField()
    made_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("minutes", "made_at", "pk")

    def __str__(self) -> str:
        return f"Amendment to {self.minutes}"


class ActionItem(models.Model):
    """Something the committee asked someone to do, carried onto agendas until closed."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="action_items"
    )
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("due_on", "pk")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, as_of: date) -> bool:
        return self.status == self.Status.OPEN and as_of > self.due_on


class BoardReport(models.Model):
    """The committee's report to the board after a meeting."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        DELIVERED = "delivered", "Delivered"

    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, related_name="board_report"
    )
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    delivered_on = models.DateField(null=True, blank=True)
    delivered_recorded_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Report to the board on {self.meeting}"


class WrittenConsent(models.Model):
    """A resolution adopted between meetings by the written consent of every member."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="written_consents"
    )
    text = models.TextField()
    circulated_on = models.DateField()
    circulated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    adopted_on = models.DateField(null=True, blank=True)
    resolution_number = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ("-circulated_on", "pk")

    def __str__(self) -> str:
        return self.text[:80]


class ConsentSignature(models.Model):
    """A member's signature on a written consent, given after re-authentication."""

    consent = models.ForeignKey(
        WrittenConsent, on_delete=models.PROTECT, related_name="signatures"
    )
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField()
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["consent", "member"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} signed {self.consent}"


class BoardBook(models.Model):
    """One recipient's board book for a meeting, built in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="books")
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="meetings/books/%Y/", blank=True)
    materials_key = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["meeting", "recipient"],
                name="%(app_label)s_%(class)s_one_per_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"Board book of {self.recipient} for {self.meeting}"

    @property
    def percent(self) -> int:
        return 100 * self.pages_done // self.pages_total if self.pages_total else 0


class CalendarFeed(models.Model):
    """A secret, revocable iCalendar URL for one person in one company."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
