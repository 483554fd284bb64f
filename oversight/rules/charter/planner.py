"""The committee's year, planned from its obligations: which meeting covers what,
the agenda for a meeting, and forecasts of the year's end if the plan holds.

Pure functions over the engine's inputs plus the dates of the planned meetings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from oversight.rules.charter.calendar import FiscalCalendar, add_months, format_day
from oversight.rules.charter.checks import Context, FactView, noun
from oversight.rules.charter.engine import Evaluation, evaluate
from oversight.rules.charter.model import Annually, Charter, Obligation, WithinDays
from oversight.rules.core import Fact, Status
from oversight.rules.kinds import BY_NAME


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """Something a meeting should cover, for an obligation, and why then."""

    obligation: str
    title: str
    kind: str  # the fact kind the meeting will produce
    reason: str


@dataclass(frozen=True, slots=True)
class PlannedMeeting:
    """A meeting to come, and the kinds of record it is planned to produce."""

    on: date
    items: tuple[AgendaItem, ...] = ()
    regular: bool = True

    @property
    def covers(self) -> frozenset[str]:
        return frozenset(item.kind for item in self.items)


@dataclass(frozen=True, slots=True)
class YearPlan:
    """The rest of a fiscal year: each planned meeting's items, and what no meeting covers."""

    fiscal_year: int
    as_of: date
    meetings: tuple[PlannedMeeting, ...]
    unplaced: tuple[str, ...]

    def meeting(self, on: date) -> PlannedMeeting:
        for meeting in self.meetings:
            if meeting.on == on:
                return meeting
        raise KeyError(on)


def _spread(count: int, slots: int) -> list[int]:
    """``count`` distinct slot indexes out of ``slots``, spread back from the last."""
    return sorted({slots - 1 - round(i * slots / count) for i in range(count)})


def plan_year(
    charter: Charter,
    facts: Iterable[Fact],
    *,
    fiscal_year: int,
    meetings: Sequence[date],
    as_of: date,
    calendar: FiscalCalendar,
    known_at: datetime | None = None,
    overrides: Mapping[str, int] | None = None,
) -> YearPlan:
    """Assign what is still due in ``fiscal_year`` to the meetings after ``as_of``.

    Counts are spread over the remaining meetings, latest first; an annual duty goes
    to the meeting nearest its anniversary (or the last one before its deadline);
    every regular meeting is followed by its report; open triggered duties go to the
    first meeting before their deadline. What fits no meeting is listed as unplaced.
    """
    view = FactView(facts, as_of=as_of, known_at=known_at)
    ctx = Context(as_of, calendar, fiscal_year, dict(overrides or {}))
    dates = sorted({d for d in meetings if as_of < d <= ctx.end and d >= ctx.start})
    items: dict[date, list[AgendaItem]] = {d: [] for d in dates}
    unplaced: list[str] = []
    for obligation in charter.obligations:
        placer = _PLACERS.get(obligation.check)
        if placer is not None:
            placer(obligation, view, ctx, dates, items, unplaced)
    return YearPlan(
        fiscal_year,
        as_of,
        tuple(PlannedMeeting(d, tuple(items[d])) for d in dates),
        tuple(unplaced),
    )


_Items = dict[date, list[AgendaItem]]


def _place_count(
    o: Obligation,
    view: FactView,
    ctx: Context,
    dates: list[date],
    items: _Items,
    unplaced: list[str],
) -> None:
    need = o.per_year(ctx.overrides)
    kinds = o.params["kinds"]
    assert isinstance(kinds, tuple)
    for kind in kinds:
        missing = need - len(view.between(kind, ctx.start, ctx.cutoff))
        if missing <= 0:
            continue
        if kind == "meeting.held":  # each planned meeting is one
            if missing > len(dates):
                unplaced.append(
                    f"{o.id}: {missing} more meetings needed in {ctx.label}, "
                    f"only {len(dates)} planned"
                )
            continue
        reason = f"{missing} more {noun(kind, missing)} needed in {ctx.label}, by {format_day(ctx.end)}"
        if missing > len(dates):
            unplaced.append(
                f"{o.id}: {reason}; only {len(dates)} meeting{'s' if len(dates) != 1 else ''} planned"
            )
        for index in _spread(min(missing, len(dates)), len(dates)) if dates else []:
            items[dates[index]].append(AgendaItem(o.id, o.title, kind, reason))


def _place_annual(
    o: Obligation,
    view: FactView,
    ctx: Context,
    dates: list[date],
    items: _Items,
    unplaced: list[str],
) -> None:
    cadence = o.cadence
    assert isinstance(cadence, Annually)
    kinds = o.params["kinds"]
    assert isinstance(kinds, tuple)
    for kind in kinds:
        if view.between(kind, ctx.start, ctx.cutoff):
            continue
        previous = view.last_before(kind, ctx.start)
        deadline = (
            ctx.end
            if previous is None
            else min(ctx.end, add_months(previous.occurred_on, cadence.max_gap_months))
        )
        candidates = [d for d in dates if d <= deadline]
        reason = f"due by {format_day(deadline)}"
        if not candidates:
            unplaced.append(
                f"{o.id}: {noun(kind)} {reason}; no meeting planned before then"
            )
            continue
        if previous is None:
            chosen = candidates[-1]
        else:
            anniversary = add_months(previous.occurred_on, 12)
            chosen = min(candidates, key=lambda d: (abs((d - anniversary).days), d))
            reason += f"; last on {format_day(previous.occurred_on)}"
        items[chosen].append(AgendaItem(o.id, o.title, kind, reason))


def _place_each_meeting(
    o: Obligation,
    view: FactView,
    ctx: Context,
    dates: list[date],
    items: _Items,
    unplaced: list[str],
) -> None:
    kind = str(o.params["kind"])
    window = o.params.get("within_days", 90)
    for d in dates:
        items[d].append(
            AgendaItem(
                o.id, o.title, kind, f"{noun(kind)} within {window} days of the meeting"
            )
        )


def _place_triggered(
    o: Obligation,
    view: FactView,
    ctx: Context,
    dates: list[date],
    items: _Items,
    unplaced: list[str],
) -> None:
    cadence = o.cadence
    assert isinstance(cadence, WithinDays)
    kind = str(o.params["kind"])
    link = str(o.params.get("link", "trigger"))
    answered = {f.attrs.get(link) for f in view.of(kind)}
    for trigger in view.of(cadence.trigger_kind):
        deadline = trigger.occurred_on + timedelta(days=cadence.days)
        if trigger.ref in answered or deadline < ctx.as_of:
            continue
        reason = f"answer the {noun(cadence.trigger_kind)} of {format_day(trigger.occurred_on)} by {format_day(deadline)}"
        slot = next((d for d in dates if d <= deadline), None)
        if slot is None:
            unplaced.append(f"{o.id}: {reason}; no meeting planned before then")
        else:
            items[slot].append(AgendaItem(o.id, o.title, kind, reason))


_PLACERS = {
    "count_per_fiscal_year": _place_count,
    "annual_occurrence": _place_annual,
    "each_regular_meeting": _place_each_meeting,
    "within_days_of_trigger": _place_triggered,
}


def agenda_for(
    charter: Charter,
    facts: Iterable[Fact],
    meeting_on: date,
    *,
    meetings: Sequence[date],
    as_of: date,
    calendar: FiscalCalendar,
    known_at: datetime | None = None,
    overrides: Mapping[str, int] | None = None,
) -> tuple[AgendaItem, ...]:
    """Agenda suggestions for the meeting on ``meeting_on`` (one of ``meetings``)."""
    if meeting_on <= as_of:
        raise ValueError("the meeting must come after as_of")
    plan = plan_year(
        charter,
        facts,
        fiscal_year=calendar.fiscal_year(meeting_on),
        meetings=[*meetings, meeting_on],
        as_of=as_of,
        calendar=calendar,
        known_at=known_at,
        overrides=overrides,
    )
    return plan.meeting(meeting_on).items


def _planned_facts(plan: Sequence[PlannedMeeting], recorded_at: datetime) -> list[Fact]:
    made: list[Fact] = []
    for meeting in plan:
        ref = f"plan:{meeting.on.isoformat()}"
        made.append(
            Fact(
                "meeting.held",
                ref,
                meeting.on,
                recorded_at,
                "planned meeting",
                attrs={"regular": meeting.regular},
            )
        )
        for kind in sorted(meeting.covers - {"meeting.held"}):
            if BY_NAME.get(kind) is not None and BY_NAME[kind].state:
                continue
            made.append(
                Fact(
                    kind,
                    f"{ref}:{kind}",
                    meeting.on,
                    recorded_at,
                    f"planned: {noun(kind)}",
                    attrs={"meeting": ref},
                )
            )
    return made


def forecast(
    charter: Charter,
    facts: Iterable[Fact],
    *,
    plan: Sequence[PlannedMeeting],
    as_of: date,
    calendar: FiscalCalendar,
    known_at: datetime | None = None,
    overrides: Mapping[str, int] | None = None,
) -> Evaluation:
    """How the fiscal year of ``as_of`` closes if every planned meeting covers its items.

    The year is judged closed (the day after it ends) from the facts known on
    ``as_of`` plus what the plan's meetings would produce.
    """
    year = calendar.fiscal_year(as_of)
    end = calendar.year_end(year)
    recorded = known_at or datetime.combine(as_of, time(), tzinfo=UTC)
    real = [
        f
        for f in facts
        if f.occurred_on <= as_of and (known_at is None or f.recorded_at <= known_at)
    ]
    future = [m for m in plan if as_of < m.on <= end]
    return evaluate(
        charter,
        [*real, *_planned_facts(future, recorded)],
        as_of=end + timedelta(days=1),
        calendar=calendar,
        known_at=None,
        overrides=overrides,
        fiscal_year=year,
    )


@dataclass(frozen=True, slots=True)
class ForecastChange:
    """An obligation whose year-end outcome a change to the plan would turn to missed."""

    obligation: str
    before: Status
    after: Status
    message: str


def what_if_skipped(
    charter: Charter,
    facts: Iterable[Fact],
    *,
    plan: Sequence[PlannedMeeting],
    meeting_on: date,
    kind: str,
    as_of: date,
    calendar: FiscalCalendar,
    known_at: datetime | None = None,
    overrides: Mapping[str, int] | None = None,
) -> tuple[ForecastChange, ...]:
    """What is missed at year end if the meeting on ``meeting_on`` does not produce ``kind``.

    ``kind`` ``"meeting.held"`` drops the meeting altogether.
    """
    facts = tuple(facts)
    changed_plan = []
    for meeting in plan:
        if meeting.on != meeting_on:
            changed_plan.append(meeting)
        elif kind != "meeting.held":
            changed_plan.append(
                replace(
                    meeting, items=tuple(i for i in meeting.items if i.kind != kind)
                )
            )
    before, after = (
        forecast(
            charter,
            facts,
            plan=option,
            as_of=as_of,
            calendar=calendar,
            known_at=known_at,
            overrides=overrides,
        )
        for option in (plan, changed_plan)
    )
    what = "is not held" if kind == "meeting.held" else f"holds no {noun(kind)}"
    changes = []
    for old, new in zip(before.results, after.results, strict=True):
        if new.status is Status.MISSED and old.status is not Status.MISSED:
            changes.append(
                ForecastChange(
                    new.rule_id,
                    old.status,
                    new.status,
                    f"If the meeting on {format_day(meeting_on)} {what}, {new.rule_id} is missed "
                    f"for {calendar.label(before.fiscal_year)}: {new.message}",
                )
            )
    return tuple(changes)
