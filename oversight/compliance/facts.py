"""The one bridge between the registers and the charter engine.

``gather_facts`` asks every installed app that has a ``facts.py`` for its facts
(``collect_facts(company, *, as_of)``) and adds the evidence people recorded. A register
takes over each of its kinds on the day of its first record of that kind: from then on
its structured records replace recorded evidence of the kind, while evidence of what
happened before (the committee's paper history) still counts.
"""

from __future__ import annotations

from datetime import date
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from oversight.accounts.models import Company
from oversight.compliance.models import Evidence
from oversight.rules.charter.calendar import FiscalCalendar, days_in_month
from oversight.rules.core import Fact, Scalar
from oversight.rules.kinds import BY_NAME


def calendar_for(company: Company) -> FiscalCalendar:
    """The company's fiscal calendar (a day past the month's end means its last day)."""
    month = company.fiscal_year_end_month
    longest = 29 if month == 2 else days_in_month(2001, month)
    return FiscalCalendar(
        month, min(company.fiscal_year_end_day, longest), company.time_zone
    )


def _register_modules() -> dict[str, str]:
    """App label → facts module, for every installed register with an adapter."""
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("oversight.") or config.label == "compliance":
            continue
        module = f"{config.name}.facts"
        if find_spec(module) is not None:
            found[config.label] = module
    return found


def evidence_fact(row: Evidence) -> Fact:
    """A recorded piece of evidence as the engine's fact."""
    attrs: dict[str, Scalar] = {"recorded_evidence": True}
    if BY_NAME[row.kind].state:
        attrs["ok"] = row.holds
        attrs["cure_deadline"] = (
            row.cure_deadline.isoformat() if row.cure_deadline else None
        )
    if row.meeting:
        attrs["meeting_name"] = row.meeting
    summary = (
        row.note.splitlines()[0][:200] if row.note else BY_NAME[row.kind].description
    )
    return Fact(
        kind=row.kind,
        ref=row.ref,
        occurred_on=row.occurred_on,
        recorded_at=row.recorded_at,
        summary=summary,
        until=row.until,
        attrs=attrs,
    )


def gather_facts(company: Company, *, as_of: date) -> list[Fact]:
    """Every fact about ``company`` that occurred by ``as_of``: registers, then evidence."""
    facts: list[Fact] = []
    took_over: dict[str, date] = {}  # kind → the day of a register's first record of it
    for module in _register_modules().values():
        collect = getattr(import_module(module), "collect_facts", None)
        if collect is None:
            continue
        for fact in collect(company, as_of=as_of):
            facts.append(fact)
            if fact.kind not in took_over or fact.occurred_on < took_over[fact.kind]:
                took_over[fact.kind] = fact.occurred_on
    for row in Evidence.objects.filter(company=company, occurred_on__lte=as_of):
        first = took_over.get(row.kind)
        if first is None or row.occurred_on < first:
            facts.append(evidence_fact(row))
    return facts
