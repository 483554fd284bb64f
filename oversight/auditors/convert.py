"""Rows of the register turned into the frozen inputs of ``oversight.rules.auditor``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from oversight.accounts.models import Company, Role
from oversight.accounts.queries import holders_of
from oversight.auditors import agenda
from oversight.auditors import models as m
from oversight.rules.auditor import preapproval, rotation, services
from oversight.rules.auditor.common import Category, FiscalYear
from oversight.rules.auditor.communications import (
    Affirmation,
    Communication,
    CommunicationKind,
)
from oversight.rules.auditor.fees import FeeRecord

COMMITTEE_ROLES = {Role.CHAIR, Role.MEMBER}


def fiscal_year(company: Company, year: int) -> FiscalYear:
    return FiscalYear(year, company.fiscal_year_end_month, company.fiscal_year_end_day)


def fiscal_year_of(company: Company, day: date) -> int:
    """The fiscal year (named by the year it ends in) that contains ``day``."""
    for year in (day.year, day.year + 1):
        if fiscal_year(company, year).contains(day):
            return year
    return day.year - 1  # pragma: no cover - one of the two always contains the day


def person_key(user_id: int | None) -> str:
    return f"user:{user_id}"


def policy(row: m.Policy) -> services.Policy:
    assert row.adopted_on is not None
    return services.Policy(
        version=row.version,
        adopted_on=row.adopted_on,
        items=tuple(policy_item(item) for item in row.items.all()),
        delegates=tuple(person_key(u.pk) for u in row.delegates.all()),
        superseded_on=row.superseded_on,
    )


def policy_item(row: m.PolicyItem) -> services.PolicyItem:
    return services.PolicyItem(
        code=row.code,
        service=row.service,
        category=Category(row.category),
        fee_cap=row.fee_cap,
        starts_on=row.starts_on,
        term_months=row.term_months,
    )


def request(row: m.ServiceRequest) -> services.ServiceRequest:
    return services.ServiceRequest(
        ref=f"auditors.servicerequest:{row.pk}",
        description=row.description,
        category=Category(row.category),
        fee_estimate=row.fee_estimate,
        requested_on=row.requested_on,
        starts_on=row.starts_on,
        nature=row.nature or None,
        is_tax=row.is_tax,
        icfr_related=row.icfr_related,
        contingent_fee=row.contingent_fee,
        confidential_tax_transaction=row.confidential_tax_transaction,
        aggressive_tax_transaction=row.aggressive_tax_transaction,
        tax_to_fror_person=row.tax_to_fror_person,
        rationale_approved=row.rationale_approved,
        policy_item=row.policy_item.code if row.policy_item_id else None,  # type: ignore[union-attr]
        tax_steps=services.TaxSteps(
            row.tax_scope_in_writing,
            row.tax_fee_structure_in_writing,
            row.tax_side_letters_disclosed,
            row.tax_referrals_disclosed,
            row.tax_independence_discussed,
            row.tax_discussion_documented,
        ),
        icfr_steps=services.IcfrSteps(
            row.icfr_scope_in_writing,
            row.icfr_independence_discussed,
            row.icfr_discussion_documented,
        ),
    )


def fee(row: m.Fee) -> FeeRecord:
    return FeeRecord(
        ref=f"auditors.fee:{row.pk}",
        fiscal_year=row.engagement.fiscal_year,
        category=Category(row.category),
        amount=row.amount,
        estimated=row.estimated,
        de_minimis=row.de_minimis,
        approval_ref=f"auditors.approval:{row.approval_id}"
        if row.approval_id
        else None,
        rendered_on=row.rendered_on,
        description=row.description,
    )


def approval(row: m.Approval) -> preapproval.Approval:
    return preapproval.Approval(
        ref=f"auditors.approval:{row.pk}",
        kind=preapproval.ApprovalKind(row.kind),
        approved_on=row.approved_on,
        category=Category(row.category),
        amount=row.amount,
        approvers=(person_key(row.approved_by_id),) if row.approved_by_id else (),
        meeting_ref=row.meeting or None,
        policy_item=row.policy_item.code if row.policy_item_id else None,  # type: ignore[union-attr]
        term_ends_on=row.term_ends_on,
        reported_on=row.reported_on,
    )


def communication(row: m.Communication) -> Communication | None:
    try:
        kind = CommunicationKind(row.kind)
    except ValueError:
        return None  # other required reports have no rule of their own here
    return Communication(
        ref=f"auditors.communication:{row.pk}",
        kind=kind,
        fiscal_year=row.engagement.fiscal_year,
        received_on=row.received_on,
        document_ref=(row.document.name or "") if row.document else "",
        reviewed_on=row.reviewed_on,
        meeting_ref=row.reviewed_at or None,
        affirmation=Affirmation(row.affirmation) if row.affirmation else None,
    )


def assignments(rows: Iterable[m.PartnerAssignment]) -> tuple[rotation.Assignment, ...]:
    return tuple(
        rotation.Assignment(
            row.person, row.engagement.fiscal_year, rotation.PartnerRole(row.role)
        )
        for row in rows
    )


def hire(row: m.Hire) -> rotation.Hire:
    team: tuple[rotation.TeamService, ...] = ()
    if row.team_from is not None and row.team_to is not None:
        team = (
            rotation.TeamService(
                row.team_from,
                row.team_to,
                rotation.PartnerRole(row.team_role) if row.team_role else None,
                row.team_hours,
            ),
        )
    return rotation.Hire(
        ref=f"auditors.hire:{row.pk}",
        person=row.person,
        role_title=row.role_title,
        financial_reporting_oversight_role=row.financial_reporting_oversight_role,
        from_audit_firm=True,
        starts_on=row.starts_on,
        team_service=team,
        exception=rotation.HireException(row.exception) if row.exception else None,
        exception_recorded_on=row.exception_recorded_on,
    )


def meeting_dates(company: Company) -> tuple[date, ...]:
    """Committee meeting dates the register knows of.

    Votes, reports and reviews recorded here name the day of the meeting that made them;
    those days are the committee's meetings as far as this register can tell.
    """
    days: set[date] = set()
    days.update(
        d
        for d in m.Approval.objects.filter(
            company=company, kind=m.Approval.Kind.COMMITTEE
        ).values_list("approved_on", flat=True)
    )
    days.update(
        d
        for d in m.Approval.objects.filter(
            company=company, reported_on__isnull=False
        ).values_list("reported_on", flat=True)
        if d is not None
    )
    days.update(
        d
        for d in m.Policy.objects.filter(
            company=company, adopted_on__isnull=False
        ).values_list("adopted_on", flat=True)
        if d is not None
    )
    days.update(
        d
        for d in m.Communication.objects.filter(
            company=company, reviewed_on__isnull=False
        ).values_list("reviewed_on", flat=True)
        if d is not None
    )
    days.update(agenda.meeting_dates(company))
    return tuple(sorted(days))


def committee(company: Company, *, on: date) -> preapproval.Committee:
    """The committee on ``on``: chair and members (all independent directors by role)."""
    members = frozenset(
        person_key(pk)
        for pk in holders_of(company, COMMITTEE_ROLES, on=on).values_list(
            "pk", flat=True
        )
    )
    return preapproval.Committee(
        members=members, independent=members, meetings=meeting_dates(company)
    )
