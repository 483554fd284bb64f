"""Pre-approval: the policy and its items, service requests, approvals, and fees."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.auditors.models.engagements import Engagement
from oversight.rules.auditor.services import BY_CODE, Outcome

NATURE_CHOICES = [(code, f"{code} · {svc.name}") for code, svc in BY_CODE.items()]


class FeeCategory(models.TextChoices):
    AUDIT = "audit", "Audit"
    AUDIT_RELATED = "audit_related", "Audit-related"
    TAX = "tax", "Tax"
    ALL_OTHER = "all_other", "All other"


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
