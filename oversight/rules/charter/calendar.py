"""Fiscal years and quarters of a company, from its year end.

A fiscal year is named by the calendar year in which it ends: a year ending 30 June
2026 is FY2026 and runs from 1 July 2025. When the configured year end is the last
day of its month (31 December, 30 June, 28 or 29 February), every period ends on
the last day of a month, so a February year end follows leap years (FY2024 ends on
29 February 2024, FY2025 on 28 February 2025). Otherwise periods end on the same
day of the month, clamped to short months. 52/53-week years are not modelled.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def days_in_month(year: int, month: int) -> int:
    return _cal.monthrange(year, month)[1]


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def format_day(day: date) -> str:
    """A date in words, unambiguous in every locale: ``31 Dec 2026``."""
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True, slots=True)
class FiscalCalendar:
    """A company's fiscal calendar: its year end and its time zone (an IANA name)."""

    year_end_month: int = 12
    year_end_day: int = 31
    tz: str = "UTC"

    def __post_init__(self) -> None:
        if not 1 <= self.year_end_month <= 12:
            raise ValueError(f"year_end_month must be 1-12, not {self.year_end_month}")
        longest = (
            29 if self.year_end_month == 2 else days_in_month(2001, self.year_end_month)
        )
        if not 1 <= self.year_end_day <= longest:
            raise ValueError(
                f"year_end_day {self.year_end_day} does not exist in month "
                f"{self.year_end_month}"
            )
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.tz!r}") from exc

    @property
    def _month_end(self) -> bool:
        return self.year_end_day >= days_in_month(2001, self.year_end_month)

    def _period_end(self, year: int, month: int) -> date:
        last = days_in_month(year, month)
        return date(
            year, month, last if self._month_end else min(self.year_end_day, last)
        )

    def year_end(self, fiscal_year: int) -> date:
        """The last day of ``fiscal_year``."""
        return _year_end(self, fiscal_year)

    def year_start(self, fiscal_year: int) -> date:
        """The first day of ``fiscal_year``."""
        return self.year_end(fiscal_year - 1) + timedelta(days=1)

    def fiscal_year(self, day: date) -> int:
        """The fiscal year ``day`` falls in."""
        return day.year if day <= self.year_end(day.year) else day.year + 1

    def quarters(self, fiscal_year: int) -> tuple[tuple[date, date], ...]:
        """The four quarters of ``fiscal_year`` as (first day, last day)."""
        return _quarters(self, fiscal_year)

    def _compute_quarters(self, fiscal_year: int) -> tuple[tuple[date, date], ...]:
        end = self.year_end(fiscal_year)
        ends = []
        for back in (9, 6, 3, 0):
            index = end.year * 12 + (end.month - 1) - back
            ends.append(self._period_end(index // 12, index % 12 + 1))
        starts = [self.year_start(fiscal_year)] + [
            e + timedelta(days=1) for e in ends[:3]
        ]
        return tuple(zip(starts, ends, strict=True))

    def quarter(self, day: date) -> int:
        """The fiscal quarter (1-4) ``day`` falls in."""
        ends = [end for _start, end in self.quarters(self.fiscal_year(day))]
        return 1 + sum(1 for end in ends[:3] if day > end)

    def label(self, fiscal_year: int) -> str:
        return f"FY{fiscal_year}"

    def local_date(self, moment: datetime) -> date:
        """The company's calendar day at an aware ``moment``."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        return moment.astimezone(ZoneInfo(self.tz)).date()


@lru_cache(maxsize=4096)
def _year_end(calendar: FiscalCalendar, fiscal_year: int) -> date:
    return calendar._period_end(fiscal_year, calendar.year_end_month)


@lru_cache(maxsize=4096)
def _quarters(
    calendar: FiscalCalendar, fiscal_year: int
) -> tuple[tuple[date, date], ...]:
    return calendar._compute_quarters(fiscal_year)
