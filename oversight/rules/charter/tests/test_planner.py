"""The planner: the year's calendar, agendas, and forecasts of the year's end."""

from __future__ import annotations

import pytest

from oversight.rules.charter.format import load
from oversight.rules.charter.model import (
    AtLeastPerFiscalYear,
    ObligationKind,
    WithinDays,
)
from oversight.rules.charter.planner import (
    AgendaItem,
    PlannedMeeting,
    YearPlan,
    agenda_for,
    forecast,
    plan_year,
    what_if_skipped,
)
from oversight.rules.charter.tests.helpers import (
    CALENDAR,
    LIBRARY,
    charter_of,
    d,
    fact,
    obligation,
)
from oversight.rules.core import Status

OSS = load(LIBRARY / "one-stop-systems.toml")
HISTORY = [
    *(
        fact("meeting.held", day, f"m{day}")
        for day in ("2026-02-10", "2026-05-10", "2026-08-10")
    ),
    *(
        fact("board.report_delivered", day)
        for day in ("2026-02-20", "2026-05-20", "2026-08-20")
    ),
    fact("session.management", "2026-05-10"),
    fact("session.internal_audit", "2026-05-10"),
    fact("charter.reviewed", "2025-11-20"),
    fact("evaluation.self_completed", "2025-03-01"),
]
MEETINGS = [d("2026-10-15"), d("2026-12-10")]


def items(plan: YearPlan, on: str) -> set[tuple[str, str]]:
    return {(i.obligation, i.kind) for i in plan.meeting(d(on)).items}


def test_plan_places_each_duty_at_a_meeting():
    plan = plan_year(
        OSS,
        HISTORY,
        fiscal_year=2026,
        meetings=MEETINGS,
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    assert [m.on for m in plan.meetings] == MEETINGS
    december = items(plan, "2026-12-10")
    october = items(plan, "2026-10-15")
    # one session with the auditor is still owed: the last meeting takes it
    assert ("AC-MTG-02", "session.auditor") in december
    assert ("AC-MTG-02", "session.auditor") not in october
    # the charter review goes to the meeting nearest its anniversary (20 Nov)
    assert ("AC-CHR-02", "charter.reviewed") in december
    # two remediation reviews: one at each remaining meeting
    assert ("AC-FIN-05", "findings.remediation_followed_up") in october
    assert ("AC-FIN-05", "findings.remediation_followed_up") in december
    # every regular meeting is followed by a report to the board
    assert ("AC-MTG-03", "board.report_delivered") in october
    # meetings count for themselves, so AC-MTG-01 is placed nowhere
    assert not any(o == "AC-MTG-01" for o, _ in october | december)
    # the self-evaluation was due by 1 Jun 2026 (15 months): no meeting can take it
    assert any(
        u.startswith("AC-MTG-04: self-evaluation due by 1 Jun 2026")
        for u in plan.unplaced
    )
    assert plan.meeting(d("2026-12-10")).covers >= {
        "session.auditor",
        "charter.reviewed",
    }
    with pytest.raises(KeyError):
        plan.meeting(d("2026-11-01"))


def test_too_few_meetings_are_flagged():
    plan = plan_year(
        OSS,
        HISTORY,
        fiscal_year=2026,
        meetings=[],
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    assert plan.meetings == ()
    assert (
        "AC-MTG-01: 1 more meetings needed in FY2026, only 0 planned" in plan.unplaced
    )
    assert any(
        u.startswith("AC-FIN-05: 2 more reviews of remediation")
        and "only 0 meetings planned" in u
        for u in plan.unplaced
    )


def test_meetings_outside_the_year_or_before_as_of_are_ignored():
    plan = plan_year(
        OSS,
        HISTORY,
        fiscal_year=2026,
        meetings=[d("2026-08-01"), d("2026-10-15"), d("2027-01-15")],
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    assert [m.on for m in plan.meetings] == [d("2026-10-15")]


def test_counts_spread_back_from_the_last_meeting():
    o = obligation(
        "count_per_fiscal_year", AtLeastPerFiscalYear(3), kinds=("session.auditor",)
    )
    meetings = [d("2026-03-01"), d("2026-06-01"), d("2026-09-01"), d("2026-12-01")]
    plan = plan_year(
        charter_of(o),
        [],
        fiscal_year=2026,
        meetings=meetings,
        as_of=d("2026-01-01"),
        calendar=CALENDAR,
    )
    assert [bool(m.items) for m in plan.meetings] == [True, False, True, True]


def test_open_triggers_go_to_the_first_meeting_before_their_deadline():
    o = obligation(
        "within_days_of_trigger",
        WithinDays(30, "auditor.service_unapproved"),
        okind=ObligationKind.TRIGGERED,
        kind="auditor.service_approved",
        link="unapproved",
    )
    facts = [
        fact("auditor.service_unapproved", "2026-03-01", "u1"),
        fact("auditor.service_unapproved", "2026-03-05", "u2"),
        fact("auditor.service_approved", "2026-03-06", unapproved="u2"),
        fact(
            "auditor.service_unapproved", "2026-01-01", "u0"
        ),  # deadline passed already
    ]
    plan = plan_year(
        charter_of(o),
        facts,
        fiscal_year=2026,
        meetings=[d("2026-03-20"), d("2026-03-25")],
        as_of=d("2026-03-10"),
        calendar=CALENDAR,
    )
    first, second = plan.meetings
    assert [i.reason for i in first.items] == [
        "answer the auditor service without valid pre-approval of 1 Mar 2026 by 31 Mar 2026"
    ]
    assert second.items == ()
    late = plan_year(
        charter_of(o),
        facts,
        fiscal_year=2026,
        meetings=[d("2026-04-20")],
        as_of=d("2026-03-10"),
        calendar=CALENDAR,
    )
    assert late.unplaced == (
        "AC-TST-01: answer the auditor service without valid pre-approval of 1 Mar 2026 by 31 Mar 2026; no meeting planned before then",
    )


def test_annual_without_history_goes_to_the_last_meeting_before_its_deadline():
    plan = plan_year(
        OSS,
        [],
        fiscal_year=2026,
        meetings=MEETINGS,
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    assert ("AC-AUD-04", "auditor.qc_report_reviewed") in items(plan, "2026-12-10")


def test_agenda_for_a_meeting():
    agenda = agenda_for(
        OSS,
        HISTORY,
        d("2026-12-10"),
        meetings=[d("2026-10-15")],
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    assert all(isinstance(i, AgendaItem) for i in agenda)
    assert "AC-MTG-02" in {i.obligation for i in agenda}
    with pytest.raises(ValueError, match="after as_of"):
        agenda_for(
            OSS,
            HISTORY,
            d("2026-08-01"),
            meetings=[],
            as_of=d("2026-09-01"),
            calendar=CALENDAR,
        )


def test_forecast_if_the_plan_holds():
    plan = plan_year(
        OSS,
        HISTORY,
        fiscal_year=2026,
        meetings=MEETINGS,
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    outcome = forecast(
        OSS, HISTORY, plan=plan.meetings, as_of=d("2026-09-01"), calendar=CALENDAR
    )
    assert outcome.fiscal_year == 2026
    assert outcome.result("AC-MTG-01").status is Status.MET
    assert outcome.result("AC-MTG-02").status is Status.MET
    assert outcome.result("AC-MTG-03").status is Status.MET
    # what no meeting can fix stays missed
    assert outcome.result("AC-MTG-04").status is Status.MISSED


def test_what_if_the_q4_meeting_holds_no_session_with_the_auditor():
    plan = plan_year(
        OSS,
        HISTORY,
        fiscal_year=2026,
        meetings=MEETINGS,
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    changes = what_if_skipped(
        OSS,
        HISTORY,
        plan=plan.meetings,
        meeting_on=d("2026-12-10"),
        kind="session.auditor",
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    assert [c.obligation for c in changes] == ["AC-MTG-02"]
    assert changes[0].message.startswith(
        "If the meeting on 10 Dec 2026 holds no executive session with the independent auditor, AC-MTG-02 is missed for FY2026: "
    )
    assert (changes[0].before, changes[0].after) == (Status.MET, Status.MISSED)


def test_what_if_a_meeting_is_not_held():
    plan = plan_year(
        OSS,
        HISTORY,
        fiscal_year=2026,
        meetings=MEETINGS,
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    changes = what_if_skipped(
        OSS,
        HISTORY,
        plan=plan.meetings,
        meeting_on=d("2026-10-15"),
        kind="meeting.held",
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    # three meetings held and December still planned: four; but two remediation reviews need both
    assert [c.obligation for c in changes] == ["AC-FIN-05"]
    assert changes[0].message.startswith("If the meeting on 15 Oct 2026 is not held")


def test_planned_state_kinds_are_not_invented():
    plan = [
        PlannedMeeting(
            d("2026-10-15"), (AgendaItem("AC-MEM-01", "size", "composition.size", "r"),)
        )
    ]
    outcome = forecast(OSS, [], plan=plan, as_of=d("2026-09-01"), calendar=CALENDAR)
    assert outcome.result("AC-MEM-01").status is Status.INSUFFICIENT_DATA


def test_what_is_done_this_year_is_not_planned_again():
    done = [*HISTORY, fact("charter.reviewed", "2026-03-01")]
    plan = plan_year(
        OSS,
        done,
        fiscal_year=2026,
        meetings=MEETINGS,
        as_of=d("2026-09-01"),
        calendar=CALENDAR,
    )
    assert not any(i.obligation == "AC-CHR-02" for m in plan.meetings for i in m.items)
