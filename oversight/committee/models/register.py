"""Directors, their family members, organisations, the listing and the committee's seats."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from oversight.accounts.models import Company
from oversight.rules.composition import facts as rules


def _choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(e.value, e.value.replace("_", " ").capitalize()) for e in enum]


def _ends_after_starts(
    start: str = "starts_on", end: str = "ends_on"
) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=f"%(app_label)s_%(class)s_{end}_after_{start}",
    )


def _not_negative(field: str = "amount") -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}),
        name=f"%(app_label)s_%(class)s_{field}_not_negative",
    )


class ListingProfile(models.Model):
    """The company's listing: dates for the new-listing phase-in and the charter's settings."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="listing"
    )
    listing_date = models.DateField(null=True, blank=True)
    registration_effective = models.DateField(null=True, blank=True)
    ipo = models.BooleanField(
        default=False, help_text="Listed in connection with an IPO"
    )
    min_members = models.PositiveSmallIntegerField(default=3)
    max_audit_committees = models.PositiveSmallIntegerField(
        null=True, blank=True, default=3
    )
    requires_acfe = models.BooleanField(default=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(ipo=False)
                | (
                    Q(listing_date__isnull=False)
                    & Q(registration_effective__isnull=False)
                ),
                name="%(app_label)s_%(class)s_ipo_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(min_members__gte=1),
                name="%(app_label)s_%(class)s_min_members",
            ),
        ]

    def __str__(self) -> str:
        return f"Listing of {self.company}"


class AnnualMeeting(models.Model):
    """A scheduled or held annual meeting of shareholders (cure-period deadlines use it)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="annual_meetings"
    )
    held_on = models.DateField()

    class Meta:
        ordering = ("held_on",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "held_on"], name="%(app_label)s_%(class)s_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Annual meeting {self.held_on}"


class CompanyRevenue(models.Model):
    """The company's consolidated gross revenues for a fiscal year."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="revenues"
    )
    fiscal_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ordering = ("fiscal_year",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "fiscal_year"], name="%(app_label)s_%(class)s_unique"
            ),
            _not_negative(),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} revenues"


class Director(models.Model):
    """A director (or nominee) of the company and their board service."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="directors"
    )
    name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directorships",
        help_text="The person's account, so they can answer questionnaires in the app",
    )
    board_start = models.DateField()
    board_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("name",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            _ends_after_starts("board_start", "board_end"),
            models.UniqueConstraint(
                fields=["company", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
            models.UniqueConstraint(
                fields=["company", "user"],
                condition=Q(user__isnull=False),
                name="%(app_label)s_%(class)s_unique_user",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return f"d{self.pk}"

    def on_board(self, day: date) -> bool:
        return self.board_start <= day and (
            self.board_end is None or day <= self.board_end
        )


class FamilyMember(models.Model):
    """A Family Member of a director, as Nasdaq Rule 5605(a)(2) defines the term."""

    director = models.ForeignKey(
        Director, on_delete=models.CASCADE, related_name="family"
    )
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=_choices(rules.Relationship))
    minor = models.BooleanField(default=False)
    shares_home = models.BooleanField(default=False)

    class Meta:
        ordering = ("name",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(relationship__in=[r.value for r in rules.Relationship]),
                name="%(app_label)s_%(class)s_known_relationship",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()} of {self.director})"


class Organisation(models.Model):
    """An organisation a director or a Family Member is connected with."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(max_length=200)
    sole_proprietorship = models.BooleanField(default=False)

    class Meta:
        ordering = ("name",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "name"], name="%(app_label)s_%(class)s_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationRevenue(models.Model):
    """An organisation's consolidated gross revenues for a fiscal year (the company's calendar)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="revenues"
    )
    fiscal_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ordering = ("fiscal_year",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year"],
                name="%(app_label)s_%(class)s_unique",
            ),
            _not_negative(),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} FY{self.fiscal_year}"


class OrganisationPayment(models.Model):
    """A payment for property or services between the company and an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="payments"
    )
    fiscal_year = models.PositiveSmallIntegerField()
    direction = models.CharField(max_length=20, choices=_choices(rules.Direction))
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    category = models.CharField(
        max_length=20, choices=_choices(rules.ServiceCategory), default="other"
    )
    paid_on = models.DateField(null=True, blank=True)
    exempt = models.CharField(
        max_length=40, choices=_choices(rules.PaymentExemption), blank=True
    )

    class Meta:
        ordering = (
            "fiscal_year",
            "pk",
        )
        constraints: ClassVar[list[models.BaseConstraint]] = [_not_negative()]

    def __str__(self) -> str:
        return f"{self.amount} FY{self.fiscal_year} {self.direction}"


class Membership(models.Model):
    """A seat on the audit committee; ``ends_on`` is the member's last day."""

    director = models.ForeignKey(
        Director, on_delete=models.PROTECT, related_name="memberships"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    chair = models.BooleanField(default=False)
    end_reason = models.CharField(
        max_length=30, choices=_choices(rules.EndReason), blank=True
    )
    exception = models.BooleanField(
        default=False,
        help_text="Appointed under the exceptional-and-limited-circumstances exception",
    )

    class Meta:
        ordering = (
            "starts_on",
            "pk",
        )
        constraints: ClassVar[list[models.BaseConstraint]] = [
            _ends_after_starts(),
            models.CheckConstraint(
                condition=(Q(ends_on__isnull=True) & Q(end_reason=""))
                | (Q(ends_on__isnull=False) & ~Q(end_reason="")),
                name="%(app_label)s_%(class)s_end_reason_iff_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.director} from {self.starts_on}"

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
