"""Small builders for charter-engine tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from oversight.rules.charter.calendar import FiscalCalendar
from oversight.rules.charter.engine import evaluate
from oversight.rules.charter.model import (
    Cadence,
    Charter,
    Obligation,
    ObligationKind,
    ParamValue,
    Section,
)
from oversight.rules.core import Fact, Result

LIBRARY = Path(__file__).resolve().parents[3] / "charters" / "library"
CALENDAR = FiscalCalendar()  # year ends 31 December
RECORDED = datetime(2020, 1, 1, tzinfo=UTC)


def d(text: str) -> date:
    return date.fromisoformat(text)


def fact(
    kind: str,
    on: str,
    ref: str | None = None,
    *,
    recorded: datetime = RECORDED,
    until: str | None = None,
    **attrs: str | int | bool | None,
) -> Fact:
    return Fact(
        kind=kind,
        ref=ref or f"{kind}:{on}",
        occurred_on=d(on),
        recorded_at=recorded,
        summary=f"{kind} on {on}",
        until=d(until) if until else None,
        attrs=attrs,
    )


def obligation(
    check: str,
    cadence: Cadence | None = None,
    *,
    okind: ObligationKind = ObligationKind.RECURRING,
    remind: int = 30,
    oid: str = "AC-TST-01",
    reason: str = "",
    **params: ParamValue,
) -> Obligation:
    return Obligation(
        id=oid,
        section="s",
        title="test duty",
        clauses=("duty",),
        kind=okind,
        check=check,
        cadence=cadence,
        params=params,
        remind_days_before=remind,
        reason=reason,
    )


def charter_of(*obligations: Obligation) -> Charter:
    return Charter(
        company="Fictional Co",
        version="t",
        adopted_on=date(2020, 1, 1),
        sections=(Section("s", "S", "duty"),),
        obligations=obligations,
    )


def judge(
    o: Obligation,
    facts: list[Fact],
    as_of: str,
    *,
    fiscal_year: int | None = None,
    calendar: FiscalCalendar = CALENDAR,
    overrides: dict[str, int] | None = None,
) -> Result:
    evaluation = evaluate(
        charter_of(o),
        facts,
        as_of=d(as_of),
        calendar=calendar,
        fiscal_year=fiscal_year,
        overrides=overrides,
    )
    return evaluation.results[0]
