"""Cases drawn from Nasdaq's published FAQs, as rules.md summarises them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from oversight.rules.composition.committee import CommitteeStatus, evaluate_committee
from oversight.rules.composition.facts import (
    Direction,
    Employment,
    EndReason,
    FamilyMember,
    Organisation,
    OrgPayment,
    OrgRole,
    OrgRoleKind,
    Period,
    Relationship,
    ServiceCategory,
)
from oversight.rules.composition.independence import (
    check_business_relationship,
    check_compensation,
    check_compensatory_fee,
)
from oversight.rules.composition.tests.builders import (
    AS_OF,
    D,
    company,
    director,
    expert,
    register,
    seat,
)
from oversight.rules.core import Verdict


def test_faq_90_an_audit_committee_financial_expert_is_financially_sophisticated() -> (
    None
):
    ada = replace(expert("ada"), sophistication=())
    report = evaluate_committee(register(ada), AS_OF)
    assert report.outcome("AC-MEM-06").verdict is Verdict.PASS
    assert report.status is CommitteeStatus.COMPLIANT


def test_faq_93_vacancy_with_annual_meeting_within_180_days_gets_180_days() -> None:
    """A member dies 2026-03-15 (last day); the annual meeting is 2026-06-11, within 180
    days: the company has 180 days from the event, past the meeting."""
    reg = register(
        memberships=(
            seat("ada", chair=True),
            seat("ben"),
            seat(
                "hal",
                period=Period(D("2020-01-01"), D("2026-03-15")),
                end_reason=EndReason.DEATH,
            ),
        )
    )
    report = evaluate_committee(reg, D("2026-06-12"))
    assert report.status is CommitteeStatus.IN_CURE
    assert report.deadline == date(2026, 9, 12)  # 2026-03-16 + 180 days
    assert "death" in (report.cure.reason if report.cure else "")


def test_faq_94_independence_loss_has_no_180_day_proviso() -> None:
    """Ben's spouse becomes an executive officer 2026-03-01; the annual meeting is
    2026-06-11: Ben may stay until that meeting, not 180 days."""
    officer = Employment(Period(D("2026-03-01")), "COO", executive_officer=True)
    ben = director(
        "ben",
        family=(FamilyMember("bo", "Bo", Relationship.SPOUSE, employments=(officer,)),),
    )
    report = evaluate_committee(register(ben), D("2026-04-01"))
    assert report.status is CommitteeStatus.IN_CURE
    assert report.deadline == date(2026, 6, 11)
    assert (
        evaluate_committee(register(ben), D("2026-06-12")).status
        is CommitteeStatus.NON_COMPLIANT
    )


def test_faq_138_business_relationship_look_back_ends_with_the_role() -> None:
    payments = (
        OrgPayment(
            2025, Direction.TO_ORGANISATION, Decimal(5_000_000), ServiceCategory.GOODS
        ),
    )
    acme = Organisation(
        "acme",
        "Acme Fictional Supply",
        revenues=((2025, Decimal(10_000_000)),),
        payments=payments,
    )
    current = director(
        "ben",
        org_roles=(
            OrgRole("acme", OrgRoleKind.EXECUTIVE_OFFICER, Period(D("2010-01-01"))),
        ),
    )
    former = director(
        "ben",
        org_roles=(
            OrgRole(
                "acme",
                OrgRoleKind.EXECUTIVE_OFFICER,
                Period(D("2010-01-01"), D("2026-01-31")),
            ),
        ),
    )
    assert (
        check_business_relationship(
            register(current, organisations=(acme,)), current, AS_OF
        ).verdict
        is Verdict.FAIL
    )
    assert (
        check_business_relationship(
            register(former, organisations=(acme,)), former, AS_OF
        ).verdict
        is Verdict.PASS
    )


def test_faq_140_law_firm_partner_is_barred_by_10a3_even_under_the_nasdaq_threshold() -> (
    None
):
    fees = (
        OrgPayment(
            2026,
            Direction.TO_ORGANISATION,
            Decimal(50_000),
            ServiceCategory.LEGAL,
            D("2026-02-01"),
        ),
    )
    firm = Organisation(
        "firm",
        "Fictional Law LLP",
        revenues=((2026, Decimal(90_000_000)),),
        payments=fees,
    )
    ben = director(
        "ben",
        org_roles=(OrgRole("firm", OrgRoleKind.PARTNER, Period(D("2010-01-01"))),),
    )
    reg = register(ben, organisations=(firm,))
    assert check_business_relationship(reg, ben, AS_OF).verdict is Verdict.PASS
    assert (
        check_compensatory_fee(reg, ben, AS_OF, D("2020-01-01")).verdict is Verdict.FAIL
    )


def test_faq_140_sole_practitioner_fees_are_compensation() -> None:
    fees = (
        OrgPayment(
            2025, Direction.TO_ORGANISATION, Decimal(130_000), ServiceCategory.LEGAL
        ),
    )
    practice = Organisation(
        "ben-law", "Ben Law Office", payments=fees, sole_proprietorship=True
    )
    ben = director(
        "ben",
        org_roles=(OrgRole("ben-law", OrgRoleKind.PARTNER, Period(D("2010-01-01"))),),
    )
    outcome = check_compensation(
        register(ben, organisations=(practice,), company_info=company()), ben, AS_OF
    )
    assert outcome.verdict is Verdict.FAIL
    assert "sole proprietorship" in outcome.evidence[0].summary
