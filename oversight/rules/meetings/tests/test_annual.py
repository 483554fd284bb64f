"""The proposed annual calendar: a meeting before each 10-Q and the 10-K, four a year."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.rules.meetings.annual import (
    DEFAULT_DUTIES,
    Cadence,
    Counterpart,
    Duty,
    Filing,
    FilingKind,
    FiscalCalendar,
    ItemType,
    propose_calendar,
)

DECEMBER = FiscalCalendar(12, 31)
Q, K, P = FilingKind.QUARTERLY, FilingKind.ANNUAL, FilingKind.PROXY
FILINGS_2026 = (
    Filing(K, date(2026, 3, 10), date(2025, 12, 31)),
    Filing(P, date(2026, 4, 20)),
    Filing(Q, date(2026, 5, 7), date(2026, 3, 31)),
    Filing(Q, date(2026, 8, 6), date(2026, 6, 30)),
    Filing(Q, date(2026, 11, 5), date(2026, 9, 30)),
    Filing(Q, date(2025, 11, 5), date(2025, 9, 30)),  # last year: ignored
)


def test_a_meeting_a_week_before_each_periodic_filing():
    calendar = propose_calendar(DECEMBER, 2026, FILINGS_2026)
    assert [m.on for m in calendar.meetings] == [
        date(2026, 3, 3),
        date(2026, 4, 30),
        date(2026, 7, 30),
        date(2026, 10, 29),
    ]
    assert calendar.rule_id == "AC-MTG-14"
    assert calendar.message == (
        "FY2026 (2026-01-01 to 2026-12-31): 4 regular meetings proposed; "
        "one before each of 3 10-Q and 1 10-K filings."
    )
    first = calendar.meetings[0]
    assert first.purpose == "Before the 10-K for 2025-12-31, filed 2026-03-10"
    assert [f.kind for f in first.filings] == [K, P]


def test_items_follow_the_cadence_of_each_duty():
    meetings = propose_calendar(DECEMBER, 2026, FILINGS_2026).meetings
    titles = [[item.title for item in m.items] for m in meetings]
    annual_report = titles[0]
    assert "Annual audited financial statements" in annual_report
    assert "Required communications of the audit (AS 1301)" in annual_report
    assert "Audit committee report for the proxy" in annual_report
    assert all("Audit committee report for the proxy" not in t for t in titles[1:])
    for title in ("Committee self-evaluation", "Review of the charter's adequacy"):
        assert [title in t for t in titles] == [False, False, False, True]
    for meeting in meetings:
        assert {
            ItemType.PREAPPROVALS_REPORT,
            ItemType.COMPLAINTS_REPORT,
            ItemType.FINDINGS_FOLLOW_UP,
            ItemType.FINANCIAL_STATEMENTS,
            ItemType.AUDITOR_COMMUNICATIONS,
            ItemType.EXECUTIVE_SESSION,
        } <= meeting.item_types()
        sessions = {i.counterpart for i in meeting.items if i.counterpart}
        assert sessions == set(Counterpart)


def test_duties_sharing_an_item_are_merged_with_all_their_obligations():
    duties = (
        Duty(
            "AC-FIN-03",
            ItemType.FINANCIAL_STATEMENTS,
            "Financials",
            Cadence.EACH_MEETING,
        ),
        Duty(
            "AC-FIN-01",
            ItemType.FINANCIAL_STATEMENTS,
            "Financials",
            Cadence.BEFORE_ANNUAL_REPORT,
        ),
        Duty(
            "AC-FIN-01",
            ItemType.FINANCIAL_STATEMENTS,
            "Financials",
            Cadence.BEFORE_ANNUAL_REPORT,
        ),
    )
    meetings = propose_calendar(DECEMBER, 2026, FILINGS_2026, duties).meetings
    assert [i.obligation_ids for i in meetings[0].items] == [("AC-FIN-03", "AC-FIN-01")]
    assert [i.obligation_ids for i in meetings[1].items] == [("AC-FIN-03",)]


def test_without_filing_dates_four_meetings_spread_over_the_year():
    calendar = propose_calendar(DECEMBER, 2026, ())
    days = [m.on for m in calendar.meetings]
    assert len(days) == 4
    assert all(d.weekday() < 5 and d.year == 2026 for d in days)
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    assert min(gaps) >= 60
    assert calendar.meetings[0].purpose == (
        "Regular meeting, to meet at least 4 times a year"
    )
    assert calendar.message.endswith("4 added to reach at least 4 a year.")
    assert ItemType.FINANCIAL_STATEMENTS not in calendar.meetings[0].item_types()
    assert ItemType.CHARTER_REVIEW in calendar.meetings[-1].item_types()


def test_a_missing_quarter_is_filled_to_reach_four():
    filings = [f for f in FILINGS_2026 if f.filed_on != date(2026, 8, 6)]
    calendar = propose_calendar(DECEMBER, 2026, filings)
    assert len(calendar.meetings) == 4
    assert calendar.message.endswith("1 added to reach at least 4 a year.")


def test_a_proxy_with_no_meeting_before_it_gets_its_own():
    calendar = propose_calendar(
        DECEMBER, 2026, [Filing(P, date(2026, 1, 20)), Filing(Q, date(2026, 5, 7))]
    )
    first = calendar.meetings[0]
    assert first.on == date(2026, 1, 13)
    assert first.purpose == "Before the proxy filed 2026-01-20"
    assert "Audit committee report for the proxy" in [i.title for i in first.items]


@pytest.mark.parametrize(
    ("filed_on", "lead", "meeting"),
    [
        (date(2026, 5, 11), 7, date(2026, 5, 4)),  # Monday -> Monday
        (date(2026, 5, 10), 7, date(2026, 5, 1)),  # Sunday - 7 = Sunday -> Friday
        (date(2026, 5, 9), 7, date(2026, 5, 1)),  # Saturday -> Friday
        (date(2026, 5, 11), 0, date(2026, 5, 11)),
        (date(2026, 1, 5), 7, date(2026, 1, 1)),  # kept inside the fiscal year
    ],
)
def test_meeting_day_is_a_weekday_at_least_the_lead_before(filed_on, lead, meeting):
    calendar = propose_calendar(
        DECEMBER, 2026, [Filing(Q, filed_on)], lead_days=lead, min_meetings=1
    )
    assert [m.on for m in calendar.meetings] == [meeting]


def test_a_june_fiscal_year():
    june = FiscalCalendar(6, 30)
    assert (june.start_of(2026), june.end_of(2026)) == (
        date(2025, 7, 1),
        date(2026, 6, 30),
    )
    assert june.fiscal_year_of(date(2026, 6, 30)) == 2026
    assert june.fiscal_year_of(date(2026, 7, 1)) == 2027
    calendar = propose_calendar(june, 2026, ())
    assert all(date(2025, 7, 1) <= m.on <= date(2026, 6, 30) for m in calendar.meetings)


@pytest.mark.parametrize(("month", "day"), [(2, 29), (13, 1), (4, 31)])
def test_an_impossible_fiscal_year_end_is_refused(month, day):
    with pytest.raises(ValueError, match="not a fiscal year end"):
        FiscalCalendar(month, day)


@pytest.mark.parametrize(("lead", "minimum"), [(-1, 4), (7, 0), (7, 25)])
def test_impossible_settings_are_refused(lead, minimum):
    with pytest.raises(ValueError, match="lead_days"):
        propose_calendar(DECEMBER, 2026, (), lead_days=lead, min_meetings=minimum)


@pytest.mark.parametrize("minimum", [1, 12, 24])
def test_the_minimum_is_always_reached_on_distinct_weekdays(minimum):
    calendar = propose_calendar(DECEMBER, 2026, FILINGS_2026, min_meetings=minimum)
    days = [m.on for m in calendar.meetings]
    assert len(days) == max(4, minimum) == len(set(days))
    assert all(d.weekday() < 5 for d in days)


def test_describe_without_period_end():
    assert Filing(P, date(2026, 4, 20)).describe() == "proxy filed 2026-04-20"


filing_days = st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 1, 31))


@given(
    st.lists(st.tuples(st.sampled_from(list(FilingKind)), filing_days), max_size=8),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=1, max_value=8),
)
def test_every_periodic_filing_has_a_meeting_before_it(filings, lead, minimum):
    filings = [Filing(kind, day) for kind, day in filings]
    calendar = propose_calendar(
        DECEMBER, 2026, filings, lead_days=lead, min_meetings=minimum
    )
    days = [m.on for m in calendar.meetings]
    assert days == sorted(set(days))
    assert len(days) >= minimum
    assert all(date(2026, 1, 1) <= d <= date(2026, 12, 31) for d in days)
    for filing in filings:
        if filing.kind is not FilingKind.PROXY and filing.filed_on.year == 2026:
            holders = [m for m in calendar.meetings if filing in m.filings]
            assert len(holders) == 1
            assert holders[0].on <= filing.filed_on
            assert holders[0].on <= max(
                filing.filed_on - timedelta(days=lead), date(2026, 1, 2)
            )
            assert ItemType.FINANCIAL_STATEMENTS in holders[0].item_types()
    annual = [m for m in calendar.meetings if ItemType.CHARTER_REVIEW in m.item_types()]
    assert annual == [calendar.meetings[-1]]
    assert len(DEFAULT_DUTIES) == 15


def test_a_year_starting_on_a_saturday_meets_on_the_first_monday():
    calendar = propose_calendar(
        DECEMBER, 2028, [Filing(Q, date(2028, 1, 5))], min_meetings=1
    )
    assert [m.on for m in calendar.meetings] == [date(2028, 1, 3)]
