"""The demo company's year of meetings: held meetings with their records, and the next ones."""

from __future__ import annotations

import io
import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen.canvas import Canvas

from oversight.accounts.models import Company
from oversight.meetings import queries, services
from oversight.meetings.filings import standard_filings
from oversight.meetings.models import AgendaItem, Attendance, Meeting, Minutes
from oversight.rules.meetings.annual import (
    Counterpart,
    FiscalCalendar,
    ItemType,
    ProposedMeeting,
    propose_calendar,
)


def _paper(title: str, pages: int = 3) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(1, pages + 1):
        canvas.drawString(72, 760, f"{title} (demo material, page {number} of {pages})")
        canvas.drawString(
            72, 740, "One Stop Systems, Inc. is a fictional company in this demo."
        )
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _proposals(company: Company, today: date) -> list[ProposedMeeting]:
    fiscal = FiscalCalendar(company.fiscal_year_end_month, company.fiscal_year_end_day)
    year = fiscal.fiscal_year_of(today)
    found: list[ProposedMeeting] = []
    for fy in (year - 1, year, year + 1):
        found += propose_calendar(fiscal, fy, standard_filings(fiscal, fy)).meetings
    return [
        m
        for m in found
        if today - timedelta(days=365) <= m.on <= today + timedelta(days=120)
    ]


def populate(company: Company, personas: dict[str, Any], *, today: date) -> None:
    """Adds the meetings once: nothing is added when the company already has meetings."""
    if Meeting.objects.filter(company=company).exists():
        return
    fay, ada = personas["fay"], personas["ada"]
    zone = zoneinfo.ZoneInfo(company.time_zone)
    previous: Minutes | None = None
    for proposal in _proposals(company, today):
        start = datetime.combine(proposal.on, time(9), tzinfo=zone)
        meeting = services.schedule_meeting(
            company, actor=fay, title=f"Regular meeting, {proposal.on:%B %Y}",
            starts_at=start, ends_at=start + timedelta(hours=3), time_zone=company.time_zone,
            place="Board room, 2055 Executive Drive", video_url="https://video.example/oss-audit-committee",
        )  # fmt: skip
        for item in proposal.items:
            added = services.add_agenda_item(
                meeting, actor=fay, title=item.title, item_type=item.item_type,
                presenter=_presenter(item.item_type, item.counterpart), minutes=15,
                obligation_ids=", ".join(item.obligation_ids),
                visibility=AgendaItem.Visibility.MEMBERS if item.counterpart == Counterpart.MEMBERS_ONLY else AgendaItem.Visibility.ATTENDEES,
            )  # fmt: skip
            if item.item_type == ItemType.FINANCIAL_STATEMENTS:
                services.upload_material(
                    added, actor=personas["cleo"],
                    upload=SimpleUploadedFile(f"{item.title}.pdf", _paper(item.title), content_type="application/pdf"),
                )  # fmt: skip
        if proposal.on > today:
            continue
        _hold(meeting, proposal, personas, previous)
        previous = services.draft_minutes(meeting, actor=fay)
        services.circulate_minutes(previous, actor=fay, notify=False)
        report = services.draft_board_report(meeting, actor=ada)
        if proposal.on + timedelta(days=7) <= today:
            services.deliver_board_report(
                report, actor=ada, delivered_on=proposal.on + timedelta(days=7)
            )


def _presenter(item_type: str, counterpart: str | None) -> str:
    if counterpart:
        return "Committee chair"
    return {
        ItemType.FINANCIAL_STATEMENTS: "Cleo Finance, CFO",
        ItemType.AUDITOR_COMMUNICATIONS: "Dev Auditwright, engagement partner",
        ItemType.FINDINGS_FOLLOW_UP: "Gus Internal, head of internal audit",
        ItemType.COMPLAINTS_REPORT: "Fay Secretary",
        ItemType.PREAPPROVALS_REPORT: "Ada Chairwell, chair",
    }.get(ItemType(item_type), "Ada Chairwell, chair")


def _hold(
    meeting: Meeting,
    proposal: ProposedMeeting,
    personas: dict[str, Any],
    previous: Minutes | None,
) -> None:
    fay, ada, ben = personas["fay"], personas["ada"], personas["ben"]
    for who, status in (
        ("ada", "in_person"),
        ("ben", "remote"),
        ("cleo", "in_person"),
        ("dev", "remote"),
        ("gus", "in_person"),
    ):
        services.record_attendance(
            meeting, actor=fay, user=personas[who], status=status
        )
    services.record_attendance(
        meeting,
        actor=fay,
        guest_name="Outside counsel",
        guest_affiliation="Guest",
        status=Attendance.Status.IN_PERSON,
    )
    if previous is not None:
        motion = services.put_motion(
            meeting, actor=fay, text=f"Approve the minutes of the meeting of {previous.meeting.day:%d %B %Y}.",
            moved_by=ada, seconded_by=ben, approves_minutes=previous,
        )  # fmt: skip
        _vote_and_close(motion, fay, ada, ben)
    counterparts = {
        Counterpart.MANAGEMENT: [personas["cleo"]],
        Counterpart.INTERNAL_AUDIT: [personas["gus"]],
        Counterpart.AUDITOR: [personas["dev"]],
        Counterpart.MEMBERS_ONLY: [],
    }
    for item in proposal.items:
        if item.counterpart:
            services.record_session(
                meeting, actor=fay, counterpart=item.counterpart,
                attendees=[ada, ben, *counterparts[Counterpart(item.counterpart)]],
                private_notes="No concerns raised.",
            )  # fmt: skip
    if any(f.kind == "10-K" for f in proposal.filings):
        motion = services.put_motion(
            meeting, actor=fay, moved_by=ada, seconded_by=ben,
            text="Recommend to the board that the audited financial statements be included in the annual report on Form 10-K.",
        )  # fmt: skip
        _vote_and_close(motion, fay, ada, ben)
    for carried in queries.carried_action_items(meeting):
        services.close_action_item(carried, actor=fay)
    services.add_action_item(
        meeting,
        actor=fay,
        title="Report back on the remediation of open findings",
        owner=personas["gus"],
        due_on=meeting.day + timedelta(days=45),
    )
    services.mark_held(meeting, actor=fay)


def _vote_and_close(motion: Any, fay: Any, ada: Any, ben: Any) -> None:
    for member in (ada, ben):
        services.record_vote(motion, actor=fay, member=member, choice="for")
    services.close_vote(motion, actor=fay)
