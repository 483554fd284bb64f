"""The named checks an obligation can use, in one explicit registry (``CHECKS``).

Each check takes the obligation, the facts visible to the evaluation and the
evaluation's context, and returns a :class:`~oversight.rules.core.Result` naming the
obligation, its status, the reason in words, the facts it used and the date it falls
due. Checks look only at facts that occurred on or before ``context.cutoff``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise

from oversight.rules.charter.calendar import FiscalCalendar, add_months, format_day
from oversight.rules.charter.model import Annually, Obligation, WithinDays
from oversight.rules.core import Evidence, Fact, Result, Status

#: Worst first: the order in which statuses of parts combine into one.
SEVERITY: tuple[Status, ...] = (
    Status.MISSED,
    Status.INSUFFICIENT_DATA,
    Status.DUE_SOON,
    Status.NOT_YET_DUE,
    Status.MET,
    Status.NOT_APPLICABLE,
)

#: How messages name the facts of a kind: (one, many).
NOUNS: dict[str, tuple[str, str]] = {
    "meeting.held": ("meeting", "meetings"),
    "session.management": (
        "executive session with management",
        "executive sessions with management",
    ),
    "session.internal_audit": (
        "executive session with the internal auditor",
        "executive sessions with the internal auditor",
    ),
    "session.auditor": (
        "executive session with the independent auditor",
        "executive sessions with the independent auditor",
    ),
    "session.members_only": (
        "members-only executive session",
        "members-only executive sessions",
    ),
    "board.report_delivered": ("report to the board", "reports to the board"),
    "minutes.approved": ("approval of minutes", "approvals of minutes"),
    "composition.size": ("committee size", "committee size"),
    "composition.independence": ("independence of every member", "independence"),
    "composition.literacy": ("financial literacy of every member", "literacy"),
    "composition.expertise": ("financial expertise on the committee", "expertise"),
    "auditor.appointed": ("appointment of the auditor", "appointments of the auditor"),
    "auditor.ratified": ("stockholder ratification vote", "ratification votes"),
    "auditor.evaluated": ("evaluation of the auditor", "evaluations of the auditor"),
    "auditor.compensation_approved": (
        "approval of the auditor's fees",
        "approvals of the auditor's fees",
    ),
    "auditor.terminated": ("termination of the auditor", "terminations"),
    "auditor.policy_adopted": ("pre-approval policy", "pre-approval policies"),
    "auditor.service_approved": ("pre-approved service", "pre-approved services"),
    "auditor.service_unapproved": (
        "auditor service without valid pre-approval",
        "auditor services without valid pre-approval",
    ),
    "auditor.qc_report_reviewed": (
        "review of the auditor's quality-control report",
        "reviews of the auditor's quality-control report",
    ),
    "auditor.independence_discussed": (
        "independence discussion with the auditor",
        "independence discussions with the auditor",
    ),
    "auditor.required_reports_received": (
        "receipt of the auditor's required reports",
        "receipts of the auditor's required reports",
    ),
    "auditor.independence_action": (
        "action on the auditor's independence",
        "actions on the auditor's independence",
    ),
    "audit.plan_reviewed": ("review of the audit plan", "reviews of the audit plan"),
    "fs.annual_reviewed": (
        "review of the annual financial statements",
        "reviews of the annual financial statements",
    ),
    "findings.reviewed": (
        "review of significant audit findings",
        "reviews of significant audit findings",
    ),
    "findings.remediation_followed_up": (
        "review of remediation",
        "reviews of remediation",
    ),
    "complaints.procedures_published": (
        "published complaint procedure",
        "published complaint procedures",
    ),
    "complaints.case_acknowledged": (
        "complaint acknowledged late",
        "complaints acknowledged late",
    ),
    "complaints.case_treated": ("complaint closed late", "complaints closed late"),
    "complaints.retention_applied": ("retention decision", "retention decisions"),
    "advisors.engaged": ("advisor engaged", "advisors engaged"),
    "advisors.funding_confirmed": (
        "confirmation of funding",
        "confirmations of funding",
    ),
    "evaluation.self_completed": ("self-evaluation", "self-evaluations"),
    "charter.reviewed": ("review of the charter", "reviews of the charter"),
}


def noun(kind: str, count: int = 1) -> str:
    one, many = NOUNS.get(kind, (kind, kind))
    return one if count == 1 else many


class FactView:
    """The facts an evaluation may see, indexed by kind and ordered by date.

    Only facts that occurred on or before ``as_of`` are kept, and with ``known_at``
    only those recorded by then: nothing later can influence a result.
    """

    def __init__(
        self, facts: Iterable[Fact], *, as_of: date, known_at: datetime | None = None
    ) -> None:
        if known_at is not None and known_at.tzinfo is None:
            raise ValueError("known_at must be timezone-aware")
        by_kind: dict[str, list[Fact]] = {}
        for fact in facts:
            if fact.occurred_on > as_of:
                continue
            if known_at is not None and fact.recorded_at > known_at:
                continue
            by_kind.setdefault(fact.kind, []).append(fact)
        for group in by_kind.values():
            group.sort(key=_fact_order)
        self.as_of = as_of
        self.known_at = known_at
        self._by_kind = by_kind
        self._days = {
            kind: [f.occurred_on for f in group] for kind, group in by_kind.items()
        }

    def __iter__(self) -> Iterator[Fact]:
        for kind in sorted(self._by_kind):
            yield from self._by_kind[kind]

    def of(self, kind: str) -> Sequence[Fact]:
        return self._by_kind.get(kind, ())

    def between(self, kind: str, start: date, end: date) -> Sequence[Fact]:
        """Facts of ``kind`` that occurred from ``start`` to ``end`` inclusive."""
        days = self._days.get(kind)
        if not days:
            return ()
        low = bisect.bisect_left(days, start)
        high = bisect.bisect_right(days, end)
        return self._by_kind[kind][low:high]

    def last_before(self, kind: str, day: date) -> Fact | None:
        """The latest fact of ``kind`` that occurred strictly before ``day``."""
        days = self._days.get(kind)
        if not days:
            return None
        index = bisect.bisect_left(days, day)
        return self._by_kind[kind][index - 1] if index else None


def _fact_order(fact: Fact) -> tuple[date, datetime, str]:
    return (fact.occurred_on, fact.recorded_at, fact.ref)


@dataclass(frozen=True, slots=True)
class Context:
    """What one evaluation is about: the fiscal year judged, and the day it is judged on.

    ``as_of`` is the last day whose facts count. When it falls after the end of
    ``fiscal_year`` the year is closed and anything still short is missed.
    """

    as_of: date
    calendar: FiscalCalendar
    fiscal_year: int
    overrides: Mapping[str, int] = field(default_factory=dict)

    @property
    def start(self) -> date:
        return self.calendar.year_start(self.fiscal_year)

    @property
    def end(self) -> date:
        return self.calendar.year_end(self.fiscal_year)

    @property
    def cutoff(self) -> date:
        return min(self.as_of, self.end)

    @property
    def label(self) -> str:
        return self.calendar.label(self.fiscal_year)

    def pending(self, obligation: Obligation, due_on: date) -> Status:
        """Status of something not yet done that falls due on ``due_on``."""
        if self.as_of > due_on:
            return Status.MISSED
        if (due_on - self.as_of).days <= obligation.remind_days_before:
            return Status.DUE_SOON
        return Status.NOT_YET_DUE


def worst(statuses: Iterable[Status]) -> Status:
    return min(statuses, key=SEVERITY.index)


def _evidence(facts: Iterable[Fact]) -> tuple[Evidence, ...]:
    return tuple(fact.as_evidence() for fact in facts)


def _kinds(obligation: Obligation) -> tuple[str, ...]:
    kinds = obligation.params["kinds"]
    assert isinstance(kinds, tuple)
    return kinds


def _matches(fact: Fact, where: object) -> bool:
    if not isinstance(where, Mapping):
        return True
    return all(fact.attrs.get(key) == value for key, value in where.items())


CheckFunction = Callable[[Obligation, FactView, Context], Result]


def check_count_per_fiscal_year(
    obligation: Obligation, facts: FactView, ctx: Context
) -> Result:
    """At least n facts of each kind in the fiscal year (n from the cadence or settings).

    Short of n before the year ends, the obligation is due soon when the year's end
    is within the reminder window or when the shortfall exceeds the quarters left
    (more than one a quarter would be needed); otherwise it is not yet due.
    """
    need = obligation.per_year(ctx.overrides)
    used: list[Fact] = []
    parts: list[str] = []
    short = worst_short = 0
    for kind in _kinds(obligation):
        held = facts.between(kind, ctx.start, ctx.cutoff)
        used.extend(held)
        short += max(0, need - len(held))
        worst_short = max(worst_short, need - len(held))
        parts.append(f"{len(held)} of {need} {noun(kind, max(need, len(held)))} held")
    summary = "; ".join(parts) + f" in {ctx.label}"
    if short <= 0:
        return Result(obligation.id, Status.MET, summary, _evidence(used))
    status = ctx.pending(obligation, ctx.end)
    quarters_left = sum(
        1 for _s, end in ctx.calendar.quarters(ctx.fiscal_year) if end >= ctx.as_of
    )
    if status is Status.MISSED:
        message = f"{summary}; the year ended on {format_day(ctx.end)}, {short} short"
    else:
        message = f"{summary}; {short} more {'is' if short == 1 else 'are'} due by {format_day(ctx.end)}"
        if worst_short > quarters_left:
            status = Status.DUE_SOON
            message += f", more than one a quarter with {quarters_left} quarter{'s' if quarters_left != 1 else ''} left"
    return Result(obligation.id, status, message, _evidence(used), ctx.end)


def check_annual_occurrence(
    obligation: Obligation, facts: FactView, ctx: Context
) -> Result:
    """At least once in each fiscal year, and never more than ``max_gap_months`` apart."""
    cadence = obligation.cadence
    assert isinstance(cadence, Annually)
    gap = cadence.max_gap_months
    results = []
    for kind in _kinds(obligation):
        this_year = list(facts.between(kind, ctx.start, ctx.cutoff))
        previous = facts.last_before(kind, ctx.start)
        chain = ([previous] if previous else []) + this_year
        late = [
            (a, b)
            for a, b in pairwise(chain)
            if b.occurred_on > add_months(a.occurred_on, gap)
        ]
        what = noun(kind)
        if late:
            a, b = late[0]
            results.append(
                Result(
                    obligation.id,
                    Status.MISSED,
                    f"{what} on {format_day(b.occurred_on)} came more than {gap} months "
                    f"after the one on {format_day(a.occurred_on)} (due by "
                    f"{format_day(add_months(a.occurred_on, gap))})",
                    _evidence([a, b]),
                    add_months(a.occurred_on, gap),
                )
            )
            continue
        if this_year:
            last = this_year[-1]
            next_due = min(
                ctx.calendar.year_end(ctx.fiscal_year + 1),
                add_months(last.occurred_on, gap),
            )
            results.append(
                Result(
                    obligation.id,
                    Status.MET,
                    f"{what} on {format_day(last.occurred_on)} ({ctx.label}); next due by "
                    f"{format_day(next_due)}",
                    _evidence(this_year),
                    next_due,
                )
            )
            continue
        due = (
            ctx.end
            if previous is None
            else min(ctx.end, add_months(previous.occurred_on, gap))
        )
        status = ctx.pending(obligation, due)
        since = (
            ""
            if previous is None
            else f"; the last was on {format_day(previous.occurred_on)}"
        )
        verb = "was due" if status is Status.MISSED else "is due"
        results.append(
            Result(
                obligation.id,
                status,
                f"no {what} yet in {ctx.label}{since}; it {verb} by {format_day(due)}",
                _evidence([previous] if previous else []),
                due,
            )
        )
    return _combine(obligation, results)


def check_each_regular_meeting(
    obligation: Obligation, facts: FactView, ctx: Context
) -> Result:
    """After every regular meeting of the year, a fact of ``kind`` within ``within_days``.

    A follow-up counts for a meeting when it names the meeting (``attrs["meeting"]``)
    or occurs on the meeting's day or within the window after it.
    """
    kind = str(obligation.params["kind"])
    window = obligation.params.get("within_days", 90)
    assert isinstance(window, int)
    meetings = [
        m
        for m in facts.between("meeting.held", ctx.start, ctx.cutoff)
        if m.attrs.get("regular", True) is not False
    ]
    if not meetings:
        status = Status.NOT_APPLICABLE if ctx.as_of > ctx.end else Status.NOT_YET_DUE
        return Result(
            obligation.id, status, f"no regular meeting held yet in {ctx.label}"
        )
    done, missed, open_ = [], [], []
    used: list[Fact] = []
    for meeting in meetings:
        deadline = meeting.occurred_on + timedelta(days=window)
        follow = [
            f
            for f in facts.between(kind, meeting.occurred_on, deadline)
            if f.attrs.get("meeting") in (None, meeting.ref)
        ]
        used.append(meeting)
        if follow:
            used.append(follow[0])
            done.append(meeting)
        elif ctx.as_of > deadline:
            missed.append(meeting)
        else:
            open_.append((deadline, meeting))
    total = len(meetings)
    head = f"{noun(kind, 2)} followed {len(done)} of {total} regular {noun('meeting.held', total)} in {ctx.label}"
    if missed:
        dates = ", ".join(format_day(m.occurred_on) for m in missed)
        return Result(
            obligation.id,
            Status.MISSED,
            f"{head}; none within {window} days of {dates}",
            _evidence(used),
        )
    if open_:
        deadline, meeting = min(open_, key=lambda pair: pair[0])
        return Result(
            obligation.id,
            ctx.pending(obligation, deadline),
            f"{head}; the one for {format_day(meeting.occurred_on)} is due by {format_day(deadline)}",
            _evidence(used),
            deadline,
        )
    return Result(obligation.id, Status.MET, head, _evidence(used))


def check_within_days_of_trigger(
    obligation: Obligation, facts: FactView, ctx: Context
) -> Result:
    """Each trigger fact is answered by a fact of ``kind`` within the cadence's days.

    A response answers a trigger when it names it (``attrs[link]``, default
    ``"trigger"``) or, naming none, occurs within the window. Triggers count for the
    fiscal year in which their deadline falls.
    """
    cadence = obligation.cadence
    assert isinstance(cadence, WithinDays)
    kind = str(obligation.params["kind"])
    link = str(obligation.params.get("link", "trigger"))
    earliest = ctx.start - timedelta(days=cadence.days)
    triggers = [
        t
        for t in facts.between(cadence.trigger_kind, earliest, ctx.cutoff)
        if t.occurred_on + timedelta(days=cadence.days) >= ctx.start
    ]
    if not triggers:
        return Result(
            obligation.id,
            Status.NOT_APPLICABLE,
            f"no {noun(cadence.trigger_kind)} in {ctx.label} called for a {noun(kind)}",
        )
    results = []
    for trigger in triggers:
        deadline = trigger.occurred_on + timedelta(days=cadence.days)
        answers = [
            f
            for f in facts.of(kind)
            if f.attrs.get(link) == trigger.ref
            or (
                link not in f.attrs and trigger.occurred_on <= f.occurred_on <= deadline
            )
        ]
        what = f"{noun(cadence.trigger_kind)} on {format_day(trigger.occurred_on)}"
        if answers and answers[0].occurred_on <= deadline:
            results.append(
                Result(
                    obligation.id,
                    Status.MET,
                    f"{what} answered on {format_day(answers[0].occurred_on)}",
                    _evidence([trigger, answers[0]]),
                )
            )
        elif answers:
            results.append(
                Result(
                    obligation.id,
                    Status.MISSED,
                    f"{what} answered on {format_day(answers[0].occurred_on)}, after the "
                    f"{cadence.days}-day deadline of {format_day(deadline)}",
                    _evidence([trigger, answers[0]]),
                    deadline,
                )
            )
        else:
            status = ctx.pending(obligation, deadline)
            verb = "was" if status is Status.MISSED else "is"
            results.append(
                Result(
                    obligation.id,
                    status,
                    f"{what} not yet answered; a {noun(kind)} {verb} due by {format_day(deadline)}",
                    _evidence([trigger]),
                    deadline,
                )
            )
    return _combine(obligation, results)


def _state_on(facts: FactView, kind: str, day: date) -> Fact | None:
    """The newest record of state ``kind`` that covers ``day``."""
    covering = [
        f
        for f in facts.of(kind)
        if f.occurred_on <= day and (f.until is None or day <= f.until)
    ]
    return max(covering, key=_fact_order) if covering else None


def _cure_deadline(fact: Fact) -> date | None:
    raw = fact.attrs.get("cure_deadline")
    return date.fromisoformat(raw) if isinstance(raw, str) and raw else None


def check_state_holds(obligation: Obligation, facts: FactView, ctx: Context) -> Result:
    """Each state kind holds (``attrs["ok"]``) on every day of the year so far.

    A broken state inside its cure period (``attrs["cure_deadline"]``) is due soon
    with the deadline; broken with no cure period, or past it, on any day of the
    year is missed. No record covering the day judged is insufficient data.
    """
    results = []
    for kind in _kinds(obligation):
        lapses = []
        for fact in facts.of(kind):
            if (
                fact.occurred_on > ctx.cutoff
                or fact.attrs.get("ok") is not False
                or (fact.until is not None and fact.until < ctx.start)
            ):
                continue
            cure = _cure_deadline(fact)
            lapse_from = max(
                fact.occurred_on,
                cure + timedelta(days=1) if cure else fact.occurred_on,
                ctx.start,
            )
            lapse_to = min(fact.until or ctx.cutoff, ctx.cutoff)
            if lapse_from <= lapse_to:
                lapses.append((lapse_from, lapse_to, fact))
        now = _state_on(facts, kind, ctx.cutoff)
        what = noun(kind)
        if lapses:
            start, end, fact = lapses[0]
            results.append(
                Result(
                    obligation.id,
                    Status.MISSED,
                    f"{what} not met from {format_day(start)} to {format_day(end)} with no cure period running: {fact.summary or fact.ref}",
                    _evidence([fact]),
                )
            )
        elif now is None:
            results.append(
                Result(
                    obligation.id,
                    Status.INSUFFICIENT_DATA,
                    f"no record of {what} on {format_day(ctx.cutoff)}",
                )
            )
        elif now.attrs.get("ok") is False:
            cure = _cure_deadline(now)
            assert cure is not None  # otherwise it is a lapse above
            results.append(
                Result(
                    obligation.id,
                    Status.DUE_SOON,
                    f"{what} not met since {format_day(now.occurred_on)}; the cure period runs to {format_day(cure)}",
                    _evidence([now]),
                    cure,
                )
            )
        else:
            results.append(
                Result(
                    obligation.id,
                    Status.MET,
                    f"{what}: met on {format_day(ctx.cutoff)}",
                    _evidence([now]),
                )
            )
    return _combine(obligation, results)


def check_none_of(obligation: Obligation, facts: FactView, ctx: Context) -> Result:
    """No fact of the kinds (matching ``where``) in the fiscal year.

    With ``requires``, at least one fact of those kinds must be on record in the year,
    or there is nothing to judge by (insufficient data).
    """
    where = obligation.params.get("where")
    bad = [
        f
        for kind in _kinds(obligation)
        for f in facts.between(kind, ctx.start, ctx.cutoff)
        if _matches(f, where)
    ]
    if bad:
        first = bad[0]
        return Result(
            obligation.id,
            Status.MISSED,
            f"{len(bad)} {noun(first.kind, len(bad))} in {ctx.label}, first on "
            f"{format_day(first.occurred_on)}: {first.summary or first.ref}",
            _evidence(bad),
        )
    required = obligation.params.get("requires", ())
    assert isinstance(required, tuple)
    support = [
        f for kind in required for f in facts.between(kind, ctx.start, ctx.cutoff)
    ]
    names = " or ".join(noun(k, 2) for k in _kinds(obligation))
    if required and not support:
        return Result(
            obligation.id,
            Status.INSUFFICIENT_DATA,
            f"no {' or '.join(noun(k, 2) for k in required)} on record in {ctx.label} to judge by",
        )
    tail = f" among {len(support)} {noun(required[0], len(support))}" if support else ""
    return Result(
        obligation.id,
        Status.MET,
        f"no {names} in {ctx.label}{tail}",
        _evidence(support),
    )


def check_on_record(obligation: Obligation, facts: FactView, ctx: Context) -> Result:
    """A fact of each kind is on record by the day judged (and, with ``max_age_months``,
    recent enough)."""
    max_age = obligation.params.get("max_age_months")
    results = []
    for kind in _kinds(obligation):
        last = facts.last_before(kind, ctx.cutoff + timedelta(days=1))
        what = noun(kind)
        if last is None:
            results.append(
                Result(
                    obligation.id,
                    Status.MISSED,
                    f"no {what} on record by {format_day(ctx.cutoff)}",
                )
            )
            continue
        if isinstance(max_age, int):
            due = add_months(last.occurred_on, max_age)
            status = (
                Status.MET
                if ctx.cutoff < due - timedelta(days=obligation.remind_days_before)
                else ctx.pending(obligation, due)
            )
            verb = "was" if status is Status.MISSED else "is"
            message = f"{what} of {format_day(last.occurred_on)}; renewal {verb} due by {format_day(due)}"
            results.append(
                Result(obligation.id, status, message, _evidence([last]), due)
            )
            continue
        results.append(
            Result(
                obligation.id,
                Status.MET,
                f"{what} of {format_day(last.occurred_on)} on record",
                _evidence([last]),
            )
        )
    return _combine(obligation, results)


def check_as_needed(obligation: Obligation, facts: FactView, ctx: Context) -> Result:
    """Something the committee does when it judges it necessary: met with the records
    when it happened in the year, not applicable when it did not."""
    used = [
        f
        for kind in _kinds(obligation)
        for f in facts.between(kind, ctx.start, ctx.cutoff)
    ]
    names = " or ".join(noun(k, 2) for k in _kinds(obligation))
    if not used:
        return Result(
            obligation.id,
            Status.NOT_APPLICABLE,
            f"no {names} in {ctx.label}; done as the committee deems necessary",
        )
    return Result(
        obligation.id,
        Status.MET,
        f"{len(used)} on record in {ctx.label}, last on {format_day(used[-1].occurred_on)}",
        _evidence(used),
    )


def check_informational(
    obligation: Obligation, facts: FactView, ctx: Context
) -> Result:
    """Nothing to check: the clause states purpose or authority. The reason says why."""
    return Result(obligation.id, Status.NOT_APPLICABLE, obligation.reason)


def _combine(obligation: Obligation, parts: Sequence[Result]) -> Result:
    """One result from the results for each kind: the worst status, every reason."""
    if len(parts) == 1:
        return parts[0]
    status = worst(p.status for p in parts)
    due = [p.due_on for p in parts if p.due_on is not None and p.status is status]
    return Result(
        obligation.id,
        status,
        "; ".join(p.message for p in parts),
        tuple(e for p in parts for e in p.evidence),
        min(due) if due else None,
    )


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter a check accepts: its type and whether it is required."""

    type: str  # "kinds" (list of fact kinds), "kind", "int", "str", "where" (table)
    required: bool = False


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A named check: the function, the cadences it understands, its parameters."""

    name: str
    function: CheckFunction
    cadences: tuple[str | None, ...]
    params: Mapping[str, Param]
    description: str


CHECKS: dict[str, CheckSpec] = {
    spec.name: spec
    for spec in (
        CheckSpec(
            "count_per_fiscal_year",
            check_count_per_fiscal_year,
            ("at_least_per_fiscal_year", "periodically"),
            {"kinds": Param("kinds", required=True)},
            "At least n facts of each kind in every fiscal year.",
        ),
        CheckSpec(
            "annual_occurrence",
            check_annual_occurrence,
            ("annually",),
            {"kinds": Param("kinds", required=True)},
            "Each kind at least once per fiscal year, at most max_gap_months apart.",
        ),
        CheckSpec(
            "each_regular_meeting",
            check_each_regular_meeting,
            ("each_regular_meeting",),
            {"kind": Param("kind", required=True), "within_days": Param("int")},
            "A fact of kind after every regular meeting, within within_days (90).",
        ),
        CheckSpec(
            "within_days_of_trigger",
            check_within_days_of_trigger,
            ("within_days",),
            {"kind": Param("kind", required=True), "link": Param("str")},
            "Every trigger answered by a fact of kind within the cadence's days.",
        ),
        CheckSpec(
            "state_holds",
            check_state_holds,
            (None,),
            {"kinds": Param("kinds", required=True)},
            "Each state kind holds every day; a cure period makes a breach due soon.",
        ),
        CheckSpec(
            "none_of",
            check_none_of,
            (None,),
            {
                "kinds": Param("kinds", required=True),
                "where": Param("where"),
                "requires": Param("kinds"),
            },
            "No fact of the kinds (matching where) in the fiscal year.",
        ),
        CheckSpec(
            "on_record",
            check_on_record,
            (None,),
            {"kinds": Param("kinds", required=True), "max_age_months": Param("int")},
            "A fact of each kind on record, optionally no older than max_age_months.",
        ),
        CheckSpec(
            "as_needed",
            check_as_needed,
            ("as_needed",),
            {"kinds": Param("kinds", required=True)},
            "Recorded when the committee acts; never due.",
        ),
        CheckSpec(
            "informational",
            check_informational,
            (None,),
            {},
            "Nothing to check; the obligation's reason says why.",
        ),
    )
}
