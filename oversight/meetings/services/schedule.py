"""Meetings, agendas, materials, attendance and executive sessions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.ledger.services import record
from oversight.meetings.filings import standard_filings
from oversight.meetings.models import (
    AgendaItem,
    Attendance,
    Conflict,
    ExecutiveSession,
    Material,
    Meeting,
)
from oversight.meetings.services.common import (
    attendee_emails,
    member_label,
    members_on,
    present_labels,
    refuse,
    require_open,
    roster,
    rules_for,
)
from oversight.meetings.services.delivery import books_stale
from oversight.rules.meetings import voting
from oversight.rules.meetings.annual import (
    Counterpart,
    FiscalCalendar,
    ItemType,
    propose_calendar,
)

MAX_UPLOAD_BYTES = getattr(settings, "MEETINGS_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)


LATE_HOURS = 72  # a replacement this close to the meeting is "late": attendees are told


REMINDER_LEAD = timedelta(days=2)


ALLOWED_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise refuse("A meeting cannot end before it starts.", "ends_before_start")


@transaction.atomic
def schedule_meeting(
    company: Company,
    *,
    actor: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    kind: str = Meeting.Kind.REGULAR,
    place: str = "",
    video_url: str = "",
) -> Meeting:
    """Put a meeting in the calendar and invite the members in office on its date."""
    _check_times(starts_at, ends_at)
    if not place and not video_url:
        raise refuse("Give a place, a video link or both.")
    meeting = Meeting(
        company=company,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        place=place,
        video_url=video_url,
    )
    reminder = starts_at - REMINDER_LEAD
    meeting.next_reminder_at = reminder if reminder > timezone.now() else None
    meeting.full_clean()
    meeting.save()
    for member in members_on(company, meeting.day):
        Attendance.objects.create(meeting=meeting, user=member)
    record(
        "meetings.meeting_scheduled",
        actor=actor,
        company=company,
        target=meeting,
        data={
            "title": title,
            "kind": kind,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "time_zone": time_zone,
        },
    )
    return meeting


@transaction.atomic
def reschedule_meeting(
    meeting: Meeting, *, actor: User, starts_at: datetime, ends_at: datetime
) -> Meeting:
    """Move a planned meeting; its reminder moves with it."""
    if meeting.status != Meeting.Status.PLANNED:
        raise refuse("Only a planned meeting can be moved.")
    _check_times(starts_at, ends_at)
    before = {"starts_at": meeting.starts_at, "ends_at": meeting.ends_at}
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    reminder = starts_at - REMINDER_LEAD
    meeting.next_reminder_at = reminder if reminder > timezone.now() else None
    meeting.save(update_fields=["starts_at", "ends_at", "next_reminder_at"])
    record(
        "meetings.meeting_rescheduled",
        actor=actor,
        company=meeting.company,
        target=meeting,
        data={"before": before, "starts_at": starts_at, "ends_at": ends_at},
    )
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, actor: User) -> Meeting:
    """Cancel a planned meeting."""
    if meeting.status != Meeting.Status.PLANNED:
        raise refuse("Only a planned meeting can be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.next_reminder_at = None
    meeting.save(update_fields=["status", "next_reminder_at"])
    record(
        "meetings.meeting_cancelled",
        actor=actor,
        company=meeting.company,
        target=meeting,
    )
    return meeting


@transaction.atomic
def mark_held(meeting: Meeting, *, actor: User) -> Meeting:
    """Record that the meeting took place, with the quorum computed from attendance."""
    if meeting.status != Meeting.Status.PLANNED:
        raise refuse("Only a planned meeting can be marked as held.")
    quorum, _rule, _second = rules_for(meeting.company)
    result = voting.check_quorum(
        roster(meeting.company), present_labels(meeting), on=meeting.day, rule=quorum
    )
    meeting.status = Meeting.Status.HELD
    meeting.quorum_present = result.met
    meeting.quorum_message = result.message
    meeting.held_recorded_at = timezone.now()
    meeting.next_reminder_at = None
    meeting.save(
        update_fields=[
            "status",
            "quorum_present",
            "quorum_message",
            "held_recorded_at",
            "next_reminder_at",
        ]
    )
    record(
        "meetings.meeting_held",
        actor=actor,
        company=meeting.company,
        target=meeting,
        data={
            "quorum": result.met,
            "reason": result.message,
            "rule_id": result.rule_id,
        },
    )
    return meeting


@transaction.atomic
def add_agenda_item(
    meeting: Meeting,
    *,
    actor: User,
    title: str,
    item_type: str = ItemType.OTHER,
    presenter: str = "",
    minutes: int | None = None,
    obligation_ids: str = "",
    visibility: str = AgendaItem.Visibility.ATTENDEES,
    hidden_from: Iterable[User] = (),
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    require_open(meeting)
    last = meeting.items.aggregate(last=Max("position"))["last"]
    item = AgendaItem(
        meeting=meeting,
        position=(last or 0) + 1,
        title=title,
        item_type=item_type,
        presenter=presenter,
        minutes=minutes,
        obligation_ids=obligation_ids,
        visibility=visibility,
    )
    item.full_clean()
    item.save()
    hidden = list(hidden_from)
    item.hidden_from.set(hidden)
    record(
        "meetings.agenda_item_added",
        actor=actor,
        company=meeting.company,
        target=item,
        data={
            "meeting": meeting.pk,
            "title": title,
            "type": item_type,
            "visibility": visibility,
            "hidden_from": [u.email for u in hidden],
        },
    )
    books_stale(meeting)
    return item


def _sniff(name: str, head: bytes) -> str:
    """The content type of an upload from its name, checked against its first bytes."""
    suffix = PurePath(name).suffix.lower()
    content_type = ALLOWED_TYPES.get(suffix)
    if content_type is None:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise refuse(
            f"{suffix or 'A file without an extension'} is not accepted. Upload one of: {allowed}.",
            "type",
        )
    signatures = {
        "application/pdf": (b"%PDF-",),
        "image/png": (b"\x89PNG",),
        "image/jpeg": (b"\xff\xd8\xff",),
    }
    expected = signatures.get(content_type)
    if suffix in {".docx", ".xlsx", ".pptx"}:
        expected = (b"PK\x03\x04",)
    if expected and not head.startswith(expected):
        raise refuse(
            f"{name} does not look like a {suffix} file; it was not uploaded.", "type"
        )
    return content_type


@transaction.atomic
def upload_material(
    item: AgendaItem, *, actor: User, upload: UploadedFile[Any]
) -> Material:
    """Attach a document to an item; a file of the same name becomes a new version.

    A replacement within ``LATE_HOURS`` of the meeting is emailed to the attendees, and
    every board book of the meeting is rebuilt.
    """
    meeting = item.meeting
    require_open(meeting)
    name = PurePath(upload.name or "").name
    if not name:
        raise refuse("The file has no name.", "name")
    if upload.size is None or upload.size == 0:
        raise refuse(f"{name} is empty.", "empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise refuse(
            f"{name} is {upload.size / 1_048_576:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES / 1_048_576:.0f} MB.",
            "size",
        )
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        head = head or chunk[:16]
        digest.update(chunk)
    upload.seek(0)
    content_type = _sniff(name, head)
    previous = item.materials.filter(name=name, superseded_at__isnull=True).first()
    version = (
        item.materials.filter(name=name).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    material = Material(
        item=item,
        name=name,
        version=version,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    material.file.save(name, upload, save=False)
    material.save()
    late = False
    if previous is not None:
        previous.superseded_at = timezone.now()
        previous.save(update_fields=["superseded_at"])
        late = meeting.starts_at - timezone.now() <= timedelta(hours=LATE_HOURS)
    record(
        "meetings.material_uploaded",
        actor=actor,
        company=meeting.company,
        target=material,
        data={
            "item": item.pk,
            "name": name,
            "version": version,
            "sha256": material.sha256,
            "size": material.size,
            "late_replacement": late,
        },
    )
    if late:
        recipients = attendee_emails(meeting)
        subject = f"Replaced: {name} for {meeting.title}"
        body = (
            f"{actor} replaced {name} (now version {version}) on the agenda of "
            f"{meeting.title}, {meeting.local_start:%d %b %Y %H:%M} ({meeting.time_zone}).\n"
            "Open the meeting in Oversight to read the new version; board books are rebuilt."
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
    books_stale(meeting)
    return material


@transaction.atomic
def record_attendance(
    meeting: Meeting,
    *,
    actor: User,
    status: str,
    user: User | None = None,
    guest_name: str = "",
    guest_affiliation: str = "",
    arrived_at: time | None = None,
    departed_at: time | None = None,
) -> Attendance:
    """Record one person's attendance (a person with an account, or a guest by name)."""
    require_open(meeting)
    if user is None and not guest_name.strip():
        raise refuse("Name the person attending.")
    if arrived_at and departed_at and departed_at < arrived_at:
        raise refuse("A person cannot leave before they arrive.")
    if status not in {Attendance.Status.IN_PERSON, Attendance.Status.REMOTE} and (
        arrived_at or departed_at
    ):
        raise refuse("Arrival and departure times are for people present.")
    if user is not None:
        row, _ = Attendance.objects.get_or_create(meeting=meeting, user=user)
    else:
        row = Attendance(meeting=meeting, guest_name=guest_name.strip())
    row.status = status
    row.guest_affiliation = guest_affiliation
    row.arrived_at, row.departed_at = arrived_at, departed_at
    row.full_clean()
    row.save()
    record(
        "meetings.attendance_recorded",
        actor=actor,
        company=meeting.company,
        target=row,
        data={"meeting": meeting.pk, "who": row.name, "status": status},
    )
    return row


@transaction.atomic
def record_session(
    meeting: Meeting,
    *,
    actor: User,
    counterpart: str,
    attendees: Sequence[User],
    private_notes: str = "",
) -> ExecutiveSession:
    """Record an executive session held at the meeting; its notes stay with members."""
    require_open(meeting)
    counterpart = Counterpart(counterpart)
    session = ExecutiveSession.objects.create(
        meeting=meeting,
        counterpart=counterpart,
        private_notes=private_notes,
        recorded_by=actor,
    )
    session.attendees.set(attendees)
    record(
        "meetings.session_recorded",
        actor=actor,
        company=meeting.company,
        target=session,
        data={
            "meeting": meeting.pk,
            "counterpart": counterpart.value,
            "attendees": sorted(u.email for u in attendees),
        },
    )
    return session


@transaction.atomic
def add_proposed_items(meeting: Meeting, *, actor: User) -> list[AgendaItem]:
    """Add the items the proposed annual calendar gives the nearest regular meeting.

    Items already on the agenda (by title) are not added twice; each added item names
    the charter obligations it serves.
    """
    company = meeting.company
    fiscal = FiscalCalendar(company.fiscal_year_end_month, company.fiscal_year_end_day)
    year = fiscal.fiscal_year_of(meeting.day)
    proposal = propose_calendar(fiscal, year, standard_filings(fiscal, year))
    nearest = min(proposal.meetings, key=lambda m: abs((m.on - meeting.day).days))
    existing = set(meeting.items.values_list("title", flat=True))
    added = []
    for item in nearest.items:
        if item.title in existing:
            continue
        members_only = item.counterpart == Counterpart.MEMBERS_ONLY
        added.append(
            add_agenda_item(
                meeting,
                actor=actor,
                title=item.title,
                item_type=item.item_type,
                obligation_ids=", ".join(item.obligation_ids),
                visibility=AgendaItem.Visibility.MEMBERS
                if members_only
                else AgendaItem.Visibility.ATTENDEES,
            )
        )
    if not added:
        raise refuse("The agenda already has every proposed item.")
    return added


@transaction.atomic
def declare_conflict(
    item: AgendaItem, *, actor: User, member: User, reason: str
) -> Conflict:
    """A member's conflict with an item: hidden from them, recused from its motions."""
    meeting = item.meeting
    require_open(meeting)
    if not reason.strip():
        raise refuse("Give the reason for the conflict.")
    if member not in members_on(meeting.company, meeting.day):
        raise refuse(
            f"{member_label(member)} is not a member of the committee on "
            f"{meeting.day.isoformat()}; only members declare conflicts here."
        )
    if item.conflicts.filter(member=member).exists():
        raise refuse(
            f"{member_label(member)} has already declared a conflict with this item."
        )
    conflict = Conflict.objects.create(
        item=item, member=member, reason=reason.strip(), declared_by=actor
    )
    item.hidden_from.add(member)
    record(
        "meetings.conflict_declared",
        actor=actor,
        company=meeting.company,
        target=conflict,
        data={"item": item.pk, "member": member.email, "reason": conflict.reason},
    )
    books_stale(meeting)
    return conflict
