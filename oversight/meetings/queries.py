"""Access-checked reads of the meetings register."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from oversight.accounts import queries as access
from oversight.accounts.models import Company, Role, User
from oversight.meetings.models import (
    ActionItem,
    AgendaItem,
    BoardBook,
    BoardReport,
    Conflict,
    Material,
    Meeting,
    Minutes,
    Motion,
    Recusal,
    Vote,
    WrittenConsent,
)
from oversight.meetings.permissions import sees_members_only

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def get_meeting_for(
    user: User | AnonymousUser, pk: int, action: str = "meetings.view"
) -> Meeting:
    return access.get_for(user, Meeting.objects.select_related("company"), pk, action)


def get_item_for(user: User | AnonymousUser, pk: int, action: str) -> AgendaItem:
    item = access.get_for(
        user,
        AgendaItem.objects.select_related("meeting__company"),
        pk,
        action,
        company_field="meeting__company",
    )
    if not can_see_item(item, user):  # type: ignore[arg-type]
        raise Http404("Not found.")
    return item


def get_material_for(user: User | AnonymousUser, pk: int) -> Material:
    material = access.get_for(
        user,
        Material.objects.select_related("item__meeting__company"),
        pk,
        "meetings.view",
        company_field="item__meeting__company",
    )
    if not can_see_item(material.item, user):  # type: ignore[arg-type]
        raise Http404("Not found.")
    return material


def get_motion_for(user: User | AnonymousUser, pk: int, action: str) -> Motion:
    return access.get_for(
        user,
        Motion.objects.select_related("meeting__company"),
        pk,
        action,
        company_field="meeting__company",
    )


def get_minutes_for(user: User | AnonymousUser, pk: int, action: str) -> Minutes:
    return access.get_for(
        user,
        Minutes.objects.select_related("meeting__company"),
        pk,
        action,
        company_field="meeting__company",
    )


def get_action_item_for(user: User | AnonymousUser, pk: int, action: str) -> ActionItem:
    return access.get_for(
        user,
        ActionItem.objects.select_related("meeting__company", "owner"),
        pk,
        action,
        company_field="meeting__company",
    )


def get_report_for(user: User | AnonymousUser, pk: int, action: str) -> BoardReport:
    return access.get_for(
        user,
        BoardReport.objects.select_related("meeting__company"),
        pk,
        action,
        company_field="meeting__company",
    )


def get_consent_for(user: User | AnonymousUser, pk: int, action: str) -> WrittenConsent:
    return access.get_for(
        user, WrittenConsent.objects.select_related("company"), pk, action
    )


def get_book_for(user: User, meeting: Meeting) -> BoardBook | None:
    """The user's own book for the meeting (never someone else's)."""
    return BoardBook.objects.filter(meeting=meeting, recipient=user).first()


def roles_today(user: User | AnonymousUser, company: Company) -> frozenset[Role]:
    return access.roles_in(user, company)


def can_see_item(item: AgendaItem, user: User) -> bool:
    """Members-only items are for members (and the secretary); a hidden item is hidden."""
    roles = roles_today(user, item.meeting.company)
    if item.visibility == AgendaItem.Visibility.MEMBERS and not sees_members_only(
        roles
    ):
        return False
    return not item.hidden_from.filter(pk=user.pk).exists()


def visible_items(meeting: Meeting, user: User) -> list[AgendaItem]:
    """The agenda as ``user`` may see it, current materials prefetched."""
    roles = roles_today(user, meeting.company)
    items = meeting.items.exclude(hidden_from=user)
    if not sees_members_only(roles):
        items = items.filter(visibility=AgendaItem.Visibility.ATTENDEES)
    return list(
        items.prefetch_related(
            Prefetch("conflicts", queryset=Conflict.objects.select_related("member")),
            Prefetch(
                "materials",
                queryset=Material.objects.filter(superseded_at__isnull=True),
                to_attr="current_materials",
            ),
        )
    )


def list_meetings(company: Company) -> QuerySet[Meeting]:
    return Meeting.objects.filter(company=company).order_by("starts_at")


def carried_action_items(meeting: Meeting) -> QuerySet[ActionItem]:
    """Open action items set at earlier meetings: they stay on the agenda until closed."""
    return (
        ActionItem.objects.filter(
            meeting__company=meeting.company,
            meeting__starts_at__lt=meeting.starts_at,
            status=ActionItem.Status.OPEN,
        )
        .select_related("owner", "meeting")
        .order_by("due_on", "pk")
    )


def minutes_awaiting_approval(meeting: Meeting) -> QuerySet[Minutes]:
    """Circulated minutes of earlier meetings that this meeting may approve."""
    return Minutes.objects.filter(
        meeting__company=meeting.company,
        meeting__starts_at__lt=meeting.starts_at,
        status=Minutes.Status.CIRCULATED,
    ).select_related("meeting")


def resolutions(company: Company) -> tuple[list[Motion], list[WrittenConsent]]:
    """The register of resolutions: carried motions and adopted written consents."""
    motions = list(
        Motion.objects.filter(meeting__company=company, outcome=Motion.Outcome.CARRIED)
        .select_related("meeting")
        .order_by("decided_at", "pk")
    )
    consents = list(
        WrittenConsent.objects.filter(
            company=company, adopted_on__isnull=False
        ).order_by("adopted_on", "pk")
    )
    return motions, consents


def require_member(user: User, company: Company) -> None:
    if not {Role.CHAIR, Role.MEMBER} & roles_today(user, company):
        raise PermissionDenied("Only committee members may do this.")


def consents(company: Company) -> QuerySet[WrittenConsent]:
    return WrittenConsent.objects.filter(company=company).prefetch_related(
        "signatures__member"
    )


def meeting_record(meeting: Meeting, user: User) -> dict[str, Any]:
    """Everything the meeting page shows ``user``, with the joins it needs."""
    motions = meeting.motions.select_related(
        "moved_by", "seconded_by", "approves_minutes__meeting"
    ).prefetch_related(
        Prefetch("votes", queryset=Vote.objects.select_related("member")),
        Prefetch("recusals", queryset=Recusal.objects.select_related("member")),
    )
    return {
        "meeting": meeting,
        "items": visible_items(meeting, user),
        "carried": carried_action_items(meeting),
        "attendance": meeting.attendance.select_related("user"),
        "sessions": meeting.sessions.prefetch_related("attendees"),
        "motions": motions,
        "actions": meeting.action_items.select_related("owner"),
        "minutes": Minutes.objects.filter(meeting=meeting).first(),
        "report": BoardReport.objects.filter(meeting=meeting).first(),
        "awaiting": minutes_awaiting_approval(meeting),
        "book": get_book_for(user, meeting),
    }


def charter_suggestions(meeting: Meeting) -> tuple[Any, ...]:
    """What the charter engine's planner says a planned meeting should cover, and why.

    Read from the charter in force and the company's facts today; the year's other
    planned meetings share the duties with this one. Empty for a held, cancelled or past
    meeting, or when no charter is recorded.
    """
    from oversight.compliance.queries import context_for
    from oversight.rules.charter.planner import agenda_for

    today = access.company_today(meeting.company)
    if meeting.status != Meeting.Status.PLANNED or meeting.day <= today:
        return ()
    ctx = context_for(meeting.company, as_of=today)
    if ctx is None:
        return ()
    others = [
        m.day
        for m in Meeting.objects.filter(
            company=meeting.company, status=Meeting.Status.PLANNED
        ).exclude(pk=meeting.pk)
        if m.day > today
        and ctx.calendar.fiscal_year(m.day) == ctx.calendar.fiscal_year(meeting.day)
    ]
    return agenda_for(
        ctx.charter,
        ctx.facts,
        meeting.day,
        meetings=others,
        as_of=today,
        calendar=ctx.calendar,
        overrides=ctx.overrides,
    )
