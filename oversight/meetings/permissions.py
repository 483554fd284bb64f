"""Who may do what in the meetings register: rows of the permission table, and predicates."""

from __future__ import annotations

from collections.abc import Iterable

from oversight.accounts.models import Role

COMMITTEE = frozenset({Role.CHAIR, Role.MEMBER})
ADMINISTERS = frozenset({Role.CHAIR, Role.SECRETARY})
ATTENDS = frozenset(
    {
        Role.CHAIR,
        Role.MEMBER,
        Role.SECRETARY,
        Role.MANAGEMENT,
        Role.INTERNAL_AUDIT,
        Role.AUDITOR,
    }
)

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the calendar, agendas and materials an attendee may see, their own book and feed
    "meetings.view": ATTENDS,
    # schedule, change or cancel meetings; build agendas; record attendance, sessions,
    # motions and votes; draft and circulate minutes; action items
    "meetings.manage": ADMINISTERS,
    # upload materials to an item (presenters included)
    "meetings.upload": ATTENDS,
    # read executive sessions' private notes, sign written consents, cast one's own vote
    "meetings.deliberate": COMMITTEE,
    # circulate a written consent between meetings
    "meetings.consent": ADMINISTERS,
    # edit and deliver the committee's report to the board
    "meetings.report": frozenset({Role.CHAIR}),
    # read delivered reports to the board and the register of resolutions
    "meetings.read_reports": frozenset(
        {Role.CHAIR, Role.MEMBER, Role.SECRETARY, Role.BOARD_OBSERVER}
    ),
}


def is_member(roles: Iterable[Role]) -> bool:
    """A committee member (the chair included): votes, sees members-only items and notes."""
    return bool(COMMITTEE & frozenset(roles))


def sees_members_only(roles: Iterable[Role]) -> bool:
    """Members and the secretary, who prepares the books, see members-only items."""
    return bool((COMMITTEE | {Role.SECRETARY}) & frozenset(roles))
