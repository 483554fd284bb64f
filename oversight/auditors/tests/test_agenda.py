"""Reports of approvals go on the next meeting's agenda through the meetings app, if any."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from oversight.auditors import agenda, services
from oversight.auditors.tests.conftest import build_register, request_fields

pytestmark = pytest.mark.django_db


class FakeQuery:
    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def filter(self, **kwargs: Any) -> FakeQuery:
        after = kwargs.get("starts_at__date__gt")
        rows = (
            self.rows
            if after is None
            else [r for r in self.rows if r.starts_at.date() > after]
        )
        return FakeQuery(
            [r for r in rows if kwargs.get("status", r.status) == r.status]
        )

    def exclude(self, **kwargs: Any) -> FakeQuery:
        return FakeQuery([r for r in self.rows if r.status != kwargs.get("status")])

    def order_by(self, *fields: str) -> FakeQuery:
        return FakeQuery(sorted(self.rows, key=lambda r: r.starts_at))

    def first(self) -> Any:
        return self.rows[0] if self.rows else None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rows)


@pytest.fixture
def fake_meetings(monkeypatch):
    added: list[dict[str, Any]] = []
    meetings = [
        SimpleNamespace(
            starts_at=datetime(2026, 5, 12, 16, tzinfo=UTC), status="planned", name="Q2"
        ),
        SimpleNamespace(
            starts_at=datetime(2026, 2, 10, 16, tzinfo=UTC), status="held", name="Q1"
        ),
        SimpleNamespace(
            starts_at=datetime(2026, 4, 1, 16, tzinfo=UTC), status="cancelled", name="X"
        ),
    ]

    class Meeting:
        objects = SimpleNamespace(
            filter=lambda **kw: FakeQuery(meetings).filter(
                **{k: v for k, v in kw.items() if k != "company"}
            )
        )

    def add_agenda_item(meeting: Any, **kwargs: Any) -> None:
        added.append({"meeting": meeting.name, **kwargs})

    monkeypatch.setattr(
        agenda,
        "_meetings",
        lambda: (SimpleNamespace(add_agenda_item=add_agenda_item), Meeting),
    )
    return added


def test_without_the_meetings_app_the_report_is_listed(company, personas):
    assert agenda.meeting_dates(company) == ()
    where = agenda.propose_report(
        company, actor=personas["ada"], after=date(2026, 3, 4), title="x"
    )
    assert where == "listed for the next meeting"


def test_delegate_approval_goes_on_the_next_planned_meeting(
    company, personas, fake_meetings
):
    reg = build_register(company, personas)
    assert agenda.meeting_dates(company) == (date(2026, 2, 10), date(2026, 5, 12))
    row = services.submit_request(
        reg.engagement, actor=personas["cleo"], **request_fields()
    )
    services.approve_request(
        row, actor=personas["ada"], kind="delegate", approved_on=date(2026, 3, 4)
    )
    assert [
        (a["meeting"], a["item_type"], a["obligation_ids"]) for a in fake_meetings
    ] == [("Q2", "preapprovals_report", "AC-PRE-02")]
    assert fake_meetings[0]["title"].startswith("Approved by Ada Chairwell as delegate")


def test_general_approval_goes_on_the_agenda_too(company, personas, fake_meetings):
    reg = build_register(company, personas)
    services.submit_request(
        reg.engagement, actor=personas["cleo"], **request_fields(policy_item=reg.item)
    )
    assert [a["meeting"] for a in fake_meetings] == ["Q2"]
    assert fake_meetings[0]["title"].startswith("Pre-approved in general (AR-1)")


def test_no_planned_meeting_after_the_approval(company, personas, fake_meetings):
    where = agenda.propose_report(
        company, actor=personas["ada"], after=date(2026, 6, 1), title="x"
    )
    assert where == "listed for the next meeting"
    assert fake_meetings == []


def test_a_meeting_that_refuses_the_item_leaves_it_listed(
    company, personas, monkeypatch
):
    from django.core.exceptions import ValidationError

    def refuse(meeting: Any, **kwargs: Any) -> None:
        raise ValidationError("This meeting was cancelled.")

    meeting = SimpleNamespace(
        starts_at=datetime(2026, 5, 12, 16, tzinfo=UTC), status="planned"
    )

    class Meeting:
        objects = SimpleNamespace(filter=lambda **kw: FakeQuery([meeting]))

    monkeypatch.setattr(
        agenda, "_meetings", lambda: (SimpleNamespace(add_agenda_item=refuse), Meeting)
    )
    where = agenda.propose_report(
        company, actor=personas["ada"], after=date(2026, 3, 4), title="x"
    )
    assert where == "listed for the next meeting"


def test_with_the_meetings_register_the_report_joins_its_agenda(company, personas):
    """Runs once the meetings app is merged (it provides ``schedule_meeting``)."""
    meetings = pytest.importorskip("oversight.meetings.services")
    if not hasattr(meetings, "schedule_meeting"):
        pytest.skip("the meetings register is not installed in this branch")
    reg = build_register(company, personas)
    meeting = meetings.schedule_meeting(
        company,
        actor=personas["fay"],
        title="Q2 committee meeting",
        starts_at=datetime(2026, 5, 12, 16, tzinfo=UTC),
        ends_at=datetime(2026, 5, 12, 18, tzinfo=UTC),
        time_zone="America/Los_Angeles",
        place="Board room",
    )
    row = services.submit_request(
        reg.engagement, actor=personas["cleo"], **request_fields()
    )
    services.approve_request(
        row, actor=personas["ada"], kind="delegate", approved_on=date(2026, 3, 4)
    )
    titles = [item.title for item in meeting.items.all()]
    assert any(t.startswith("Approved by Ada Chairwell as delegate") for t in titles)
    assert date(2026, 5, 12) in agenda.meeting_dates(company)


def test_a_report_whose_meeting_was_already_held_is_only_listed(
    company, personas, fake_meetings
):
    where = agenda.propose_report(
        company, actor=personas["ada"], after=date(2026, 1, 5), title="x"
    )
    assert where == "listed for the next meeting"
    assert fake_meetings == []


def _draft_with_item(company, personas):
    from decimal import Decimal

    build_register(company, personas)
    draft = services.draft_policy(
        company, actor=personas["fay"], statement="v2", delegates=[]
    )
    services.add_policy_item(
        draft,
        actor=personas["fay"],
        code="AR-2",
        service="Audit of the pension plan",
        category="audit_related",
        fee_cap=Decimal("1"),
        starts_on=date(2027, 1, 1),
    )
    return draft


def test_policy_adopted_by_a_carried_motion(company, personas, client_for, monkeypatch):
    draft = _draft_with_item(company, personas)
    motion = agenda.CarriedMotion(
        pk=41,
        label="Q1 meeting (2027-03): Adopt the pre-approval policy v2",
        day=date(2027, 1, 14),
        meeting="Q1 meeting (2027-03)",
        votes_for=3,
        votes_against=0,
        abstentions=0,
    )
    monkeypatch.setattr(agenda, "carried_motions", lambda company: [motion])
    from django.urls import reverse

    url = reverse("auditors:policy-adopt", args=[draft.pk])
    client = client_for("fay")
    assert (
        "Motion carried at a meeting"
        in client.get(reverse("auditors:policy", args=[draft.pk])).content.decode()
    )
    assert client.post(url, {"motion": "99"}).status_code == 400
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"motion": "41"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.adopted_on, draft.adopted_at, draft.votes_for) == (
        date(2027, 1, 14),
        "Q1 meeting (2027-03)",
        3,
    )


def test_adopting_by_an_unknown_motion_is_refused(company, personas):
    from django.core.exceptions import ValidationError

    draft = _draft_with_item(company, personas)
    with pytest.raises(ValidationError, match="carried"):
        services.adopt_policy_by_motion(draft, actor=personas["fay"], motion=12345)


def test_policy_adopted_by_a_motion_of_the_meetings_register(company, personas):
    """Runs once the meetings app is merged (motions, votes and their outcome)."""
    meetings = pytest.importorskip("oversight.meetings.services")
    if not hasattr(meetings, "put_motion"):
        pytest.skip("the meetings register is not installed in this branch")
    draft = _draft_with_item(company, personas)
    meeting = meetings.schedule_meeting(
        company,
        actor=personas["fay"],
        title="Q1 committee meeting",
        starts_at=datetime(2027, 1, 14, 16, tzinfo=UTC),
        ends_at=datetime(2027, 1, 14, 18, tzinfo=UTC),
        time_zone="America/Los_Angeles",
        place="Board room",
    )
    for name in ("ada", "ben"):
        meetings.record_attendance(
            meeting, actor=personas["fay"], status="in_person", user=personas[name]
        )
    motion = meetings.put_motion(
        meeting,
        actor=personas["fay"],
        text="Adopt version 2 of the pre-approval policy",
        moved_by=personas["ada"],
        seconded_by=personas["ben"],
    )
    for name in ("ada", "ben"):
        meetings.record_vote(
            motion, actor=personas["fay"], member=personas[name], choice="for"
        )
    meetings.close_vote(motion, actor=personas["fay"])
    assert [c.pk for c in agenda.carried_motions(company)] == [motion.pk]
    services.adopt_policy_by_motion(draft, actor=personas["fay"], motion=motion.pk)
    draft.refresh_from_db()
    assert draft.adopted_on == date(2027, 1, 14)
    assert draft.votes_for == 2
