"""Dated facts held for a director or one of their Family Members."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from oversight.committee.models.register import (
    Director,
    FamilyMember,
    Organisation,
    _choices,
    _ends_after_starts,
    _not_negative,
)
from oversight.rules.composition import facts as rules


class DirectorFact(models.Model):
    """What every fact has: whose it is, who recorded it, when, and from where."""

    class Source(models.TextChoices):
        REGISTER = "register", "Entered in the register"
        QUESTIONNAIRE = "questionnaire", "Answered in a questionnaire"

    director = models.ForeignKey(
        Director, on_delete=models.CASCADE, related_name="%(class)ss"
    )
    family_member = models.ForeignKey(
        FamilyMember,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
    )
    source = models.CharField(
        max_length=20, choices=Source.choices, default=Source.REGISTER
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    def holder(self) -> str:
        return str(
            self.family_member.name if self.family_member else self.director.name
        )


class Employment(DirectorFact):
    """Employment by the company or a member of its group."""

    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=200, blank=True)
    employer = models.CharField(max_length=200, default="the company")
    executive_officer = models.BooleanField(default=False)
    interim = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [_ends_after_starts()]

    def __str__(self) -> str:
        return f"{self.holder()}: {self.title or 'employee'} {self.starts_on}"


class Compensation(DirectorFact):
    """An amount the company or a subsidiary paid the person."""

    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    kind = models.CharField(max_length=30, choices=_choices(rules.CompensationKind))
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [_not_negative()]

    def __str__(self) -> str:
        return f"{self.holder()}: {self.amount} {self.kind} {self.paid_on}"


class OrgRole(DirectorFact):
    """The person's role at an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="roles"
    )
    role = models.CharField(max_length=30, choices=_choices(rules.OrgRoleKind))
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [_ends_after_starts()]

    def __str__(self) -> str:
        return f"{self.holder()}: {self.role} of {self.organisation}"


class AuditorRole(DirectorFact):
    """A position at the company's outside auditor."""

    role = models.CharField(max_length=20, choices=_choices(rules.AuditorRoleKind))
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    worked_on_audit = models.BooleanField(default=False)
    firm = models.CharField(max_length=200, default="the outside auditor")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [_ends_after_starts()]

    def __str__(self) -> str:
        return f"{self.holder()}: {self.role} of {self.firm}"


class Interlock(DirectorFact):
    """Executive officer of an entity whose compensation committee seated one of ours."""

    entity = models.CharField(max_length=200)
    our_officer = models.CharField(max_length=200, blank=True)
    executive_from = models.DateField()
    executive_to = models.DateField(null=True, blank=True)
    committee_from = models.DateField()
    committee_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            _ends_after_starts("executive_from", "executive_to"),
            _ends_after_starts("committee_from", "committee_to"),
        ]

    def __str__(self) -> str:
        return f"{self.holder()}: interlock with {self.entity}"


class ShareHolding(DirectorFact):
    """The director's voting power as reported on a date."""

    on = models.DateField()
    voting_pct = models.DecimalField(max_digits=6, decimal_places=3)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(voting_pct__gte=0) & Q(voting_pct__lte=100),
                name="%(app_label)s_%(class)s_pct_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder()}: {self.voting_pct}% on {self.on}"


class FsPreparation(DirectorFact):
    """Participation in preparing the company's or a subsidiary's financial statements."""

    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [_ends_after_starts()]

    def __str__(self) -> str:
        return f"{self.holder()}: statements {self.starts_on}"


class Literacy(DirectorFact):
    """The board's finding whether the director can read financial statements."""

    on = models.DateField()
    literate = models.BooleanField()

    def __str__(self) -> str:
        return f"{self.holder()}: literacy {self.literate} on {self.on}"


class Sophistication(DirectorFact):
    """The basis of the director's financial sophistication."""

    on = models.DateField()
    basis = models.CharField(max_length=40, choices=_choices(rules.SophisticationBasis))
    description = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.holder()}: {self.basis}"


class AcfeDesignation(DirectorFact):
    """The board's audit-committee-financial-expert finding, attribute by attribute."""

    on = models.DateField()
    attributes = models.JSONField(default=list, blank=True)  # AcfeAttribute values
    routes = models.JSONField(default=list, blank=True)  # AcfeRoute values
    other_experience = models.TextField(blank=True)
    resolution = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return f"{self.holder()}: ACFE on {self.on}"


class OtherAuditCommittee(DirectorFact):
    """A seat on another public company's audit committee."""

    company_name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [_ends_after_starts()]

    def __str__(self) -> str:
        return f"{self.holder()}: audit committee of {self.company_name}"
