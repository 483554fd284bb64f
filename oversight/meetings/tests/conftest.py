"""Fixtures of the meetings register, built through its services."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest

from oversight.accounts.models import Company, User
from oversight.meetings import services
from oversight.meetings.models import Attendance, Meeting

ZONE = "America/Los_Angeles"


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=zoneinfo.ZoneInfo(ZONE))


def schedule(
    company: Company, actor: User, start: datetime, title: str = "Regular meeting"
) -> Meeting:
    return services.schedule_meeting(
        company,
        actor=actor,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone=ZONE,
        place="Board room",
    )


def attend(
    meeting: Meeting,
    actor: User,
    *people: User,
    status: str = Attendance.Status.IN_PERSON,
) -> None:
    for person in people:
        services.record_attendance(meeting, actor=actor, user=person, status=status)


@pytest.fixture
def meeting(company, personas):
    """A planned meeting in March 2026 with ada and ben (the two members) invited."""
    return schedule(company, personas["fay"], at(2026, 3, 12))


@pytest.fixture
def quorate(meeting, personas):
    """The meeting with both members present."""
    attend(meeting, personas["fay"], personas["ada"], personas["ben"])
    return meeting
