"""The meetings API: token auth, 401/404/403 per endpoint, the same refusals as the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from oversight.accounts.services import create_api_token
from oversight.ledger.models import LedgerEvent
from oversight.meetings import services
from oversight.meetings.models import Meeting
from oversight.meetings.tests.conftest import at, attend, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(personas, company, other_company):
    def make(name: str) -> dict[str, str]:
        target = other_company if name == "eve" else company
        issued = create_api_token(
            actor=personas[name], company=target, name="t", days=30
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}

    return make


@pytest.fixture
def motion(company, personas):
    fay, ada, ben = personas["fay"], personas["ada"], personas["ben"]
    meeting = schedule(company, fay, at(2026, 3, 12))
    attend(meeting, fay, ada, ben)
    return services.put_motion(
        meeting, actor=fay, text="Approve the plan.", moved_by=ada, seconded_by=ben
    )


GETS = [
    # (path from the motion, allowed, refused)
    (lambda m: "/api/v1/meetings/", "cleo", "hal"),
    (lambda m: f"/api/v1/meetings/{m.meeting_id}", "dev", "hal"),
    (lambda m: f"/api/v1/meetings/{m.meeting_id}/quorum", "ben", "hal"),
    (lambda m: "/api/v1/meetings/proposed-calendar?year=2026", "ben", "hal"),
    (lambda m: "/api/v1/meetings/resolutions", "hal", "cleo"),
]


@pytest.mark.parametrize(("path", "allowed", "refused"), GETS)
def test_read_endpoints_matrix(motion, bearer, path, allowed, refused):
    url = path(motion)
    assert Client().get(url).status_code == 401
    assert Client().get(url, **bearer(refused)).status_code == 403
    assert Client().get(url, **bearer(allowed)).status_code == 200


def test_an_outsider_token_never_reaches_the_meeting(motion, bearer):
    assert (
        Client()
        .get(f"/api/v1/meetings/{motion.meeting_id}", **bearer("eve"))
        .status_code
        == 404
    )
    assert Client().post(
        f"/api/v1/meetings/motions/{motion.pk}/close", **bearer("eve")
    ).status_code in {403, 404}


def test_quorum_endpoint_says_why(motion, bearer):
    body = (
        Client()
        .get(f"/api/v1/meetings/{motion.meeting_id}/quorum", **bearer("ben"))
        .json()
    )
    assert body == {
        "rule_id": "AC-MTG-06", "met": True, "members": 2, "present": 2, "required": 2,
        "message": "2 of 2 members present; quorum is 2",
    }  # fmt: skip


def test_schedule_vote_and_close_through_the_api(motion, bearer, personas):
    client = Client()
    fay = bearer("fay")
    created = client.post(
        "/api/v1/meetings/",
        {"title": "Special", "starts_at": "2026-06-01T09:00:00-07:00", "ends_at": "2026-06-01T10:00:00-07:00", "time_zone": "America/Los_Angeles", "place": "Room"},
        content_type="application/json", **fay,
    )  # fmt: skip
    assert created.status_code == 201
    assert Meeting.objects.filter(title="Special").exists()
    backwards = client.post(
        "/api/v1/meetings/",
        {"title": "Back", "starts_at": "2026-06-01T10:00:00Z", "ends_at": "2026-06-01T09:00:00Z", "time_zone": "UTC", "place": "Room"},
        content_type="application/json", **fay,
    )  # fmt: skip
    assert backwards.status_code == 400
    assert backwards.json() == {"detail": "A meeting cannot end before it starts."}
    url = f"/api/v1/meetings/motions/{motion.pk}/votes"
    assert (
        client.post(
            url,
            {"member_email": "ada@oss.example", "choice": "for"},
            content_type="application/json",
            **bearer("ben"),
        ).status_code
        == 403
    )
    for email in ("ada@oss.example", "ben@oss.example"):
        assert (
            client.post(
                url,
                {"member_email": email, "choice": "for"},
                content_type="application/json",
                **fay,
            ).status_code
            == 201
        )
    again = client.post(
        url,
        {"member_email": "ada@oss.example", "choice": "against"},
        content_type="application/json",
        **fay,
    )
    assert again.status_code == 400
    assert "a second vote is refused" in again.json()["detail"]
    assert (
        client.post(
            url,
            {"member_email": "x@oss.example", "choice": "for"},
            content_type="application/json",
            **fay,
        ).status_code
        == 400
    )
    assert (
        client.post(
            url,
            {"member_email": "ada@oss.example", "choice": "maybe"},
            content_type="application/json",
            **fay,
        ).status_code
        == 400
    )
    before = LedgerEvent.objects.count()
    closed = client.post(f"/api/v1/meetings/motions/{motion.pk}/close", **fay)
    assert closed.status_code == 200
    assert closed.json()["outcome"] == "carried"
    assert closed.json()["resolution_number"] == "R-2026-001"
    assert LedgerEvent.objects.count() == before + 1
    assert (
        client.get("/api/v1/meetings/resolutions", **bearer("ada")).json()[0]["id"]
        == motion.pk
    )


def test_bad_time_zone_and_year_are_clear_400s(bearer):
    client = Client()
    response = client.post(
        "/api/v1/meetings/",
        {"title": "X", "starts_at": "2026-06-01T09:00:00Z", "ends_at": "2026-06-01T10:00:00Z", "time_zone": "Mars/Olympus", "place": "Room"},
        content_type="application/json", **bearer("fay"),
    )  # fmt: skip
    assert response.status_code == 400
    assert (
        client.get(
            "/api/v1/meetings/proposed-calendar?year=1900", **bearer("ben")
        ).status_code
        == 400
    )
    assert client.get("/api/v1/meetings/999999", **bearer("ben")).status_code == 404


def test_attendance_sessions_and_minutes_endpoints(motion, bearer, personas):
    client = Client()
    meeting = motion.meeting
    url = f"/api/v1/meetings/{meeting.pk}/attendance"
    body = {"member_email": "dev@oss.example", "status": "remote"}
    assert client.post(url, body, content_type="application/json").status_code == 401
    assert (
        client.post(
            url, body, content_type="application/json", **bearer("ben")
        ).status_code
        == 403
    )
    fay = bearer("fay")
    before = LedgerEvent.objects.count()
    assert client.post(url, body, content_type="application/json", **fay).json() == {
        "name": "Dev Auditwright",
        "status": "remote",
    }
    assert LedgerEvent.objects.count() == before + 1
    assert (
        client.post(
            url,
            {"member_email": "nobody@oss.example", "status": "remote"},
            content_type="application/json",
            **bearer("fay"),
        ).status_code
        == 400
    )
    assert (
        client.post(
            url,
            {"guest_name": "Counsel", "status": "maybe"},
            content_type="application/json",
            **bearer("fay"),
        ).status_code
        == 400
    )
    assert client.post(
        url, {"status": "remote"}, content_type="application/json", **bearer("fay")
    ).json() == {"detail": "Name the person attending."}
    services.record_session(
        meeting,
        actor=personas["fay"],
        counterpart="auditor",
        attendees=[personas["dev"]],
        private_notes="Candid",
    )
    sessions_url = f"/api/v1/meetings/{meeting.pk}/sessions"
    assert (
        client.get(sessions_url, **bearer("ben")).json()[0]["private_notes"] == "Candid"
    )
    assert client.get(sessions_url, **bearer("cleo")).json()[0]["private_notes"] is None
    assert client.get(sessions_url, **bearer("hal")).status_code == 403
    minutes_url = f"/api/v1/meetings/{meeting.pk}/minutes"
    assert client.get(minutes_url, **bearer("ben")).status_code == 404
    services.mark_held(meeting, actor=personas["fay"])
    services.draft_minutes(meeting, actor=personas["fay"])
    got = client.get(minutes_url, **bearer("ben")).json()
    assert got["status"] == "draft"
    assert "An executive session was held (auditor)." in got["body"]
    assert client.get(minutes_url, **bearer("hal")).status_code == 403
