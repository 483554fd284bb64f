"""The independent auditor's register: firms, engagements, partners, fees, pre-approval.

Rows hold what happened; the rules in ``oversight.rules.auditor`` decide what it means.
Adopted policies are frozen (their content hash goes into the ledger).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.rules.auditor.communications import CommunicationKind
from oversight.rules.auditor.rotation import HireException, PartnerRole
from oversight.rules.auditor.services import BY_CODE, Outcome

NATURE_CHOICES = [(code, f"{code} · {svc.name}") for code, svc in BY_CODE.items()]


class FeeCategory(models.TextChoices):
    AUDIT = "audit", "Audit"
    AUDIT_RELATED = "audit_related", "Audit-related"
    TAX = "tax", "Tax"
    ALL_OTHER = "all_other", "All other"


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


class Policy(models.Model):
    """A version of the pre-approval policy: drafted, then adopted by a committee vote."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    statement = models.TextField(
        blank=True,
        help_text="The policy's own words (the proxy uses a standard summary).",
    )
    delegates = models.ManyToManyField(User, blank=True, related_name="+")
    adopted_on = models.DateField(null=True, blank=True)
    adopted_at = models.CharField(max_length=200, blank=True)
    votes_for = models.PositiveSmallIntegerField(default=0)
    votes_against = models.PositiveSmallIntegerField(default=0)
    abstentions = models.PositiveSmallIntegerField(default=0)
    superseded_on = models.DateField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("-version",)
        verbose_name_plural = "policies"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "version"], name="%(app_label)s_%(class)s_version"
            ),
        ]

    def __str__(self) -> str:
        return f"Pre-approval policy v{self.version}"

    @property
    def adopted(self) -> bool:
        return self.adopted_on is not None


class PolicyItem(models.Model):
    """A specifically described service pre-approved in general, with a cap and a term."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(max_length=20)
    service = models.CharField(max_length=300)
    category = models.CharField(max_length=20, choices=FeeCategory.choices)
    fee_cap = models.DecimalField(max_digits=14, decimal_places=2)
    starts_on = models.DateField()
    term_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        ordering = ("policy", "code")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["policy", "code"], name="%(app_label)s_%(class)s_code"
            ),
            models.CheckConstraint(
                condition=Q(fee_cap__gte=0), name="%(app_label)s_%(class)s_cap"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.service}"


class ServiceRequest(models.Model):
    """Management's request that the auditor provide a service, and where the screen sent it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        APPROVED = "approved", "Approved"
        BLOCKED = "blocked", "Blocked"
        REFUSED = "refused", "Refused"

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="requests"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    category = models.CharField(max_length=20, choices=FeeCategory.choices)
    nature = models.CharField(max_length=4, blank=True, choices=NATURE_CHOICES)
    is_tax = models.BooleanField(default=False)
    icfr_related = models.BooleanField(default=False)
    contingent_fee = models.BooleanField(default=False)
    confidential_tax_transaction = models.BooleanField(default=False)
    aggressive_tax_transaction = models.BooleanField(default=False)
    tax_to_fror_person = models.BooleanField(default=False)
    rationale = models.TextField(blank=True)
    rationale_approved = models.BooleanField(default=False)
    policy_item = models.ForeignKey(
        PolicyItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fee_estimate = models.DecimalField(max_digits=14, decimal_places=2)
    requested_on = models.DateField()
    starts_on = models.DateField()
    tax_scope_in_writing = models.BooleanField(default=False)
    tax_fee_structure_in_writing = models.BooleanField(default=False)
    tax_side_letters_disclosed = models.BooleanField(default=False)
    tax_referrals_disclosed = models.BooleanField(default=False)
    tax_independence_discussed = models.BooleanField(default=False)
    tax_discussion_documented = models.BooleanField(default=False)
    icfr_scope_in_writing = models.BooleanField(default=False)
    icfr_independence_discussed = models.BooleanField(default=False)
    icfr_discussion_documented = models.BooleanField(default=False)
    outcome = models.CharField(
        max_length=30, choices=[(o.value, o.value) for o in Outcome]
    )
    reasons = models.TextField(blank=True)
    flags = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-requested_on", "-pk")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(fee_estimate__gte=0), name="%(app_label)s_%(class)s_fee"
            ),
            models.CheckConstraint(
                condition=Q(requested_on__lte=F("starts_on")),
                name="%(app_label)s_%(class)s_requested_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class Approval(models.Model):
    """An approval of a service (or of the audit engagement itself), up to an amount."""

    class Kind(models.TextChoices):
        POLICY = "policy", "In general, under the policy"
        COMMITTEE = "committee", "By a committee vote"
        DELEGATE = "delegate", "By a delegated member"
        DE_MINIMIS = "de_minimis", "De minimis exception"

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="approvals"
    )
    request = models.OneToOneField(
        ServiceRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    category = models.CharField(max_length=20, choices=FeeCategory.choices)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    approved_on = models.DateField()
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meeting = models.CharField(max_length=200, blank=True)
    policy_item = models.ForeignKey(
        PolicyItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    term_ends_on = models.DateField(null=True, blank=True)
    reported_on = models.DateField(null=True, blank=True)
    reported_at = models.CharField(max_length=200, blank=True)
    not_recognised_at_engagement = models.BooleanField(default=False)
    brought_to_committee_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("-approved_on", "-pk")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"

    @property
    def must_be_reported(self) -> bool:
        return self.kind in (self.Kind.POLICY, self.Kind.DELEGATE)


class Fee(models.Model):
    """A fee to the principal auditor, recorded once, in one category, for one fiscal year."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="fees"
    )
    category = models.CharField(max_length=20, choices=FeeCategory.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    estimated = models.BooleanField(
        default=False, help_text="Expected to be billed, not yet billed."
    )
    de_minimis = models.BooleanField(default=False)
    approval = models.ForeignKey(
        Approval, on_delete=models.PROTECT, null=True, blank=True, related_name="fees"
    )
    rendered_on = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=300)
    invoice = models.CharField(max_length=60, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("engagement", "category", "pk")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount"
            ),
            models.CheckConstraint(
                condition=Q(
                    category__in=["audit", "audit_related", "tax", "all_other"]
                ),
                name="%(app_label)s_%(class)s_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


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
