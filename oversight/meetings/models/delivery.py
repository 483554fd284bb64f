"""Board books and calendar feeds."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.meetings.models.meetings import Meeting


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
