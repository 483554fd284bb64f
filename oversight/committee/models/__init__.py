"""The composition register: directors, dated facts, memberships, questionnaires, determinations."""

from oversight.committee.models.facts import (
    AcfeDesignation,
    AuditorRole,
    Compensation,
    Employment,
    FsPreparation,
    Interlock,
    Literacy,
    OrgRole,
    OtherAuditCommittee,
    ShareHolding,
    Sophistication,
)
from oversight.committee.models.register import (
    AnnualMeeting,
    CompanyRevenue,
    Director,
    FamilyMember,
    ListingProfile,
    Membership,
    Organisation,
    OrganisationPayment,
    OrganisationRevenue,
)
from oversight.committee.models.workflow import (
    ComplianceAlert,
    Determination,
    Questionnaire,
    QuestionnaireResponse,
)

__all__ = [
    "AcfeDesignation",
    "AnnualMeeting",
    "AuditorRole",
    "CompanyRevenue",
    "Compensation",
    "ComplianceAlert",
    "Determination",
    "Director",
    "Employment",
    "FamilyMember",
    "FsPreparation",
    "Interlock",
    "ListingProfile",
    "Literacy",
    "Membership",
    "OrgRole",
    "Organisation",
    "OrganisationPayment",
    "OrganisationRevenue",
    "OtherAuditCommittee",
    "Questionnaire",
    "QuestionnaireResponse",
    "ShareHolding",
    "Sophistication",
]
