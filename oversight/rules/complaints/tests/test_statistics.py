# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""Small-cell suppression: nothing under 3 is shown, or can be worked out."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.rules.complaints.statistics import (
    OLDEST_BUCKET,
    TOTAL,
    age_bucket,
    quarter_of,
    suppress,
    suppressed_median,
)


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 1, 1), "2026-Q1"),
        (date(2026, 3, 31), "2026-Q1"),
        (date(2026, 4, 1), "2026-Q2"),
        (date(2026, 12, 31), "2026-Q4"),
    ],
)
def test_quarters(day, quarter):
    assert quarter_of(day) == quarter


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "under 30 days"),
        (29, "under 30 days"),
        (30, "30-89 days"),
        (364, "90-364 days"),
        (365, OLDEST_BUCKET),
    ],
)
def test_age_buckets(days, bucket):
    from datetime import timedelta

    assert (
        age_bucket(date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=days)) == bucket
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([4, 9], None), ([4, 9, 1], 4.0), ([1, 2, 3, 4], 2.5)],
)
def test_medians_of_fewer_than_three_cases_are_hidden(values, expected):
    assert suppressed_median(values) == expected


def test_a_one_way_table_hides_small_cells_and_a_complement():
    counts = {("all", "accounting"): 7, ("all", "auditing"): 1, ("all", "other"): 5}
    table = suppress(counts, ["all"], ["accounting", "auditing", "other"])
    assert table.cell("all", "auditing") is None
    # the total is shown, so one more cell must go, or 13 - 7 - 5 gives it away
    assert table.cell("all", "other") is None
    assert table.cell("all", "accounting") == 7
    assert table.total == 13


def test_zero_is_hidden_too():
    """Showing 0 while hiding 1-2 would say that a hidden cell is not empty."""
    table = suppress({("a", "x"): 0, ("a", "y"): 9}, ["a"], ["x", "y"])
    assert table.cell("a", "x") is None


def test_a_large_table_shows_everything():
    counts = {(r, c): 3 + i for i, (r, c) in enumerate(itertools.product("ab", "xyz"))}
    table = suppress(counts, ["a", "b"], ["x", "y", "z"])
    assert table.suppressed() == frozenset()
    assert table.total == sum(counts.values())
    assert table.cell("a", TOTAL) == 3 + 4 + 5


def test_small_totals_are_hidden():
    table = suppress({("a", "x"): 1, ("a", "y"): 1}, ["a"], ["x", "y"])
    assert table.total is None
    assert table.cell("a", TOTAL) is None


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        suppress({("a", "x"): -1}, ["a"], ["x"])


def _solutions(table, bound):
    """Every non-negative integer table consistent with what ``table`` shows."""
    hidden = sorted(e for e in table.suppressed() if TOTAL not in e)
    for guess in itertools.product(range(bound + 1), repeat=len(hidden)):
        cells = dict(zip(hidden, guess, strict=True))
        value = {e: v for e, v in table.values.items() if v is not None}
        value.update(cells)
        full = {}
        for r in table.rows:
            for c in table.cols:
                full[(r, c)] = value[(r, c)]
        ok = True
        for r in table.rows:
            row_total = sum(full[(r, c)] for c in table.cols)
            shown = table.values[(r, TOTAL)]
            ok &= shown is None or shown == row_total
        for c in table.cols:
            col_total = sum(full[(r, c)] for r in table.rows)
            shown = table.values[(TOTAL, c)]
            ok &= shown is None or shown == col_total
        grand = sum(full.values())
        ok &= table.total is None or table.total == grand
        if ok:
            yield cells


tables = st.integers(1, 3).flatmap(
    lambda n_rows: st.integers(1, 3).flatmap(
        lambda n_cols: st.lists(
            st.integers(0, 6), min_size=n_rows * n_cols, max_size=n_rows * n_cols
        ).map(lambda values: (n_rows, n_cols, values))
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_hidden_cell_can_be_worked_out_from_what_is_shown(shape):
    n_rows, n_cols, values = shape
    rows = [f"r{i}" for i in range(n_rows)]
    cols = [f"c{j}" for j in range(n_cols)]
    counts = dict(zip(itertools.product(rows, cols), values, strict=True))
    table = suppress(counts, rows, cols)
    for entry, shown in table.values.items():
        if shown is not None:
            assert shown >= 3  # nothing under the threshold is ever shown
            if TOTAL not in entry:
                assert shown == counts[entry]
    hidden = [e for e in table.suppressed() if TOTAL not in e]
    bound = (
        max(values) + 2
    )  # an observer knows no upper limit; 2 past the largest suffices
    if not hidden or (bound + 1) ** len(hidden) > 20_000:
        return
    seen: dict[tuple[str, str], set[int]] = {e: set() for e in hidden}
    for solution in _solutions(table, bound=bound):
        for e, v in solution.items():
            seen[e].add(v)
    for e in hidden:
        assert len(seen[e]) >= 2, (values, n_rows, n_cols, e, seen[e])


def test_a_cell_pinned_only_by_non_negative_counts_is_protected():
    """r1/c2 = 0 followed from the totals and 'counts are never negative'."""
    rows, cols = ["r0", "r1"], ["c0", "c1", "c2"]
    counts = dict(zip(itertools.product(rows, cols), [0, 3, 3, 0, 1, 0], strict=True))
    table = suppress(counts, rows, cols)
    seen: dict[tuple[str, str], set[int]] = {
        e: set() for e in table.suppressed() if TOTAL not in e
    }
    for solution in _solutions(table, bound=5):
        for e, v in solution.items():
            seen[e].add(v)
    assert all(len(values) >= 2 for values in seen.values())


def test_a_line_whose_cells_are_all_hidden_hides_its_total():
    table = suppress({("a", "x"): 1, ("b", "x"): 5}, ["a", "b"], ["x"])
    assert table.cell("b", "x") is None  # else 6 - 5 gives a/x
    assert table.cell("b", TOTAL) is None  # else it equals b/x
    assert table.suppressed() >= {("a", "x"), ("b", "x"), ("b", TOTAL)}
