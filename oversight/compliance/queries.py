"""Reads for the compliance pages: evaluations of the charter in force, evidence, runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet

from oversight.accounts.models import Company
from oversight.charters import queries as charters
from oversight.charters.models import CharterVersion
from oversight.compliance.facts import calendar_for, gather_facts
from oversight.compliance.models import CadenceChoice, EvaluationRun, Evidence
from oversight.rules.charter import engine, planner
from oversight.rules.charter.calendar import FiscalCalendar
from oversight.rules.charter.model import Charter, Obligation
from oversight.rules.core import Fact, Result


def overrides_for(company: Company) -> dict[str, int]:
    return dict(
        CadenceChoice.objects.filter(company=company).values_list(
            "obligation_id", "per_year"
        )
    )


@dataclass(frozen=True)
class Context:
    """What every evaluation of a company on a day needs, loaded once."""

    company: Company
    version: CharterVersion
    charter: Charter
    calendar: FiscalCalendar
    facts: list[Fact]
    overrides: dict[str, int]
    as_of: date
    known_at: datetime | None

    def evaluate(self, *, fiscal_year: int | None = None) -> engine.Evaluation:
        return engine.evaluate(
            self.charter,
            self.facts,
            as_of=self.as_of,
            calendar=self.calendar,
            known_at=self.known_at,
            overrides=self.overrides,
            fiscal_year=fiscal_year,
        )


def context_for(
    company: Company, *, as_of: date, known_at: datetime | None = None
) -> Context | None:
    """The charter in force on ``as_of`` with the facts known, or None without a charter."""
    version = charters.version_in_force(company, as_of)
    if version is None:
        return None
    return Context(
        company=company,
        version=version,
        charter=charters.parsed(version),
        calendar=calendar_for(company),
        facts=gather_facts(company, as_of=as_of),
        overrides=overrides_for(company),
        as_of=as_of,
        known_at=known_at,
    )


@dataclass(frozen=True)
class Dashboard:
    """The compliance picture of a company on a day."""

    context: Context
    evaluation: engine.Evaluation
    grid: engine.QuarterGrid
    upcoming: tuple[Result, ...]
    overdue: tuple[tuple[int, Result], ...]

    @property
    def rows(self) -> list[tuple[object, Result, tuple[Result | None, ...]]]:
        by_id = {o.id: o for o in self.context.charter.obligations}
        return [
            (by_id[r.rule_id], r, cells)
            for r, cells in zip(self.evaluation.results, self.grid.cells, strict=True)
        ]


def dashboard_for(
    company: Company, *, as_of: date, known_at: datetime | None = None, days: int = 90
) -> Dashboard | None:
    ctx = context_for(company, as_of=as_of, known_at=known_at)
    if ctx is None:
        return None
    evaluation = ctx.evaluate()
    grid = engine.evaluate_quarters(
        ctx.charter,
        ctx.facts,
        fiscal_year=evaluation.fiscal_year,
        as_of=as_of,
        calendar=ctx.calendar,
        known_at=known_at,
        overrides=ctx.overrides,
    )
    horizon = as_of + timedelta(days=days)
    upcoming = tuple(
        sorted(
            (
                r
                for r in evaluation.results
                if r.due_on is not None
                and as_of <= r.due_on <= horizon
                and r.status.value in ("due_soon", "not_yet_due")
            ),
            key=lambda r: (r.due_on or as_of, r.rule_id),
        )
    )
    previous = ctx.evaluate(fiscal_year=evaluation.fiscal_year - 1)
    overdue = tuple((previous.fiscal_year, r) for r in previous.missed) + tuple(
        (evaluation.fiscal_year, r) for r in evaluation.missed
    )
    return Dashboard(ctx, evaluation, grid, upcoming, overdue)


def kinds_of(obligation: Obligation) -> list[str]:
    """The fact kinds an obligation's check reads."""
    kinds = obligation.params.get("kinds", ())
    one = obligation.params.get("kind")
    return [
        *(kinds if isinstance(kinds, tuple) else ()),
        *([one] if isinstance(one, str) else []),
    ]


def evidence_of(company: Company) -> QuerySet[Evidence]:
    return Evidence.objects.filter(company=company).select_related("recorded_by")


def runs_of(company: Company) -> QuerySet[EvaluationRun]:
    return EvaluationRun.objects.filter(company=company).select_related(
        "charter_version", "created_by"
    )


def history_of(
    ctx: Context, obligation_id: str
) -> list[tuple[int, tuple[Result | None, ...]]]:
    """An obligation's status at each quarter end of this fiscal year and the last."""
    index = [o.id for o in ctx.charter.obligations].index(obligation_id)
    year = ctx.calendar.fiscal_year(ctx.as_of)
    return [
        (
            y,
            engine.evaluate_quarters(
                ctx.charter,
                ctx.facts,
                fiscal_year=y,
                as_of=ctx.as_of,
                calendar=ctx.calendar,
                known_at=ctx.known_at,
                overrides=ctx.overrides,
            ).cells[index],
        )
        for y in (year, year - 1)
    ]


@dataclass(frozen=True)
class PlanView:
    """The planner's answer: the rest of the year, its forecast, and any what-if."""

    plan: planner.YearPlan
    outcome: engine.Evaluation
    what_if: tuple[planner.ForecastChange, ...] | None


def plan_for(
    ctx: Context,
    meetings: list[date],
    *,
    skip_on: date | None = None,
    skip_kind: str = "",
) -> PlanView:
    year = ctx.calendar.fiscal_year(ctx.as_of)
    year_plan = planner.plan_year(
        ctx.charter,
        ctx.facts,
        fiscal_year=year,
        meetings=meetings,
        as_of=ctx.as_of,
        calendar=ctx.calendar,
        overrides=ctx.overrides,
    )
    outcome = planner.forecast(
        ctx.charter,
        ctx.facts,
        plan=year_plan.meetings,
        as_of=ctx.as_of,
        calendar=ctx.calendar,
        overrides=ctx.overrides,
    )
    what_if = None
    if skip_on is not None and skip_kind:
        what_if = planner.what_if_skipped(
            ctx.charter,
            ctx.facts,
            plan=year_plan.meetings,
            meeting_on=skip_on,
            kind=skip_kind,
            as_of=ctx.as_of,
            calendar=ctx.calendar,
            overrides=ctx.overrides,
        )
    return PlanView(year_plan, outcome, what_if)
