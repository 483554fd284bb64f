"""Acknowledgement and feedback deadlines for a complaint, and their reminders."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from oversight.rules.complaints.policy import ComplaintPolicy
from oversight.rules.core import Status


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; the 31st becomes the month's last day if shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def acknowledgement_due(received_on: date, policy: ComplaintPolicy) -> date:
    """The last day to acknowledge receipt (EU Directive art. 9(1)(b): 7 days)."""
    return received_on + timedelta(days=policy.acknowledge_days)


def feedback_due(received_on: date, policy: ComplaintPolicy) -> date:
    """The last day to give the reporter feedback (art. 9(1)(f): 3 months)."""
    return add_months(received_on, policy.feedback_months)


def deadline_status(
    due_on: date, done_on: date | None, as_of: date, *, warn_days: int
) -> Status:
    """Where one deadline stands as of a date.

    Done by the due date: met. Done after it, or not done and the due date has
    passed: missed. Not done and due within ``warn_days``: due soon.
    """
    if done_on is not None and done_on <= as_of:
        return Status.MET if done_on <= due_on else Status.MISSED
    if as_of > due_on:
        return Status.MISSED
    if (due_on - as_of).days <= warn_days:
        return Status.DUE_SOON
    return Status.NOT_YET_DUE


def reminder_due(
    due_on: date, done_on: date | None, as_of: date, policy: ComplaintPolicy
) -> bool:
    """True from ``reminder_days`` before the deadline until the step is done.

    Overdue steps keep reminding: a missed deadline is still a step to take.
    """
    if done_on is not None and done_on <= as_of:
        return False
    return as_of >= due_on - timedelta(days=policy.reminder_days)
