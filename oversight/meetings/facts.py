"""The meetings register's facts for the charter engine (AC-MTG-01, -02, -03, -06).

Meetings held with a quorum, executive sessions per counterpart, reports delivered to
the board and approved minutes, each as of ``as_of``: a fact counts once its date has
come and it has been recorded.
"""

from __future__ import annotations

from datetime import date

from oversight.accounts.models import Company
from oversight.meetings.models import BoardReport, ExecutiveSession, Meeting, Minutes
from oversight.rules.core import Fact


def collect_facts(company: Company, *, as_of: date) -> list[Fact]:
    facts: list[Fact] = []
    held = Meeting.objects.filter(
        company=company, status=Meeting.Status.HELD, quorum_present=True
    )
    for meeting in held:
        if meeting.day > as_of or meeting.held_recorded_at is None:
            continue
        facts.append(
            Fact(
                kind="meeting.held",
                ref=f"meetings.meeting:{meeting.pk}",
                occurred_on=meeting.day,
                recorded_at=meeting.held_recorded_at,
                summary=f"{meeting.title}: {meeting.quorum_message}",
                attrs={"kind": meeting.kind},
            )
        )
    sessions = ExecutiveSession.objects.filter(
        meeting__company=company, meeting__status=Meeting.Status.HELD
    ).select_related("meeting")
    for session in sessions:
        if session.meeting.day > as_of:
            continue
        facts.append(
            Fact(
                kind=f"session.{session.counterpart}",
                ref=f"meetings.executivesession:{session.pk}",
                occurred_on=session.meeting.day,
                recorded_at=session.recorded_at,
                summary=f"Executive session ({session.get_counterpart_display()}) at {session.meeting.title}",
                attrs={"meeting": session.meeting_id},
            )
        )
    reports = BoardReport.objects.filter(
        meeting__company=company,
        status=BoardReport.Status.DELIVERED,
        delivered_on__lte=as_of,
    ).select_related("meeting")
    for report in reports:
        if report.delivered_on is None or report.delivered_recorded_at is None:
            continue
        facts.append(
            Fact(
                kind="board.report_delivered",
                ref=f"meetings.boardreport:{report.pk}",
                occurred_on=report.delivered_on,
                recorded_at=report.delivered_recorded_at,
                summary=f"Report on {report.meeting.title} delivered to the board",
                attrs={"meeting": f"meetings.meeting:{report.meeting_id}"},
            )
        )
    approved = Minutes.objects.filter(
        meeting__company=company, status=Minutes.Status.APPROVED
    ).select_related("meeting", "approved_at_meeting")
    for minutes in approved:
        approver = minutes.approved_at_meeting
        if approver is None or minutes.approved_at is None or approver.day > as_of:
            continue
        facts.append(
            Fact(
                kind="minutes.approved",
                ref=f"meetings.minutes:{minutes.pk}",
                occurred_on=approver.day,
                recorded_at=minutes.approved_at,
                summary=f"Minutes of {minutes.meeting.title} approved",
                attrs={"meeting": minutes.meeting_id, "sha256": minutes.content_hash},
            )
        )
    return sorted(facts, key=lambda f: (f.occurred_on, f.kind, f.ref))
