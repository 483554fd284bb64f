"""Evaluate a charter's obligations from facts, as of a date.

Pure functions over the same inputs: a :class:`~.model.Charter`, an iterable of
:class:`~oversight.rules.core.Fact`, the day judged (``as_of``) and the company's
:class:`~.calendar.FiscalCalendar`. Bitemporal: only facts that occurred by ``as_of``
count, and with ``known_at`` only those recorded by then ("what did we know then").
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from oversight.rules.charter.calendar import FiscalCalendar
from oversight.rules.charter.checks import CHECKS, Context, FactView
from oversight.rules.charter.model import Charter
from oversight.rules.core import Fact, Result, Status

#: Bump when a check's logic changes: stored runs name the engine that produced them.
ENGINE_VERSION = "1.0.0"


def canonical_fact(fact: Fact) -> dict[str, Any]:
    """A fact as plain JSON values, with its recording time in UTC."""
    return {
        "kind": fact.kind,
        "ref": fact.ref,
        "occurred_on": fact.occurred_on.isoformat(),
        "recorded_at": fact.recorded_at.astimezone(UTC).isoformat(),
        "summary": fact.summary,
        "until": fact.until.isoformat() if fact.until else None,
        "attrs": dict(fact.attrs),
    }


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def facts_digest(facts: Iterable[Fact]) -> str:
    """SHA-256 of the facts' canonical JSON, independent of their order."""
    rows = sorted(_CANONICAL.encode(canonical_fact(f)) for f in facts)
    payload = "[" + ",".join(rows) + "]"
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Where every obligation of a charter stood for a fiscal year, as of a day."""

    company: str
    charter_version: str
    engine_version: str
    fiscal_year: int
    as_of: date
    known_at: datetime | None
    facts_digest: str
    results: tuple[Result, ...]
    overrides: Mapping[str, int] = field(default_factory=dict)

    def result(self, obligation_id: str) -> Result:
        for result in self.results:
            if result.rule_id == obligation_id:
                return result
        raise KeyError(obligation_id)

    @property
    def missed(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.status is Status.MISSED)

    def counts(self) -> dict[Status, int]:
        counted = Counter(r.status for r in self.results)
        return {status: counted.get(status, 0) for status in Status}

    def as_json(self) -> dict[str, Any]:
        """Plain JSON values, stable for storage and the API."""
        return {
            "company": self.company,
            "charter_version": self.charter_version,
            "engine_version": self.engine_version,
            "fiscal_year": self.fiscal_year,
            "as_of": self.as_of.isoformat(),
            "known_at": self.known_at.isoformat() if self.known_at else None,
            "facts_digest": self.facts_digest,
            "overrides": dict(sorted(self.overrides.items())),
            "results": [result_json(r) for r in self.results],
        }


def result_json(result: Result) -> dict[str, Any]:
    return {
        "obligation": result.rule_id,
        "status": result.status.value,
        "message": result.message,
        "due_on": result.due_on.isoformat() if result.due_on else None,
        "evidence": [
            {
                "ref": e.ref,
                "summary": e.summary,
                "on": e.on.isoformat() if e.on else None,
            }
            for e in result.evidence
        ],
    }


def evaluate(
    charter: Charter,
    facts: Iterable[Fact],
    *,
    as_of: date,
    calendar: FiscalCalendar,
    known_at: datetime | None = None,
    overrides: Mapping[str, int] | None = None,
    fiscal_year: int | None = None,
) -> Evaluation:
    """Evaluate every obligation of ``charter`` as of ``as_of``, in charter order.

    ``fiscal_year`` defaults to the one containing ``as_of``; an earlier year is
    judged as closed (anything still short is missed). ``overrides`` maps an
    obligation id to the number per year the committee chose for a "periodically"
    cadence.
    """
    current = calendar.fiscal_year(as_of)
    year = current if fiscal_year is None else fiscal_year
    if year > current:
        raise ValueError(
            f"{calendar.label(year)} has not started on {as_of.isoformat()}"
        )
    chosen = dict(overrides or {})
    view = FactView(facts, as_of=as_of, known_at=known_at)
    context = Context(
        as_of=as_of, calendar=calendar, fiscal_year=year, overrides=chosen
    )
    results = tuple(
        _capitalized(CHECKS[obligation.check].function(obligation, view, context))
        for obligation in charter.obligations
    )
    return Evaluation(
        company=charter.company,
        charter_version=charter.version,
        engine_version=ENGINE_VERSION,
        fiscal_year=year,
        as_of=as_of,
        known_at=known_at,
        facts_digest=facts_digest(view),
        results=results,
        overrides=chosen,
    )


def _capitalized(result: Result) -> Result:
    message = result.message
    if message[:1].islower():
        return replace(result, message=message[0].upper() + message[1:])
    return result


@dataclass(frozen=True, slots=True)
class QuarterGrid:
    """Each obligation's status at the end of each quarter of a fiscal year.

    ``cells[i][q]`` is the result for ``obligations[i]`` as of the end of quarter
    ``q + 1`` (or ``as_of`` inside the current quarter); ``None`` for quarters that
    have not started.
    """

    fiscal_year: int
    quarters: tuple[tuple[date, date], ...]
    obligations: tuple[str, ...]
    cells: tuple[tuple[Result | None, ...], ...]


def evaluate_quarters(
    charter: Charter,
    facts: Iterable[Fact],
    *,
    fiscal_year: int,
    as_of: date,
    calendar: FiscalCalendar,
    known_at: datetime | None = None,
    overrides: Mapping[str, int] | None = None,
) -> QuarterGrid:
    """The duty-by-quarter picture of ``fiscal_year`` as of ``as_of``."""
    facts = tuple(facts)
    quarters = calendar.quarters(fiscal_year)
    columns: list[tuple[Result, ...] | None] = []
    for start, end in quarters:
        if start > as_of:
            columns.append(None)
            continue
        evaluation = evaluate(
            charter,
            facts,
            as_of=min(end, as_of),
            calendar=calendar,
            known_at=known_at,
            overrides=overrides,
            fiscal_year=fiscal_year,
        )
        columns.append(evaluation.results)
    ids = tuple(o.id for o in charter.obligations)
    cells = tuple(
        tuple(None if column is None else column[row] for column in columns)
        for row in range(len(ids))
    )
    return QuarterGrid(fiscal_year, quarters, ids, cells)


def upcoming(
    charter: Charter,
    facts: Iterable[Fact],
    *,
    as_of: date,
    calendar: FiscalCalendar,
    days: int = 90,
    known_at: datetime | None = None,
    overrides: Mapping[str, int] | None = None,
) -> tuple[Result, ...]:
    """What falls due in the next ``days`` days and is not yet done, soonest first."""
    evaluation = evaluate(
        charter,
        facts,
        as_of=as_of,
        calendar=calendar,
        known_at=known_at,
        overrides=overrides,
    )
    horizon = as_of + timedelta(days=days)
    due = [
        r
        for r in evaluation.results
        if r.due_on is not None
        and as_of <= r.due_on <= horizon
        and r.status in (Status.DUE_SOON, Status.NOT_YET_DUE)
    ]
    return tuple(sorted(due, key=lambda r: (r.due_on or as_of, r.rule_id)))


def overdue(
    charter: Charter,
    facts: Iterable[Fact],
    *,
    as_of: date,
    calendar: FiscalCalendar,
    known_at: datetime | None = None,
    overrides: Mapping[str, int] | None = None,
) -> tuple[tuple[int, Result], ...]:
    """What is missed in the current fiscal year and in the year that closed before it."""
    facts = tuple(facts)
    current = calendar.fiscal_year(as_of)
    found: list[tuple[int, Result]] = []
    for year in (current - 1, current):
        evaluation = evaluate(
            charter,
            facts,
            as_of=as_of,
            calendar=calendar,
            known_at=known_at,
            overrides=overrides,
            fiscal_year=year,
        )
        found.extend((year, r) for r in evaluation.missed)
    return tuple(found)
