"""Properties that hold for any input: sums, boundaries, monotonicity."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from oversight.rules.auditor.common import Category, term_last_day
from oversight.rules.auditor.fees import FeeRecord, fee_table, percent
from oversight.rules.auditor.preapproval import within_de_minimis
from oversight.rules.auditor.rotation import run_length
from oversight.rules.auditor.services import (
    Outcome,
    Policy,
    PolicyItem,
    ScreenContext,
    ServiceRequest,
    screen_service,
)

cents = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)
categories = st.sampled_from(list(Category))
fees = st.lists(
    st.tuples(st.sampled_from([2025, 2026]), categories, cents, st.booleans()),
    max_size=30,
)


@given(fees)
def test_fee_table_total_is_the_sum_of_every_fee_in_the_two_years(
    rows: list[tuple[int, Category, Decimal, bool]],
) -> None:
    records = [
        FeeRecord(
            f"f{i}",
            year,
            cat,
            amount,
            de_minimis=flag and cat is not Category.AUDIT,
        )
        for i, (year, cat, amount, flag) in enumerate(rows)
    ]
    table = fee_table(records, latest_year=2026, policy_statement="")
    for index, year in enumerate(table.fiscal_years):
        assert table.totals[index] == sum(
            (r.amount for r in records if r.fiscal_year == year), Decimal(0)
        )
        for row in table.rows:
            pct = row.de_minimis_percent[index]
            if pct is not None:
                assert Decimal(0) <= pct <= Decimal(100)
                assert pct == pct.quantize(Decimal("0.1"))


@given(cents, cents)
def test_percent_is_within_half_a_tenth_of_the_exact_value(
    part: Decimal, extra: Decimal
) -> None:
    whole = part + extra
    exact = part * 100 / whole if whole else Decimal(0)
    assert abs(percent(part, whole) - exact) <= Decimal("0.05")


@given(cents.filter(lambda d: d > 0))
def test_de_minimis_boundary_is_exactly_five_percent(total: Decimal) -> None:
    five = total * Decimal("0.05")
    assert within_de_minimis(five, total)
    assert not within_de_minimis(five + Decimal("0.000001"), total)


@given(st.sets(st.integers(min_value=2000, max_value=2040), max_size=20))
def test_run_length_never_exceeds_years_served(years: set[int]) -> None:
    for year in years:
        for off in (2, 5):
            assert (
                1
                <= run_length(years, year, off)
                <= len([y for y in years if y <= year])
            )


@given(
    st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100),
    st.integers(min_value=0, max_value=800),
)
def test_policy_approves_only_within_cap_and_term(
    fee: Decimal, offset_days: int
) -> None:
    start = date(2026, 1, 15)
    item = PolicyItem(
        "I", "Audit of the 401(k) plan", Category.AUDIT_RELATED, Decimal("40000"), start
    )
    request = ServiceRequest(
        "r",
        "Audit of the 401(k) plan",
        Category.AUDIT_RELATED,
        fee,
        requested_on=start,
        starts_on=start + timedelta(days=offset_days),
        policy_item="I",
    )
    decision = screen_service(request, Policy(1, start, items=(item,)), ScreenContext())
    inside = fee <= item.fee_cap and request.starts_on <= term_last_day(start, 12)
    assert (decision.outcome is Outcome.APPROVED_UNDER_POLICY) is inside


PROHIBITED_PHRASES = [
    "bookkeeping",
    "valuation",
    "fairness opinion",
    "actuarial",
    "internal audit outsourcing",
    "act as interim CFO",
    "executive search",
    "broker",
    "legal services",
    "expert witness",
    "contingent fee",
]


@given(st.text(max_size=40), st.sampled_from(PROHIBITED_PHRASES), st.text(max_size=40))
def test_a_description_naming_a_prohibited_service_is_never_approved_in_general(
    before: str, phrase: str, after: str
) -> None:
    start = date(2026, 1, 15)
    item = PolicyItem(
        "I", "Permitted advisory work", Category.ALL_OTHER, Decimal("1E9"), start
    )
    request = ServiceRequest(
        "r",
        f"{before} {phrase.upper() if len(before) % 2 else phrase} {after}",
        Category.ALL_OTHER,
        Decimal(1),
        requested_on=start,
        starts_on=start,
        policy_item="I",
    )
    decision = screen_service(request, Policy(1, start, items=(item,)), ScreenContext())
    assert decision.outcome is Outcome.NEEDS_SPECIFIC_APPROVAL
    assert decision.flags
