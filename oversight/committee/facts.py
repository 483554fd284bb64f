"""The charter engine's view of the register: ``composition.*`` states.

``composition.size``, ``composition.independence``, ``composition.literacy`` and
``composition.expertise`` are states with attrs ``ok`` (bool) and ``cure_deadline`` (ISO
date or None) over the year before ``as_of``: a new fact begins on each day one of them
changes, evaluated by ``oversight.rules.composition``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from django.utils import timezone

from oversight.accounts.models import Company
from oversight.committee.snapshot import load_register
from oversight.rules.composition.committee import (
    CommitteeReport,
    CommitteeStatus,
    evaluate_committee,
    register_change_days,
)
from oversight.rules.core import Fact, Verdict

KIND_RULES: dict[str, tuple[str, ...]] = {
    "composition.size": ("AC-MEM-01",),
    "composition.independence": ("AC-MEM-02", "AC-MEM-03", "AC-MEM-04", "AC-MEM-08"),
    "composition.literacy": ("AC-MEM-05",),
    "composition.expertise": ("AC-MEM-06", "AC-MEM-07"),
}
OK = (Verdict.PASS, Verdict.NOT_APPLICABLE)


def states(report: CommitteeReport, *, until: date | None, start: date) -> list[Fact]:
    """The four states the report implies, holding from ``start`` to ``until``."""
    now = timezone.now()
    out = []
    for kind, rules in KIND_RULES.items():
        outcomes = [report.outcome(r) for r in rules]
        ok = all(o.verdict in OK for o in outcomes)
        cured = (
            report.status is CommitteeStatus.IN_CURE
            and report.cure is not None
            and any(r in report.cure.covers for r in rules)
        )
        out.append(
            Fact(
                kind=kind,
                ref=f"committee.composition:{kind.split('.')[1]}@{start.isoformat()}",
                occurred_on=start,
                recorded_at=now,
                summary="; ".join(o.message for o in outcomes if o.verdict not in OK)
                or outcomes[0].message,
                until=until,
                attrs={
                    "ok": ok,
                    "cure_deadline": report.cure.deadline.isoformat()
                    if cured and report.cure
                    else None,
                },
            )
        )
    return out


def collect_facts(company: Company, *, as_of: date) -> list[Fact]:
    """The four states over the year before ``as_of``: a new fact wherever one changes."""
    register = load_register(company)
    if not register.directors:
        return []  # no register yet: recorded evidence stays in charge
    since = as_of - timedelta(days=366)
    points = [since, *register_change_days(register, since, as_of)]
    spans: dict[str, list[Fact]] = {kind: [] for kind in KIND_RULES}
    for i, start in enumerate(points):
        end = points[i + 1] - timedelta(days=1) if i + 1 < len(points) else None
        for fact in states(evaluate_committee(register, start), until=end, start=start):
            previous = spans[fact.kind][-1] if spans[fact.kind] else None
            if previous is not None and previous.attrs == fact.attrs:
                spans[fact.kind][-1] = replace(previous, until=end)
            else:
                spans[fact.kind].append(fact)
    return [fact for kind in KIND_RULES for fact in spans[kind]]
