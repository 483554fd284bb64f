"""Recorded evidence, evaluation runs, and the rows the reminder scheduler claims."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from oversight.accounts.models import Company, User
from oversight.charters.models import CharterVersion
from oversight.rules.kinds import KINDS


class Evidence(models.Model):
    """A person's record that something the charter asks for happened (or held).

    Until a register supplies a kind of fact, recorded evidence does: "the auditor's
    quality-control report was received and reviewed on 12 Feb 2026 at the February
    meeting", with the document. For a state (``composition.*``), ``holds`` says whether
    it held from ``occurred_on`` to ``until``, and ``cure_deadline`` the end of a cure
    period. Evidence is never edited; a correction is a new record.
    """

    KIND_CHOICES: ClassVar[list[tuple[str, str]]] = [
        (k.name, f"{k.name}: {k.description}") for k in KINDS
    ]

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="evidence"
    )
    # Validated against the catalogue by the service and the form, not as database
    # choices: a kind added to the catalogue needs no migration.
    kind = models.CharField(max_length=60)
    occurred_on = models.DateField()
    until = models.DateField(null=True, blank=True)
    holds = models.BooleanField(default=True)
    cure_deadline = models.DateField(null=True, blank=True)
    meeting = models.CharField(
        max_length=120, blank=True, help_text="The meeting it happened at, if any."
    )
    note = models.TextField(blank=True)
    document = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ("company", "-occurred_on", "-recorded_at")
        verbose_name_plural = "evidence"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["company", "kind", "occurred_on"])
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("occurred_on")),
                name="%(app_label)s_%(class)s_until_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.occurred_on}"

    @property
    def ref(self) -> str:
        return f"compliance.evidence:{self.pk}"


class CadenceChoice(models.Model):
    """The number per fiscal year a committee chose for a "periodically" obligation."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="cadence_choices"
    )
    obligation_id = models.CharField(max_length=40)
    per_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    chosen_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "obligation_id"],
                name="%(app_label)s_%(class)s_one_per_obligation",
            ),
            models.CheckConstraint(
                condition=Q(per_year__gte=1),
                name="%(app_label)s_%(class)s_per_year_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id}: {self.per_year} per year"


class EvaluationRun(models.Model):
    """A stored evaluation: enough to reproduce it (charter text, engine, facts digest)."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="evaluation_runs"
    )
    charter_version = models.ForeignKey(
        CharterVersion, on_delete=models.PROTECT, related_name="runs"
    )
    fiscal_year = models.PositiveSmallIntegerField()
    as_of = models.DateField()
    known_at = models.DateTimeField(null=True, blank=True)
    engine_version = models.CharField(max_length=20)
    facts_digest = models.CharField(max_length=64)
    overrides = models.JSONField(default=dict)
    results = models.JSONField()
    missed = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("company", "-created_at")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "as_of"],
                condition=Q(created_by__isnull=True, known_at__isnull=True),
                name="%(app_label)s_%(class)s_one_scheduled_run_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} as of {self.as_of} ({self.missed} missed)"


class Reminder(models.Model):
    """One reminder of an obligation's due date, claimed and sent at most once.

    The row is unique per (company, obligation, due date), so two schedulers cannot
    create it twice; ``claimed_at`` is set by a conditional update that only one of
    them can win.
    """

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="reminders"
    )
    obligation_id = models.CharField(max_length=40)
    due_on = models.DateField()
    message = models.TextField()
    roles = models.JSONField(default=list)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("company", "due_on", "obligation_id")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "obligation_id", "due_on"],
                name="%(app_label)s_%(class)s_once_per_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} due {self.due_on}"


class DigestSchedule(models.Model):
    """When a company's weekly digest is next due; claimed by moving it forward a week."""

    company = models.OneToOneField(
        Company, on_delete=models.PROTECT, related_name="digest_schedule"
    )
    next_digest_on = models.DateField()
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.company}: next digest {self.next_digest_on}"

    def is_due(self, today: date) -> bool:
        return self.next_digest_on <= today
