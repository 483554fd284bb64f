"""Retention of closed complaints: how long, legal hold, warning, expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from oversight.rules.complaints.policy import ComplaintPolicy


class Retention(StrEnum):
    OPEN = "open"  # not closed: kept, no clock running
    KEPT = "kept"  # closed, within the period
    WARNING = "warning"  # closed, expiry within the warning window
    HELD = "held"  # legal hold: kept whatever the date
    EXPIRED = "expired"  # past the period and not held: destroy now


@dataclass(frozen=True, slots=True)
class RetentionVerdict:
    state: Retention
    keep_until: date | None
    message: str


def keep_until(closed_on: date, policy: ComplaintPolicy) -> date:
    """The last day a closed case is kept: the closing date plus the period.

    A case closed on 29 February is kept until 28 February of the final year.
    """
    year = closed_on.year + policy.retention_years
    try:
        return closed_on.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def retention(
    closed_on: date | None, legal_hold: bool, as_of: date, policy: ComplaintPolicy
) -> RetentionVerdict:
    """Where a case stands for retention as of a date, with the reason in words.

    SOX 301 requires procedures for the *retention* of complaints but fixes no
    period; the period comes from the company's procedure (default 7 years after
    closure). A legal hold blocks expiry for as long as it lasts.
    """
    if closed_on is None:
        return RetentionVerdict(
            Retention.OPEN, None, "The case is open; retention starts at closure."
        )
    until = keep_until(closed_on, policy)
    if legal_hold:
        return RetentionVerdict(
            Retention.HELD,
            until,
            f"A legal hold keeps the case past its retention date ({until}).",
        )
    if as_of > until:
        return RetentionVerdict(
            Retention.EXPIRED,
            until,
            f"Kept until {until}; the retention period is over.",
        )
    if as_of >= until - timedelta(days=policy.retention_warning_days):
        return RetentionVerdict(
            Retention.WARNING, until, f"Kept until {until}; expiry is near."
        )
    return RetentionVerdict(Retention.KEPT, until, f"Kept until {until}.")
