# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""Deadlines, reminders and retention of complaints, at their exact edges."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.rules.complaints.deadlines import (
    acknowledgement_due,
    add_months,
    deadline_status,
    feedback_due,
    reminder_due,
)
from oversight.rules.complaints.policy import ComplaintPolicy
from oversight.rules.complaints.retention import Retention, keep_until, retention
from oversight.rules.core import Status

POLICY = ComplaintPolicy()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_default_deadlines_are_seven_days_and_three_months():
    assert acknowledgement_due(date(2026, 3, 2), POLICY) == date(2026, 3, 9)
    assert feedback_due(date(2026, 3, 2), POLICY) == date(2026, 6, 2)


def test_deadlines_are_configurable():
    policy = ComplaintPolicy(acknowledge_days=5, feedback_months=1)
    assert acknowledgement_due(date(2026, 3, 2), policy) == date(2026, 3, 7)
    assert feedback_due(date(2026, 1, 31), policy) == date(2026, 2, 28)


DUE = date(2026, 3, 9)


@pytest.mark.parametrize(
    ("done_on", "as_of", "expected"),
    [
        (date(2026, 3, 9), date(2026, 3, 20), Status.MET),  # on the last day
        (date(2026, 3, 10), date(2026, 3, 20), Status.MISSED),  # the day after
        (
            date(2026, 3, 10),
            date(2026, 3, 9),
            Status.DUE_SOON,
        ),  # done later, not yet known
        (None, date(2026, 3, 9), Status.DUE_SOON),  # last day, not done
        (None, date(2026, 3, 10), Status.MISSED),  # day after, not done
        (None, date(2026, 3, 7), Status.DUE_SOON),  # exactly warn_days before
        (None, date(2026, 3, 6), Status.NOT_YET_DUE),  # one more day out
    ],
)
def test_deadline_status(done_on, as_of, expected):
    assert deadline_status(DUE, done_on, as_of, warn_days=2) == expected


@pytest.mark.parametrize(
    ("done_on", "as_of", "expected"),
    [
        (None, date(2026, 3, 6), False),
        (None, date(2026, 3, 7), True),
        (None, date(2026, 3, 30), True),  # overdue keeps reminding
        (date(2026, 3, 8), date(2026, 3, 8), False),
        (date(2026, 3, 8), date(2026, 3, 7), True),
    ],
)
def test_reminders(done_on, as_of, expected):
    assert reminder_due(DUE, done_on, as_of, POLICY) is expected


@pytest.mark.parametrize(
    ("closed_on", "expected"),
    [
        (date(2026, 5, 4), date(2033, 5, 4)),
        (date(2028, 2, 29), date(2035, 2, 28)),
    ],
)
def test_keep_until_is_seven_years_after_closure(closed_on, expected):
    assert keep_until(closed_on, POLICY) == expected


CLOSED = date(2026, 5, 4)  # kept until 2033-05-04, warning from 2033-02-03


@pytest.mark.parametrize(
    ("closed_on", "hold", "as_of", "state"),
    [
        (None, False, date(2040, 1, 1), Retention.OPEN),
        (None, True, date(2040, 1, 1), Retention.OPEN),
        (CLOSED, False, date(2033, 2, 2), Retention.KEPT),
        (CLOSED, False, date(2033, 2, 3), Retention.WARNING),
        (CLOSED, False, date(2033, 5, 4), Retention.WARNING),  # last day kept
        (CLOSED, False, date(2033, 5, 5), Retention.EXPIRED),  # the day after
        (CLOSED, True, date(2033, 5, 5), Retention.HELD),
        (CLOSED, True, date(2026, 6, 1), Retention.HELD),
    ],
)
def test_retention_states(closed_on, hold, as_of, state):
    verdict = retention(closed_on, hold, as_of, POLICY)
    assert verdict.state == state
    assert verdict.message


def test_retention_period_is_configurable():
    policy = ComplaintPolicy(retention_years=10, retention_warning_days=0)
    assert retention(CLOSED, False, date(2036, 5, 4), policy).state == Retention.WARNING
    assert retention(CLOSED, False, date(2036, 5, 3), policy).state == Retention.KEPT
    assert retention(CLOSED, False, date(2036, 5, 5), policy).state == Retention.EXPIRED


@pytest.mark.parametrize(
    "changes",
    [
        {"acknowledge_days": 0},
        {"feedback_months": 0},
        {"retention_years": 0},
        {"suppress_below": 0},
        {"retention_warning_days": -1},
        {"reminder_days": -1},
    ],
)
def test_policy_refuses_nonsense(changes):
    with pytest.raises(ValueError, match=r"must be at least 1|cannot be negative"):
        ComplaintPolicy(**changes)
