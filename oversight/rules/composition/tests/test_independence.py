"""Each independence test at its edges: thresholds, look-back days, exclusions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from oversight.rules.composition.facts import (
    AuditorRole,
    AuditorRoleKind,
    Compensation,
    CompensationKind,
    Direction,
    Employment,
    FamilyMember,
    FsPreparation,
    Interlock,
    Organisation,
    OrgPayment,
    OrgRole,
    OrgRoleKind,
    PaymentExemption,
    Period,
    Relationship,
    ServiceCategory,
    ShareHolding,
)
from oversight.rules.composition.independence import (
    assess_director,
    check_affiliate,
    check_auditor,
    check_business_relationship,
    check_compensation,
    check_compensatory_fee,
    check_employment,
    check_family_executive,
    check_fs_preparation,
    check_interlock,
    check_investment_company,
    lookback_start,
)
from oversight.rules.composition.tests.builders import (
    AS_OF,
    D,
    determination,
    director,
    register,
    usd,
)
from oversight.rules.core import Verdict

P, F, U = Verdict.PASS, Verdict.FAIL, Verdict.INSUFFICIENT_DATA
LAST_DAY = D("2023-03-31")  # the first day of the 3-year look-back ending 2026-03-31
DAY_BEFORE = D("2023-03-30")


def pay(
    on: str, amount: int | str, kind: CompensationKind = CompensationKind.CONSULTING
) -> Compensation:
    return Compensation(D(on), usd(amount), kind, ref=f"pay.{on}")


def spouse(**changes: object) -> FamilyMember:
    base: dict[str, object] = {
        "id": "ben-spouse",
        "name": "Bo",
        "relationship": Relationship.SPOUSE,
    }
    base.update(changes)
    return FamilyMember(**base)  # type: ignore[arg-type]


def test_lookback_starts_three_years_back_and_handles_leap_day() -> None:
    assert lookback_start(D("2026-03-31")) == D("2023-03-31")
    assert lookback_start(D("2024-02-29")) == D("2021-02-28")


# ---------------------------------------------------------------- AC-IND-01


@pytest.mark.parametrize(
    ("start", "end", "interim", "verdict"),
    [
        ("2015-01-01", None, False, F),  # employed today
        (
            "2015-01-01",
            "2023-03-31",
            False,
            F,
        ),  # left on the first day of the look-back
        ("2015-01-01", "2023-03-30", False, P),  # left the day before
        ("2026-04-01", None, False, P),  # hired after the date of the test
        ("2024-01-01", "2024-12-30", True, P),  # interim, under a year, ended
        ("2024-01-01", "2025-01-01", True, F),  # interim for a full year
        ("2025-06-01", None, True, F),  # interim, still serving
        ("2026-01-01", "2026-03-31", True, F),  # interim ending today has not ended
    ],
)
def test_employment(
    start: str, end: str | None, interim: bool, verdict: Verdict
) -> None:
    job = Employment(
        Period(D(start), D(end) if end else None), "CEO", interim=interim, ref="job"
    )
    ben = director("ben", employments=(job,))
    outcome = check_employment(register(ben), ben, AS_OF)
    assert outcome.rule_id == "AC-IND-01"
    assert outcome.verdict is verdict, outcome.message


def test_employment_message_names_the_window() -> None:
    ben = director(
        "ben",
        employments=(
            Employment(Period(D("2010-01-01"), LAST_DAY), "controller", ref="job"),
        ),
    )
    outcome = check_employment(register(ben), ben, AS_OF)
    assert "2023-03-31..2026-03-31" in outcome.message
    assert outcome.evidence[0].ref == "job"


def test_interim_carve_out_is_named() -> None:
    ben = director(
        "ben",
        employments=(
            Employment(
                Period(D("2024-01-01"), D("2024-06-30")),
                "interim CEO",
                interim=True,
                ref="j",
            ),
        ),
    )
    assert "disregarded" in check_employment(register(ben), ben, AS_OF).message


# ---------------------------------------------------------------- AC-IND-02


@pytest.mark.parametrize(
    ("payments", "verdict"),
    [
        ([("2025-01-01", 120_000)], P),
        ([("2025-01-01", 120_001)], F),
        ([("2025-01-01", "120000.01")], F),
        ([("2025-01-01", 60_000), ("2025-12-31", 60_001)], F),  # same 12 months
        ([("2025-01-01", 60_000), ("2026-01-01", 60_001)], P),  # thirteen months apart
        ([("2023-03-31", 120_001)], F),  # first day of the look-back
        ([("2023-03-30", 120_001)], P),  # the day before
        ([("2026-04-01", 500_000)], P),  # after the date of the test
        ([], P),
    ],
)
def test_compensation_window(
    payments: list[tuple[str, int | str]], verdict: Verdict
) -> None:
    ben = director(
        "ben", compensation=tuple(pay(on, amount) for on, amount in payments)
    )
    outcome = check_compensation(register(ben), ben, AS_OF)
    assert outcome.verdict is verdict, outcome.message


def test_compensation_message_has_the_arithmetic() -> None:
    ben = director("ben", compensation=(pay("2025-01-01", 120_001),))
    outcome = check_compensation(register(ben), ben, AS_OF)
    assert outcome.message.startswith(
        "$120,001 paid 2025-01-01..2025-12-31 exceeds $120,000"
    )
    assert [e.ref for e in outcome.evidence] == ["pay.2025-01-01"]


@pytest.mark.parametrize(
    "kind",
    [
        CompensationKind.BOARD_FEES,
        CompensationKind.COMMITTEE_FEES,
        CompensationKind.TAX_QUALIFIED_RETIREMENT,
        CompensationKind.NON_DISCRETIONARY,
    ],
)
def test_compensation_exclusions(kind: CompensationKind) -> None:
    ben = director("ben", compensation=(pay("2025-05-01", 900_000, kind),))
    outcome = check_compensation(register(ben), ben, AS_OF)
    assert outcome.verdict is P
    assert "$900,000 excluded" in outcome.message


@pytest.mark.parametrize(
    ("executive", "recorded", "verdict"),
    [(False, True, P), (True, True, F), (False, False, F)],
)
def test_family_member_pay(executive: bool, recorded: bool, verdict: Verdict) -> None:
    jobs = (
        (Employment(Period(D("2020-01-01")), "engineer", executive_officer=executive),)
        if recorded
        else ()
    )
    relative = spouse(
        employments=jobs,
        compensation=(pay("2025-05-01", 150_000, CompensationKind.SALARY),),
    )
    ben = director("ben", family=(relative,))
    assert check_compensation(register(ben), ben, AS_OF).verdict is verdict


def sole_practice(amount: int) -> Organisation:
    return Organisation(
        "ben-law",
        "Ben Law Office",
        revenues=((2025, usd(300_000)),),
        payments=(
            OrgPayment(
                2025,
                Direction.TO_ORGANISATION,
                usd(amount),
                ServiceCategory.LEGAL,
                D("2025-04-01"),
                ref="fee",
            ),
        ),
        sole_proprietorship=True,
    )


@pytest.mark.parametrize(("amount", "verdict"), [(120_000, P), (120_001, F)])
def test_sole_proprietor_fees_are_compensation_faq_140(
    amount: int, verdict: Verdict
) -> None:
    ben = director(
        "ben",
        org_roles=(OrgRole("ben-law", OrgRoleKind.PARTNER, Period(D("2010-01-01"))),),
    )
    reg = register(ben, organisations=(sole_practice(amount),))
    assert check_compensation(reg, ben, AS_OF).verdict is verdict
    # and never under (D), even far above 5% of its revenues
    assert check_business_relationship(reg, ben, AS_OF).verdict is P


# ---------------------------------------------------------------- AC-IND-03


@pytest.mark.parametrize(
    ("end", "executive", "verdict"),
    [
        (None, True, F),
        ("2023-03-31", True, F),
        ("2023-03-30", True, P),
        (None, False, P),
    ],
)
def test_family_member_executive(
    end: str | None, executive: bool, verdict: Verdict
) -> None:
    job = Employment(
        Period(D("2015-01-01"), D(end) if end else None),
        "COO",
        executive_officer=executive,
    )
    ben = director("ben", family=(spouse(employments=(job,)),))
    outcome = check_family_executive(register(ben), ben, AS_OF)
    assert outcome.verdict is verdict, outcome.message


# ---------------------------------------------------------------- AC-IND-04


def org(revenue: int | None, *payments: OrgPayment, fy: int = 2025) -> Organisation:
    return Organisation(
        "acme",
        "Acme Fictional Supply",
        revenues=((fy, usd(revenue)),) if revenue is not None else (),
        payments=payments,
    )


def out(amount: int | str, fy: int = 2025, **kw: object) -> OrgPayment:
    return OrgPayment(fy, Direction.TO_ORGANISATION, usd(amount), ref=f"p{fy}", **kw)  # type: ignore[arg-type]


def officer_of_acme(
    end: str | None = None, role: OrgRoleKind = OrgRoleKind.EXECUTIVE_OFFICER
) -> OrgRole:
    return OrgRole(
        "acme", role, Period(D("2015-01-01"), D(end) if end else None), ref="role"
    )


@pytest.mark.parametrize(
    ("revenue", "amount", "verdict"),
    [
        (10_000_000, 500_000, P),  # exactly 5% of the recipient's revenues
        (10_000_000, 500_001, F),  # just above
        (1_000_000, 200_000, P),  # 5% is $50,000: the $200,000 floor applies
        (1_000_000, 200_001, F),
        (4_000_000, 200_000, P),  # 5% is exactly the floor
        (4_000_000, 200_001, F),
        (None, 200_000, P),  # revenues unknown but at or under the floor
        (None, 200_001, U),  # revenues needed
    ],
)
def test_business_relationship_threshold(
    revenue: int | None, amount: int, verdict: Verdict
) -> None:
    ben = director("ben", org_roles=(officer_of_acme(),))
    reg = register(ben, organisations=(org(revenue, out(amount)),))
    outcome = check_business_relationship(reg, ben, AS_OF)
    assert outcome.verdict is verdict, outcome.message


def test_business_relationship_message_shows_the_arithmetic() -> None:
    ben = director("ben", org_roles=(officer_of_acme(),))
    reg = register(ben, organisations=(org(10_000_000, out(500_001)),))
    message = check_business_relationship(reg, ben, AS_OF).message
    assert (
        "the company paid Acme Fictional Supply $500,001 in FY2025, which exceeds $500,000"
        in message
    )
    assert "5% of Acme Fictional Supply's FY2025 revenues of $10,000,000" in message


@pytest.mark.parametrize(("fy", "verdict"), [(2026, F), (2023, F), (2022, P)])
def test_business_relationship_counts_current_and_three_prior_fiscal_years(
    fy: int, verdict: Verdict
) -> None:
    ben = director("ben", org_roles=(officer_of_acme(),))
    reg = register(ben, organisations=(org(1_000_000, out(300_000, fy), fy=fy),))
    assert check_business_relationship(reg, ben, AS_OF).verdict is verdict


def test_business_relationship_counts_payments_to_the_company() -> None:
    ben = director("ben", org_roles=(officer_of_acme(),))
    at_five = OrgPayment(2025, Direction.TO_COMPANY, usd(2_500_000))
    above = OrgPayment(2025, Direction.TO_COMPANY, usd("2500000.01"))
    assert (
        check_business_relationship(
            register(ben, organisations=(org(None, at_five),)), ben, AS_OF
        ).verdict
        is P
    )
    outcome = check_business_relationship(
        register(ben, organisations=(org(None, above),)), ben, AS_OF
    )
    assert outcome.verdict is F
    assert "Acme Fictional Supply paid the company" in outcome.message


@pytest.mark.parametrize(
    ("role", "verdict"),
    [
        (officer_of_acme(), F),
        (officer_of_acme(role=OrgRoleKind.PARTNER), F),
        (officer_of_acme(role=OrgRoleKind.CONTROLLING_SHAREHOLDER), F),
        (officer_of_acme(role=OrgRoleKind.EMPLOYEE), P),
        (officer_of_acme(role=OrgRoleKind.LIMITED_PARTNER), P),
        (officer_of_acme(end="2026-03-30"), P),  # FAQ 138: the role has ended
        (officer_of_acme(end="2026-03-31"), F),  # still held today
    ],
)
def test_business_relationship_needs_a_current_role(
    role: OrgRole, verdict: Verdict
) -> None:
    ben = director("ben", org_roles=(role,))
    reg = register(ben, organisations=(org(1_000_000, out(900_000)),))
    assert check_business_relationship(reg, ben, AS_OF).verdict is verdict


def test_business_relationship_of_a_family_member() -> None:
    ben = director("ben", family=(spouse(org_roles=(officer_of_acme(),)),))
    outcome = check_business_relationship(
        register(ben, organisations=(org(1_000_000, out(900_000)),)), ben, AS_OF
    )
    assert outcome.verdict is F
    assert "Bo (spouse of Ben)" in outcome.message


@pytest.mark.parametrize(
    "payment",
    [
        out(900_000, exempt=PaymentExemption.INVESTMENT_IN_SECURITIES),
        out(900_000, exempt=PaymentExemption.CHARITABLE_MATCH),
        out(900_000, paid_on=D("2026-04-01"), fy=2026),  # after the date of the test
        out(900_000, fy=2027),  # a fiscal year that has not begun
    ],
)
def test_business_relationship_ignores(payment: OrgPayment) -> None:
    ben = director("ben", org_roles=(officer_of_acme(),))
    reg = register(
        ben, organisations=(org(1_000_000, payment, fy=payment.fiscal_year),)
    )
    assert check_business_relationship(reg, ben, AS_OF).verdict is P


# ---------------------------------------------------------------- AC-IND-05


@pytest.mark.parametrize(
    ("executive", "committee", "verdict"),
    [
        (("2018-01-01", None), ("2024-01-01", None), F),
        (
            ("2018-01-01", "2023-03-31"),
            ("2020-01-01", None),
            F,
        ),  # overlap ends on the first day
        (("2018-01-01", "2023-03-30"), ("2020-01-01", None), P),  # the day before
        (
            ("2018-01-01", "2019-12-31"),
            ("2020-01-01", None),
            P,
        ),  # never at the same time
        (("2026-04-01", None), ("2020-01-01", None), P),  # starts after the test
    ],
)
def test_interlock(
    executive: tuple[str, str | None],
    committee: tuple[str, str | None],
    verdict: Verdict,
) -> None:
    def period(p: tuple[str, str | None]) -> Period:
        return Period(D(p[0]), D(p[1]) if p[1] else None)

    ben = director(
        "ben",
        interlocks=(
            Interlock("Globex Fictional", period(executive), period(committee), "Cleo"),
        ),
    )
    assert check_interlock(register(ben), ben, AS_OF).verdict is verdict


# ---------------------------------------------------------------- AC-IND-06


@pytest.mark.parametrize(
    ("role", "end", "on_audit", "verdict"),
    [
        (AuditorRoleKind.PARTNER, None, False, F),  # any current partner
        (
            AuditorRoleKind.PARTNER,
            "2020-01-01",
            False,
            P,
        ),  # former partner, not on our audit
        (AuditorRoleKind.EMPLOYEE, "2023-03-31", True, F),
        (AuditorRoleKind.EMPLOYEE, "2023-03-30", True, P),
        (AuditorRoleKind.EMPLOYEE, None, False, P),
    ],
)
def test_auditor(
    role: AuditorRoleKind, end: str | None, on_audit: bool, verdict: Verdict
) -> None:
    job = AuditorRole(role, Period(D("2010-01-01"), D(end) if end else None), on_audit)
    ben = director("ben", auditor_roles=(job,))
    assert check_auditor(register(ben), ben, AS_OF).verdict is verdict
    relative = director("ben", family=(spouse(auditor_roles=(job,)),))
    assert check_auditor(register(relative), relative, AS_OF).verdict is verdict


def test_auditor_role_starting_later_is_ignored() -> None:
    ben = director(
        "ben",
        auditor_roles=(AuditorRole(AuditorRoleKind.PARTNER, Period(D("2026-04-01"))),),
    )
    assert check_auditor(register(ben), ben, AS_OF).verdict is P


def test_investment_company_test_does_not_apply() -> None:
    ben = director("ben")
    assert (
        check_investment_company(register(), ben, AS_OF).verdict
        is Verdict.NOT_APPLICABLE
    )


# ---------------------------------------------------------------- AC-IND-10


@pytest.mark.parametrize(
    ("kind", "on", "verdict"),
    [
        (CompensationKind.CONSULTING, "2026-01-15", F),
        (CompensationKind.OTHER, "2026-01-15", F),
        (CompensationKind.NON_DISCRETIONARY, "2026-01-15", F),
        (CompensationKind.BOARD_FEES, "2026-01-15", P),
        (CompensationKind.COMMITTEE_FEES, "2026-01-15", P),
        (CompensationKind.DEFERRED_PRIOR_SERVICE, "2026-01-15", P),
        (CompensationKind.TAX_QUALIFIED_RETIREMENT, "2026-01-15", P),
        (
            CompensationKind.CONSULTING,
            "2025-12-31",
            P,
        ),  # before service began: no look-back
        (CompensationKind.CONSULTING, "2026-01-01", F),  # the first day of service
    ],
)
def test_compensatory_fee_any_amount(
    kind: CompensationKind, on: str, verdict: Verdict
) -> None:
    ben = director("ben", compensation=(Compensation(D(on), usd("0.01"), kind),))
    outcome = check_compensatory_fee(register(ben), ben, AS_OF, D("2026-01-01"))
    assert outcome.verdict is verdict, outcome.message


@pytest.mark.parametrize(
    ("relationship", "minor", "home", "verdict"),
    [
        (Relationship.SPOUSE, False, False, F),
        (Relationship.CHILD, True, False, F),
        (Relationship.CHILD, False, True, F),
        (Relationship.CHILD, False, False, P),  # an adult child living elsewhere
        (Relationship.SIBLING, False, True, P),
    ],
)
def test_compensatory_fee_indirect_through_family(
    relationship: Relationship, minor: bool, home: bool, verdict: Verdict
) -> None:
    relative = FamilyMember(
        "r", "Rae", relationship, minor, home, compensation=(pay("2025-06-01", 500),)
    )
    ben = director("ben", family=(relative,))
    assert (
        check_compensatory_fee(register(ben), ben, AS_OF, D("2020-01-01")).verdict
        is verdict
    )


@pytest.mark.parametrize(
    ("role", "category", "verdict"),
    [
        (OrgRoleKind.PARTNER, ServiceCategory.LEGAL, F),
        (OrgRoleKind.MANAGING_MEMBER, ServiceCategory.CONSULTING, F),
        (OrgRoleKind.EXECUTIVE_OFFICER, ServiceCategory.FINANCIAL_ADVISORY, F),
        (OrgRoleKind.LIMITED_PARTNER, ServiceCategory.LEGAL, P),
        (OrgRoleKind.PARTNER, ServiceCategory.GOODS, P),  # ordinary commercial dealings
    ],
)
def test_compensatory_fee_through_an_advisory_entity(
    role: OrgRoleKind, category: ServiceCategory, verdict: Verdict
) -> None:
    ben = director("ben", org_roles=(officer_of_acme(role=role),))
    firm = org(100_000_000, out(1_000, category=category))
    outcome = check_compensatory_fee(
        register(ben, organisations=(firm,)), ben, AS_OF, D("2020-01-01")
    )
    assert outcome.verdict is verdict, outcome.message


def test_compensatory_fee_through_an_entity_by_fiscal_year() -> None:
    ben = director(
        "ben",
        org_roles=(OrgRole("acme", OrgRoleKind.PARTNER, Period(D("2026-01-01"))),),
    )
    fee = out(1_000, fy=2025, category=ServiceCategory.LEGAL)
    # FY2025 ended before the partnership began
    assert (
        check_compensatory_fee(
            register(ben, organisations=(org(None, fee),)), ben, AS_OF, D("2020-01-01")
        ).verdict
        is P
    )
    fee26 = out(1_000, fy=2026, category=ServiceCategory.LEGAL)
    assert (
        check_compensatory_fee(
            register(ben, organisations=(org(None, fee26, fy=2026),)),
            ben,
            AS_OF,
            D("2020-01-01"),
        ).verdict
        is F
    )


# ---------------------------------------------------------------- AC-IND-11


@pytest.mark.parametrize(
    ("pct", "board", "verdict"),
    [
        ("10", None, P),
        ("10.01", None, U),
        ("10.01", Verdict.PASS, P),
        ("25", Verdict.FAIL, F),
        (None, None, P),
    ],
)
def test_affiliate_safe_harbour(
    pct: str | None, board: Verdict | None, verdict: Verdict
) -> None:
    holdings = (ShareHolding(D("2025-01-01"), Decimal(pct)),) if pct else ()
    ben = director("ben", holdings=holdings)
    dets = (
        (determination("ben", D("2025-02-01"), verdicts=(("AC-IND-11", board),)),)
        if board
        else (determination("ben"),)
    )
    outcome = check_affiliate(register(ben, determinations=dets), ben, AS_OF)
    assert outcome.verdict is verdict, outcome.message


def test_executive_officer_is_an_affiliate() -> None:
    cleo = register().director("cleo")
    assert check_affiliate(register(), cleo, AS_OF).verdict is F


# ---------------------------------------------------------------- AC-MEM-04


@pytest.mark.parametrize(
    ("end", "verdict"), [(None, F), ("2023-03-31", F), ("2023-03-30", P)]
)
def test_financial_statement_preparation(end: str | None, verdict: Verdict) -> None:
    ben = director(
        "ben",
        fs_preparation=(
            FsPreparation(
                Period(D("2015-01-01"), D(end) if end else None), "close process"
            ),
        ),
    )
    assert check_fs_preparation(register(ben), ben, AS_OF).verdict is verdict


def test_assessment_runs_every_test_with_rule_ids() -> None:
    ben = director("ben")
    report = assess_director(register(ben), ben, AS_OF)
    assert [o.rule_id for o in report.outcomes] == [
        "AC-IND-01", "AC-IND-02", "AC-IND-03", "AC-IND-04", "AC-IND-05", "AC-IND-06",
        "AC-IND-07", "AC-IND-10", "AC-IND-11", "AC-MEM-04",
    ]  # fmt: skip
    assert report.passes_nasdaq_tests
    assert report.meets_10a3
    assert report.outcome("AC-IND-02").verdict is P
    assert all(o.message for o in report.outcomes)


def test_nothing_before_the_date_of_the_test_is_unknown() -> None:
    """A test made on a date before any fact passes for want of facts, never errors."""
    ben = director("ben", compensation=(pay("2026-01-01", 999_999),))
    early = date(2000, 1, 1)
    assert assess_director(register(ben), ben, early).passes_nasdaq_tests
