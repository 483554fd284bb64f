"""Meetings and what happens at them: agendas, materials, attendance, sessions."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.rules.meetings.annual import Counterpart, ItemType
from oversight.rules.meetings.voting import OutcomeRule, QuorumBasis


def choices_of(enum: type) -> list[tuple[str, str]]:
    return [(m.value, m.value.replace("_", " ").capitalize()) for m in enum]  # type: ignore[attr-defined]


class VotingRules(models.Model):
    """The quorum and voting rules of the committee (bylaws or charter); defaults if absent."""

    company = models.OneToOneField(
        Company, on_delete=models.PROTECT, related_name="voting_rules"
    )
    quorum_basis = models.CharField(
        max_length=10, choices=choices_of(QuorumBasis), default=QuorumBasis.MAJORITY
    )
    quorum_number = models.PositiveSmallIntegerField(default=0)
    quorum_fraction_numerator = models.PositiveSmallIntegerField(default=1)
    quorum_fraction_denominator = models.PositiveSmallIntegerField(default=2)
    recused_count_toward_quorum = models.BooleanField(default=True)
    outcome_rule = models.CharField(
        max_length=12, choices=choices_of(OutcomeRule), default=OutcomeRule.VOTES_CAST
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
        max_length=30, choices=choices_of(ItemType), default=ItemType.OTHER
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


class Conflict(models.Model):
    """A member's declared conflict with an agenda item.

    The item is hidden from them (their board book included) and they are recused from
    every motion on it, with this reason.
    """

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="conflicts"
    )
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    declared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["item", "member"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.reason}"


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

    def present_at(self, moment: time | None) -> bool:
        """Present at ``moment`` (local time): arrived by then and not yet left."""
        if moment is None or not self.present:
            return self.present
        arrived = self.arrived_at is None or self.arrived_at <= moment
        return arrived and (self.departed_at is None or moment < self.departed_at)


class ExecutiveSession(models.Model):
    """A separate session: with management, the internal auditor, the auditor, or members only."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="sessions"
    )
    counterpart = models.CharField(max_length=20, choices=choices_of(Counterpart))
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
