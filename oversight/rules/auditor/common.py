"""Vocabulary shared by the auditor rules: fee categories, money, months, fiscal years."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0")


class Category(StrEnum):
    """The four Schedule 14A Item 9(e) fee captions (Appendix C, F1-F4)."""

    AUDIT = "audit"
    AUDIT_RELATED = "audit_related"
    TAX = "tax"
    ALL_OTHER = "all_other"

    @property
    def caption(self) -> str:
        return CAPTIONS[self]

    @property
    def is_non_audit(self) -> bool:
        """Audit-related, tax and all-other fees; the de minimis exception covers only these."""
        return self is not Category.AUDIT


CAPTIONS: dict[Category, str] = {
    Category.AUDIT: "Audit Fees",
    Category.AUDIT_RELATED: "Audit-Related Fees",
    Category.TAX: "Tax Fees",
    Category.ALL_OTHER: "All Other Fees",
}

NON_AUDIT: tuple[Category, ...] = (
    Category.AUDIT_RELATED,
    Category.TAX,
    Category.ALL_OTHER,
)


def parse_category(value: str) -> Category:
    """The category named ``value``; an unknown name is refused with the known ones."""
    try:
        return Category(value)
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise ValueError(
            f"Unknown fee category {value!r}: use one of {known}."
        ) from None


def money(value: Decimal | int | str) -> Decimal:
    """A non-negative amount of money as ``Decimal``; floats are refused (they round)."""
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal or a string.")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"A fee must be a finite amount, not {value!r}.")
    if amount < 0:
        raise ValueError(f"A fee cannot be negative ({amount}).")
    return amount


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def term_last_day(start: date, months: int) -> date:
    """The last day of a term of ``months`` months that begins on ``start``.

    A 12-month term that begins on 15 January 2026 ends on 14 January 2027.
    """
    return add_months(start, months) - timedelta(days=1)


def one_year_before(day: date) -> date:
    """The same calendar day one year earlier (29 February becomes 28 February)."""
    return add_months(day, -12)


@dataclass(frozen=True, slots=True)
class FiscalYear:
    """A fiscal year, named by the calendar year in which it ends."""

    year: int
    end_month: int = 12
    end_day: int = 31

    @property
    def ends_on(self) -> date:
        last = calendar.monthrange(self.year, self.end_month)[1]
        return date(self.year, self.end_month, min(self.end_day, last))

    @property
    def starts_on(self) -> date:
        before = FiscalYear(self.year - 1, self.end_month, self.end_day)
        return before.ends_on + timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def add_business_days(day: date, days: int) -> date:
    """``day`` plus ``days`` business days (Monday to Friday).

    Federal holidays are not skipped, so a deadline computed here is never later than the
    true one (a conservative reading for filing deadlines such as Form 8-K's four business
    days).
    """
    current = day
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
