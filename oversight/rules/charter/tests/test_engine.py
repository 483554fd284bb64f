"""The engine: bitemporal evaluation, reproducible digests, quarters, what is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.rules.charter.calendar import FiscalCalendar
from oversight.rules.charter.engine import (
    ENGINE_VERSION,
    evaluate,
    evaluate_quarters,
    facts_digest,
    overdue,
    upcoming,
)
from oversight.rules.charter.format import load
from oversight.rules.charter.tests.helpers import CALENDAR, LIBRARY, d, fact
from oversight.rules.core import Fact, Status
from oversight.rules.kinds import KINDS

OSS = load(LIBRARY / "one-stop-systems.toml")
GENERIC = load(LIBRARY / "nasdaq-generic.toml")


def test_results_follow_charter_order_and_name_the_run():
    evaluation = evaluate(OSS, [], as_of=d("2026-06-01"), calendar=CALENDAR)
    assert [r.rule_id for r in evaluation.results] == [o.id for o in OSS.obligations]
    assert (
        evaluation.engine_version,
        evaluation.fiscal_year,
        evaluation.charter_version,
    ) == (
        ENGINE_VERSION,
        2026,
        "as received",
    )
    # no meeting yet with three quarters left: more than one a quarter is needed
    assert evaluation.result("AC-MTG-01").status is Status.DUE_SOON
    with pytest.raises(KeyError):
        evaluation.result("AC-NOPE-01")
    assert sum(evaluation.counts().values()) == len(OSS.obligations)


def test_a_future_fiscal_year_cannot_be_judged():
    with pytest.raises(ValueError, match="FY2027 has not started"):
        evaluate(OSS, [], as_of=d("2026-06-01"), calendar=CALENDAR, fiscal_year=2027)


def test_known_at_must_be_aware():
    naive = datetime(2026, 6, 1)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(OSS, [], as_of=d("2026-06-01"), calendar=CALENDAR, known_at=naive)


def test_what_did_we_know_then():
    """A meeting held in March but recorded in July counts as of June only when asked
    what is true, not when asked what was known on 1 June."""
    late = fact("meeting.held", "2026-03-10", recorded=datetime(2026, 7, 1, tzinfo=UTC))
    early = [
        fact("meeting.held", day) for day in ("2026-01-10", "2026-02-10", "2026-04-10")
    ]
    as_of = d("2026-06-01")
    now = evaluate(OSS, [*early, late], as_of=as_of, calendar=CALENDAR)
    then = evaluate(
        OSS,
        [*early, late],
        as_of=as_of,
        calendar=CALENDAR,
        known_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    assert now.result("AC-MTG-01").status is Status.MET
    assert then.result("AC-MTG-01").status is Status.NOT_YET_DUE
    assert now.facts_digest != then.facts_digest


def test_digest_ignores_order_and_time_zone_spelling():
    a = fact("meeting.held", "2026-01-10", "m1")
    b = fact(
        "charter.reviewed",
        "2026-02-10",
        "c1",
        recorded=datetime(2026, 2, 10, 9, tzinfo=UTC),
    )
    b_elsewhere = Fact(
        b.kind,
        b.ref,
        b.occurred_on,
        b.recorded_at.astimezone(ZoneInfo("Asia/Tokyo")),
        b.summary,
    )
    assert facts_digest([a, b]) == facts_digest([b_elsewhere, a])
    assert facts_digest([a]) != facts_digest([a, b])
    assert len(facts_digest([])) == 64


def test_evaluation_json_is_plain_and_complete():
    facts = [fact("meeting.held", "2026-01-10", "m1")]
    data = evaluate(
        OSS, facts, as_of=d("2026-06-01"), calendar=CALENDAR, overrides={"AC-MTG-02": 2}
    ).as_json()
    assert data["as_of"] == "2026-06-01"
    assert data["known_at"] is None
    assert data["overrides"] == {"AC-MTG-02": 2}
    row = next(r for r in data["results"] if r["obligation"] == "AC-MTG-01")
    assert row == {
        "obligation": "AC-MTG-01",
        "status": "not_yet_due",
        "message": "1 of 4 meetings held in FY2026; 3 more are due by 31 Dec 2026",
        "due_on": "2026-12-31",
        "evidence": [
            {"ref": "m1", "summary": "meeting.held on 2026-01-10", "on": "2026-01-10"}
        ],
    }
    known = evaluate(
        OSS,
        facts,
        as_of=d("2026-06-01"),
        calendar=CALENDAR,
        known_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    assert known.as_json()["known_at"] == "2026-06-01T00:00:00+00:00"


def test_quarter_grid_shows_each_quarter_end():
    facts = [
        fact("meeting.held", day) for day in ("2026-02-10", "2026-05-10", "2026-08-10")
    ]
    grid = evaluate_quarters(
        OSS, facts, fiscal_year=2026, as_of=d("2026-11-15"), calendar=CALENDAR
    )
    row = grid.cells[grid.obligations.index("AC-MTG-01")]
    assert [cell.status if cell else None for cell in row] == [
        Status.NOT_YET_DUE,
        Status.NOT_YET_DUE,
        Status.NOT_YET_DUE,
        Status.NOT_YET_DUE,
    ]
    second, fourth = row[1], row[3]
    assert second is not None
    assert fourth is not None
    assert "2 of 4" in second.message
    assert "3 of 4" in fourth.message
    future = evaluate_quarters(
        OSS, facts, fiscal_year=2026, as_of=d("2026-05-01"), calendar=CALENDAR
    )
    assert [cell is None for cell in future.cells[0]] == [False, False, True, True]
    closed = evaluate_quarters(
        OSS, facts, fiscal_year=2026, as_of=d("2027-02-01"), calendar=CALENDAR
    )
    last_day = closed.cells[grid.obligations.index("AC-MTG-01")][3]
    assert last_day is not None
    assert last_day.status is Status.DUE_SOON


def test_upcoming_lists_what_falls_due_soonest_first():
    facts = [fact("charter.reviewed", "2025-04-01")]
    due = upcoming(OSS, facts, as_of=d("2026-05-01"), calendar=CALENDAR, days=90)
    assert due[0].rule_id == "AC-CHR-02"
    assert due[0].due_on == d("2026-07-01")
    assert all(r.due_on and r.due_on <= d("2026-07-30") for r in due)
    assert upcoming(OSS, facts, as_of=d("2026-05-01"), calendar=CALENDAR, days=30) == ()


def test_overdue_includes_the_year_that_just_closed():
    facts = [
        fact("meeting.held", day) for day in ("2026-02-10", "2026-05-10", "2026-08-10")
    ]
    missed = overdue(OSS, facts, as_of=d("2027-01-05"), calendar=CALENDAR)
    assert (2026, "AC-MTG-01") in [(year, r.rule_id) for year, r in missed]
    assert all(year in (2026, 2027) for year, _ in missed)


def test_a_charter_for_another_company_evaluates_with_a_june_year_end():
    june = FiscalCalendar(6, 30, "America/New_York")
    facts = [
        fact("meeting.held", day)
        for day in ("2025-08-01", "2025-11-01", "2026-02-01", "2026-05-01")
    ]
    evaluation = evaluate(GENERIC, facts, as_of=d("2026-06-30"), calendar=june)
    assert evaluation.fiscal_year == 2026
    assert evaluation.result("AC-MTG-01").status is Status.MET
    assert evaluation.result("AC-ADV-02").status is Status.NOT_APPLICABLE


# ---------------------------------------------------------------- properties

EVENT_KINDS = [k.name for k in KINDS if not k.state]
STATE_KINDS = [k.name for k in KINDS if k.state]
START = date(2024, 1, 1)
BASE = datetime(2024, 1, 1, tzinfo=UTC)


@st.composite
def facts_strategy(draw: st.DrawFn) -> list[Fact]:
    count = draw(st.integers(0, 25))
    made = []
    for index in range(count):
        state = draw(st.booleans())
        kind = draw(st.sampled_from(STATE_KINDS if state else EVENT_KINDS))
        offset = draw(st.integers(0, 1100))
        lag = draw(st.integers(0, 400))
        attrs: dict[str, str | bool] = {}
        if state:
            attrs["ok"] = draw(st.booleans())
            if draw(st.booleans()):
                attrs["cure_deadline"] = (
                    START + timedelta(days=offset + draw(st.integers(0, 200)))
                ).isoformat()
        else:
            if draw(st.booleans()):
                attrs["late"] = draw(st.booleans())
            if draw(st.booleans()):
                attrs["regular"] = draw(st.booleans())
        until = (
            START + timedelta(days=offset + draw(st.integers(0, 300)))
            if state and draw(st.booleans())
            else None
        )
        made.append(
            Fact(
                kind=kind,
                ref=f"f{index}",
                occurred_on=START + timedelta(days=offset),
                recorded_at=BASE + timedelta(days=offset + lag),
                until=until,
                attrs=attrs,
            )
        )
    return made


CALENDARS = st.sampled_from([CALENDAR, FiscalCalendar(6, 30), FiscalCalendar(2, 28)])


@settings(max_examples=80, deadline=None)
@given(
    facts=facts_strategy(),
    later=facts_strategy(),
    day=st.integers(0, 1100),
    calendar=CALENDARS,
)
def test_an_evaluation_as_of_d_never_depends_on_facts_after_d(
    facts, later, day, calendar
):
    as_of = START + timedelta(days=day)
    past = [f for f in facts if f.occurred_on <= as_of]
    future = [
        Fact(
            f.kind,
            f"later-{f.ref}",
            as_of + timedelta(days=1 + (f.occurred_on - START).days),
            f.recorded_at,
            until=None,
            attrs=f.attrs,
        )
        for f in later
    ]
    alone = evaluate(OSS, past, as_of=as_of, calendar=calendar)
    with_future = evaluate(OSS, past + future, as_of=as_of, calendar=calendar)
    assert alone.results == with_future.results
    assert alone.facts_digest == with_future.facts_digest


@settings(max_examples=80, deadline=None)
@given(
    facts=facts_strategy(),
    day=st.integers(0, 1100),
    known=st.integers(0, 1500),
    calendar=CALENDARS,
)
def test_with_known_at_k_it_never_depends_on_records_entered_after_k(
    facts, day, known, calendar
):
    as_of = START + timedelta(days=day)
    known_at = BASE + timedelta(days=known, hours=12)
    entered = [f for f in facts if f.recorded_at <= known_at]
    everything = evaluate(OSS, facts, as_of=as_of, calendar=calendar, known_at=known_at)
    only_known = evaluate(
        OSS, entered, as_of=as_of, calendar=calendar, known_at=known_at
    )
    assert everything.results == only_known.results
    assert everything.facts_digest == only_known.facts_digest


@settings(max_examples=40, deadline=None)
@given(facts=facts_strategy(), day=st.integers(0, 1100))
def test_evaluation_is_independent_of_fact_order(facts, day):
    as_of = START + timedelta(days=day)
    forward = evaluate(GENERIC, facts, as_of=as_of, calendar=CALENDAR)
    backward = evaluate(GENERIC, list(reversed(facts)), as_of=as_of, calendar=CALENDAR)
    assert forward == backward
