"""Minutes, action items and reports to the board."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from oversight.accounts.models import User
from oversight.meetings.models.meetings import Meeting


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
