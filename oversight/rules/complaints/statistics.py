"""Complaint statistics with small-cell suppression.

A count under the threshold (3 by default, zero included) is never shown: a board
member who sees "1 complaint about auditing this quarter" may know who filed it,
and a director excluded from a case could learn that it exists. Suppressing a cell
is not enough when its row and column totals are shown, so complementary cells are
suppressed too until no hidden value can be worked out from what is shown: each
line with a hidden entry hides at least two, the hidden cells of a line add up to
at least the threshold, and no hidden cell is pinned by the table's equations
together with the fact that counts are never negative.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

TOTAL = "total"

Entry = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    """A two-way table of counts, totals included; ``None`` marks a suppressed value."""

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    values: Mapping[Entry, int | None]  # (row, col), with TOTAL as row or col

    def cell(self, row: str, col: str) -> int | None:
        return self.values[(row, col)]

    @property
    def total(self) -> int | None:
        return self.values[(TOTAL, TOTAL)]

    def suppressed(self) -> frozenset[Entry]:
        return frozenset(e for e, v in self.values.items() if v is None)


def quarter_of(day: date) -> str:
    """``2026-Q1`` for a date in January to March 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


AGE_BUCKETS = ((30, "under 30 days"), (90, "30-89 days"), (365, "90-364 days"))
OLDEST_BUCKET = "a year or more"


def age_bucket(received_on: date, as_of: date) -> str:
    """Coarse age of a case, so no bucket pins a case to a day."""
    days = (as_of - received_on).days
    for limit, label in AGE_BUCKETS:
        if days < limit:
            return label
    return OLDEST_BUCKET


def suppressed_median(values: Sequence[int], threshold: int = 3) -> float | None:
    """The median of ``values``, or ``None`` when fewer than ``threshold`` contribute."""
    if len(values) < threshold:
        return None
    return float(median(values))


def _equations(rows: Sequence[str], cols: Sequence[str]) -> list[list[Entry]]:
    """Each line of the table: its cells, then its total last."""
    all_rows, all_cols = [*rows, TOTAL], [*cols, TOTAL]
    lines = [[(r, c) for c in cols] + [(r, TOTAL)] for r in all_rows]
    lines += [[(r, c) for r in rows] + [(TOTAL, c)] for c in all_cols]
    return lines


def _can_move(
    target: Entry, sign: int, hidden: set[Entry], value: Mapping[Entry, int]
) -> bool:
    """Can the hidden ``target`` change by ``sign`` with everything shown kept?

    Write the table with its totals negated: every row and column then sums to
    zero, and another table consistent with what is shown differs from the true
    one by a circulation on hidden entries, which splits into alternating cycles
    whose decreased cells stay non-negative (conformal decomposition). So a hidden
    cell is pinned exactly when no such cycle passes through it; this searches for
    one breadth-first. Totals follow their cells, so only cells must stay >= 0.
    """

    def allowed(entry: Entry, step: int) -> bool:
        return step > 0 or TOTAL in entry or value[entry] >= 1

    if not allowed(target, sign):
        return False
    row0, col0 = target
    by_col: dict[str, list[Entry]] = {}
    by_row: dict[str, list[Entry]] = {}
    for entry in hidden:
        if entry != target:
            by_row.setdefault(entry[0], []).append(entry)
            by_col.setdefault(entry[1], []).append(entry)
    seen_rows: set[str] = set()
    seen_cols = {col0}
    frontier = [col0]
    while frontier:
        next_cols: list[str] = []
        for col in frontier:
            for entry in by_col.get(col, []):
                row = entry[0]
                if row in seen_rows or not allowed(entry, -sign):
                    continue
                if row == row0:
                    return True
                seen_rows.add(row)
                for onward in by_row.get(row, []):
                    if onward[1] not in seen_cols and allowed(onward, sign):
                        seen_cols.add(onward[1])
                        next_cols.append(onward[1])
        frontier = next_cols
    return False


def _pinned(hidden: set[Entry], value: Mapping[Entry, int]) -> list[Entry]:
    """Hidden cells whose value follows from what is shown."""
    return [
        entry
        for entry in sorted(hidden)
        if TOTAL not in entry
        and not _can_move(entry, 1, hidden, value)
        and not _can_move(entry, -1, hidden, value)
    ]


def suppress(
    counts: Mapping[Entry, int],
    rows: Iterable[str],
    cols: Iterable[str],
    *,
    threshold: int = 3,
) -> Table:
    """The table of ``counts`` with totals, small cells and their complements hidden."""
    rows_t, cols_t = tuple(rows), tuple(cols)
    value: dict[Entry, int] = {}
    for r in rows_t:
        for c in cols_t:
            n = counts.get((r, c), 0)
            if n < 0:
                raise ValueError("counts cannot be negative")
            value[(r, c)] = n
    for r in rows_t:
        value[(r, TOTAL)] = sum(value[(r, c)] for c in cols_t)
    for c in (*cols_t, TOTAL):
        value[(TOTAL, c)] = sum(value[(r, c)] for r in rows_t)
    hidden = {entry for entry, n in value.items() if n < threshold}
    lines = _equations(rows_t, cols_t)

    def hide_one_more(line: list[Entry]) -> bool:
        shown = [e for e in line[:-1] if e not in hidden]
        pick = min(shown, key=lambda e: (value[e], line.index(e))) if shown else None
        if pick is None and line[-1] not in hidden:
            pick = line[-1]
        if pick is None:
            return False
        hidden.add(pick)
        return True

    changed = True
    while changed:
        changed = False
        for line in lines:
            secret = [e for e in line if e in hidden]
            if not secret:
                continue
            hidden_cells_sum = sum(value[e] for e in line[:-1] if e in hidden)
            total_hidden = line[-1] in hidden
            if (
                len(secret) == 1 or (not total_hidden and hidden_cells_sum < threshold)
            ) and hide_one_more(line):
                changed = True
        if not changed:
            changed = any(
                hide_one_more(line)
                for entry in _pinned(hidden, value)
                for line in lines
                if entry in line
            )
    return Table(
        rows=rows_t,
        cols=cols_t,
        values={e: (None if e in hidden else n) for e, n in value.items()},
    )
