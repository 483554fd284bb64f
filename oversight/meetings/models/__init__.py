"""The meetings register: meetings, agendas, materials, attendance, sessions, motions,
minutes, action items, board reports, written consents, board books and calendar feeds."""

from __future__ import annotations

from oversight.meetings.models.delivery import (
    BoardBook,
    CalendarFeed,
)
from oversight.meetings.models.meetings import (
    AgendaItem,
    Attendance,
    Conflict,
    ExecutiveSession,
    Material,
    Meeting,
    VotingRules,
)
from oversight.meetings.models.records import (
    ActionItem,
    BoardReport,
    Minutes,
    MinutesAmendment,
)
from oversight.meetings.models.votes import (
    ConsentSignature,
    Motion,
    Recusal,
    Vote,
    WrittenConsent,
)

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "BoardBook",
    "BoardReport",
    "CalendarFeed",
    "Conflict",
    "ConsentSignature",
    "ExecutiveSession",
    "Material",
    "Meeting",
    "Minutes",
    "MinutesAmendment",
    "Motion",
    "Recusal",
    "Vote",
    "VotingRules",
    "WrittenConsent",
]
