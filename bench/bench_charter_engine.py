"""Benchmark of the charter engine (pure Python, no database).

    .venv/bin/python bench/bench_charter_engine.py [--companies 1000] [--years 10]

Generates a plausible history per company (quarterly meetings, sessions, board reports,
annual reviews, composition states, the odd lapse) and evaluates the One Stop Systems
charter for every company-year. Prints absolute times and, to be comparable across
machines, ratios to a baseline measured in the same run: one pass that only reads every
fact and hashes it (the least any evaluation must do). Targets: one company-year under
50 ms; 1,000 companies x 10 years under 60 s, growing linearly with the data.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oversight.rules.charter.calendar import FiscalCalendar, add_months
from oversight.rules.charter.engine import evaluate
from oversight.rules.charter.format import load
from oversight.rules.core import Fact

CHARTER = load(
    Path(__file__).resolve().parent.parent
    / "oversight/charters/library/one-stop-systems.toml"
)
CALENDARS = (
    FiscalCalendar(12, 31),
    FiscalCalendar(6, 30),
    FiscalCalendar(2, 28),
    FiscalCalendar(9, 30),
)
FIRST_YEAR = 2016
QUARTER_KINDS = (
    (
        "fs.annual_reviewed",
        "auditor.required_reports_received",
        "session.auditor",
        "session.management",
    ),
    (
        "auditor.appointed",
        "auditor.compensation_approved",
        "auditor.evaluated",
        "auditor.ratified",
        "audit.plan_reviewed",
        "session.internal_audit",
        "findings.reviewed",
        "findings.remediation_followed_up",
        "auditor.service_approved",
    ),
    (
        "auditor.qc_report_reviewed",
        "auditor.independence_discussed",
        "findings.remediation_followed_up",
        "advisors.funding_confirmed",
        "auditor.policy_adopted",
    ),
    ("evaluation.self_completed", "charter.reviewed", "session.auditor"),
)
STATES = (
    "composition.size",
    "composition.independence",
    "composition.literacy",
    "composition.expertise",
    "complaints.procedures_published",
)


def history(company: int, calendar: FiscalCalendar, years: int) -> list[Fact]:
    rng = random.Random(company)
    facts: list[Fact] = []

    def add(kind: str, on: date, **attrs: object) -> None:
        recorded = datetime(on.year, on.month, on.day, 17, tzinfo=UTC) + timedelta(
            days=rng.randint(0, 20)
        )
        facts.append(
            Fact(kind, f"c{company}:{len(facts)}", on, recorded, kind, attrs=attrs)
        )  # type: ignore[arg-type]

    start = calendar.year_start(FIRST_YEAR)
    for kind in STATES:
        add(kind, start, ok=True)
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        begin = calendar.year_start(year)
        for quarter, kinds in enumerate(QUARTER_KINDS):
            if rng.random() < 0.03:  # a meeting that did not happen
                continue
            day = add_months(begin, 3 * quarter + 1) + timedelta(
                days=rng.randint(0, 40)
            )
            add("meeting.held", day, regular=True)
            add("board.report_delivered", day + timedelta(days=rng.randint(3, 60)))
            for kind in kinds:
                if rng.random() > 0.02:
                    add(kind, day)
        if rng.random() < 0.1:
            add("auditor.service_unapproved", add_months(begin, 6))
        if rng.random() < 0.1:
            add(
                "complaints.case_acknowledged",
                add_months(begin, 5),
                late=rng.random() < 0.5,
            )
    return facts


def baseline(facts: list[Fact]) -> None:
    digest = hashlib.sha256()
    for fact in facts:
        digest.update(
            f"{fact.kind}{fact.ref}{fact.occurred_on}{fact.recorded_at}".encode()
        )


def run(companies: int, years: int) -> tuple[float, float, int]:
    """Evaluate every closed year of every company; (engine s, baseline s, evaluations)."""
    data = [
        (history(c, CALENDARS[c % 4], years), CALENDARS[c % 4])
        for c in range(companies)
    ]
    started = time.perf_counter()
    for facts, _calendar in data:
        for _year in range(years):
            baseline(facts)
    base = time.perf_counter() - started
    started = time.perf_counter()
    count = 0
    for facts, calendar in data:
        for year in range(FIRST_YEAR, FIRST_YEAR + years):
            evaluate(
                CHARTER,
                facts,
                as_of=calendar.year_end(year) + timedelta(days=1),
                calendar=calendar,
                fiscal_year=year,
            )
            count += 1
    return time.perf_counter() - started, base, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()

    one = history(1, CALENDARS[0], 1)
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        evaluate(CHARTER, one, as_of=date(FIRST_YEAR, 12, 31), calendar=CALENDARS[0])
        timings.append(time.perf_counter() - started)
    base_one = []
    for _ in range(50):
        started = time.perf_counter()
        baseline(one)
        base_one.append(time.perf_counter() - started)
    single, single_base = statistics.median(timings), statistics.median(base_one)
    print(
        f"one company-year: {single * 1000:.2f} ms ({len(one)} facts, {len(CHARTER.obligations)} obligations); "
        f"{single / single_base:.0f}x the baseline; target < 50 ms: {'ok' if single < 0.05 else 'MISSED'}"
    )

    run(max(1, args.companies // 20), args.years)  # warm up caches and the allocator
    rows = []
    for share in (4, 2, 1):
        n = max(1, args.companies // share)
        seconds, base, count = run(n, args.years)
        rows.append((n, seconds, base, count))
        print(
            f"{n:>5} companies x {args.years} years: {count} evaluations in {seconds:.2f} s "
            f"({seconds / count * 1000:.2f} ms each; {seconds / base:.0f}x the baseline)"
        )
    (n_small, t_small, _b, _c), (n_big, t_big, _b2, _c2) = rows[0], rows[-1]
    growth = (t_big / t_small) / (n_big / n_small)
    print(
        f"growth: {n_big / n_small:.1f}x the data took {t_big / t_small:.2f}x the time "
        f"(1.00 = linear; measured {growth:.2f})"
    )
    print(
        f"target 1,000 x 10 < 60 s: {'ok' if t_big < 60 else 'MISSED'} ({t_big:.1f} s)"
    )


if __name__ == "__main__":
    main()
