"""The complaint procedure's numbers, with their defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ComplaintPolicy:
    """Deadlines and retention a company's complaint procedure sets.

    SOX 301 and Rule 10A-3(b)(3) fix none of these numbers. The defaults follow the
    EU Whistleblowing Directive (acknowledge within 7 days, feedback within 3
    months, art. 9(1)(b) and (f)) and the common seven-year retention practice
    aligned with audit-record rules; each company confirms them with counsel.
    """

    acknowledge_days: int = 7
    feedback_months: int = 3
    retention_years: int = 7
    retention_warning_days: int = 90
    reminder_days: int = 2  # remind this many days before a deadline
    suppress_below: int = 3  # statistics: cells under this are not shown

    def __post_init__(self) -> None:
        for name in (
            "acknowledge_days",
            "feedback_months",
            "retention_years",
            "suppress_below",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.retention_warning_days < 0 or self.reminder_days < 0:
            raise ValueError("warning and reminder days cannot be negative")
