"""Properties that must hold for any register, not just the examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from oversight.rules.composition.committee import (
    CommitteeReport,
    _change_days,
    _last_day,
    _last_passing_day,
    assess_member,
    evaluate_committee,
)
from oversight.rules.composition.facts import (
    Compensation,
    CompensationKind,
    Direction,
    Director,
    Employment,
    FamilyMember,
    Organisation,
    OrgPayment,
    OrgRole,
    OrgRoleKind,
    Period,
    Register,
    Relationship,
    ServiceCategory,
)
from oversight.rules.composition.independence import (
    BUSINESS_FLOOR,
    COMPENSATION_LIMIT,
    check_business_relationship,
    check_compensation,
    lookback_start,
)
from oversight.rules.composition.tests.builders import AS_OF, director, register

DAYS = st.dates(min_value=date(2021, 1, 1), max_value=date(2027, 12, 31))
AMOUNTS = st.integers(min_value=0, max_value=400_000).map(Decimal)
KINDS = st.sampled_from(list(CompensationKind))

payments = st.lists(st.builds(Compensation, DAYS, AMOUNTS, KINDS), max_size=6).map(
    tuple
)
jobs = st.lists(
    st.builds(
        lambda start, length, executive, interim: Employment(
            Period(
                start, start + timedelta(days=length) if length is not None else None
            ),
            executive_officer=executive,
            interim=interim,
        ),
        DAYS,
        st.none() | st.integers(min_value=0, max_value=900),
        st.booleans(),
        st.booleans(),
    ),
    max_size=2,
).map(tuple)


def org_payments(
    fy_range: tuple[int, int] = (2022, 2027),
) -> st.SearchStrategy[tuple[OrgPayment, ...]]:
    return st.lists(
        st.builds(
            OrgPayment,
            st.integers(*fy_range),
            st.sampled_from(list(Direction)),
            AMOUNTS.map(lambda a: a * 3),
            st.sampled_from(list(ServiceCategory)),
        ),
        max_size=5,
    ).map(tuple)


@st.composite
def registers(draw: st.DrawFn) -> Register:
    family = FamilyMember(
        "rel",
        "Rae",
        draw(st.sampled_from(list(Relationship))),
        minor=draw(st.booleans()),
        shares_home=draw(st.booleans()),
        employments=draw(jobs),
        compensation=draw(payments),
    )
    ben = director(
        "ben",
        employments=draw(jobs),
        compensation=draw(payments),
        family=(family,),
        org_roles=(
            OrgRole(
                "acme", draw(st.sampled_from(list(OrgRoleKind))), Period(draw(DAYS))
            ),
        ),
    )
    acme = Organisation(
        "acme",
        "Acme Fictional Supply",
        revenues=tuple((fy, draw(AMOUNTS) * 20) for fy in range(2022, 2028)),
        payments=draw(org_payments()),
    )
    return register(ben, organisations=(acme,))


def verdicts(report: CommitteeReport) -> list[tuple[str, str, str]]:
    rows = [(o.rule_id, o.verdict.value, o.message) for o in report.outcomes]
    rows += [
        (f"{m.director.id}:{o.rule_id}", o.verdict.value, o.message)
        for m in report.members
        for o in m.outcomes
    ]
    return [*rows, ("status", report.status.value, str(report.deadline))]


def with_ben(reg: Register, **changes: object) -> Register:
    ben = replace(reg.director("ben"), **changes)  # type: ignore[arg-type]
    return replace(
        reg, directors=tuple(ben if d.id == "ben" else d for d in reg.directors)
    )


@settings(max_examples=60, deadline=None)
@given(
    registers(),
    DAYS,
    st.sampled_from([CompensationKind.BOARD_FEES, CompensationKind.COMMITTEE_FEES]),
    AMOUNTS,
)
def test_board_fees_never_change_a_verdict(
    reg: Register, paid_on: date, kind: CompensationKind, amount: Decimal
) -> None:
    as_of = date(2026, 3, 31)
    ben = reg.director("ben")
    more = with_ben(
        reg, compensation=(*ben.compensation, Compensation(paid_on, amount, kind))
    )
    before = [(r, v) for r, v, _ in verdicts(evaluate_committee(reg, as_of))]
    after = [(r, v) for r, v, _ in verdicts(evaluate_committee(more, as_of))]
    assert before == after


def future_facts(reg: Register, as_of: date, later: date, amount: Decimal) -> Register:
    """The register plus facts that all happen after ``as_of``."""
    ben = reg.director("ben")
    after_fy = reg.company.fiscal_year_of(as_of) + 1
    acme = reg.organisations[0]
    acme = replace(
        acme,
        payments=(
            *acme.payments,
            OrgPayment(
                reg.company.fiscal_year_of(later),
                Direction.TO_ORGANISATION,
                amount,
                ServiceCategory.LEGAL,
                later,
            ),
            OrgPayment(after_fy, Direction.TO_COMPANY, amount),
        ),
    )
    relative = replace(
        ben.family[0],
        employments=(
            *ben.family[0].employments,
            Employment(Period(later), "CEO", executive_officer=True),
        ),
        compensation=(
            *ben.family[0].compensation,
            Compensation(later, amount, CompensationKind.CONSULTING),
        ),
    )
    changed = with_ben(
        reg,
        compensation=(
            *ben.compensation,
            Compensation(later, amount, CompensationKind.CONSULTING),
        ),
        employments=(
            *ben.employments,
            Employment(Period(later), "CFO", executive_officer=True),
        ),
        family=(relative,),
    )
    return replace(changed, organisations=(acme,))


@settings(max_examples=60, deadline=None)
@given(registers(), DAYS, st.integers(min_value=1, max_value=800), AMOUNTS)
def test_verdicts_as_of_a_day_never_depend_on_later_facts(
    reg: Register, as_of: date, days_later: int, amount: Decimal
) -> None:
    later = as_of + timedelta(days=days_later)
    assert verdicts(evaluate_committee(reg, as_of)) == verdicts(
        evaluate_committee(future_facts(reg, as_of, later, amount), as_of)
    )


@settings(max_examples=100, deadline=None)
@given(payments, AMOUNTS, DAYS)
def test_more_compensation_never_restores_independence(
    paid: tuple[Compensation, ...], amount: Decimal, on: date
) -> None:
    ben = director("ben", compensation=paid)
    more = director(
        "ben", compensation=(*paid, Compensation(on, amount, CompensationKind.BONUS))
    )
    before = check_compensation(register(ben), ben, AS_OF).verdict.value
    after = check_compensation(register(more), more, AS_OF).verdict.value
    assert (before, after) != ("fail", "pass")


@given(st.integers(min_value=0, max_value=300_000), DAYS)
@example(120_001, lookback_start(AS_OF))  # three calendar years back, not 3 x 365 days
@example(120_001, lookback_start(AS_OF) - timedelta(days=1))
def test_a_single_payment_fails_exactly_above_the_limit(amount: int, on: date) -> None:
    ben = director(
        "ben",
        compensation=(Compensation(on, Decimal(amount), CompensationKind.SALARY),),
    )
    within = lookback_start(AS_OF) <= on <= AS_OF
    expected = "fail" if within and amount > COMPENSATION_LIMIT else "pass"
    assert check_compensation(register(ben), ben, AS_OF).verdict.value == expected


@given(
    st.integers(min_value=0, max_value=20_000_000),
    st.integers(min_value=0, max_value=2_000_000),
)
def test_business_threshold_is_the_greater_of_five_percent_and_the_floor(
    revenue: int, amount: int
) -> None:
    ben: Director = director(
        "ben",
        org_roles=(OrgRole("acme", OrgRoleKind.PARTNER, Period(date(2010, 1, 1))),),
    )
    acme = Organisation(
        "acme",
        "Acme Fictional Supply",
        revenues=((2025, Decimal(revenue)),),
        payments=(OrgPayment(2025, Direction.TO_ORGANISATION, Decimal(amount)),),
    )
    threshold = max(Decimal(revenue) * Decimal("0.05"), BUSINESS_FLOOR)
    expected = "fail" if amount > threshold else "pass"
    assert (
        check_business_relationship(
            register(ben, organisations=(acme,)), ben, AS_OF
        ).verdict.value
        == expected
    )


@settings(max_examples=40, deadline=None)
@given(registers(), st.dates(min_value=date(2022, 1, 1), max_value=date(2027, 12, 31)))
def test_change_days_find_the_same_loss_as_a_day_by_day_scan(
    reg: Register, as_of: date
) -> None:
    """The cure period's event date is computed from the days a verdict can change; a
    scan of every day gives the same answer."""
    ben = reg.director("ben")
    seat = reg.membership_of("ben", as_of)
    assert seat is not None
    floor = max(seat.period.start, as_of - timedelta(days=400))

    def independent(day: date) -> bool:
        member = assess_member(reg, ben, day, seat)
        return (
            member.nasdaq_independent.verdict.value == "pass"
            and member.rule_10a3.verdict.value == "pass"
        )

    fast = _last_passing_day(independent, _change_days(reg, ben, floor, as_of), floor)
    slow = _last_day(independent, as_of - timedelta(days=1), floor)
    if not independent(as_of):
        assert fast == slow


@settings(max_examples=40, deadline=None)
@given(registers(), DAYS)
def test_a_register_written_out_reads_back_the_same(reg: Register, as_of: date) -> None:
    """``register_as_dict`` and ``parse_scenario`` are inverses, through JSON text too."""
    import json

    from oversight.rules.composition.scenario import parse_scenario, register_as_dict

    again = parse_scenario(json.loads(json.dumps(register_as_dict(reg))))
    assert verdicts(evaluate_committee(again, as_of)) == verdicts(
        evaluate_committee(reg, as_of)
    )
    assert json.loads(json.dumps(register_as_dict(again))) == json.loads(
        json.dumps(register_as_dict(reg))
    )


@given(DAYS, st.lists(DAYS, max_size=3))
def test_cure_deadlines_stay_within_their_limits(
    event: date, meetings: list[date]
) -> None:
    from oversight.rules.composition.committee import _loss_deadline, _vacancy_deadline
    from oversight.rules.composition.facts import add_years

    reg = register(
        company_info=replace(register().company, annual_meetings=tuple(meetings))
    )
    year = add_years(event, 1)
    loss = _loss_deadline(reg, event)
    vacancy = _vacancy_deadline(reg, event)
    assert event < loss <= year
    assert event < vacancy <= max(year, event + timedelta(days=180))
    later = [m for m in meetings if m > event]
    if later and min(later) <= event + timedelta(days=180):
        assert vacancy == event + timedelta(days=180)
    else:
        assert vacancy == loss
