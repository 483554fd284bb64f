"""The annual questionnaire, the board's determinations, and compliance alerts."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from oversight.accounts.models import Company
from oversight.committee.models.register import Director


class Questionnaire(models.Model):
    """The annual independence and qualifications questionnaire, issued by the secretary."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="questionnaires"
    )
    title = models.CharField(max_length=200)
    issued_on = models.DateField()
    due_on = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = (
            "-issued_on",
            "-pk",
        )
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("issued_on")),
                name="%(app_label)s_%(class)s_due_after_issue",
            )
        ]

    def __str__(self) -> str:
        return self.title


class QuestionnaireResponse(models.Model):
    """One director's answers; submitted answers become facts and cannot change."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    director = models.ForeignKey(
        Director, on_delete=models.PROTECT, related_name="responses"
    )
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("director__name",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["questionnaire", "director"],
                name="%(app_label)s_%(class)s_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.director} · {self.questionnaire}"


class Determination(models.Model):
    """The board's independence determination for a director: frozen once recorded."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="determinations"
    )
    director = models.ForeignKey(
        Director, on_delete=models.PROTECT, related_name="determinations"
    )
    on = models.DateField()
    resolution = models.CharField(max_length=120)
    independent = models.BooleanField()
    verdicts = models.JSONField(default=dict)  # rule id -> "pass" | "fail"
    subjective_factors = models.TextField(blank=True)
    exception_finding = models.BooleanField(default=False)
    over_boarding_approved = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = (
            "-on",
            "-pk",
        )

    def __str__(self) -> str:
        return f"{self.director}: {self.resolution} ({self.on})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(
                "A recorded determination is frozen; record a new one instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("A recorded determination cannot be deleted.")


class ComplianceAlert(models.Model):
    """The committee fell out of compliance (or into a cure period) on ``raised_on``."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="composition_alerts"
    )
    raised_on = models.DateField()
    status = models.CharField(max_length=30)
    deadline = models.DateField(null=True, blank=True)
    message = models.TextField()
    resolved_on = models.DateField(null=True, blank=True)
    exchange_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = (
            "-raised_on",
            "-pk",
        )
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(resolved_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} since {self.raised_on}"
