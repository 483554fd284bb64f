from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest

from oversight.rules.charter.calendar import FiscalCalendar, add_months, format_day
from oversight.rules.charter.tests.helpers import d

DEC = FiscalCalendar(12, 31)
JUN = FiscalCalendar(6, 30)
FEB28 = FiscalCalendar(2, 28)
FEB29 = FiscalCalendar(2, 29)
SEP15 = FiscalCalendar(9, 15)


@pytest.mark.parametrize(
    ("cal", "day", "fy"),
    [
        (DEC, "2026-01-01", 2026),
        (DEC, "2026-12-31", 2026),
        (DEC, "2027-01-01", 2027),
        (JUN, "2026-06-30", 2026),
        (JUN, "2026-07-01", 2027),
        (JUN, "2025-07-01", 2026),
        (FEB28, "2024-02-28", 2024),
        (FEB28, "2024-02-29", 2024),  # leap day closes the year ending in February
        (FEB28, "2024-03-01", 2025),
        (FEB28, "2025-02-28", 2025),
        (FEB28, "2025-03-01", 2026),
        (FEB29, "2024-02-29", 2024),
        (FEB29, "2025-02-28", 2025),
        (SEP15, "2026-09-15", 2026),
        (SEP15, "2026-09-16", 2027),
    ],
)
def test_fiscal_year_of_a_day(cal, day, fy):
    assert cal.fiscal_year(d(day)) == fy


@pytest.mark.parametrize(
    ("cal", "fy", "start", "end"),
    [
        (DEC, 2026, "2026-01-01", "2026-12-31"),
        (JUN, 2026, "2025-07-01", "2026-06-30"),
        (FEB28, 2024, "2023-03-01", "2024-02-29"),
        (FEB28, 2025, "2024-03-01", "2025-02-28"),
        (FEB29, 2028, "2027-03-01", "2028-02-29"),
        (SEP15, 2026, "2025-09-16", "2026-09-15"),
    ],
)
def test_year_start_and_end(cal, fy, start, end):
    assert (cal.year_start(fy), cal.year_end(fy)) == (d(start), d(end))


@pytest.mark.parametrize(
    ("cal", "fy", "ends"),
    [
        (DEC, 2026, ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
        (JUN, 2026, ["2025-09-30", "2025-12-31", "2026-03-31", "2026-06-30"]),
        (FEB28, 2024, ["2023-05-31", "2023-08-31", "2023-11-30", "2024-02-29"]),
        (FEB28, 2025, ["2024-05-31", "2024-08-31", "2024-11-30", "2025-02-28"]),
        (SEP15, 2026, ["2025-12-15", "2026-03-15", "2026-06-15", "2026-09-15"]),
    ],
)
def test_quarters_tile_the_year(cal, fy, ends):
    quarters = cal.quarters(fy)
    assert [q[1] for q in quarters] == [d(e) for e in ends]
    assert quarters[0][0] == cal.year_start(fy)
    for (_, prev_end), (next_start, _) in pairwise(quarters):
        assert (next_start - prev_end).days == 1


@pytest.mark.parametrize(
    ("cal", "day", "quarter"),
    [
        (DEC, "2026-03-31", 1),
        (DEC, "2026-04-01", 2),
        (DEC, "2026-12-31", 4),
        (JUN, "2025-07-01", 1),
        (JUN, "2026-01-01", 3),
        (FEB28, "2024-02-29", 4),
        (FEB28, "2024-03-01", 1),
    ],
)
def test_quarter_of_a_day(cal, day, quarter):
    assert cal.quarter(d(day)) == quarter


@pytest.mark.parametrize(
    ("month", "day", "tz"),
    [
        (13, 1, "UTC"),
        (0, 1, "UTC"),
        (2, 30, "UTC"),
        (4, 31, "UTC"),
        (12, 0, "UTC"),
        (12, 31, "Mars/Olympus"),
    ],
)
def test_refuses_a_calendar_that_cannot_exist(month, day, tz):
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies by field
        FiscalCalendar(month, day, tz)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-02-01", 15, "2026-05-01"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-12-15", 1, "2027-01-15"),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(d(day), months) == d(expected)


def test_local_date_uses_the_company_time_zone():
    cal = FiscalCalendar(12, 31, "America/Los_Angeles")
    moment = datetime(2027, 1, 1, 5, 0, tzinfo=UTC)  # still 31 December in California
    assert cal.local_date(moment) == d("2026-12-31")
    assert FiscalCalendar().local_date(moment) == d("2027-01-01")


def test_local_date_refuses_naive_moments():
    with pytest.raises(ValueError, match="timezone-aware"):
        DEC.local_date(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_labels_and_days_in_words():
    assert JUN.label(2026) == "FY2026"
    assert format_day(d("2026-12-01")) == "1 Dec 2026"
