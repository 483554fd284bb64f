"""The Item 9(e) fee table, against figures computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from oversight.rules.auditor.common import (
    Category,
    FiscalYear,
    add_business_days,
    add_months,
    money,
    parse_category,
    term_last_day,
)
from oversight.rules.auditor.fees import (
    FeeRecord,
    FeeTable,
    fee_mix,
    fee_table,
    format_amount,
    percent,
    policy_statement,
    total_fees,
)

D = Decimal
A, AR, T, OTH = (
    Category.AUDIT,
    Category.AUDIT_RELATED,
    Category.TAX,
    Category.ALL_OTHER,
)

FEES = [
    # FY2026
    FeeRecord("a26-1", 2026, A, D("1150000"), approval_ref="x"),
    FeeRecord("a26-2", 2026, A, D("95000"), estimated=True),  # expected to be billed
    FeeRecord("ar26-1", 2026, AR, D("42000")),
    FeeRecord("ar26-2", 2026, AR, D("3000"), de_minimis=True),
    FeeRecord("t26-1", 2026, T, D("78500.50")),
    FeeRecord("t26-2", 2026, T, D("2750"), de_minimis=True),
    FeeRecord("o26-1", 2026, OTH, D("2400")),
    # FY2025
    FeeRecord("a25-1", 2025, A, D("1080000")),
    FeeRecord("ar25-1", 2025, AR, D("38000")),
    FeeRecord("t25-1", 2025, T, D("61000")),
    FeeRecord("t25-2", 2025, T, D("1000"), de_minimis=True),
    # FY2024: outside the table
    FeeRecord("a24-1", 2024, A, D("990000")),
]


def table() -> FeeTable:
    return fee_table(FEES, latest_year=2026, policy_statement="Policy text.")


def test_sums_by_caption_and_year_match_hand_figures() -> None:
    t = table()
    assert t.fiscal_years == (2026, 2025)
    assert t.row(A).amounts == (D("1245000"), D("1080000"))
    assert t.row(AR).amounts == (D("45000"), D("38000"))
    assert t.row(T).amounts == (D("81250.50"), D("62000"))
    assert t.row(OTH).amounts == (D("2400"), D("0"))
    # 1,245,000 + 45,000 + 81,250.50 + 2,400 = 1,373,650.50
    # 1,080,000 + 38,000 + 62,000 + 0 = 1,180,000
    assert t.totals == (D("1373650.50"), D("1180000"))
    assert total_fees(FEES, 2026) == t.totals[0]


def test_de_minimis_percentages_match_hand_figures() -> None:
    t = table()
    # 3,000 / 45,000 = 6.666..% -> 6.7
    assert t.row(AR).de_minimis_percent == (D("6.7"), D("0.0"))
    # 2,750 / 81,250.50 = 3.3846..% -> 3.4 ; 1,000 / 62,000 = 1.6129..% -> 1.6
    assert t.row(T).de_minimis_percent == (D("3.4"), D("1.6"))
    # nothing in all-other; an empty caption shows 0.0
    assert t.row(OTH).de_minimis_percent == (D("0.0"), D("0.0"))
    assert t.row(A).de_minimis_percent == (None, None)
    assert t.row(T).de_minimis_amounts == (D("2750"), D("1000"))


def test_estimates_are_marked() -> None:
    assert table().row(A).has_estimates == (True, False)
    assert table().row(T).has_estimates == (False, False)


def test_descriptions_default_and_can_be_replaced() -> None:
    custom = fee_table(
        FEES,
        latest_year=2026,
        policy_statement="",
        descriptions={T: "Tax compliance in the US and Germany."},
    )
    assert custom.row(T).description == "Tax compliance in the US and Germany."
    assert "benefit plan" in custom.row(AR).description
    assert [row.caption for row in custom.rows] == [
        "Audit Fees",
        "Audit-Related Fees",
        "Tax Fees",
        "All Other Fees",
    ]


def test_as_rows_for_csv() -> None:
    rows = table().as_rows()
    assert rows[0] == [
        "Category",
        "FY2026",
        "FY2025",
        "De minimis % FY2026",
        "De minimis % FY2025",
    ]
    assert rows[1] == ["Audit Fees", "$1,245,000", "$1,080,000", "", ""]
    assert rows[3] == ["Tax Fees", "$81,250.50", "$62,000", "3.4%", "1.6%"]
    assert rows[-1] == ["Total", "$1,373,650.50", "$1,180,000", "", ""]


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (D("2.25"), D("100"), D("2.3")),  # half rounds up
        (D("2.24"), D("100"), D("2.2")),
        (D("2.35"), D("100"), D("2.4")),  # not banker's rounding
        (D("1"), D("3"), D("33.3")),
        (D("2"), D("3"), D("66.7")),
        (D("0"), D("0"), D("0.0")),
        (D("5"), D("5"), D("100.0")),
    ],
)
def test_percent_rounds_half_up_to_one_decimal(
    part: Decimal, whole: Decimal, expected: Decimal
) -> None:
    assert percent(part, whole) == expected
    assert str(percent(part, whole)) == str(expected)


@pytest.mark.parametrize(
    ("amount", "text"),
    [(D("1245000"), "$1,245,000"), (D("81250.5"), "$81,250.50"), (D("0"), "$0")],
)
def test_format_amount(amount: Decimal, text: str) -> None:
    assert format_amount(amount) == text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": D("-0.01")}, "cannot be negative"),
        ({"category": None}, "unknown or missing category"),
        ({"category": "consulting"}, "unknown or missing category"),
        ({"category": A, "de_minimis": True}, "non-audit services only"),
    ],
)
def test_bad_fees_are_refused(changes: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "ref": "f",
        "fiscal_year": 2026,
        "category": T,
        "amount": D("1"),
    }
    values.update(changes)
    with pytest.raises(ValueError, match=message):
        FeeRecord(**values)  # type: ignore[arg-type]


def test_a_fee_recorded_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="recorded more than once"):
        fee_table([*FEES, FEES[0]], latest_year=2026, policy_statement="")


@pytest.mark.parametrize(
    ("value", "category"),
    [("audit", A), ("audit_related", AR), ("tax", T), ("all_other", OTH)],
)
def test_parse_category(value: str, category: Category) -> None:
    assert parse_category(value) is category
    assert category.is_non_audit is (category is not A)


def test_parse_unknown_category_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="use one of audit, audit_related, tax"):
        parse_category("consulting")


def test_policy_statement_with_policy_and_delegates() -> None:
    text = policy_statement(date(2026, 1, 15), delegates=("ada", "ben"))
    assert "last adopted on January 15, 2026" in text
    assert "delegated authority to grant specific approvals to ada and ben" in text
    assert text.endswith("to management.")


def test_policy_statement_without_a_policy() -> None:
    text = policy_statement(None)
    assert "approved specifically by the committee" in text
    assert "delegated" not in text


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 1, 15), 12, date(2027, 1, 14)),
        (date(2026, 1, 31), 1, date(2026, 2, 27)),
        (date(2024, 2, 29), 12, date(2025, 2, 27)),
        (date(2026, 3, 1), 12, date(2027, 2, 28)),
    ],
)
def test_term_last_day(start: date, months: int, end: date) -> None:
    assert term_last_day(start, months) == end


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)


@pytest.mark.parametrize(
    ("year", "month", "day", "start", "end"),
    [
        (2026, 12, 31, date(2026, 1, 1), date(2026, 12, 31)),
        (2026, 6, 30, date(2025, 7, 1), date(2026, 6, 30)),
        (2024, 2, 29, date(2023, 3, 1), date(2024, 2, 29)),
        (2025, 2, 29, date(2024, 3, 1), date(2025, 2, 28)),
    ],
)
def test_fiscal_year_bounds(
    year: int, month: int, day: int, start: date, end: date
) -> None:
    fy = FiscalYear(year, month, day)
    assert (fy.starts_on, fy.ends_on) == (start, end)
    assert fy.contains(start)
    assert fy.contains(end)
    assert not fy.contains(add_months(end, 1))


def test_fee_mix_by_year_oldest_first() -> None:
    mix = fee_mix(FEES, [2026, 2025, 2024, 2026])
    assert [(m.fiscal_year, m.audit, m.non_audit) for m in mix] == [
        (2024, D("990000"), D("0")),
        (2025, D("1080000"), D("100000")),
        (2026, D("1245000"), D("128650.50")),
    ]
    # 100,000 / 1,180,000 = 8.474..% -> 8.5
    assert mix[1].non_audit_percent == D("8.5")
    assert fee_mix([], [2026])[0].non_audit_percent == D("0.0")


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        (date(2026, 3, 2), 4, date(2026, 3, 6)),  # Monday -> Friday
        (date(2026, 3, 5), 4, date(2026, 3, 11)),  # Thursday -> next Wednesday
        (date(2026, 3, 7), 4, date(2026, 3, 12)),  # Saturday -> Thursday
        (date(2026, 3, 6), 0, date(2026, 3, 6)),
    ],
)
def test_add_business_days(start: date, days: int, end: date) -> None:
    assert add_business_days(start, days) == end


def test_money_refuses_floats() -> None:
    with pytest.raises(TypeError, match="never a float"):
        money(0.1)  # type: ignore[arg-type]
