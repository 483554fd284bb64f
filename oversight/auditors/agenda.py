"""The next meeting's agenda, through the meetings register when it is installed.

Approvals under the policy and by delegated members must be reported at the next scheduled
meeting (AC-PRE-01, AC-PRE-02). When the meetings app has meetings, the report becomes an
agenda item of the next planned meeting by itself, through the meetings app's own service
(``add_agenda_item``); the committee's meeting dates then also come from there. Without it,
the register's own "For the next meeting" list is the agenda.

The pre-approval policy is adopted by a committee vote: a carried motion of the meetings
register when there is one (``carried_motions``), else a vote recorded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import import_module
from types import ModuleType
from typing import Any

from django.core.exceptions import ValidationError

from oversight.accounts.models import Company, User


def _meetings() -> tuple[ModuleType, Any] | None:
    try:
        services = import_module("oversight.meetings.services")
        models = import_module("oversight.meetings.models")
    except ImportError:
        return None
    meeting = getattr(models, "Meeting", None)
    if meeting is None or not hasattr(services, "add_agenda_item"):
        return None
    return services, meeting


def meeting_dates(company: Company) -> tuple[date, ...]:
    """Days of the committee's planned or held meetings in the meetings register."""
    found = _meetings()
    if found is None:
        return ()
    _, meeting = found
    rows = meeting.objects.filter(company=company).exclude(status="cancelled")
    return tuple(sorted({m.starts_at.date() for m in rows}))


def next_meeting(company: Company, after: date) -> Any | None:
    """The meeting after ``after`` whose agenda takes the report, if it is still planned.

    The report belongs to the first meeting after the approval; once that meeting has been
    held, its agenda is history and the report is only listed (and flagged as late).
    """
    found = _meetings()
    if found is None:
        return None
    _, meeting = found
    first = (
        meeting.objects.filter(company=company, starts_at__date__gt=after)
        .exclude(status="cancelled")
        .order_by("starts_at")
        .first()
    )
    return first if first is not None and first.status == "planned" else None


def propose_report(company: Company, *, actor: User, after: date, title: str) -> str:
    """Put a report of an approval on the next meeting's agenda; say where it went."""
    found = _meetings()
    meeting = next_meeting(company, after)
    if found is None or meeting is None:
        return "listed for the next meeting"
    services, _ = found
    try:
        services.add_agenda_item(
            meeting,
            actor=actor,
            title=title[:200],
            item_type="preapprovals_report",
            obligation_ids="AC-PRE-02",
        )
    except (ValidationError, TypeError):
        return "listed for the next meeting"
    return f"on the agenda of {meeting}"


@dataclass(frozen=True)
class CarriedMotion:
    """A motion the committee carried in the meetings register, with its vote."""

    pk: int
    label: str
    day: date
    meeting: str
    votes_for: int
    votes_against: int
    abstentions: int


def carried_motions(company: Company) -> list[CarriedMotion]:
    """Carried motions of the committee, newest first (empty without the meetings app)."""
    try:
        models = import_module("oversight.meetings.models")
    except ImportError:
        return []
    motion_model = getattr(models, "Motion", None)
    if motion_model is None:
        return []
    rows = (
        motion_model.objects.filter(meeting__company=company, outcome="carried")
        .select_related("meeting")
        .prefetch_related("votes")
        .order_by("-meeting__starts_at", "-pk")
    )
    out = []
    for row in rows:
        choices = [v.choice for v in row.votes.all()]
        number = f" ({row.resolution_number})" if row.resolution_number else ""
        out.append(
            CarriedMotion(
                pk=row.pk,
                label=f"{row.meeting.title}{number}: {row.text[:80]}",
                day=row.meeting.starts_at.date(),
                meeting=f"{row.meeting.title}{number}",
                votes_for=choices.count("for"),
                votes_against=choices.count("against"),
                abstentions=choices.count("abstain"),
            )
        )
    return out
