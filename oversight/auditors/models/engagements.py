"""Firms, engagements and what happens to them: ratification, evaluation, termination,
partners and hires from the firm."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.rules.auditor.rotation import HireException, PartnerRole


class Firm(models.Model):
    """A registered public accounting firm, and the people from it who use Oversight."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    pcaob_id = models.CharField("PCAOB registration id", max_length=10)
    users = models.ManyToManyField(User, blank=True, related_name="audit_firms")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "pcaob_id"], name="%(app_label)s_%(class)s_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (PCAOB {self.pcaob_id})"


class Engagement(models.Model):
    """The firm engaged as principal auditor for one fiscal year."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="engagements")
    fiscal_year = models.PositiveIntegerField(
        validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    appointed_on = models.DateField(help_text="The committee's selection or retention.")
    appointed_at = models.CharField(
        max_length=200, blank=True, help_text="The meeting and vote that appointed it."
    )
    scope = models.TextField()
    agreed_audit_fee = models.DecimalField(max_digits=14, decimal_places=2)
    letter = models.FileField(upload_to="auditors/letters/", blank=True)
    letter_signed_on = models.DateField(null=True, blank=True)
    audit_completed_on = models.DateField(
        null=True, blank=True, help_text="The audit report date."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-fiscal_year", "-starts_on")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(agreed_audit_fee__gte=0),
                name="%(app_label)s_%(class)s_fee_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} · {self.firm.name}"

    def overlaps(self, starts_on: date, ends_on: date | None) -> bool:
        mine_end = self.ends_on or date.max
        theirs_end = ends_on or date.max
        return self.starts_on <= theirs_end and starts_on <= mine_end


class Ratification(models.Model):
    """The stockholders' vote on ratifying the committee's selection."""

    engagement = models.OneToOneField(
        Engagement, on_delete=models.PROTECT, related_name="ratification"
    )
    voted_on = models.DateField()
    votes_for = models.PositiveBigIntegerField()
    votes_against = models.PositiveBigIntegerField()
    abstentions = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Ratification of {self.engagement}"

    @property
    def ratified(self) -> bool:
        return self.votes_for > self.votes_against


class Evaluation(models.Model):
    """The committee's annual evaluation of the auditor: members' answers, then a result."""

    class Result(models.TextChoices):
        RETAIN = "retain", "Retain the firm"
        RETAIN_WITH_ACTIONS = "retain_with_actions", "Retain, with actions"
        REPLACE = "replace", "Seek a new firm"

    engagement = models.OneToOneField(
        Engagement, on_delete=models.PROTECT, related_name="evaluation"
    )
    result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    summary = models.TextField(blank=True)
    recorded_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Evaluation of {self.engagement}"


QUESTIONS: tuple[tuple[str, str], ...] = (
    ("quality", "Quality of the audit work and of the team's communication"),
    ("independence", "Independence, objectivity and professional scepticism"),
    ("partner", "Performance of the engagement partner"),
    ("inspection", "Results of the firm's PCAOB inspection and QC report"),
    ("fees", "Reasonableness of fees for the services provided"),
)


class EvaluationAnswer(models.Model):
    """One member's score (1 poor to 5 excellent) on one question."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="answers"
    )
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    question = models.CharField(max_length=20, choices=QUESTIONS)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["evaluation", "member", "question"],
                name="%(app_label)s_%(class)s_one_answer",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5),
                name="%(app_label)s_%(class)s_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.question}: {self.score}"


class Termination(models.Model):
    """The end of an engagement before its term, and the filings it triggers."""

    class Kind(models.TextChoices):
        DISMISSED = "dismissed", "Dismissed by the committee"
        RESIGNED = "resigned", "The firm resigned"
        DECLINED = "declined", "The firm declined to stand for re-appointment"

    engagement = models.OneToOneField(
        Engagement, on_delete=models.PROTECT, related_name="termination"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    decided_on = models.DateField()
    reason = models.TextField()
    disagreements = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Termination of {self.engagement}"


class TerminationStep(models.Model):
    """A step a termination triggers, with its due date (``None``: when an event occurs)."""

    termination = models.ForeignKey(
        Termination, on_delete=models.CASCADE, related_name="steps"
    )
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("termination", "position")

    def __str__(self) -> str:
        return self.title


class PartnerAssignment(models.Model):
    """A partner of the firm on the engagement in a role for the engagement's fiscal year."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="partners"
    )
    person = models.CharField(max_length=200)
    role = models.CharField(
        max_length=10, choices=[(r.value, r.name.title()) for r in PartnerRole]
    )

    class Meta:
        ordering = ("engagement", "role", "person")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["engagement", "person"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"


class Hire(models.Model):
    """A person hired by the company from the audit firm, checked against the cooling-off."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="hires")
    person = models.CharField(max_length=200)
    role_title = models.CharField(max_length=200)
    financial_reporting_oversight_role = models.BooleanField()
    starts_on = models.DateField()
    prior_10k_filed_on = models.DateField(
        help_text="The 10-K filed before the fiscal period containing the hire date."
    )
    team_from = models.DateField(null=True, blank=True)
    team_to = models.DateField(null=True, blank=True)
    team_role = models.CharField(
        max_length=10,
        blank=True,
        choices=[(r.value, r.name.title()) for r in PartnerRole],
    )
    team_hours = models.PositiveIntegerField(default=0)
    exception = models.CharField(
        max_length=24,
        blank=True,
        choices=[
            (e.value, e.value.replace("_", " ").capitalize()) for e in HireException
        ],
    )
    exception_recorded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("-starts_on",)

    def __str__(self) -> str:
        return f"{self.person}, {self.role_title}"
