"""Benchmark: the auditor rules over a large company's year, against plain baselines.

Run: .venv/bin/python bench/bench_auditors.py (or make bench) [--fees 20000] [--repeat 3]

Baselines, measured in the same run on the same data: for the fee table and the
reconciliation, one pass that only sums the fees by category and year (what any
spreadsheet does); for the screen, only the keyword search of the descriptions. The ratios
say what the rules' checks and reasons cost on top.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oversight.rules.auditor.common import Category
from oversight.rules.auditor.fees import FeeRecord, fee_table
from oversight.rules.auditor.preapproval import Approval, ApprovalKind, reconcile
from oversight.rules.auditor.services import (
    Policy,
    PolicyItem,
    ScreenContext,
    ServiceRequest,
    keyword_screen,
    screen_service,
)

WORDS = [
    "audit",
    "of",
    "the",
    "plan",
    "review",
    "of",
    "returns",
    "agreed",
    "upon",
    "procedures",
    "comfort",
    "letter",
    "valuation",
]


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fees", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    categories = list(Category)
    approvals = [
        Approval(
            f"a{i}",
            ApprovalKind.COMMITTEE,
            date(2026, 1, 1),
            categories[i % 4],
            Decimal(10_000_000),
        )
        for i in range(max(args.fees // 20, 1))
    ]
    fees = [
        FeeRecord(
            f"f{i}",
            rng.choice([2025, 2026]),
            approvals[i % len(approvals)].category,
            Decimal(rng.randint(1, 10_000_000)) / 100,
            approval_ref=approvals[i % len(approvals)].ref,
            rendered_on=date(2026, 1, 1) + timedelta(days=rng.randint(0, 300)),
        )
        for i in range(args.fees)
    ]

    def baseline_sum() -> object:
        totals: dict[tuple[int, Category], Decimal] = {}
        for f in fees:
            key = (f.fiscal_year, f.category)
            totals[key] = totals.get(key, Decimal(0)) + f.amount
        return totals

    base = best(baseline_sum, args.repeat)
    table = best(
        lambda: fee_table(fees, latest_year=2026, policy_statement=""), args.repeat
    )
    recon = best(lambda: reconcile(fees, approvals), args.repeat)
    print(f"{args.fees} fees, {len(approvals)} approvals")
    print(f"  baseline sum by category and year: {base * 1000:8.1f} ms")
    print(
        f"  fee table (Item 9(e)):             {table * 1000:8.1f} ms  x{table / base:5.1f}"
    )
    print(
        f"  reconciliation (alerts):           {recon * 1000:8.1f} ms  x{recon / base:5.1f}"
    )

    item = PolicyItem(
        "AR-1",
        "Audit of the employee 401(k) plan",
        Category.AUDIT_RELATED,
        Decimal(40000),
        date(2026, 1, 1),
    )
    policy = Policy(1, date(2026, 1, 1), items=(item,), delegates=("ada",))
    requests = [
        ServiceRequest(
            f"r{i}",
            " ".join(rng.choice(WORDS) for _ in range(12)),
            Category.AUDIT_RELATED,
            Decimal(rng.randint(1, 50000)),
            date(2026, 3, 1),
            date(2026, 3, 15),
            policy_item="AR-1",
        )
        for i in range(args.fees // 10)
    ]
    context = ScreenContext(next_meeting_on=date(2026, 5, 12))
    base = best(lambda: [keyword_screen(r.description) for r in requests], args.repeat)
    full = best(
        lambda: [screen_service(r, policy, context) for r in requests], args.repeat
    )
    print(f"{len(requests)} service requests")
    print(f"  baseline keyword search:           {base * 1000:8.1f} ms")
    print(
        f"  full screen with reasons:          {full * 1000:8.1f} ms  x{full / base:5.1f}"
    )


if __name__ == "__main__":
    main()
