"""The meetings register's services: each decision, its refusals and its ledger event."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from oversight.accounts.models import Role, User
from oversight.accounts.services import assign_role
from oversight.ledger.models import LedgerEvent
from oversight.meetings import facts, ics, services
from oversight.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    BoardBook,
    Material,
    Meeting,
    Minutes,
    Motion,
    Vote,
    VotingRules,
    WrittenConsent,
)
from oversight.meetings.services import schedule as schedule_services
from oversight.meetings.services.common import sha256_of
from oversight.meetings.tests.conftest import at, attend, schedule
from oversight.meetings.tests.test_boardbook import pdf

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(LedgerEvent.objects.order_by("pk").values_list("action", flat=True))


# --- calendar ----------------------------------------------------------------------------


def test_scheduling_invites_the_members_in_office_and_records_it(meeting, personas):
    invited = {a.user.email for a in meeting.attendance.select_related("user")}
    assert invited == {"ada@oss.example", "ben@oss.example"}
    assert actions()[-1] == "meetings.meeting_scheduled"
    assert meeting.day == date(2026, 3, 12)


def test_a_meeting_that_ends_before_it_starts_is_refused_and_nothing_saved(
    company, personas
):
    before = (Meeting.objects.count(), LedgerEvent.objects.count())
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.schedule_meeting(
            company, actor=personas["fay"], title="Backwards", starts_at=at(2026, 3, 12, 10),
            ends_at=at(2026, 3, 12, 9), time_zone="America/Los_Angeles", place="Board room",
        )  # fmt: skip
    assert (Meeting.objects.count(), LedgerEvent.objects.count()) == before


def test_a_meeting_needs_a_place_or_a_link(company, personas):
    with pytest.raises(ValidationError, match="place, a video link"):
        services.schedule_meeting(
            company, actor=personas["fay"], title="Nowhere", starts_at=at(2026, 3, 12),
            ends_at=at(2026, 3, 12, 10), time_zone="America/Los_Angeles",
        )  # fmt: skip


def test_held_meeting_records_the_quorum_in_words(quorate, personas):
    services.mark_held(quorate, actor=personas["fay"])
    quorate.refresh_from_db()
    assert quorate.quorum_present is True
    assert quorate.quorum_message == "2 of 2 members present; quorum is 2"


def test_a_meeting_without_quorum_is_held_but_says_so(meeting, personas):
    attend(meeting, personas["fay"], personas["ada"])
    services.mark_held(meeting, actor=personas["fay"])
    meeting.refresh_from_db()
    assert meeting.quorum_present is False
    assert meeting.quorum_message.endswith("no quorum")


def test_cancelled_meetings_take_no_more_records(meeting, personas):
    services.cancel_meeting(meeting, actor=personas["fay"])
    with pytest.raises(ValidationError, match="cancelled"):
        services.add_agenda_item(meeting, actor=personas["fay"], title="Late item")
    with pytest.raises(ValidationError, match="Only a planned meeting"):
        services.cancel_meeting(meeting, actor=personas["fay"])


def test_rescheduling_moves_the_meeting_and_refuses_backwards_times(meeting, personas):
    services.reschedule_meeting(
        meeting,
        actor=personas["fay"],
        starts_at=at(2026, 3, 13),
        ends_at=at(2026, 3, 13, 11),
    )
    assert meeting.day == date(2026, 3, 13)
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.reschedule_meeting(
            meeting,
            actor=personas["fay"],
            starts_at=at(2026, 3, 13),
            ends_at=at(2026, 3, 13),
        )


# --- votes ----------------------------------------------------------------------------------


def test_a_motion_carries_by_the_configured_rule_with_its_reason(quorate, personas):
    ada, ben, fay = personas["ada"], personas["ben"], personas["fay"]
    motion = services.put_motion(
        quorate,
        actor=fay,
        text="Approve the Q4 statements.",
        moved_by=ada,
        seconded_by=ben,
    )
    services.record_vote(motion, actor=fay, member=ada, choice="for")
    services.record_vote(motion, actor=fay, member=ben, choice="abstain")
    services.close_vote(motion, actor=fay)
    motion.refresh_from_db()
    assert motion.outcome == Motion.Outcome.CARRIED
    assert motion.reason == (
        "2 of 2 members present; quorum is 2; 1 for, 0 against, 1 abstain: "
        "carried by a majority of votes cast."
    )
    assert motion.resolution_number == "R-2026-001"
    assert actions()[-1] == "meetings.motion_decided"


def test_a_vote_by_someone_not_a_member_on_the_date_is_refused(quorate, personas):
    motion = services.put_motion(
        quorate,
        actor=personas["fay"],
        text="Engage counsel.",
        moved_by=personas["ada"],
        seconded_by=personas["ben"],
    )
    with pytest.raises(
        ValidationError,
        match="Cleo Finance is not a member of the committee on 2026-03-12",
    ):
        services.record_vote(
            motion, actor=personas["fay"], member=personas["cleo"], choice="for"
        )
    assert not Vote.objects.exists()


def test_a_member_whose_term_began_later_cannot_vote(quorate, personas, company):
    dev = personas["dev"]
    assign_role(
        dev, actor=None, company=company, role=Role.MEMBER, starts_on=date(2026, 4, 1)
    )
    attend(quorate, personas["fay"], dev)
    motion = services.put_motion(
        quorate,
        actor=personas["fay"],
        text="X.",
        moved_by=personas["ada"],
        seconded_by=personas["ben"],
    )
    with pytest.raises(
        ValidationError, match="not a member of the committee on 2026-03-12"
    ):
        services.record_vote(motion, actor=personas["fay"], member=dev, choice="for")


def test_a_second_vote_by_the_same_member_is_refused(quorate, personas):
    motion = services.put_motion(
        quorate,
        actor=personas["fay"],
        text="X.",
        moved_by=personas["ada"],
        seconded_by=personas["ben"],
    )
    services.record_vote(
        motion, actor=personas["fay"], member=personas["ada"], choice="for"
    )
    with pytest.raises(
        ValidationError, match="already voted on this motion; a second vote is refused"
    ):
        services.record_vote(
            motion, actor=personas["fay"], member=personas["ada"], choice="against"
        )
    assert list(motion.votes.values_list("choice", flat=True)) == ["for"]


def test_a_motion_without_a_second_is_refused_when_one_is_required(quorate, personas):
    with pytest.raises(ValidationError, match="no second, and a second is required"):
        services.put_motion(
            quorate, actor=personas["fay"], text="X.", moved_by=personas["ada"]
        )
    assert not Motion.objects.exists()


def test_no_outcome_without_a_quorum_and_nothing_saved(meeting, personas):
    attend(meeting, personas["fay"], personas["ada"])
    motion = services.put_motion(
        meeting,
        actor=personas["fay"],
        text="X.",
        moved_by=personas["ada"],
        seconded_by=personas["ben"],
    )
    services.record_vote(
        motion, actor=personas["fay"], member=personas["ada"], choice="for"
    )
    events = LedgerEvent.objects.count()
    with pytest.raises(
        ValidationError, match="No quorum: 1 of 2 members present; quorum is 2"
    ):
        services.close_vote(motion, actor=personas["fay"])
    motion.refresh_from_db()
    assert motion.outcome == Motion.Outcome.OPEN
    assert LedgerEvent.objects.count() == events


def test_a_recused_member_cannot_vote_and_is_named(quorate, personas, company):
    fay, ada, ben = personas["fay"], personas["ada"], personas["ben"]
    VotingRules.objects.create(company=company, second_required=False)
    motion = services.put_motion(
        quorate, actor=fay, text="Approve the vendor contract.", moved_by=ada
    )
    services.record_recusal(
        motion, actor=fay, member=ben, reason="Related to the vendor"
    )
    with pytest.raises(ValidationError, match="recused from this motion"):
        services.record_vote(motion, actor=fay, member=ben, choice="for")
    services.record_vote(motion, actor=fay, member=ada, choice="for")
    services.close_vote(motion, actor=fay)
    motion.refresh_from_db()
    assert "recused: Ben Member (Related to the vendor)" in motion.reason
    with pytest.raises(ValidationError, match="closed"):
        services.record_vote(motion, actor=fay, member=ada, choice="for")


def test_the_mover_or_seconder_cannot_recuse(quorate, personas):
    fay, ada, ben = personas["fay"], personas["ada"], personas["ben"]
    motion = services.put_motion(
        quorate, actor=fay, text="X.", moved_by=ada, seconded_by=ben
    )
    with pytest.raises(ValidationError, match="Ben Member seconded this motion"):
        services.record_recusal(motion, actor=fay, member=ben, reason="Interested")
    with pytest.raises(ValidationError, match="Give the reason"):
        services.record_recusal(motion, actor=fay, member=ada, reason=" ")


# --- minutes ------------------------------------------------------------------------------


def held_with_minutes(personas: dict[str, User], meeting: Meeting) -> Minutes:
    fay = personas["fay"]
    attend(meeting, fay, personas["ada"], personas["ben"])
    services.record_session(
        meeting,
        actor=fay,
        counterpart="auditor",
        attendees=[personas["dev"]],
        private_notes="Secret remark",
    )
    services.mark_held(meeting, actor=fay)
    return services.draft_minutes(meeting, actor=fay)


def test_minutes_are_drafted_from_the_record_without_session_content(meeting, personas):
    minutes = held_with_minutes(personas, meeting)
    assert "Ada Chairwell: present in person" in minutes.body
    assert "2 of 2 members present; quorum is 2" in minutes.body
    assert "An executive session was held (auditor)" in minutes.body
    assert "Secret remark" not in minutes.body


def test_minutes_are_approved_at_a_later_meeting_then_frozen(
    meeting, personas, company
):
    fay, ada, ben = personas["fay"], personas["ada"], personas["ben"]
    minutes = held_with_minutes(personas, meeting)
    services.edit_minutes(
        minutes, actor=fay, body=minutes.body + "\nEdited by the secretary.\n"
    )
    later = schedule(company, fay, at(2026, 5, 7))
    attend(later, fay, ada, ben)
    with pytest.raises(ValidationError, match="Circulate the minutes"):
        services.put_motion(
            later,
            actor=fay,
            text="Approve.",
            moved_by=ada,
            seconded_by=ben,
            approves_minutes=minutes,
        )
    services.circulate_minutes(minutes, actor=fay)
    with pytest.raises(ValidationError, match="later meeting"):
        services.put_motion(
            meeting,
            actor=fay,
            text="Approve.",
            moved_by=ada,
            seconded_by=ben,
            approves_minutes=minutes,
        )
    motion = services.put_motion(
        later,
        actor=fay,
        text="Approve the minutes of 12 March.",
        moved_by=ada,
        seconded_by=ben,
        approves_minutes=minutes,
    )
    services.record_vote(motion, actor=fay, member=ada, choice="for")
    services.record_vote(motion, actor=fay, member=ben, choice="for")
    services.close_vote(motion, actor=fay)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.APPROVED
    assert minutes.approved_at_meeting == later
    event = LedgerEvent.objects.filter(action="meetings.minutes_approved").get()
    assert event.data["sha256"] == minutes.content_hash == sha256_of(minutes.body)
    assert (
        "Edited by the secretary."
        in PdfReader(minutes.pdf.open("rb")).pages[0].extract_text()
    )
    with pytest.raises(
        ValidationError, match="Approved minutes cannot be edited; record an amendment"
    ):
        services.edit_minutes(minutes, actor=fay, body="rewritten")
    amendment = services.amend_minutes(minutes, actor=fay, text="Ben arrived at 9:10.")
    assert amendment.content_hash == sha256_of("Ben arrived at 9:10.")
    minutes.refresh_from_db()
    assert "rewritten" not in minutes.body


def test_minutes_need_a_held_meeting(meeting, personas):
    with pytest.raises(ValidationError, match="once the meeting has been held"):
        services.draft_minutes(meeting, actor=personas["fay"])


# --- action items and reports ----------------------------------------------------------------------


def test_open_action_items_are_carried_onto_later_agendas_until_closed(
    meeting, personas, company
):
    from oversight.meetings import queries

    action = services.add_action_item(
        meeting,
        actor=personas["fay"],
        title="Follow up the ICFR deficiency",
        owner=personas["cleo"],
        due_on=date(2026, 4, 30),
    )
    later = schedule(company, personas["fay"], at(2026, 5, 7))
    assert list(queries.carried_action_items(later)) == [action]
    assert list(queries.carried_action_items(meeting)) == []
    services.close_action_item(action, actor=personas["fay"])
    assert list(queries.carried_action_items(later)) == []
    assert action.is_overdue(date(2026, 5, 1)) is False
    with pytest.raises(ValidationError, match="due before the meeting"):
        services.add_action_item(
            meeting,
            actor=personas["fay"],
            title="X",
            owner=personas["cleo"],
            due_on=date(2026, 3, 1),
        )


def test_an_action_item_is_overdue_the_day_after_its_due_date():
    item = ActionItem(due_on=date(2026, 4, 30), status=ActionItem.Status.OPEN)
    assert (item.is_overdue(date(2026, 4, 30)), item.is_overdue(date(2026, 5, 1))) == (
        False,
        True,
    )


def test_board_report_drafted_edited_and_delivered(quorate, personas):
    services.mark_held(quorate, actor=personas["fay"])
    report = services.draft_board_report(quorate, actor=personas["ada"])
    services.edit_board_report(
        report, actor=personas["ada"], body=report.body + "We recommend the 10-K.\n"
    )
    services.deliver_board_report(
        report, actor=personas["ada"], delivered_on=date(2026, 3, 20)
    )
    with pytest.raises(ValidationError, match="delivered report cannot be edited"):
        services.edit_board_report(report, actor=personas["ada"], body="x")
    found = facts.collect_facts(quorate.company, as_of=date(2026, 3, 31))
    assert [f.kind for f in found] == ["meeting.held", "board.report_delivered"]
    assert (
        facts.collect_facts(quorate.company, as_of=date(2026, 3, 19))[-1].kind
        == "meeting.held"
    )


def test_facts_for_the_charter_engine(meeting, personas, company):
    minutes = held_with_minutes(personas, meeting)
    services.circulate_minutes(minutes, actor=personas["fay"])
    later = schedule(company, personas["fay"], at(2026, 5, 7))
    attend(later, personas["fay"], personas["ada"], personas["ben"])
    motion = services.put_motion(
        later,
        actor=personas["fay"],
        text="Approve.",
        moved_by=personas["ada"],
        seconded_by=personas["ben"],
        approves_minutes=minutes,
    )
    for who in ("ada", "ben"):
        services.record_vote(
            motion, actor=personas["fay"], member=personas[who], choice="for"
        )
    services.close_vote(motion, actor=personas["fay"])
    kinds = [
        (f.kind, f.occurred_on)
        for f in facts.collect_facts(company, as_of=date(2026, 12, 31))
    ]
    assert kinds == [
        ("meeting.held", date(2026, 3, 12)),
        ("session.auditor", date(2026, 3, 12)),
        ("minutes.approved", date(2026, 5, 7)),
    ]
    assert facts.collect_facts(company, as_of=date(2026, 3, 11)) == []


# --- materials and books ----------------------------------------------------------------------------


def upload(
    item: AgendaItem, who: User, name: str = "statements.pdf", data: bytes | None = None
) -> Material:
    content = data if data is not None else pdf("Statements", 2)
    return services.upload_material(
        item,
        actor=who,
        upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


def test_materials_are_versioned_with_their_hash(meeting, personas):
    item = services.add_agenda_item(
        meeting,
        actor=personas["fay"],
        title="Q4 financial statements",
        item_type="financial_statements",
    )
    first = upload(item, personas["cleo"])
    second = upload(item, personas["cleo"], data=pdf("Statements v2", 3))
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.superseded_at is not None
    assert second.superseded_at is None
    assert len(second.sha256) == 64
    assert second.sha256 != first.sha256


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tool.exe", b"MZ", ".exe is not accepted"),
        ("fake.pdf", b"hello", "does not look like a .pdf file"),
        ("sheet.xlsx", b"not a zip", "does not look like a .xlsx file"),
        ("empty.pdf", b"", "empty.pdf is empty"),
    ],
)
def test_unsupported_uploads_are_refused_with_a_clear_message(
    meeting, personas, name, data, message
):
    item = services.add_agenda_item(meeting, actor=personas["fay"], title="Item")
    with pytest.raises(ValidationError, match=message):
        upload(item, personas["cleo"], name=name, data=data)
    assert not item.materials.exists()


def test_oversized_uploads_are_refused(meeting, personas, monkeypatch):
    monkeypatch.setattr(schedule_services, "MAX_UPLOAD_BYTES", 1024)
    item = services.add_agenda_item(meeting, actor=personas["fay"], title="Item")
    with pytest.raises(ValidationError, match=r"the limit is 0 MB|limit is"):
        upload(item, personas["cleo"], data=b"%PDF-" + b"x" * 2000)


def test_a_late_replacement_tells_the_attendees(
    meeting, personas, django_capture_on_commit_callbacks
):
    item = services.add_agenda_item(meeting, actor=personas["fay"], title="Item")
    with time_machine.travel(at(2026, 3, 1), tick=False):
        upload(item, personas["cleo"])
    with (
        time_machine.travel(at(2026, 3, 11), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        upload(item, personas["cleo"], data=pdf("New", 1))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Replaced: statements.pdf for Regular meeting"
    assert sorted(mail.outbox[0].to) == ["ada@oss.example", "ben@oss.example"]


def test_board_book_is_built_for_the_recipient_and_hides_members_only_items(
    meeting, personas, company, django_capture_on_commit_callbacks
):
    fay, cleo, ada = personas["fay"], personas["cleo"], personas["ada"]
    public = services.add_agenda_item(meeting, actor=fay, title="Q4 statements")
    services.add_agenda_item(
        meeting,
        actor=fay,
        title="Members-only discussion",
        visibility=AgendaItem.Visibility.MEMBERS,
    )
    upload(public, cleo)
    services.record_attendance(
        meeting, actor=fay, user=cleo, status=Attendance.Status.INVITED
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_book(meeting, actor=cleo)
        services.request_book(meeting, actor=ada)
    books = {
        b.recipient.email: b for b in BoardBook.objects.select_related("recipient")
    }
    cleo_book, ada_book = books["cleo@oss.example"], books["ada@oss.example"]
    assert cleo_book.status == ada_book.status == BoardBook.Status.READY
    cleo_pdf = PdfReader(cleo_book.file.open("rb"))
    text = "".join(p.extract_text() for p in cleo_pdf.pages)
    assert "Members-only discussion" not in text
    assert all("Prepared for Cleo Finance" in p.extract_text() for p in cleo_pdf.pages)
    assert "Members-only discussion" in "".join(
        p.extract_text() for p in PdfReader(ada_book.file.open("rb")).pages
    )
    assert len(cleo_pdf.pages) == cleo_book.pages_total == 1 + 1 + 1 + 2
    with django_capture_on_commit_callbacks(execute=True):
        upload(public, cleo, name="extra.pdf", data=pdf("Extra", 4))
    cleo_book.refresh_from_db()
    assert cleo_book.status == BoardBook.Status.READY
    assert cleo_book.pages_total == 1 + 1 + 1 + 2 + 4


def test_an_item_hidden_from_a_recused_director_is_not_in_their_book(
    meeting, personas, django_capture_on_commit_callbacks
):
    services.add_agenda_item(
        meeting,
        actor=personas["fay"],
        title="Vendor contract",
        hidden_from=[personas["ben"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_book(meeting, actor=personas["ben"])
    book = BoardBook.objects.get()
    assert "Vendor contract" not in "".join(
        p.extract_text() for p in PdfReader(book.file.open("rb")).pages
    )


# --- written consent ------------------------------------------------------------------------------------


def test_written_consent_is_adopted_when_every_member_signs(company, personas):
    consent = services.circulate_consent(
        company,
        actor=personas["fay"],
        text="Engage counsel.",
        circulated_on=date(2026, 5, 1),
    )
    services.sign_consent(consent, actor=personas["ada"], on=date(2026, 5, 2))
    consent.refresh_from_db()
    assert consent.adopted_on is None
    with pytest.raises(ValidationError, match="already signed"):
        services.sign_consent(consent, actor=personas["ada"], on=date(2026, 5, 3))
    with pytest.raises(ValidationError, match="Cleo Finance is not a member"):
        services.sign_consent(consent, actor=personas["cleo"], on=date(2026, 5, 3))
    services.sign_consent(consent, actor=personas["ben"], on=date(2026, 5, 4))
    consent = WrittenConsent.objects.get(pk=consent.pk)
    assert (consent.adopted_on, consent.resolution_number) == (
        date(2026, 5, 4),
        "R-2026-001",
    )
    assert actions()[-1] == "meetings.consent_adopted"


# --- reminders, feeds, ics ------------------------------------------------------------------------------------


def test_reminders_are_claimed_once(company, personas):
    with time_machine.travel(at(2026, 3, 1), tick=False):
        meeting = schedule(company, personas["fay"], at(2026, 3, 12))
    assert meeting.next_reminder_at == at(2026, 3, 10)
    assert services.send_due_reminders(at(2026, 3, 9)) == 0
    assert services.send_due_reminders(at(2026, 3, 10, 12)) == 1
    assert services.send_due_reminders(at(2026, 3, 10, 12)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith(
        "Reminder: Regular meeting on 12 Mar 2026 at 09:00"
    )


def test_a_claim_lost_to_another_scheduler_sends_nothing(
    company, personas, monkeypatch
):
    with time_machine.travel(at(2026, 3, 1), tick=False):
        meeting = schedule(company, personas["fay"], at(2026, 3, 12))
    original = Meeting.objects.filter

    def racing_filter(*args, **kwargs):
        if "next_reminder_at" in kwargs and "pk" in kwargs:
            Meeting.objects.all().update(next_reminder_at=None)  # the other host won
        return original(*args, **kwargs)

    monkeypatch.setattr(Meeting.objects, "filter", racing_filter)
    assert services.send_next_reminder(at(2026, 3, 11)) is True
    assert mail.outbox == []
    meeting.refresh_from_db()


def test_feed_tokens_are_secret_and_revocable(company, personas):
    feed, token = services.create_feed(company, actor=personas["ben"])
    assert services.find_feed(token) == feed
    assert feed.token_hash != token
    services.revoke_feed(feed, actor=personas["ben"])
    assert services.find_feed(token) is None
    assert services.find_feed("nonsense") is None


def test_ics_has_one_event_in_utc_with_escaped_text(meeting):
    meeting.title = "Q1 review; budget, plan"
    text = ics.calendar([meeting], name="Committee", now=at(2026, 3, 1))
    assert "DTSTART:20260312T160000Z" in text
    assert "SUMMARY:Q1 review\\; budget\\, plan" in text
    assert text.count("BEGIN:VEVENT") == 1
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_reminders_command_is_idempotent(company, personas):
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel(at(2026, 3, 1), tick=False):
        schedule(company, personas["fay"], at(2026, 3, 12))
    with time_machine.travel(at(2026, 3, 11), tick=False):
        out = StringIO()
        call_command("send_reminders", "--dry-run", "--json", stdout=out)
        assert '"title": "Regular meeting"' in out.getvalue()
        assert mail.outbox == []
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    assert "1 reminder(s) sent." in out.getvalue()
    assert "0 reminder(s) sent." in out.getvalue()
    assert len(mail.outbox) == 1


def test_demo_year_of_meetings_is_idempotent(company, personas):
    from oversight.meetings import demo

    today = date(2026, 11, 20)
    with time_machine.travel(at(2026, 11, 20), tick=False):
        demo.populate(company, personas, today=today)
        count = Meeting.objects.count()
        demo.populate(company, personas, today=today)
    assert Meeting.objects.count() == count
    held = Meeting.objects.filter(status=Meeting.Status.HELD)
    assert held.count() >= 4
    assert all(m.quorum_present for m in held)
    kinds = {f.kind for f in facts.collect_facts(company, as_of=today)}
    assert kinds == {
        "meeting.held", "minutes.approved", "board.report_delivered",
        "session.management", "session.internal_audit", "session.auditor", "session.members_only",
    }  # fmt: skip
    assert Meeting.objects.filter(status=Meeting.Status.PLANNED).exists()


def test_the_configured_rules_decide_the_vote(quorate, personas, company):
    fay, ada, ben = personas["fay"], personas["ada"], personas["ben"]
    services.set_voting_rules(
        company,
        actor=ada,
        quorum_basis="majority",
        outcome_rule="unanimous",
        second_required=False,
    )
    motion = services.put_motion(quorate, actor=fay, text="Adopt.", moved_by=ada)
    services.record_vote(motion, actor=fay, member=ada, choice="for")
    services.record_vote(motion, actor=fay, member=ben, choice="abstain")
    services.close_vote(motion, actor=fay)
    motion.refresh_from_db()
    assert motion.outcome == Motion.Outcome.FAILED
    assert motion.reason.endswith(
        "not carried; it needs all 2 eligible members present to vote for."
    )
    assert (
        motion.rule
        == "AC-MTG-11: the unanimous vote of the members present; quorum a majority of the members"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quorum_basis": "number", "quorum_number": 0}, "at least 1"),
        (
            {
                "quorum_basis": "fraction",
                "quorum_fraction_numerator": 3,
                "quorum_fraction_denominator": 2,
            },
            "at most 1",
        ),
        ({"quorum_basis": "fraction", "quorum_fraction_denominator": 0}, "denominator"),
        ({"quorum_basis": "majority", "outcome_rule": "plurality"}, "plurality"),
    ],
)
def test_impossible_voting_rules_are_refused(company, personas, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        services.set_voting_rules(company, actor=personas["ada"], **kwargs)
    assert not VotingRules.objects.exists()


def test_the_annual_calendars_items_can_be_added_to_a_meeting(meeting, personas):
    added = services.add_proposed_items(meeting, actor=personas["fay"])
    titles = [i.title for i in added]
    assert "Annual audited financial statements" in titles
    assert "Executive session with the independent auditor" in titles
    members_only = next(
        i for i in added if i.title == "Executive session of members only"
    )
    assert members_only.visibility == AgendaItem.Visibility.MEMBERS
    statements = next(
        i for i in added if i.title == "Annual audited financial statements"
    )
    assert statements.obligations() == ["AC-FIN-01"]
    with pytest.raises(ValidationError, match="already has every proposed item"):
        services.add_proposed_items(meeting, actor=personas["fay"])


def test_carried_action_items_are_in_the_next_board_book(
    meeting, personas, company, django_capture_on_commit_callbacks
):
    services.add_action_item(
        meeting,
        actor=personas["fay"],
        title="Send the remediation plan",
        owner=personas["gus"],
        due_on=date(2026, 4, 30),
    )
    later = schedule(company, personas["fay"], at(2026, 5, 7))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_book(later, actor=personas["ada"])
    text = "".join(
        p.extract_text()
        for p in PdfReader(BoardBook.objects.get().file.open("rb")).pages
    )
    assert "Open action items carried forward" in text
    assert (
        "Send the remediation plan (Gus Internal, due 30 Apr 2026; from Regular meeting)"
        in text
    )


def test_a_book_that_cannot_be_built_says_so(
    meeting, personas, monkeypatch, django_capture_on_commit_callbacks
):
    from oversight.meetings import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "build_board_book", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_book(meeting, actor=personas["ada"])
    book = BoardBook.objects.get()
    assert (book.status, book.error) == (BoardBook.Status.FAILED, "disk full")


def test_a_book_whose_materials_changed_while_building_is_left_for_the_rebuild(
    meeting, personas, monkeypatch
):
    from oversight.meetings import tasks

    book = BoardBook.objects.create(meeting=meeting, recipient=personas["ada"])
    original = tasks.build_board_book

    def slow(*args, **kwargs):
        BoardBook.objects.filter(pk=book.pk).update(
            requested_at=at(2030, 1, 1)
        )  # a newer request
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks, "build_board_book", slow)
    tasks.build_book.call(book.pk)
    book.refresh_from_db()
    assert book.status == BoardBook.Status.BUILDING
    assert not book.file
    tasks.build_book.call(999999)  # a book deleted meanwhile is ignored


def test_a_declared_conflict_hides_the_item_and_recuses_from_its_motions(
    quorate, personas, company, django_capture_on_commit_callbacks
):
    fay, ada, ben = personas["fay"], personas["ada"], personas["ben"]
    VotingRules.objects.create(company=company, second_required=False)
    item = services.add_agenda_item(quorate, actor=fay, title="Vendor contract")
    with pytest.raises(
        ValidationError,
        match="Cleo Finance is not a member of the committee on 2026-03-12",
    ):
        services.declare_conflict(item, actor=fay, member=personas["cleo"], reason="x")
    services.declare_conflict(
        item, actor=fay, member=ben, reason="Director of the vendor"
    )
    with pytest.raises(ValidationError, match="already declared"):
        services.declare_conflict(item, actor=fay, member=ben, reason="again")
    with pytest.raises(
        ValidationError,
        match="Ben Member declared a conflict with this item and cannot move",
    ):
        services.put_motion(
            quorate, actor=fay, text="Approve.", moved_by=ben, item=item
        )
    motion = services.put_motion(
        quorate, actor=fay, text="Approve the contract.", moved_by=ada, item=item
    )
    assert [r.reason for r in motion.recusals.all()] == [
        "Declared conflict: Director of the vendor"
    ]
    with pytest.raises(ValidationError, match="recused from this motion"):
        services.record_vote(motion, actor=fay, member=ben, choice="for")
    services.record_vote(motion, actor=fay, member=ada, choice="for")
    services.close_vote(motion, actor=fay)
    motion.refresh_from_db()
    assert (
        "recused: Ben Member (Declared conflict: Director of the vendor)"
        in motion.reason
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_book(quorate, actor=ben)
    assert "Vendor contract" not in "".join(
        p.extract_text()
        for p in PdfReader(BoardBook.objects.get().file.open("rb")).pages
    )


def test_minutes_awaiting_approval_are_in_the_members_next_board_book(
    meeting, personas, company, django_capture_on_commit_callbacks
):
    minutes = held_with_minutes(personas, meeting)
    services.circulate_minutes(minutes, actor=personas["fay"])
    later = schedule(company, personas["fay"], at(2026, 5, 7))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_book(later, actor=personas["ben"])
        services.request_book(later, actor=personas["cleo"])
    books = {
        b.recipient.email: b for b in BoardBook.objects.select_related("recipient")
    }
    member = "".join(
        p.extract_text()
        for p in PdfReader(books["ben@oss.example"].file.open("rb")).pages
    )
    assert "Minutes of Regular meeting, for approval" in member
    assert "Ada Chairwell: present in person" in member
    cfo = "".join(
        p.extract_text()
        for p in PdfReader(books["cleo@oss.example"].file.open("rb")).pages
    )
    assert "for approval" not in cfo


@pytest.mark.parametrize(
    ("arrived", "departed", "at", "outcome"),
    [
        (None, None, None, "carried"),
        (None, time(10, 0), time(9, 59), "carried"),
        (None, time(10, 0), time(10, 0), "no_quorum"),
        (time(9, 30), None, time(9, 29), "no_quorum"),
        (time(9, 30), None, time(9, 30), "carried"),
        (None, time(10, 0), None, "carried"),
    ],
)
def test_quorum_is_counted_at_the_time_of_the_vote(
    quorate, personas, arrived, departed, at, outcome
):
    fay, ada, ben = personas["fay"], personas["ada"], personas["ben"]
    services.record_attendance(
        quorate,
        actor=fay,
        user=ben,
        status="remote",
        arrived_at=arrived,
        departed_at=departed,
    )
    motion = services.put_motion(
        quorate, actor=fay, text="Adopt.", moved_by=ada, seconded_by=ben
    )
    services.record_vote(motion, actor=fay, member=ada, choice="for")
    if outcome == "no_quorum":
        with pytest.raises(
            ValidationError, match="No quorum: 1 of 2 members present; quorum is 2"
        ):
            services.close_vote(motion, actor=fay, at=at)
    else:
        services.close_vote(motion, actor=fay, at=at)
        motion.refresh_from_db()
        assert (motion.outcome, motion.voted_at) == (outcome, at)
