"""Every check, table-driven: one row per edge of its cadence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oversight.rules.charter.checks import CHECKS, noun, worst
from oversight.rules.charter.model import (
    Annually,
    AsNeeded,
    AtLeastPerFiscalYear,
    EachRegularMeeting,
    ObligationKind,
    Periodically,
    WithinDays,
)
from oversight.rules.charter.tests.helpers import d, fact, judge, obligation
from oversight.rules.core import Fact, Status

LATER_RECORD = datetime(2026, 5, 2, tzinfo=UTC)
MET, SOON, MISSED = Status.MET, Status.DUE_SOON, Status.MISSED
LATER, NA, UNKNOWN = Status.NOT_YET_DUE, Status.NOT_APPLICABLE, Status.INSUFFICIENT_DATA

FOUR_MEETINGS = obligation(
    "count_per_fiscal_year", AtLeastPerFiscalYear(4), kinds=("meeting.held",)
)


def meetings(*days: str) -> list[Fact]:
    return [fact("meeting.held", day) for day in days]


@pytest.mark.parametrize(
    ("held", "as_of", "status", "words"),
    [
        (
            ["2026-02-10", "2026-05-10", "2026-08-10", "2026-11-10"],
            "2026-11-10",
            MET,
            "4 of 4 meetings held in FY2026",
        ),
        (
            ["2026-02-10", "2026-05-10", "2026-08-10"],
            "2026-09-01",
            LATER,
            "3 of 4 meetings held in FY2026; 1 more is due by 31 Dec 2026",
        ),
        # the reminder window opens 30 days before the year end
        (
            ["2026-02-10", "2026-05-10", "2026-08-10"],
            "2026-12-01",
            SOON,
            "1 more is due by 31 Dec 2026",
        ),
        (
            ["2026-02-10", "2026-05-10", "2026-08-10"],
            "2026-11-30",
            LATER,
            "1 more is due",
        ),
        # behind pace: 2 short with one quarter left
        (
            ["2026-02-10", "2026-05-10"],
            "2026-10-01",
            SOON,
            "more than one a quarter with 1 quarter left",
        ),
        (["2026-02-10", "2026-05-10"], "2026-09-30", LATER, "2 more are due"),
        # the last day of the year is still open; meetings of last year do not count
        (
            ["2025-12-31", "2026-02-10", "2026-05-10", "2026-08-10"],
            "2026-12-31",
            SOON,
            "3 of 4",
        ),
        ([], "2026-01-01", LATER, "0 of 4 meetings held"),
    ],
)
def test_count_per_fiscal_year(held, as_of, status, words):
    result = judge(FOUR_MEETINGS, meetings(*held), as_of)
    assert result.status is status
    assert words.casefold() in result.message.casefold()
    assert result.due_on == (None if status is MET else d("2026-12-31"))


def test_count_of_a_closed_year_is_missed_when_short():
    result = judge(
        FOUR_MEETINGS,
        meetings("2026-02-10", "2026-05-10", "2026-08-10"),
        "2027-01-05",
        fiscal_year=2026,
    )
    assert result.status is MISSED
    assert "the year ended on 31 Dec 2026, 1 short" in result.message
    assert [e.on for e in result.evidence] == [
        d("2026-02-10"),
        d("2026-05-10"),
        d("2026-08-10"),
    ]


def test_count_needs_each_kind():
    sessions = obligation(
        "count_per_fiscal_year",
        Periodically(1),
        oid="AC-MTG-02",
        kinds=("session.management", "session.internal_audit", "session.auditor"),
    )
    facts = [
        fact("session.management", "2026-03-01"),
        fact("session.auditor", "2026-03-01"),
    ]
    result = judge(sessions, facts, "2026-06-01")
    assert result.status is LATER
    assert "0 of 1 executive session with the internal auditor held" in result.message
    facts.append(fact("session.internal_audit", "2026-06-01"))
    assert judge(sessions, facts, "2026-06-01").status is MET


@pytest.mark.parametrize(
    ("overrides", "status"),
    [({}, MET), ({"AC-MTG-02": 2}, LATER), ({"AC-OTHER-01": 3}, MET)],
)
def test_periodically_takes_the_number_the_committee_chose(overrides, status):
    sessions = obligation(
        "count_per_fiscal_year",
        Periodically(1),
        oid="AC-MTG-02",
        kinds=("session.auditor",),
    )
    result = judge(
        sessions,
        [fact("session.auditor", "2026-03-01")],
        "2026-06-01",
        overrides=overrides,
    )
    assert result.status is status


ANNUAL = obligation(
    "annual_occurrence", Annually(15), kinds=("charter.reviewed",), remind=60
)


@pytest.mark.parametrize(
    ("done", "as_of", "status", "due", "words"),
    [
        (
            ["2026-03-01"],
            "2026-06-01",
            MET,
            "2027-06-01",
            "review of the charter on 1 Mar 2026 (FY2026); next due by 1 Jun 2027",
        ),
        (
            ["2025-11-01", "2026-12-01"],
            "2026-12-15",
            MET,
            "2027-12-31",
            "next due by 31 Dec 2027",
        ),
        (
            [],
            "2026-06-01",
            LATER,
            "2026-12-31",
            "no review of the charter yet in FY2026; it is due by 31 Dec 2026",
        ),
        ([], "2026-11-01", SOON, "2026-12-31", "is due by 31 Dec 2026"),
        # 15-month gap: last on 1 Feb 2025 → due by 1 May 2026, inside FY2026
        (
            ["2025-02-01"],
            "2026-05-01",
            SOON,
            "2026-05-01",
            "the last was on 1 Feb 2025; it is due by 1 May 2026",
        ),
        (
            ["2025-02-01"],
            "2026-05-02",
            MISSED,
            "2026-05-01",
            "it was due by 1 May 2026",
        ),
        (["2025-02-01"], "2026-02-01", LATER, "2026-05-01", "is due by 1 May 2026"),
        # done this year, but later than 15 months after the previous one
        (
            ["2025-01-15", "2026-05-01"],
            "2026-06-01",
            MISSED,
            "2026-04-15",
            "came more than 15 months after the one on 15 Jan 2025",
        ),
        (["2025-01-15", "2026-04-15"], "2026-06-01", MET, "2027-07-15", "next due by"),
    ],
)
def test_annual_occurrence(done, as_of, status, due, words):
    result = judge(ANNUAL, [fact("charter.reviewed", day) for day in done], as_of)
    assert result.status is status
    assert result.due_on == d(due)
    assert words.casefold() in result.message.casefold()


def test_annual_of_a_closed_year_is_missed_without_a_record():
    result = judge(
        ANNUAL, [fact("charter.reviewed", "2025-03-01")], "2027-01-10", fiscal_year=2026
    )
    assert result.status is MISSED
    assert "No review of the charter yet in FY2026" in result.message


def test_annual_with_two_kinds_reports_the_worst_and_both_reasons():
    both = obligation(
        "annual_occurrence",
        Annually(),
        kinds=("charter.reviewed", "evaluation.self_completed"),
    )
    result = judge(both, [fact("charter.reviewed", "2026-03-01")], "2026-12-10")
    assert result.status is SOON
    assert "Review of the charter on 1 Mar 2026" in result.message
    assert "no self-evaluation yet in FY2026" in result.message
    assert result.due_on == d("2026-12-31")


REPORTS = obligation(
    "each_regular_meeting",
    EachRegularMeeting(),
    kind="board.report_delivered",
    within_days=90,
)


@pytest.mark.parametrize(
    ("facts", "as_of", "status", "words"),
    [
        ([], "2026-03-01", LATER, "no regular meeting held yet in FY2026"),
        (
            [
                fact("meeting.held", "2026-02-10", "m1"),
                fact("board.report_delivered", "2026-02-20"),
            ],
            "2026-03-01",
            MET,
            "followed 1 of 1 regular meeting",
        ),
        # the last day of the 90-day window, and the day after
        (
            [fact("meeting.held", "2026-02-10", "m1")],
            "2026-05-11",
            SOON,
            "due by 11 May 2026",
        ),
        (
            [fact("meeting.held", "2026-02-10", "m1")],
            "2026-05-12",
            MISSED,
            "none within 90 days of 10 Feb 2026",
        ),
        (
            [fact("meeting.held", "2026-02-10", "m1")],
            "2026-02-11",
            LATER,
            "due by 11 May 2026",
        ),
        # a report naming another meeting does not count for this one
        (
            [
                fact("meeting.held", "2026-02-10", "m1"),
                fact("board.report_delivered", "2026-02-20", meeting="m0"),
            ],
            "2026-05-12",
            MISSED,
            "0 of 1",
        ),
        # special meetings need no report
        (
            [fact("meeting.held", "2026-02-10", "m1", regular=False)],
            "2026-06-01",
            LATER,
            "no regular meeting",
        ),
    ],
)
def test_each_regular_meeting(facts, as_of, status, words):
    result = judge(REPORTS, facts, as_of)
    assert result.status is status
    assert words.casefold() in result.message.casefold()


def test_each_regular_meeting_in_a_closed_year_without_meetings_is_not_applicable():
    assert judge(REPORTS, [], "2027-01-05", fiscal_year=2026).status is NA


CURE = obligation(
    "within_days_of_trigger",
    WithinDays(30, "auditor.service_unapproved"),
    okind=ObligationKind.TRIGGERED,
    remind=10,
    kind="auditor.service_approved",
    link="unapproved",
)


@pytest.mark.parametrize(
    ("facts", "as_of", "status", "words"),
    [
        (
            [],
            "2026-06-01",
            NA,
            "no auditor service without valid pre-approval in FY2026",
        ),
        (
            [fact("auditor.service_unapproved", "2026-03-01", "u1")],
            "2026-03-02",
            LATER,
            "not yet answered",
        ),
        (
            [fact("auditor.service_unapproved", "2026-03-01", "u1")],
            "2026-03-21",
            SOON,
            "is due by 31 Mar 2026",
        ),
        (
            [fact("auditor.service_unapproved", "2026-03-01", "u1")],
            "2026-03-31",
            SOON,
            "due by 31 Mar 2026",
        ),
        (
            [fact("auditor.service_unapproved", "2026-03-01", "u1")],
            "2026-04-01",
            MISSED,
            "was due by 31 Mar 2026",
        ),
        (
            [
                fact("auditor.service_unapproved", "2026-03-01", "u1"),
                fact("auditor.service_approved", "2026-03-31", unapproved="u1"),
            ],
            "2026-06-01",
            MET,
            "answered on 31 Mar 2026",
        ),
        (
            [
                fact("auditor.service_unapproved", "2026-03-01", "u1"),
                fact("auditor.service_approved", "2026-04-01", unapproved="u1"),
            ],
            "2026-06-01",
            MISSED,
            "after the 30-day deadline of 31 Mar 2026",
        ),
        # an unlinked response inside the window counts; one linked to another trigger does not
        (
            [
                fact("auditor.service_unapproved", "2026-03-01", "u1"),
                fact("auditor.service_approved", "2026-03-10"),
            ],
            "2026-06-01",
            MET,
            "answered",
        ),
        (
            [
                fact("auditor.service_unapproved", "2026-03-01", "u1"),
                fact("auditor.service_approved", "2026-03-10", unapproved="u9"),
            ],
            "2026-06-01",
            MISSED,
            "not yet answered",
        ),
        # a trigger late last year whose deadline falls in this year counts this year
        (
            [fact("auditor.service_unapproved", "2025-12-15", "u1")],
            "2026-01-20",
            MISSED,
            "15 Dec 2025",
        ),
        (
            [fact("auditor.service_unapproved", "2025-11-15", "u1")],
            "2026-01-20",
            NA,
            "no auditor service",
        ),
    ],
)
def test_within_days_of_trigger(facts, as_of, status, words):
    result = judge(CURE, facts, as_of)
    assert result.status is status
    assert words.casefold() in result.message.casefold()


SIZE = obligation(
    "state_holds", okind=ObligationKind.CONTINUOUS, kinds=("composition.size",)
)


@pytest.mark.parametrize(
    ("facts", "as_of", "status", "due", "words"),
    [
        ([], "2026-06-01", UNKNOWN, None, "no record of committee size on 1 Jun 2026"),
        (
            [fact("composition.size", "2025-01-01", ok=True)],
            "2026-06-01",
            MET,
            None,
            "met on 1 Jun 2026",
        ),
        # a vacancy inside its cure period is due soon with the deadline
        (
            [
                fact("composition.size", "2025-01-01", until="2026-03-31", ok=True),
                fact(
                    "composition.size",
                    "2026-04-01",
                    ok=False,
                    cure_deadline="2026-09-28",
                ),
            ],
            "2026-09-28",
            SOON,
            "2026-09-28",
            "the cure period runs to 28 Sep 2026",
        ),
        (
            [
                fact("composition.size", "2025-01-01", until="2026-03-31", ok=True),
                fact(
                    "composition.size",
                    "2026-04-01",
                    ok=False,
                    cure_deadline="2026-09-28",
                ),
            ],
            "2026-09-29",
            MISSED,
            None,
            "not met from 29 Sep 2026 to 29 Sep 2026",
        ),
        (
            [fact("composition.size", "2026-04-01", ok=False)],
            "2026-04-01",
            MISSED,
            None,
            "with no cure period running",
        ),
        # broken and restored within the year, with no cure: still missed for the year
        (
            [
                fact("composition.size", "2026-02-01", until="2026-02-20", ok=False),
                fact("composition.size", "2026-02-21", ok=True),
            ],
            "2026-06-01",
            MISSED,
            None,
            "from 1 Feb 2026 to 20 Feb 2026",
        ),
        # a lapse of a previous year does not count against this one
        (
            [
                fact("composition.size", "2025-02-01", until="2025-02-20", ok=False),
                fact("composition.size", "2025-02-21", ok=True),
            ],
            "2026-06-01",
            MET,
            None,
            "met",
        ),
        # the newest record for a day wins (a correction)
        (
            [
                fact(
                    "composition.size",
                    "2026-05-01",
                    "a",
                    ok=False,
                    cure_deadline="2026-10-01",
                ),
                fact(
                    "composition.size",
                    "2026-05-01",
                    "b",
                    recorded=LATER_RECORD,
                    ok=True,
                ),
            ],
            "2026-06-01",
            MET,
            None,
            "met",
        ),
        (
            [
                fact(
                    "composition.size",
                    "2026-05-01",
                    "b",
                    recorded=LATER_RECORD,
                    ok=True,
                ),
                fact(
                    "composition.size",
                    "2026-05-01",
                    "a",
                    ok=False,
                    cure_deadline="2026-10-01",
                ),
            ],
            "2026-06-01",
            MET,
            None,
            "met",
        ),
    ],
)
def test_state_holds(facts, as_of, status, due, words):
    result = judge(SIZE, facts, as_of)
    assert result.status is status
    assert result.due_on == (d(due) if due else None)
    assert words.casefold() in result.message.casefold()


def test_state_in_cure_at_the_end_of_a_closed_year_is_due_soon():
    facts = [
        fact("composition.size", "2026-11-01", ok=False, cure_deadline="2027-03-01")
    ]
    assert judge(SIZE, facts, "2027-01-10", fiscal_year=2026).status is SOON


UNAPPROVED = obligation(
    "none_of",
    okind=ObligationKind.CONTINUOUS,
    kinds=("auditor.service_unapproved",),
    requires=("auditor.service_approved",),
)
LATE = obligation(
    "none_of",
    okind=ObligationKind.CONTINUOUS,
    kinds=("complaints.case_acknowledged", "complaints.case_treated"),
    where={"late": True},
)


@pytest.mark.parametrize(
    ("o", "facts", "status", "words"),
    [
        (
            UNAPPROVED,
            [],
            UNKNOWN,
            "no pre-approved services on record in FY2026 to judge by",
        ),
        (
            UNAPPROVED,
            [fact("auditor.service_approved", "2026-02-01")],
            MET,
            "among 1 pre-approved service",
        ),
        (
            UNAPPROVED,
            [
                fact("auditor.service_approved", "2026-02-01"),
                fact("auditor.service_unapproved", "2026-03-03"),
            ],
            MISSED,
            "1 auditor service without valid pre-approval in FY2026, first on 3 Mar 2026",
        ),
        (
            UNAPPROVED,
            [
                fact("auditor.service_approved", "2026-02-01"),
                fact("auditor.service_unapproved", "2025-12-31"),
            ],
            MET,
            "no auditor services",
        ),
        (
            LATE,
            [],
            MET,
            "no complaints acknowledged late or complaints closed late in FY2026",
        ),
        (
            LATE,
            [fact("complaints.case_acknowledged", "2026-03-01", late=False)],
            MET,
            "no complaints",
        ),
        (
            LATE,
            [fact("complaints.case_treated", "2026-03-01", late=True)],
            MISSED,
            "1 complaint closed late",
        ),
    ],
)
def test_none_of(o, facts, status, words):
    result = judge(o, facts, "2026-06-01")
    assert result.status is status
    assert words.casefold() in result.message.casefold()


POLICY = obligation(
    "on_record", okind=ObligationKind.CONTINUOUS, kinds=("auditor.policy_adopted",)
)
FRESH_POLICY = obligation(
    "on_record",
    okind=ObligationKind.CONTINUOUS,
    remind=30,
    kinds=("auditor.policy_adopted",),
    max_age_months=12,
)


@pytest.mark.parametrize(
    ("o", "adopted", "as_of", "status", "words"),
    [
        (
            POLICY,
            None,
            "2026-06-01",
            MISSED,
            "no pre-approval policy on record by 1 Jun 2026",
        ),
        (
            POLICY,
            "2019-05-01",
            "2026-06-01",
            MET,
            "pre-approval policy of 1 May 2019 on record",
        ),
        (POLICY, "2026-06-02", "2026-06-01", MISSED, "no pre-approval policy"),
        (FRESH_POLICY, "2025-08-01", "2026-06-01", MET, "renewal is due by 1 Aug 2026"),
        (
            FRESH_POLICY,
            "2025-08-01",
            "2026-07-02",
            SOON,
            "renewal is due by 1 Aug 2026",
        ),
        (FRESH_POLICY, "2025-08-01", "2026-08-01", SOON, "renewal is due"),
        (
            FRESH_POLICY,
            "2025-08-01",
            "2026-08-02",
            MISSED,
            "renewal was due by 1 Aug 2026",
        ),
    ],
)
def test_on_record(o, adopted, as_of, status, words):
    facts = [fact("auditor.policy_adopted", adopted)] if adopted else []
    result = judge(o, facts, as_of)
    assert result.status is status
    assert words.casefold() in result.message.casefold()


ADVISORS = obligation(
    "as_needed", AsNeeded(), okind=ObligationKind.TRIGGERED, kinds=("advisors.engaged",)
)


def test_as_needed_is_not_applicable_until_done():
    assert judge(ADVISORS, [], "2026-06-01").status is NA
    result = judge(ADVISORS, [fact("advisors.engaged", "2026-04-01")], "2026-06-01")
    assert result.status is MET
    assert result.message == "1 on record in FY2026, last on 1 Apr 2026"


def test_informational_is_not_applicable_with_its_reason():
    o = obligation(
        "informational",
        okind=ObligationKind.INFORMATIONAL,
        reason="States the purpose.",
    )
    result = judge(o, [fact("meeting.held", "2026-01-02")], "2026-06-01")
    assert (result.status, result.message, result.evidence) == (
        NA,
        "States the purpose.",
        (),
    )


def test_messages_start_with_a_capital_letter():
    assert judge(FOUR_MEETINGS, [], "2026-06-01").message.startswith("0 of 4")
    assert judge(ANNUAL, [], "2026-06-01").message.startswith("No review")


def test_registry_lists_each_check_under_its_own_name():
    assert all(name == spec.name for name, spec in CHECKS.items())
    assert all(spec.function.__doc__ for spec in CHECKS.values())


def test_worst_status_orders_missed_first():
    assert worst([MET, SOON, NA]) is SOON
    assert worst([MET, UNKNOWN, MISSED]) is MISSED


def test_unknown_kinds_are_named_by_their_kind():
    assert noun("custom.kind", 2) == "custom.kind"
    assert noun("meeting.held", 2) == "meetings"
