"""A planned meeting shows what the charter engine's planner says it should cover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from oversight.charters import services as charters
from oversight.charters.demo import LIBRARY
from oversight.meetings import queries
from oversight.meetings.tests.conftest import at, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def charter(company, personas):
    source = (LIBRARY / "one-stop-systems.toml").read_text(encoding="utf-8")
    return charters.import_charter(company, actor=personas["fay"], source=source)


@time_machine.travel(datetime(2026, 11, 2, 17, 0, tzinfo=UTC), tick=False)
def test_the_planner_suggests_the_years_remaining_duties(
    company, personas, charter, client_for
) -> None:
    meeting = schedule(company, personas["fay"], at(2026, 12, 10))
    suggestions = queries.charter_suggestions(meeting)
    assert suggestions, (
        "with no meeting held in FY2026, the December meeting must cover the year's duties"
    )
    assert {"AC-MTG-02", "AC-CHR-02"} <= {s.obligation for s in suggestions}
    page = client_for("fay").get(reverse("meetings:detail", args=[meeting.pk]))
    assert b"What the charter asks of this meeting" in page.content
    assert reverse("compliance:obligation", args=["AC-MTG-02"]).encode() in page.content


@time_machine.travel(datetime(2026, 11, 2, 17, 0, tzinfo=UTC), tick=False)
def test_no_suggestions_for_a_past_meeting_or_without_a_charter(
    company, personas, client_for
) -> None:
    future = schedule(company, personas["fay"], at(2026, 12, 10))
    assert queries.charter_suggestions(future) == ()  # no charter recorded yet
    past = schedule(company, personas["fay"], at(2026, 3, 12) - timedelta(days=1))
    assert queries.charter_suggestions(past) == ()
