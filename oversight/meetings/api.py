"""The meetings register over HTTP: the same services and access rules as the pages."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from oversight.accounts.models import User
from oversight.accounts.queries import company_today
from oversight.api.auth import caller
from oversight.api.main import Error, require
from oversight.meetings import queries, services
from oversight.meetings.filings import standard_filings
from oversight.meetings.models import Attendance, Meeting, Minutes, Motion
from oversight.meetings.permissions import is_member
from oversight.rules.meetings.annual import FiscalCalendar, propose_calendar
from oversight.rules.meetings.voting import check_quorum

router = Router(tags=["meetings"])


class MeetingIn(Schema):
    title: str
    kind: str = Meeting.Kind.REGULAR
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str = ""
    video_url: str = ""


class MeetingOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str
    video_url: str
    quorum_present: bool | None
    quorum: str


class ItemOut(Schema):
    id: int
    position: int
    title: str
    item_type: str
    presenter: str
    obligation_ids: list[str]
    materials: list[str]


class MotionOut(Schema):
    id: int
    text: str
    moved_by: str
    seconded_by: str | None
    outcome: str
    reason: str
    resolution_number: str


class MeetingDetailOut(MeetingOut):
    items: list[ItemOut]
    motions: list[MotionOut]
    attendance: dict[str, str]


class VoteIn(Schema):
    member_email: str
    choice: str


class QuorumOut(Schema):
    rule_id: str
    met: bool
    members: int
    present: int
    required: int
    message: str


class ProposedItemOut(Schema):
    title: str
    item_type: str
    counterpart: str | None
    obligation_ids: list[str]


class ProposedMeetingOut(Schema):
    on: date
    purpose: str
    items: list[ProposedItemOut]


class ProposedCalendarOut(Schema):
    rule_id: str
    fiscal_year: int
    message: str
    meetings: list[ProposedMeetingOut]


def _meeting_out(m: Meeting) -> MeetingOut:
    return MeetingOut(
        id=m.pk, title=m.title, kind=m.kind, status=m.status, starts_at=m.starts_at,
        ends_at=m.ends_at, time_zone=m.time_zone, place=m.place, video_url=m.video_url,
        quorum_present=m.quorum_present, quorum=m.quorum_message,
    )  # fmt: skip


def _motion_out(m: Motion) -> MotionOut:
    return MotionOut(
        id=m.pk, text=m.text, moved_by=m.moved_by.email,
        seconded_by=m.seconded_by.email if m.seconded_by else None,
        outcome=m.outcome, reason=m.reason, resolution_number=m.resolution_number,
    )  # fmt: skip


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    found = Meeting.objects.filter(pk=pk, company=caller(request).company).first()
    if found is None:
        raise Http404
    return found


@router.get(
    "/",
    response={200: list[MeetingOut], 401: Error, 403: Error},
    summary="The committee's meetings, oldest first",
)
def list_meetings(request: HttpRequest) -> list[MeetingOut]:
    require(request, "meetings.view")
    return [_meeting_out(m) for m in queries.list_meetings(caller(request).company)]


@router.post(
    "/",
    response={201: MeetingOut, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Schedule a meeting",
)
def schedule_meeting(request: HttpRequest, payload: MeetingIn) -> Status[MeetingOut]:
    require(request, "meetings.manage")
    if payload.time_zone not in zoneinfo.available_timezones():
        raise ValidationError(f"{payload.time_zone!r} is not a known time zone.")
    meeting = services.schedule_meeting(
        caller(request).company, actor=caller(request).user, **payload.dict()
    )
    return Status(201, _meeting_out(meeting))


@router.get(
    "/{int:pk}",
    response={200: MeetingDetailOut, 401: Error, 403: Error, 404: Error},
    summary="A meeting as the caller may see it",
)
def meeting_detail(request: HttpRequest, pk: int) -> MeetingDetailOut:
    require(request, "meetings.view")
    meeting = _meeting(request, pk)
    items = queries.visible_items(meeting, caller(request).user)
    return MeetingDetailOut(
        **_meeting_out(meeting).dict(),
        items=[
            ItemOut(
                id=i.pk,
                position=i.position,
                title=i.title,
                item_type=i.item_type,
                presenter=i.presenter,
                obligation_ids=i.obligations(),
                materials=[m.name for m in i.current_materials],  # type: ignore[attr-defined]
            )
            for i in items
        ],
        motions=[
            _motion_out(m)
            for m in meeting.motions.select_related("moved_by", "seconded_by")
        ],
        attendance={
            a.name: a.status for a in meeting.attendance.select_related("user")
        },
    )


@router.get(
    "/{int:pk}/quorum",
    response={200: QuorumOut, 401: Error, 403: Error, 404: Error},
    summary="The quorum now, from the members recorded present (AC-MTG-06)",
)
def meeting_quorum(request: HttpRequest, pk: int) -> QuorumOut:
    require(request, "meetings.view")
    meeting = _meeting(request, pk)
    rule, _outcome, _second = services.rules_for(meeting.company)
    result = check_quorum(
        services.roster(meeting.company),
        services.present_labels(meeting),
        on=meeting.day,
        rule=rule,
    )
    return QuorumOut(
        rule_id=result.rule_id,
        met=result.met,
        members=result.members,
        present=result.present,
        required=result.required,
        message=result.message,
    )


def _motion(request: HttpRequest, pk: int) -> Motion:
    found = (
        Motion.objects.select_related("meeting__company")
        .filter(pk=pk, meeting__company=caller(request).company)
        .first()
    )
    if found is None:
        raise Http404
    return found


@router.post(
    "/motions/{int:pk}/votes",
    response={
        201: MotionOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        422: Error,
    },
    summary="Record a member's vote (AC-MTG-10)",
)
def record_vote(request: HttpRequest, pk: int, payload: VoteIn) -> Status[MotionOut]:
    require(request, "meetings.manage")
    motion = _motion(request, pk)
    member = User.objects.filter(email=payload.member_email.lower()).first()
    if member is None:
        raise ValidationError(
            f"No one with the address {payload.member_email} is known."
        )
    if payload.choice not in {"for", "against", "abstain"}:
        raise ValidationError("choice is one of: for, against, abstain.")
    services.record_vote(
        motion, actor=caller(request).user, member=member, choice=payload.choice
    )
    return Status(201, _motion_out(motion))


@router.post(
    "/motions/{int:pk}/close",
    response={200: MotionOut, 400: Error, 401: Error, 403: Error, 404: Error},
    summary="Close the vote and decide the motion by the rules (AC-MTG-11)",
)
def close_vote(request: HttpRequest, pk: int, at: time | None = None) -> MotionOut:
    require(request, "meetings.manage")
    motion = services.close_vote(
        _motion(request, pk), actor=caller(request).user, at=at
    )
    return _motion_out(motion)


@router.get(
    "/proposed-calendar",
    response={200: ProposedCalendarOut, 401: Error, 403: Error, 422: Error},
    summary="The proposed regular meetings of a fiscal year (AC-MTG-14)",
)
def proposed_calendar(
    request: HttpRequest, year: int | None = None
) -> ProposedCalendarOut:
    require(request, "meetings.view")
    company = caller(request).company
    fiscal = FiscalCalendar(company.fiscal_year_end_month, company.fiscal_year_end_day)
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError("year must be between 2000 and 2100.")
    fy = year or fiscal.fiscal_year_of(company_today(company))
    proposal = propose_calendar(fiscal, fy, standard_filings(fiscal, fy))
    return ProposedCalendarOut(
        rule_id=proposal.rule_id,
        fiscal_year=proposal.fiscal_year,
        message=proposal.message,
        meetings=[
            ProposedMeetingOut(
                on=m.on,
                purpose=m.purpose,
                items=[
                    ProposedItemOut(
                        title=i.title,
                        item_type=i.item_type,
                        counterpart=i.counterpart,
                        obligation_ids=list(i.obligation_ids),
                    )
                    for i in m.items
                ],
            )
            for m in proposal.meetings
        ],
    )


@router.get(
    "/resolutions",
    response={200: list[MotionOut], 401: Error, 403: Error},
    summary="Resolutions carried at meetings",
)
def resolutions(request: HttpRequest) -> list[MotionOut]:
    require(request, "meetings.read_reports")
    motions, _consents = queries.resolutions(caller(request).company)
    return [
        _motion_out(m)
        for m in Motion.objects.filter(pk__in=[m.pk for m in motions]).select_related(
            "moved_by", "seconded_by"
        )
    ]


class AttendanceIn(Schema):
    member_email: str | None = None
    guest_name: str = ""
    guest_affiliation: str = ""
    status: str


class AttendanceOut(Schema):
    name: str
    status: str


class SessionOut(Schema):
    id: int
    counterpart: str
    attendees: list[str]
    private_notes: str | None


class MinutesOut(Schema):
    id: int
    status: str
    body: str
    sha256: str
    approved_at_meeting: int | None
    amendments: list[str]


@router.post(
    "/{int:pk}/attendance",
    response={
        201: AttendanceOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        422: Error,
    },
    summary="Record a person's attendance",
)
def record_attendance(
    request: HttpRequest, pk: int, payload: AttendanceIn
) -> Status[AttendanceOut]:
    require(request, "meetings.manage")
    meeting = _meeting(request, pk)
    if payload.status not in Attendance.Status.values:
        raise ValidationError(
            "status is one of: " + ", ".join(Attendance.Status.values) + "."
        )
    user = None
    if payload.member_email:
        user = (
            User.objects.filter(
                email=payload.member_email.lower(),
                role_assignments__company=meeting.company,
            )
            .distinct()
            .first()
        )
        if user is None:
            raise ValidationError(
                f"No one with the address {payload.member_email} belongs to this company."
            )
    row = services.record_attendance(
        meeting, actor=caller(request).user, user=user, status=payload.status,
        guest_name=payload.guest_name, guest_affiliation=payload.guest_affiliation,
    )  # fmt: skip
    return Status(201, AttendanceOut(name=row.name, status=row.status))


@router.get(
    "/{int:pk}/sessions",
    response={200: list[SessionOut], 401: Error, 403: Error, 404: Error},
    summary="Executive sessions held; private notes only for members",
)
def sessions(request: HttpRequest, pk: int) -> list[SessionOut]:
    require(request, "meetings.view")
    meeting = _meeting(request, pk)
    member = is_member(caller(request).roles)
    return [
        SessionOut(
            id=s.pk,
            counterpart=s.counterpart,
            attendees=sorted(u.email for u in s.attendees.all()),
            private_notes=s.private_notes if member else None,
        )
        for s in meeting.sessions.prefetch_related("attendees")
    ]


@router.get(
    "/{int:pk}/minutes",
    response={200: MinutesOut, 401: Error, 403: Error, 404: Error},
    summary="The minutes of a meeting, with their hash once approved",
)
def minutes(request: HttpRequest, pk: int) -> MinutesOut:
    require(request, "meetings.view")
    found = Minutes.objects.filter(meeting=_meeting(request, pk)).first()
    if found is None:
        raise Http404
    return MinutesOut(
        id=found.pk, status=found.status, body=found.body, sha256=found.content_hash,
        approved_at_meeting=found.approved_at_meeting_id,
        amendments=[a.text for a in found.amendments.all()],
    )  # fmt: skip
