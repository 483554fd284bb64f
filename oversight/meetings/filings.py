"""The company's filing dates, as the proposed calendar reads them."""

from __future__ import annotations

from datetime import date, timedelta

from oversight.rules.meetings.annual import Filing, FilingKind, FiscalCalendar


def standard_filings(fiscal: FiscalCalendar, year: int) -> list[Filing]:
    """Filing dates of an accelerated filer, until the company's own dates are recorded:
    10-Qs 40 days after each of the first three quarters, the 10-K 75 days after year end
    and the proxy 110 days after it."""
    end = fiscal.end_of(year - 1)
    filings = [
        Filing(FilingKind.ANNUAL, end + timedelta(days=75), end),
        Filing(FilingKind.PROXY, end + timedelta(days=110), end),
    ]
    start = fiscal.start_of(year)
    for months in (3, 6, 9):
        month = (start.month - 1 + months) % 12 + 1
        quarter_start = date(start.year + (start.month - 1 + months) // 12, month, 1)
        quarter_end = quarter_start - timedelta(days=1)
        filings.append(
            Filing(FilingKind.QUARTERLY, quarter_end + timedelta(days=40), quarter_end)
        )
    return filings
