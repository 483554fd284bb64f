"""Access-checked reads of the composition register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from oversight.accounts.models import Company, User
from oversight.accounts.queries import get_for
from oversight.committee import models as m
from oversight.committee.permissions import can_answer
from oversight.committee.snapshot import load_register
from oversight.rules.composition.committee import (
    CommitteeReport,
    assess_member,
    evaluate_committee,
)
from oversight.rules.core import TestOutcome, Verdict


def committee_report(company: Company, as_of: date) -> CommitteeReport:
    """The committee on ``as_of``, evaluated from the register."""
    return evaluate_committee(load_register(company), as_of)


def directors_of(company: Company) -> QuerySet[m.Director]:
    return m.Director.objects.filter(company=company).select_related("user")


def get_director_for(user: User, pk: int, action: str) -> m.Director:
    return get_for(user, m.Director.objects.select_related("company"), pk, action)


def get_membership_for(user: User, pk: int, action: str) -> m.Membership:
    return get_for(
        user,
        m.Membership.objects.select_related("director__company"),
        pk,
        action,
        company_field="director__company",
    )


def get_alert_for(user: User, pk: int, action: str) -> m.ComplianceAlert:
    return get_for(
        user, m.ComplianceAlert.objects.select_related("company"), pk, action
    )


def get_response_for(user: User, pk: int) -> m.QuestionnaireResponse:
    """A questionnaire response its director may answer (403 for anyone else)."""
    response = get_for(
        user,
        m.QuestionnaireResponse.objects.select_related(
            "director", "questionnaire__company"
        ),
        pk,
        "committee.questionnaire_answer",
        company_field="questionnaire__company",
    )
    if not can_answer(user, response):
        raise PermissionDenied("Only the director it was sent to answers it, once.")
    return response


@dataclass(frozen=True)
class Computed:
    """What the register says about a director today: the form's starting point."""

    initial: dict[str, object]
    outcomes: tuple[TestOutcome, ...]


def computed_verdicts(director: m.Director, day: date) -> Computed:
    register = load_register(director.company)
    pure = register.director(str(director.pk))
    member = assess_member(register, pure, day, register.membership_of(pure.id, day))
    initial: dict[str, object] = {
        o.rule_id: "fail" if o.verdict is Verdict.FAIL else "pass"
        for o in member.independence.outcomes
    }
    initial["on"] = day
    initial["independent"] = (
        member.independence.passes_nasdaq_tests and member.independence.meets_10a3
    )
    return Computed(initial, member.independence.outcomes)


def questionnaires_of(company: Company) -> QuerySet[m.Questionnaire]:
    return m.Questionnaire.objects.filter(company=company).prefetch_related(
        "responses__director"
    )


def responses_for(user: User, company: Company) -> QuerySet[m.QuestionnaireResponse]:
    return m.QuestionnaireResponse.objects.filter(
        director__user=user, questionnaire__company=company
    ).select_related("questionnaire")


def open_alert(company: Company) -> m.ComplianceAlert | None:
    return m.ComplianceAlert.objects.filter(
        company=company, resolved_on__isnull=True
    ).first()


def facts_of(director: m.Director) -> dict[str, list[object]]:
    """Every fact recorded for a director and their Family Members, by kind."""
    from oversight.committee.services import FACT_MODELS

    return {
        FACT_LABELS[kind]: list(
            model._default_manager.filter(director=director).select_related(
                "family_member"
            )
        )
        for kind, model in FACT_MODELS.items()
    }


FACT_LABELS = {
    "employment": "Employment by the company group",
    "compensation": "Compensation from the company",
    "org_role": "Roles at organisations",
    "auditor_role": "Positions at the outside auditor",
    "interlock": "Compensation-committee interlocks",
    "share_holding": "Voting power",
    "fs_preparation": "Preparing the financial statements",
    "literacy": "Financial literacy findings",
    "sophistication": "Financial sophistication",
    "acfe": "Financial expert designations",
    "other_audit_committee": "Other audit committees",
}


def organisations_of(company: Company) -> QuerySet[m.Organisation]:
    return m.Organisation.objects.filter(company=company).prefetch_related(
        "revenues", "payments"
    )


def company_facts(company: Company) -> dict[str, object]:
    return {
        "listing": m.ListingProfile.objects.filter(company=company).first(),
        "meetings": list(m.AnnualMeeting.objects.filter(company=company)),
        "revenues": list(m.CompanyRevenue.objects.filter(company=company)),
    }
