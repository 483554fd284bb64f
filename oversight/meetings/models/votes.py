"""Motions, votes, recusals and written consents."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.meetings.models.meetings import AgendaItem, Meeting, choices_of
from oversight.rules.meetings.voting import Choice


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
    voted_at = models.TimeField(
        null=True,
        blank=True,
        help_text="Local time of the vote; the quorum counts who was there then.",
    )
    resolution_number = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ("meeting", "pk")

    def __str__(self) -> str:
        return self.text[:80]


class Vote(models.Model):
    """A member's vote on a motion."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=choices_of(Choice))

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
