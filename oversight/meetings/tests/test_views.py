"""Permission matrices for every page and action of the meetings register.

anonymous → sign-in; eve (an outsider to One Stop Systems) → 404; an insider without the
right → 403; the right persona → success, the state change and one new ledger event.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from datetime import time as clock
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from oversight.accounts.decorators import SESSION_REAUTH_AT
from oversight.ledger.models import LedgerEvent
from oversight.meetings import services
from oversight.meetings.models import (
    ActionItem,
    BoardBook,
    BoardReport,
    CalendarFeed,
    Meeting,
    Minutes,
    Motion,
    VotingRules,
)
from oversight.meetings.tasks import build_book
from oversight.meetings.tests.conftest import at, attend, schedule
from oversight.meetings.tests.test_boardbook import pdf

pytestmark = pytest.mark.django_db


@dataclass
class World:  # the record every matrix row acts on
    held: Meeting
    planned: Meeting
    minutes: Minutes
    approved: Minutes
    report: BoardReport
    action: ActionItem
    motion: Motion
    open_motion: Motion
    people: dict[str, Any]
    ids: dict[str, int]


@pytest.fixture
def world(company, personas) -> World:
    fay, ada, ben = personas["fay"], personas["ada"], personas["ben"]
    VotingRules.objects.create(company=company, second_required=False)
    first = schedule(company, fay, at(2026, 1, 15), "January meeting")
    attend(first, fay, ada, ben)
    services.mark_held(first, actor=fay)
    earliest = services.draft_minutes(first, actor=fay)
    services.circulate_minutes(earliest, actor=fay)
    held = schedule(company, fay, at(2026, 3, 12), "March meeting")
    attend(held, fay, ada, ben)
    approve = services.put_motion(
        held,
        actor=fay,
        text="Approve January minutes.",
        moved_by=ada,
        approves_minutes=earliest,
    )
    for who in (ada, ben):
        services.record_vote(approve, actor=fay, member=who, choice="for")
    services.close_vote(approve, actor=fay)
    services.mark_held(held, actor=fay)
    minutes = services.draft_minutes(held, actor=fay)
    report = services.draft_board_report(held, actor=ada)
    action = services.add_action_item(
        held,
        actor=fay,
        title="Follow up",
        owner=personas["cleo"],
        due_on=date(2026, 4, 30),
    )
    planned = schedule(company, fay, at(2026, 5, 7), "May meeting")
    attend(planned, fay, ada, ben)
    item = services.add_agenda_item(planned, actor=fay, title="Q1 statements")
    material = services.upload_material(
        item, actor=personas["cleo"], upload=SimpleUploadedFile("q1.pdf", pdf("Q1", 1))
    )
    motion = services.put_motion(
        planned, actor=fay, text="Approve the Q1 statements.", moved_by=ada
    )
    for who in (ada, ben):
        services.record_vote(motion, actor=fay, member=who, choice="for")
    open_motion = services.put_motion(
        planned, actor=fay, text="Engage counsel.", moved_by=ada
    )
    consent = services.circulate_consent(
        company, actor=fay, text="Engage an advisor.", circulated_on=date(2026, 5, 1)
    )
    earliest.refresh_from_db()
    book = BoardBook.objects.create(meeting=planned, recipient=ben)
    build_book.call(book.pk)
    ids = {
        "item": item.pk,
        "material": material.pk,
        "consent": consent.pk,
        "first": first.pk,
    }
    return World(
        held,
        planned,
        minutes,
        earliest,
        report,
        action,
        motion,
        open_motion,
        personas,
        ids,
    )


# (url name, args from the world, allowed persona, refused insider, company-scoped page)
PAGES = [
    ("meetings:list", lambda w: [], "ben", "hal", True),
    ("meetings:schedule", lambda w: [], "fay", "ben", True),
    ("meetings:annual", lambda w: [], "cleo", "hal", True),
    ("meetings:feed", lambda w: [], "ben", "hal", True),
    ("meetings:consents", lambda w: [], "hal", "cleo", True),
    ("meetings:resolutions", lambda w: [], "hal", "cleo", True),
    ("meetings:voting-rules", lambda w: [], "ben", "hal", True),
    ("meetings:detail", lambda w: [w.planned.pk], "dev", "hal", False),
    ("meetings:ics", lambda w: [w.planned.pk], "ben", "hal", False),
    ("meetings:book-status", lambda w: [w.planned.pk], "ben", "hal", False),
    ("meetings:minutes", lambda w: [w.minutes.pk], "ben", "hal", False),
    ("meetings:minutes-pdf", lambda w: [w.approved.pk], "ben", "hal", False),
    ("meetings:report", lambda w: [w.report.pk], "hal", "cleo", False),
    ("meetings:material", lambda w: [w.ids["material"]], "cleo", "hal", False),
    ("meetings:book-download", lambda w: [w.planned.pk], "ben", "hal", False),
]


@pytest.mark.parametrize(("name", "args", "allowed", "refused", "scoped"), PAGES)
def test_page_matrix(world, client_for, name, args, allowed, refused, scoped):
    url = reverse(name, args=args(world))
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    outsider = client_for("eve").get(url)
    if scoped:
        assert b"One Stop" not in outsider.content
        assert b"March meeting" not in outsider.content
    else:
        assert outsider.status_code == 404
    assert client_for(refused).get(url).status_code == 403
    assert client_for(allowed).get(url).status_code == 200


def _reauth(client: Client) -> Client:
    session = client.session
    session[SESSION_REAUTH_AT] = time.time()
    session.save()
    return client


# (url name, args, data, allowed, refused, company-scoped, check of the change)
POSTS = [
    ("meetings:schedule", lambda w: [], lambda w: {"title": "Special meeting", "kind": "special", "date": "2026-06-01", "starts": "09:00", "ends": "10:00", "time_zone": "America/New_York", "video_url": "https://video.example/abc"}, "fay", "ben", True,
     lambda w: Meeting.objects.filter(title="Special meeting", company=w.held.company).exists()),
    ("meetings:reschedule", lambda w: [w.planned.pk], lambda w: {"date": "2026-05-08", "starts": "10:00", "ends": "12:00"}, "fay", "ben", False,
     lambda w: Meeting.objects.get(pk=w.planned.pk).day == date(2026, 5, 8)),
    ("meetings:status", lambda w: [w.planned.pk, "held"], lambda w: {}, "fay", "ben", False,
     lambda w: Meeting.objects.get(pk=w.planned.pk).status == "held"),
    ("meetings:status", lambda w: [w.ids["first"], "draft-report"], lambda w: {}, "fay", "ben", False,
     lambda w: BoardReport.objects.filter(meeting_id=w.ids["first"]).exists()),
    ("meetings:status", lambda w: [w.planned.pk, "cancel"], lambda w: {}, "ada", "cleo", False,
     lambda w: Meeting.objects.get(pk=w.planned.pk).status == "cancelled"),
    ("meetings:add-item", lambda w: [w.planned.pk], lambda w: {"title": "Auditor communications", "item_type": "auditor_communications", "visibility": "attendees"}, "fay", "ben", False,
     lambda w: w.planned.items.filter(title="Auditor communications").exists()),
    ("meetings:upload", lambda w: [w.ids["item"]], lambda w: {"file": SimpleUploadedFile("plan.pdf", pdf("Plan", 1))}, "cleo", "hal", False,
     lambda w: w.planned.items.get().materials.filter(name="plan.pdf").exists()),
    ("meetings:conflict", lambda w: [w.ids["item"]], lambda w: {"member": w.people["ben"].pk, "reason": "Interested"}, "fay", "ben", False,
     lambda w: w.planned.items.get().conflicts.filter(member=w.people["ben"]).exists()),
    ("meetings:attendance", lambda w: [w.planned.pk], lambda w: {"user": w.people["dev"].pk, "status": "remote"}, "fay", "ben", False,
     lambda w: w.planned.attendance.filter(user=w.people["dev"], status="remote").exists()),
    ("meetings:session", lambda w: [w.planned.pk], lambda w: {"counterpart": "auditor", "attendees": [w.people["dev"].pk], "private_notes": "fine"}, "fay", "ben", False,
     lambda w: w.planned.sessions.filter(counterpart="auditor").exists()),
    ("meetings:motion", lambda w: [w.planned.pk], lambda w: {"text": "Adopt the policy.", "moved_by": w.people["ben"].pk}, "fay", "ben", False,
     lambda w: w.planned.motions.filter(text="Adopt the policy.").exists()),
    ("meetings:vote", lambda w: [w.open_motion.pk], lambda w: {"member": w.people["ben"].pk, "choice": "against"}, "fay", "ben", False,
     lambda w: w.open_motion.votes.filter(member=w.people["ben"], choice="against").exists()),
    ("meetings:cast-vote", lambda w: [w.open_motion.pk], lambda w: {"choice": "against"}, "ben", "fay", False,
     lambda w: w.open_motion.votes.filter(member=w.people["ben"], choice="against").exists()),
    ("meetings:recuse", lambda w: [w.open_motion.pk], lambda w: {"member": w.people["ben"].pk, "reason": "Interested"}, "fay", "ben", False,
     lambda w: w.open_motion.recusals.filter(member=w.people["ben"]).exists()),
    ("meetings:close-vote", lambda w: [w.motion.pk], lambda w: {}, "fay", "ben", False,
     lambda w: Motion.objects.get(pk=w.motion.pk).outcome == "carried"),
    ("meetings:action-item", lambda w: [w.planned.pk], lambda w: {"title": "Send the plan", "owner": w.people["gus"].pk, "due_on": "2026-06-30"}, "fay", "ben", False,
     lambda w: w.planned.action_items.filter(title="Send the plan").exists()),
    ("meetings:close-action", lambda w: [w.action.pk], lambda w: {}, "fay", "ben", False,
     lambda w: ActionItem.objects.get(pk=w.action.pk).status == "closed"),
    ("meetings:book", lambda w: [w.planned.pk], lambda w: {}, "cleo", "hal", False,
     lambda w: BoardBook.objects.filter(recipient=w.people["cleo"]).exists()),
    ("meetings:minutes", lambda w: [w.minutes.pk], lambda w: {"body": "Edited minutes."}, "fay", "ben", False,
     lambda w: Minutes.objects.get(pk=w.minutes.pk).body == "Edited minutes."),
    ("meetings:circulate-minutes", lambda w: [w.minutes.pk], lambda w: {}, "fay", "ben", False,
     lambda w: Minutes.objects.get(pk=w.minutes.pk).status == "circulated"),
    ("meetings:amend-minutes", lambda w: [w.approved.pk], lambda w: {"text": "Correction."}, "fay", "ben", False,
     lambda w: w.approved.amendments.filter(text="Correction.").exists()),
    ("meetings:report", lambda w: [w.report.pk], lambda w: {"body": "Edited report."}, "ada", "fay", False,
     lambda w: BoardReport.objects.get(pk=w.report.pk).body == "Edited report."),
    ("meetings:deliver-report", lambda w: [w.report.pk], lambda w: {"delivered_on": "2026-03-20"}, "ada", "fay", False,
     lambda w: BoardReport.objects.get(pk=w.report.pk).status == "delivered"),
    ("meetings:consents", lambda w: [], lambda w: {"text": "Approve the fee.", "circulated_on": "2026-05-02"}, "fay", "ben", True,
     lambda w: w.held.company.written_consents.filter(text="Approve the fee.").exists()),
    ("meetings:sign-consent", lambda w: [w.ids["consent"]], lambda w: {}, "ben", "fay", False,
     lambda w: w.held.company.written_consents.get(pk=w.ids["consent"]).signatures.filter(member=w.people["ben"]).exists()),
    ("meetings:voting-rules", lambda w: [], lambda w: {"quorum_basis": "number", "quorum_number": 2, "quorum_fraction_numerator": 1, "quorum_fraction_denominator": 2, "outcome_rule": "two_thirds"}, "fay", "ben", True,
     lambda w: VotingRules.objects.filter(company=w.held.company, outcome_rule="two_thirds").exists()),
    ("meetings:feed", lambda w: [], lambda w: {}, "ben", "hal", True,
     lambda w: CalendarFeed.objects.filter(user=w.people["ben"], company=w.held.company).exists()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "args", "data", "allowed", "refused", "scoped", "changed"), POSTS
)
def test_action_matrix(
    world, client_for, name, args, data, allowed, refused, scoped, changed
):
    url = reverse(name, args=args(world))
    assert Client().post(url, data(world)).status_code == 302
    if not scoped:
        assert _reauth(client_for("eve")).post(url, data(world)).status_code == 404
    assert _reauth(client_for(refused)).post(url, data(world)).status_code == 403
    assert not changed(world)
    before = LedgerEvent.objects.count()
    response = _reauth(client_for(allowed)).post(url, data(world))
    assert response.status_code in {200, 302}
    assert changed(world), [str(m) for m in get_messages(response.wsgi_request)]
    assert LedgerEvent.objects.count() == before + 1


def test_signing_a_consent_asks_for_the_password_and_code_again(world, client_for):
    url = reverse("meetings:sign-consent", args=[world.ids["consent"]])
    response = client_for("ben").post(url, {"return_to": reverse("meetings:consents")})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm"))
    assert not world.held.company.written_consents.get().signatures.exists()


def test_refusals_are_said_and_nothing_is_saved(world, client_for):
    client = client_for("fay")
    url = reverse("meetings:vote", args=[world.open_motion.pk])
    client.post(url, {"member": world.people["ada"].pk, "choice": "for"})
    before = LedgerEvent.objects.count()
    response = client.post(
        url, {"member": world.people["ada"].pk, "choice": "against"}, follow=True
    )
    assert b"already voted on this motion; a second vote is refused" in response.content
    response = client.post(
        url, {"member": world.people["cleo"].pk, "choice": "for"}, follow=True
    )
    assert (
        b"Cleo Finance is not a member of the committee on 2026-05-07"
        in response.content
    )
    response = client.post(
        reverse("meetings:schedule"),
        {
            "title": "Backwards",
            "kind": "regular",
            "date": "2026-06-01",
            "starts": "10:00",
            "ends": "09:00",
            "time_zone": "UTC",
            "place": "Room",
        },
    )
    assert b"A meeting cannot end before it starts." in response.content
    response = client.post(
        reverse("meetings:minutes", args=[world.approved.pk]),
        {"body": "rewrite"},
        follow=True,
    )
    assert (
        b"Approved minutes cannot be edited; record an amendment instead."
        in response.content
    )
    response = client.post(
        reverse("meetings:upload", args=[world.ids["item"]]),
        {"file": SimpleUploadedFile("x.exe", b"MZ")},
        follow=True,
    )
    assert b".exe is not accepted" in response.content
    assert LedgerEvent.objects.count() == before
    assert response.status_code == 200


def test_members_only_items_and_session_notes_stay_with_members(world, client_for):
    services.add_agenda_item(
        world.planned,
        actor=world.people["fay"],
        title="Members-only matter",
        visibility="members",
    )
    services.record_session(
        world.planned,
        actor=world.people["fay"],
        counterpart="management",
        attendees=[],
        private_notes="Candid remark",
    )
    url = reverse("meetings:detail", args=[world.planned.pk])
    member = client_for("ben").get(url).content
    manager = client_for("cleo").get(url).content
    assert b"Members-only matter" in member
    assert b"Candid remark" in member
    assert b"Members-only matter" not in manager
    assert b"Candid remark" not in manager
    assert b"Executive session" in manager or b"Management" in manager


def test_feed_serves_the_calendar_until_revoked(world, client_for):
    _feed, token = services.create_feed(world.held.company, actor=world.people["ben"])
    url = reverse("meetings:feed-ics", args=[token])
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response.content.count(b"BEGIN:VEVENT") == 3
    client_for("ben").post(reverse("meetings:feed"), {"revoke": "1"})
    assert Client().get(url).status_code == 404


def test_book_download_after_build(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("cleo")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:book", args=[world.planned.pk]))
    response = client.get(reverse("meetings:book-download", args=[world.planned.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        client_for("ada")
        .get(reverse("meetings:book-download", args=[world.planned.pk]))
        .status_code
        == 404
    )
    status = client.get(reverse("meetings:book-status", args=[world.planned.pk]))
    assert b"Download your board book" in status.content


def test_meeting_list_query_count(world, client_for, django_assert_max_num_queries):
    client = client_for("ben")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("meetings:list")).status_code == 200
    for n in range(10):
        schedule(
            world.held.company, world.people["fay"], at(2026, 7, n + 1), f"Extra {n}"
        )
    with django_assert_max_num_queries(20):
        assert client.get(reverse("meetings:list")).status_code == 200


def test_meeting_page_query_count_does_not_grow_with_the_record(
    world, client_for, django_assert_max_num_queries
):
    client = client_for("fay")
    url = reverse("meetings:detail", args=[world.planned.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as first:
        client.get(url)
    for n in range(5):
        services.add_agenda_item(
            world.planned, actor=world.people["fay"], title=f"Item {n}"
        )
        services.put_motion(
            world.planned,
            actor=world.people["fay"],
            text=f"Motion {n}.",
            moved_by=world.people["ada"],
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_times_are_shown_in_the_meetings_own_time_zone(world, client_for):
    listing = client_for("ben").get(reverse("meetings:list")).content.decode()
    assert "Thu 12 Mar 2026, 09:00" in listing
    page = (
        client_for("ben")
        .get(reverse("meetings:detail", args=[world.held.pk]))
        .content.decode()
    )
    assert "Thursday 12 March 2026, 09:00–11:00 (America/Los_Angeles)" in page


def test_suggesting_the_proposed_items(world, client_for):
    url = reverse("meetings:status", args=[world.planned.pk, "suggest"])
    assert client_for("ben").post(url).status_code == 403
    assert client_for("eve").post(url).status_code == 404
    before = world.planned.items.count()
    assert client_for("fay").post(url).status_code == 302
    assert world.planned.items.count() > before
    assert (
        client_for("fay")
        .post(reverse("meetings:status", args=[world.planned.pk, "nonsense"]))
        .status_code
        == 404
    )


def test_dashboard_panel_shows_the_next_meeting_to_attendees_only(world, client_for):
    with time_machine.travel(at(2026, 4, 1), tick=False):
        page = client_for("ben").get(reverse("dashboard")).content.decode()
        assert "2 meetings held with a quorum in FY2026" in page
        assert "May meeting" in page
        assert (
            "May meeting"
            not in client_for("hal").get(reverse("dashboard")).content.decode()
        )


def test_consent_list_query_count_does_not_grow(
    world, client_for, django_assert_max_num_queries
):
    client = client_for("ben")
    services.sign_consent(
        world.held.company.written_consents.get(),
        actor=world.people["ada"],
        on=date(2026, 5, 2),
    )
    client.get(reverse("meetings:consents"))
    with django_assert_max_num_queries(40) as first:
        client.get(reverse("meetings:consents"))
    for n in range(5):
        consent = services.circulate_consent(
            world.held.company,
            actor=world.people["fay"],
            text=f"Resolution {n}.",
            circulated_on=date(2026, 5, 1),
        )
        services.sign_consent(consent, actor=world.people["ada"], on=date(2026, 5, 2))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert b"Resolution 4." in client.get(reverse("meetings:consents")).content


def test_resolutions_list_query_count(world, client_for, django_assert_max_num_queries):
    client = client_for("hal")
    with django_assert_max_num_queries(15):
        page = client.get(reverse("meetings:resolutions"))
    assert b"R-2026-001" in page.content


def test_closing_a_vote_after_a_member_left_says_no_quorum(world, client_for):
    services.record_attendance(
        world.planned,
        actor=world.people["fay"],
        user=world.people["ben"],
        status="in_person",
        departed_at=clock(10, 0),
    )
    services.record_vote(
        world.open_motion,
        actor=world.people["fay"],
        member=world.people["ada"],
        choice="for",
    )
    client = client_for("fay")
    response = client.post(
        reverse("meetings:close-vote", args=[world.open_motion.pk]),
        {"at": "10:15"},
        follow=True,
    )
    assert b"No quorum: 1 of 2 members present; quorum is 2" in response.content
    assert Motion.objects.get(pk=world.open_motion.pk).outcome == "open"
    response = client.post(
        reverse("meetings:close-vote", args=[world.motion.pk]),
        {"at": "10:15"},
        follow=True,
    )
    assert b"Ben Member is not recorded as present and cannot vote" in response.content
    response = client.post(
        reverse("meetings:close-vote", args=[world.motion.pk]),
        {"at": "09:45"},
        follow=True,
    )
    assert Motion.objects.get(pk=world.motion.pk).outcome == "carried"


def test_a_member_cannot_vote_twice_for_themselves(world, client_for):
    client = client_for("ada")
    url = reverse("meetings:cast-vote", args=[world.open_motion.pk])
    client.post(url, {"choice": "for"})
    response = client.post(url, {"choice": "against"}, follow=True)
    assert (
        b"Ada Chairwell has already voted on this motion; a second vote is refused."
        in response.content
    )
    assert (
        b"Vote for"
        in client.get(reverse("meetings:detail", args=[world.planned.pk])).content
    )
    assert (
        b"Vote for"
        not in client_for("cleo")
        .get(reverse("meetings:detail", args=[world.planned.pk]))
        .content
    )
