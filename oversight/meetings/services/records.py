"""Minutes, action items and reports to the board."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import User
from oversight.ledger.services import record
from oversight.meetings.models import (
    ActionItem,
    AgendaItem,
    BoardReport,
    Meeting,
    Minutes,
    MinutesAmendment,
    Motion,
)
from oversight.meetings.services.common import members_on, refuse, sha256_of
from oversight.meetings.services.delivery import books_stale


def draft_text(meeting: Meeting) -> str:
    """The minutes as the record tells them: attendance, quorum, items, sessions, motions."""
    lines = [
        f"Minutes of the {meeting.get_kind_display().lower()} meeting of the audit committee of {meeting.company.name}",
        f"{meeting.local_start:%A %d %B %Y, %H:%M} to {meeting.local_end:%H:%M} ({meeting.time_zone})",
        f"Place: {meeting.place}" if meeting.place else "Held by video conference",
        "",
        "Attendance",
    ]
    for row in meeting.attendance.select_related("user"):
        times = ""
        if row.arrived_at or row.departed_at:
            times = f" (arrived {row.arrived_at or '-'}, left {row.departed_at or '-'})"
        who = row.name + (f", {row.guest_affiliation}" if row.guest_affiliation else "")
        lines.append(f"- {who}: {row.get_status_display().lower()}{times}")
    lines += [
        "",
        "Quorum",
        meeting.quorum_message or "Not yet determined.",
        "",
        "Items",
    ]
    for item in meeting.items.all():
        lines.append(
            f"{item.position}. {item.title}"
            + (f" (presented by {item.presenter})" if item.presenter else "")
        )
    sessions = list(meeting.sessions.all())
    lines += ["", "Executive sessions"]
    lines += [
        f"- An executive session was held ({s.get_counterpart_display().lower()})."
        for s in sessions
    ] or ["- None."]
    lines += ["", "Motions"]
    for motion in meeting.motions.select_related("moved_by", "seconded_by"):
        lines.append(
            f"- {motion.text} Moved by {motion.moved_by}"
            + (f", seconded by {motion.seconded_by}" if motion.seconded_by else "")
            + "."
        )
        if motion.outcome != Motion.Outcome.OPEN:
            number = (
                f" Resolution {motion.resolution_number}."
                if motion.resolution_number
                else ""
            )
            lines.append(f"  {motion.get_outcome_display()}: {motion.reason}{number}")
    actions = list(meeting.action_items.select_related("owner"))
    lines += ["", "Action items"]
    lines += [
        f"- {a.title} (owner {a.owner}, due {a.due_on:%d %b %Y})" for a in actions
    ] or ["- None."]
    return "\n".join(lines) + "\n"


@transaction.atomic
def draft_minutes(meeting: Meeting, *, actor: User) -> Minutes:
    """Draft the minutes of a held meeting from its record (or redraft a draft)."""
    if meeting.status != Meeting.Status.HELD:
        raise refuse("Minutes are drafted once the meeting has been held.")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.status != Minutes.Status.DRAFT:
        raise refuse(
            "These minutes have been circulated; edit them instead of redrafting."
        )
    body = draft_text(meeting)
    if minutes is None:
        minutes = Minutes.objects.create(meeting=meeting, body=body)
    else:
        minutes.body = body
        minutes.save(update_fields=["body"])
    record(
        "meetings.minutes_drafted",
        actor=actor,
        company=meeting.company,
        target=minutes,
        data={"meeting": meeting.pk},
    )
    return minutes


@transaction.atomic
def edit_minutes(minutes: Minutes, *, actor: User, body: str) -> Minutes:
    """The secretary's edit of draft or circulated minutes; approved minutes are frozen."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status == Minutes.Status.APPROVED:
        raise refuse(
            "Approved minutes cannot be edited; record an amendment instead.", "frozen"
        )
    if not body.strip():
        raise refuse("The minutes cannot be empty.")
    minutes.body = body
    minutes.save(update_fields=["body"])
    record(
        "meetings.minutes_edited",
        actor=actor,
        company=minutes.meeting.company,
        target=minutes,
        data={"sha256": sha256_of(body)},
    )
    if minutes.status == Minutes.Status.CIRCULATED:
        _later_books_stale(minutes)
    return minutes


def _later_books_stale(minutes: Minutes) -> None:
    """Circulated minutes go into the books of the later meetings that may approve them."""
    later = Meeting.objects.filter(
        company=minutes.meeting.company,
        starts_at__gt=minutes.meeting.starts_at,
        status=Meeting.Status.PLANNED,
    )
    for meeting in later:
        books_stale(meeting)


@transaction.atomic
def circulate_minutes(minutes: Minutes, *, actor: User, notify: bool = True) -> Minutes:
    """Send the draft to the committee for approval at a later meeting.

    ``notify=False`` records the circulation without email (history loaded by the demo).
    """
    if minutes.status != Minutes.Status.DRAFT:
        raise refuse("Only draft minutes can be circulated.")
    minutes.status = Minutes.Status.CIRCULATED
    minutes.circulated_at = timezone.now()
    minutes.save(update_fields=["status", "circulated_at"])
    meeting = minutes.meeting
    record(
        "meetings.minutes_circulated",
        actor=actor,
        company=meeting.company,
        target=minutes,
        data={"sha256": sha256_of(minutes.body)},
    )
    _later_books_stale(minutes)
    recipients = [m.email for m in members_on(meeting.company, meeting.day)]
    subject = f"Draft minutes of {meeting.title} for approval"
    if not notify:
        return minutes
    transaction.on_commit(
        lambda: send_mail(
            subject,
            "The draft minutes are in Oversight, for approval at the next meeting.",
            None,
            recipients,
        )
    )
    return minutes


def _approve_minutes(minutes: Minutes, *, motion: Motion, actor: User) -> None:
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_at = timezone.now()
    minutes.approved_at_meeting = motion.meeting
    minutes.content_hash = sha256_of(minutes.body)
    minutes.pdf.save(
        f"minutes-{minutes.meeting_id}.pdf",
        ContentFile(minutes_pdf(minutes)),
        save=False,
    )
    minutes.save()
    record(
        "meetings.minutes_approved",
        actor=actor,
        company=minutes.meeting.company,
        target=minutes,
        data={
            "meeting": minutes.meeting_id,
            "approved_at_meeting": motion.meeting_id,
            "motion": motion.pk,
            "sha256": minutes.content_hash,
        },
    )


def minutes_pdf(minutes: Minutes) -> bytes:
    """The minutes as a PDF, with the SHA-256 of their text in the footer."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    width, height = LETTER
    y = height - 72
    text = minutes.body.encode("cp1252", "replace").decode("cp1252")
    for paragraph in text.splitlines():
        for line in simpleSplit(paragraph, "Helvetica", 10, width - 144) or [""]:
            if y < 72:
                canvas.setFont("Helvetica", 7)
                canvas.drawString(72, 36, f"SHA-256 {sha256_of(minutes.body)}")
                canvas.showPage()
                y = height - 72
            canvas.setFont("Helvetica", 10)
            canvas.drawString(72, y, line)
            y -= 13
    canvas.setFont("Helvetica", 7)
    canvas.drawString(72, 36, f"SHA-256 {sha256_of(minutes.body)}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@transaction.atomic
def amend_minutes(minutes: Minutes, *, actor: User, text: str) -> MinutesAmendment:
    """A correction to approved minutes, recorded as an amendment with its own hash."""
    if minutes.status != Minutes.Status.APPROVED:
        raise refuse("Minutes not yet approved are edited, not amended.")
    if not text.strip():
        raise refuse("Write the correction.")
    amendment = MinutesAmendment.objects.create(
        minutes=minutes, text=text, made_by=actor, content_hash=sha256_of(text)
    )
    record(
        "meetings.minutes_amended",
        actor=actor,
        company=minutes.meeting.company,
        target=amendment,
        data={"minutes": minutes.pk, "sha256": amendment.content_hash},
    )
    return amendment


@transaction.atomic
def add_action_item(
    meeting: Meeting, *, actor: User, title: str, owner: User, due_on: date
) -> ActionItem:
    """Ask someone to do something; it is carried onto the next agendas until closed."""
    if due_on < meeting.day:
        raise refuse("An action item cannot be due before the meeting that set it.")
    action = ActionItem.objects.create(
        meeting=meeting, title=title, owner=owner, due_on=due_on
    )
    record(
        "meetings.action_item_added",
        actor=actor,
        company=meeting.company,
        target=action,
        data={"title": title, "owner": owner.email, "due_on": due_on},
    )
    return action


@transaction.atomic
def close_action_item(action: ActionItem, *, actor: User) -> ActionItem:
    if action.status == ActionItem.Status.CLOSED:
        raise refuse("This action item is already closed.")
    action.status = ActionItem.Status.CLOSED
    action.closed_at = timezone.now()
    action.save(update_fields=["status", "closed_at"])
    record(
        "meetings.action_item_closed",
        actor=actor,
        company=action.meeting.company,
        target=action,
    )
    return action


def report_text(meeting: Meeting) -> str:
    """The report to the board, drafted from the record (no session content)."""
    lines = [
        f"Report of the audit committee to the board: {meeting.title}, {meeting.local_start:%d %B %Y}",
        "",
        "Activities",
        *[
            f"- {item.title}"
            for item in meeting.items.filter(visibility=AgendaItem.Visibility.ATTENDEES)
        ],
    ]
    sessions = [s.get_counterpart_display().lower() for s in meeting.sessions.all()]
    if sessions:
        lines.append("- Executive sessions held: " + ", ".join(sessions) + ".")
    decided = meeting.motions.exclude(outcome=Motion.Outcome.OPEN)
    lines += ["", "Decisions"]
    lines += [f"- {m.text} ({m.get_outcome_display().lower()})" for m in decided] or [
        "- None."
    ]
    lines += ["", "Recommendations to the board", "- "]
    return "\n".join(lines) + "\n"


@transaction.atomic
def draft_board_report(meeting: Meeting, *, actor: User) -> BoardReport:
    if meeting.status != Meeting.Status.HELD:
        raise refuse("A report to the board follows a meeting that has been held.")
    if BoardReport.objects.filter(meeting=meeting).exists():
        raise refuse("This meeting already has a report to the board.")
    report = BoardReport.objects.create(meeting=meeting, body=report_text(meeting))
    record(
        "meetings.board_report_drafted",
        actor=actor,
        company=meeting.company,
        target=report,
    )
    return report


@transaction.atomic
def edit_board_report(report: BoardReport, *, actor: User, body: str) -> BoardReport:
    if report.status == BoardReport.Status.DELIVERED:
        raise refuse("A delivered report cannot be edited.")
    if not body.strip():
        raise refuse("The report cannot be empty.")
    report.body = body
    report.save(update_fields=["body"])
    record(
        "meetings.board_report_edited",
        actor=actor,
        company=report.meeting.company,
        target=report,
        data={"sha256": sha256_of(body)},
    )
    return report


@transaction.atomic
def deliver_board_report(
    report: BoardReport, *, actor: User, delivered_on: date
) -> BoardReport:
    """Mark the report delivered at a board meeting on ``delivered_on``."""
    if report.status == BoardReport.Status.DELIVERED:
        raise refuse("This report was already delivered.")
    if delivered_on < report.meeting.day:
        raise refuse("A report cannot be delivered before the meeting it reports on.")
    report.status = BoardReport.Status.DELIVERED
    report.delivered_on = delivered_on
    report.delivered_by = actor
    report.delivered_recorded_at = timezone.now()
    report.save(
        update_fields=[
            "status",
            "delivered_on",
            "delivered_by",
            "delivered_recorded_at",
        ]
    )
    record(
        "meetings.board_report_delivered",
        actor=actor,
        company=report.meeting.company,
        target=report,
        data={"delivered_on": delivered_on, "sha256": sha256_of(report.body)},
    )
    return report
