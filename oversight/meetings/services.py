"""Every change to the meetings register: one function per decision, atomic, in the ledger."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from oversight.accounts.models import Company, Role, RoleAssignment, User
from oversight.ledger.services import record
from oversight.meetings.filings import standard_filings
from oversight.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    BoardBook,
    BoardReport,
    CalendarFeed,
    ConsentSignature,
    ExecutiveSession,
    Material,
    Meeting,
    Minutes,
    MinutesAmendment,
    Motion,
    Recusal,
    Vote,
    VotingRules,
    WrittenConsent,
)
from oversight.rules.meetings import consent as consent_rules
from oversight.rules.meetings import voting
from oversight.rules.meetings.annual import (
    Counterpart,
    FiscalCalendar,
    ItemType,
    propose_calendar,
)
from oversight.rules.meetings.roster import Term

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
MEMBER_ROLES = (Role.CHAIR, Role.MEMBER)


# --- the committee on a date, and its rules ------------------------------------------


def member_label(user: User) -> str:
    """How a person is named in the rules' messages."""
    return user.get_full_name()


def roster(company: Company) -> tuple[Term, ...]:
    """The committee's membership terms (chair and member roles) as the rules read them."""
    rows = (
        RoleAssignment.objects.filter(company=company, role__in=MEMBER_ROLES)
        .select_related("user")
        .order_by("starts_on", "pk")
    )
    return tuple(Term(member_label(r.user), r.starts_on, r.ends_on) for r in rows)


def members_on(company: Company, day: date) -> list[User]:
    """The committee members in office on ``day``."""
    return list(
        User.objects.filter(
            role_assignments__company=company,
            role_assignments__role__in=MEMBER_ROLES,
            role_assignments__starts_on__lte=day,
        )
        .filter(
            Q(role_assignments__ends_on__isnull=True)
            | Q(role_assignments__ends_on__gte=day)
        )
        .distinct()
        .order_by("full_name")
    )


def rules_for(company: Company) -> tuple[voting.QuorumRule, voting.OutcomeRule, bool]:
    """The company's quorum rule, outcome rule and whether a second is required."""
    row = VotingRules.objects.filter(company=company).first() or VotingRules(
        company=company
    )
    quorum = voting.QuorumRule(
        basis=voting.QuorumBasis(row.quorum_basis),
        number=row.quorum_number,
        fraction=Fraction(
            row.quorum_fraction_numerator, row.quorum_fraction_denominator or 1
        ),
        recused_count_toward_quorum=row.recused_count_toward_quorum,
    )
    return quorum, voting.OutcomeRule(row.outcome_rule), row.second_required


def present_labels(meeting: Meeting) -> frozenset[str]:
    return frozenset(
        member_label(a.user)
        for a in meeting.attendance.select_related("user")
        if a.user is not None and a.present
    )


def _refuse(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


def _require_open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise _refuse("This meeting was cancelled; nothing more can be recorded on it.")


# --- meetings --------------------------------------------------------------------------


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise _refuse("A meeting cannot end before it starts.", "ends_before_start")


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
        raise _refuse("Give a place, a video link or both.")
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
        raise _refuse("Only a planned meeting can be moved.")
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
        raise _refuse("Only a planned meeting can be cancelled.")
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
        raise _refuse("Only a planned meeting can be marked as held.")
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


# --- agendas and materials ---------------------------------------------------------------


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
    _require_open(meeting)
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
    _books_stale(meeting)
    return item


def _sniff(name: str, head: bytes) -> str:
    """The content type of an upload from its name, checked against its first bytes."""
    suffix = PurePath(name).suffix.lower()
    content_type = ALLOWED_TYPES.get(suffix)
    if content_type is None:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise _refuse(
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
        raise _refuse(
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
    _require_open(meeting)
    name = PurePath(upload.name or "").name
    if not name:
        raise _refuse("The file has no name.", "name")
    if upload.size is None or upload.size == 0:
        raise _refuse(f"{name} is empty.", "empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise _refuse(
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
        recipients = _attendee_emails(meeting)
        subject = f"Replaced: {name} for {meeting.title}"
        body = (
            f"{actor} replaced {name} (now version {version}) on the agenda of "
            f"{meeting.title}, {meeting.local_start:%d %b %Y %H:%M} ({meeting.time_zone}).\n"
            "Open the meeting in Oversight to read the new version; board books are rebuilt."
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
    _books_stale(meeting)
    return material


def _attendee_emails(meeting: Meeting) -> list[str]:
    return sorted(
        a.user.email
        for a in meeting.attendance.select_related("user")
        if a.user is not None and a.user.is_active
    )


# --- attendance and sessions -------------------------------------------------------------


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
    _require_open(meeting)
    if user is None and not guest_name.strip():
        raise _refuse("Name the person attending.")
    if arrived_at and departed_at and departed_at < arrived_at:
        raise _refuse("A person cannot leave before they arrive.")
    if status not in {Attendance.Status.IN_PERSON, Attendance.Status.REMOTE} and (
        arrived_at or departed_at
    ):
        raise _refuse("Arrival and departure times are for people present.")
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
    _require_open(meeting)
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


# --- motions and votes ---------------------------------------------------------------------


@transaction.atomic
def put_motion(
    meeting: Meeting,
    *,
    actor: User,
    text: str,
    moved_by: User,
    seconded_by: User | None = None,
    item: AgendaItem | None = None,
    approves_minutes: Minutes | None = None,
) -> Motion:
    """Put a motion; refused when the mover or seconder cannot move or second it."""
    _require_open(meeting)
    if approves_minutes is not None:
        if approves_minutes.meeting.company_id != meeting.company_id:
            raise _refuse("Those minutes belong to another company.")
        if approves_minutes.meeting.starts_at >= meeting.starts_at:
            raise _refuse(
                "Minutes are approved at a later meeting than the one they record."
            )
        if approves_minutes.status == Minutes.Status.APPROVED:
            raise _refuse("These minutes are already approved.")
        if approves_minutes.status != Minutes.Status.CIRCULATED:
            raise _refuse("Circulate the minutes before putting them to a vote.")
    _quorum, _rule, second_required = rules_for(meeting.company)
    proposal = voting.Motion(
        ref="meetings.motion:new",
        text=text,
        on=meeting.day,
        moved_by=member_label(moved_by),
        seconded_by=member_label(seconded_by) if seconded_by else None,
    )
    refusals = voting.check_second(
        proposal, roster(meeting.company), required=second_required
    )
    if refusals:
        raise _refuse(
            "; ".join(r.message for r in refusals).capitalize() + ".", "second"
        )
    motion = Motion.objects.create(
        meeting=meeting,
        item=item,
        text=text,
        moved_by=moved_by,
        seconded_by=seconded_by,
        approves_minutes=approves_minutes,
    )
    record(
        "meetings.motion_put",
        actor=actor,
        company=meeting.company,
        target=motion,
        data={
            "meeting": meeting.pk,
            "text": text,
            "moved_by": moved_by.email,
            "seconded_by": seconded_by.email if seconded_by else None,
        },
    )
    return motion


def _require_open_motion(motion: Motion) -> None:
    if motion.outcome != Motion.Outcome.OPEN:
        raise _refuse("The vote on this motion is closed.")


@transaction.atomic
def record_recusal(
    motion: Motion, *, actor: User, member: User, reason: str
) -> Recusal:
    """A member stands aside from a motion, with the reason."""
    _require_open_motion(motion)
    if not reason.strip():
        raise _refuse("Give the reason for the recusal.")
    label = member_label(member)
    if label not in {
        t.member
        for t in roster(motion.meeting.company)
        if t.holds_on(motion.meeting.day)
    }:
        raise _refuse(
            f"{label} is not a member of the committee on {motion.meeting.day.isoformat()} and cannot recuse."
        )
    for role, who in (
        ("moved", motion.moved_by_id),
        ("seconded", motion.seconded_by_id),
    ):
        if who == member.pk:
            raise _refuse(f"{label} {role} this motion and cannot recuse from it.")
    if motion.votes.filter(member=member).exists():
        raise _refuse(f"{label} has already voted on this motion.")
    if motion.recusals.filter(member=member).exists():
        raise _refuse(f"{label} is already recused from this motion.")
    recusal = Recusal.objects.create(
        motion=motion, member=member, reason=reason.strip()
    )
    record(
        "meetings.recusal_recorded",
        actor=actor,
        company=motion.meeting.company,
        target=recusal,
        data={"motion": motion.pk, "member": member.email, "reason": recusal.reason},
    )
    return recusal


@transaction.atomic
def record_vote(motion: Motion, *, actor: User, member: User, choice: str) -> Vote:
    """Record a member's vote; refused unless they may vote on it, and only once."""
    _require_open_motion(motion)
    meeting = motion.meeting
    ballot = voting.Ballot(member_label(member), voting.Choice(choice))
    earlier = [
        voting.Ballot(member_label(v.member), voting.Choice(v.choice))
        for v in motion.votes.select_related("member")
    ]
    refusal = voting.check_ballot(
        ballot,
        roster(meeting.company),
        on=meeting.day,
        present=present_labels(meeting),
        recused={
            member_label(r.member) for r in motion.recusals.select_related("member")
        },
        earlier=earlier,
    )
    if refusal is not None:
        raise _refuse(refusal.message[0].upper() + refusal.message[1:] + ".", "vote")
    vote = Vote.objects.create(motion=motion, member=member, choice=ballot.choice.value)
    record(
        "meetings.vote_recorded",
        actor=actor,
        company=meeting.company,
        target=vote,
        data={"motion": motion.pk, "member": member.email, "choice": vote.choice},
    )
    return vote


def tally(motion: Motion) -> voting.MotionResult:
    """The outcome the rules give the motion now, from the record."""
    meeting = motion.meeting
    quorum, rule, second_required = rules_for(meeting.company)
    return voting.decide_motion(
        voting.Motion(
            ref=f"meetings.motion:{motion.pk}",
            text=motion.text,
            on=meeting.day,
            moved_by=member_label(motion.moved_by),
            seconded_by=member_label(motion.seconded_by)
            if motion.seconded_by
            else None,
        ),
        roster(meeting.company),
        present=present_labels(meeting),
        ballots=[
            voting.Ballot(member_label(v.member), voting.Choice(v.choice))
            for v in motion.votes.select_related("member")
        ],
        recusals=[
            voting.Recusal(member_label(r.member), r.reason)
            for r in motion.recusals.select_related("member")
        ],
        quorum=quorum,
        rule=rule,
        second_required=second_required,
    )


def _next_resolution_number(company: Company, year: int) -> str:
    prefix = f"R-{year}-"
    used = list(
        Motion.objects.filter(
            meeting__company=company, resolution_number__startswith=prefix
        ).values_list("resolution_number", flat=True)
    ) + list(
        WrittenConsent.objects.filter(
            company=company, resolution_number__startswith=prefix
        ).values_list("resolution_number", flat=True)
    )
    last = max((int(n.removeprefix(prefix)) for n in used), default=0)
    return f"{prefix}{last + 1:03}"


@transaction.atomic
def close_vote(motion: Motion, *, actor: User) -> Motion:
    """Close the vote and decide the motion by the rules; refused without a quorum.

    A carried motion becomes a resolution with a number; a carried motion to approve
    minutes approves and freezes them.
    """
    motion = (
        Motion.objects.select_for_update()
        .select_related("meeting__company")
        .get(pk=motion.pk)
    )
    _require_open_motion(motion)
    result = tally(motion)
    if result.outcome is voting.Outcome.REFUSED:
        raise _refuse(result.message, "refused")
    if result.outcome is voting.Outcome.NO_QUORUM:
        raise _refuse("No quorum: " + result.message, "no_quorum")
    motion.outcome = Motion.Outcome.CARRIED if result.carried else Motion.Outcome.FAILED
    motion.reason = result.message
    motion.rule = f"{result.rule_id}: {result.rule.describe()}; quorum {rules_for(motion.meeting.company)[0].describe()}"
    motion.decided_at = timezone.now()
    if result.carried:
        motion.resolution_number = _next_resolution_number(
            motion.meeting.company, motion.meeting.day.year
        )
    motion.save()
    record(
        "meetings.motion_decided",
        actor=actor,
        company=motion.meeting.company,
        target=motion,
        data={
            "outcome": motion.outcome,
            "reason": result.message,
            "rule": motion.rule,
            "for": result.tally.for_,
            "against": result.tally.against,
            "abstain": result.tally.abstain,
            "resolution": motion.resolution_number,
        },
    )
    if result.carried and motion.approves_minutes is not None:
        _approve_minutes(motion.approves_minutes, motion=motion, actor=actor)
    return motion


# --- minutes ---------------------------------------------------------------------------------


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
        raise _refuse("Minutes are drafted once the meeting has been held.")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.status != Minutes.Status.DRAFT:
        raise _refuse(
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
        raise _refuse(
            "Approved minutes cannot be edited; record an amendment instead.", "frozen"
        )
    if not body.strip():
        raise _refuse("The minutes cannot be empty.")
    minutes.body = body
    minutes.save(update_fields=["body"])
    record(
        "meetings.minutes_edited",
        actor=actor,
        company=minutes.meeting.company,
        target=minutes,
        data={"sha256": _sha256(body)},
    )
    return minutes


@transaction.atomic
def circulate_minutes(minutes: Minutes, *, actor: User) -> Minutes:
    """Send the draft to the committee for approval at a later meeting."""
    if minutes.status != Minutes.Status.DRAFT:
        raise _refuse("Only draft minutes can be circulated.")
    minutes.status = Minutes.Status.CIRCULATED
    minutes.circulated_at = timezone.now()
    minutes.save(update_fields=["status", "circulated_at"])
    meeting = minutes.meeting
    record(
        "meetings.minutes_circulated",
        actor=actor,
        company=meeting.company,
        target=minutes,
        data={"sha256": _sha256(minutes.body)},
    )
    recipients = [m.email for m in members_on(meeting.company, meeting.day)]
    subject = f"Draft minutes of {meeting.title} for approval"
    transaction.on_commit(
        lambda: send_mail(
            subject,
            "The draft minutes are in Oversight, for approval at the next meeting.",
            None,
            recipients,
        )
    )
    return minutes


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _approve_minutes(minutes: Minutes, *, motion: Motion, actor: User) -> None:
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_at = timezone.now()
    minutes.approved_at_meeting = motion.meeting
    minutes.content_hash = _sha256(minutes.body)
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
    """The approved minutes as a PDF, with their hash in the footer."""
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
                canvas.drawString(72, 36, f"SHA-256 {_sha256(minutes.body)}")
                canvas.showPage()
                y = height - 72
            canvas.setFont("Helvetica", 10)
            canvas.drawString(72, y, line)
            y -= 13
    canvas.setFont("Helvetica", 7)
    canvas.drawString(72, 36, f"SHA-256 {_sha256(minutes.body)}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@transaction.atomic
def amend_minutes(minutes: Minutes, *, actor: User, text: str) -> MinutesAmendment:
    """A correction to approved minutes, recorded as an amendment with its own hash."""
    if minutes.status != Minutes.Status.APPROVED:
        raise _refuse("Minutes not yet approved are edited, not amended.")
    if not text.strip():
        raise _refuse("Write the correction.")
    amendment = MinutesAmendment.objects.create(
        minutes=minutes, text=text, made_by=actor, content_hash=_sha256(text)
    )
    record(
        "meetings.minutes_amended",
        actor=actor,
        company=minutes.meeting.company,
        target=amendment,
        data={"minutes": minutes.pk, "sha256": amendment.content_hash},
    )
    return amendment


# --- action items ----------------------------------------------------------------------------


@transaction.atomic
def add_action_item(
    meeting: Meeting, *, actor: User, title: str, owner: User, due_on: date
) -> ActionItem:
    """Ask someone to do something; it is carried onto the next agendas until closed."""
    if due_on < meeting.day:
        raise _refuse("An action item cannot be due before the meeting that set it.")
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
        raise _refuse("This action item is already closed.")
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


# --- reports to the board ----------------------------------------------------------------------


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
        raise _refuse("A report to the board follows a meeting that has been held.")
    if BoardReport.objects.filter(meeting=meeting).exists():
        raise _refuse("This meeting already has a report to the board.")
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
        raise _refuse("A delivered report cannot be edited.")
    if not body.strip():
        raise _refuse("The report cannot be empty.")
    report.body = body
    report.save(update_fields=["body"])
    record(
        "meetings.board_report_edited",
        actor=actor,
        company=report.meeting.company,
        target=report,
        data={"sha256": _sha256(body)},
    )
    return report


@transaction.atomic
def deliver_board_report(
    report: BoardReport, *, actor: User, delivered_on: date
) -> BoardReport:
    """Mark the report delivered at a board meeting on ``delivered_on``."""
    if report.status == BoardReport.Status.DELIVERED:
        raise _refuse("This report was already delivered.")
    if delivered_on < report.meeting.day:
        raise _refuse("A report cannot be delivered before the meeting it reports on.")
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
        data={"delivered_on": delivered_on, "sha256": _sha256(report.body)},
    )
    return report


# --- written consent ------------------------------------------------------------------------------


@transaction.atomic
def circulate_consent(
    company: Company, *, actor: User, text: str, circulated_on: date
) -> WrittenConsent:
    """Circulate a resolution for every member's signature between meetings."""
    if not text.strip():
        raise _refuse("Write the resolution.")
    consent = WrittenConsent.objects.create(
        company=company, text=text, circulated_on=circulated_on, circulated_by=actor
    )
    record(
        "meetings.consent_circulated",
        actor=actor,
        company=company,
        target=consent,
        data={"text": text, "circulated_on": circulated_on},
    )
    recipients = [m.email for m in members_on(company, circulated_on)]
    transaction.on_commit(
        lambda: send_mail(
            "A written consent awaits your signature",
            "Sign it in Oversight (you will confirm your password and code).",
            None,
            recipients,
        )
    )
    return consent


def consent_result(
    consent: WrittenConsent, *, as_of: date
) -> consent_rules.ConsentResult:
    return consent_rules.check_written_consent(
        consent_rules.WrittenConsent(
            f"meetings.writtenconsent:{consent.pk}", consent.text, consent.circulated_on
        ),
        roster(consent.company),
        [
            consent_rules.Signature(member_label(s.member), s.signed_on)
            for s in consent.signatures.select_related("member")
        ],
        as_of=as_of,
    )


@transaction.atomic
def sign_consent(consent: WrittenConsent, *, actor: User, on: date) -> ConsentSignature:
    """The actor signs (after re-authentication, checked by the caller); adopted once all have."""
    consent = WrittenConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.adopted_on is not None:
        raise _refuse("This consent is already adopted.")
    earlier = [
        consent_rules.Signature(member_label(s.member), s.signed_on)
        for s in consent.signatures.select_related("member")
    ]
    refusal = consent_rules.check_signature(
        consent_rules.Signature(member_label(actor), on),
        consent_rules.WrittenConsent("", consent.text, consent.circulated_on),
        roster(consent.company),
        earlier=earlier,
    )
    if refusal is not None:
        raise _refuse(
            refusal.message[0].upper() + refusal.message[1:] + ".", "signature"
        )
    signature = ConsentSignature.objects.create(
        consent=consent, member=actor, signed_on=on
    )
    record(
        "meetings.consent_signed",
        actor=actor,
        company=consent.company,
        target=signature,
        data={"consent": consent.pk, "signed_on": on},
    )
    result = consent_result(consent, as_of=on)
    if result.adopted:
        consent.adopted_on = result.adopted_on
        consent.resolution_number = _next_resolution_number(consent.company, on.year)
        consent.save(update_fields=["adopted_on", "resolution_number"])
        record(
            "meetings.consent_adopted",
            actor=actor,
            company=consent.company,
            target=consent,
            data={
                "adopted_on": result.adopted_on,
                "reason": result.message,
                "resolution": consent.resolution_number,
            },
        )
    return signature


# --- board books ------------------------------------------------------------------------------------


def _books_stale(meeting: Meeting) -> None:
    """Materials or the agenda changed: rebuild every book already built or asked for."""
    books = list(meeting.books.all())
    if not books:
        return
    meeting.books.update(
        status=BoardBook.Status.QUEUED, pages_done=0, requested_at=timezone.now()
    )
    for book in books:
        transaction.on_commit(partial(_enqueue_book, book.pk))


def _enqueue_book(pk: int) -> None:
    from oversight.meetings.tasks import build_book

    build_book.enqueue(pk)


@transaction.atomic
def request_book(meeting: Meeting, *, actor: User) -> BoardBook:
    """Queue the actor's own board book for the meeting (built in the background)."""
    book, _ = BoardBook.objects.get_or_create(meeting=meeting, recipient=actor)
    book.status = BoardBook.Status.QUEUED
    book.pages_done = 0
    book.error = ""
    book.requested_at = timezone.now()
    book.save()
    record(
        "meetings.book_requested",
        actor=actor,
        company=meeting.company,
        target=book,
        data={"meeting": meeting.pk},
    )
    transaction.on_commit(lambda: _enqueue_book(book.pk))
    return book


# --- calendar feeds ------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_feed(company: Company, *, actor: User) -> tuple[CalendarFeed, str]:
    """A new secret feed URL token for the actor; any previous one is revoked."""
    now = timezone.now()
    for old in CalendarFeed.objects.filter(
        user=actor, company=company, revoked_at__isnull=True
    ):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    token = "cal_" + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        user=actor, company=company, token_hash=_token_hash(token)
    )
    record("meetings.feed_created", actor=actor, company=company, target=feed)
    return feed, token


@transaction.atomic
def revoke_feed(feed: CalendarFeed, *, actor: User) -> CalendarFeed:
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record("meetings.feed_revoked", actor=actor, company=feed.company, target=feed)
    return feed


def find_feed(token: str) -> CalendarFeed | None:
    if not token.startswith("cal_") or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user", "company")
        .filter(token_hash=_token_hash(token), revoked_at__isnull=True)
        .first()
    )


# --- reminders ------------------------------------------------------------------------------------------


def send_next_reminder(now: datetime) -> bool:
    """Claim one due reminder with a conditional update and send it; False when none is due.

    Several schedulers may run this at once: only the one whose update returns 1 sends.
    """
    due = (
        Meeting.objects.filter(next_reminder_at__lte=now, status=Meeting.Status.PLANNED)
        .order_by("next_reminder_at")
        .first()
    )
    if due is None:
        return False
    claimed = Meeting.objects.filter(
        pk=due.pk, next_reminder_at=due.next_reminder_at
    ).update(next_reminder_at=None)
    if claimed == 1:
        recipients = _attendee_emails(due)
        where = due.place or due.video_url
        send_mail(
            f"Reminder: {due.title} on {due.local_start:%d %b %Y at %H:%M} ({due.time_zone})",
            f"{due.title}\n{due.local_start:%A %d %B %Y, %H:%M}-{due.local_end:%H:%M} ({due.time_zone})\n{where}\n\n"
            "The agenda and your board book are in Oversight.",
            None,
            recipients,
        )
    return True


def send_due_reminders(now: datetime, *, limit: int = 1000) -> int:
    """Send every due reminder; returns how many meetings were handled."""
    count = 0
    while count < limit and send_next_reminder(now):
        count += 1
    return count


@transaction.atomic
def set_voting_rules(
    company: Company,
    *,
    actor: User,
    quorum_basis: str,
    quorum_number: int = 0,
    quorum_fraction_numerator: int = 1,
    quorum_fraction_denominator: int = 2,
    recused_count_toward_quorum: bool = True,
    outcome_rule: str = voting.OutcomeRule.VOTES_CAST,
    second_required: bool = True,
) -> VotingRules:
    """Record the quorum and voting rules of the bylaws or charter; used from the next vote."""
    if quorum_fraction_denominator < 1:
        raise _refuse("The fraction's denominator must be at least 1.")
    try:
        rule = voting.QuorumRule(
            basis=voting.QuorumBasis(quorum_basis),
            number=quorum_number,
            fraction=Fraction(quorum_fraction_numerator, quorum_fraction_denominator),
            recused_count_toward_quorum=recused_count_toward_quorum,
        )
        outcome = voting.OutcomeRule(outcome_rule)
    except ValueError as error:
        raise _refuse(str(error).capitalize() + ".") from error
    row, _ = VotingRules.objects.get_or_create(company=company)
    row.quorum_basis = rule.basis
    row.quorum_number = quorum_number
    row.quorum_fraction_numerator = quorum_fraction_numerator
    row.quorum_fraction_denominator = quorum_fraction_denominator
    row.recused_count_toward_quorum = recused_count_toward_quorum
    row.outcome_rule = outcome
    row.second_required = second_required
    row.save()
    record(
        "meetings.voting_rules_set",
        actor=actor,
        company=company,
        target=row,
        data={
            "quorum": rule.describe(),
            "outcome": outcome.describe(),
            "second_required": second_required,
        },
    )
    return row


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
        raise _refuse("The agenda already has every proposed item.")
    return added
