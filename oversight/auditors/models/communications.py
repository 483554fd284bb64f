"""Required communications from the auditor, and the committee's independence actions."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from oversight.accounts.models import Company, User
from oversight.auditors.models.engagements import Engagement
from oversight.rules.auditor.communications import CommunicationKind


class Communication(models.Model):
    """A required communication from the auditor and the meeting that reviewed it."""

    class Affirmation(models.TextChoices):
        INDEPENDENT = "independent", "Independent"
        EXCEPT_FOR = "except_for", "Independent except for identified violations"

    KINDS: ClassVar[list[tuple[str, str]]] = [
        *[(k.value, k.label) for k in CommunicationKind],
        ("required_report", "Other required report (AS 1301, Rule 2-07)"),
    ]

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="communications"
    )
    kind = models.CharField(max_length=30, choices=KINDS)
    title = models.CharField(max_length=200)
    received_on = models.DateField()
    document = models.FileField(upload_to="auditors/communications/", blank=True)
    affirmation = models.CharField(
        max_length=12, blank=True, choices=Affirmation.choices
    )
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_at = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("-received_on", "-pk")

    def __str__(self) -> str:
        return self.title


class IndependenceAction(models.Model):
    """Action the committee took, or recommended, on an independence alert or matter."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="independence_actions"
    )
    alert_key = models.CharField(max_length=120, blank=True)
    action = models.TextField()
    acted_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("-acted_on", "-pk")

    def __str__(self) -> str:
        return self.action[:60]
