"""A meeting's life in a real browser: the secretary schedules it, builds its agenda,
records attendance, a vote and an executive session, and the minutes are approved at
the next meeting."""

from __future__ import annotations

import pytest

from oversight.ledger.models import LedgerEvent
from oversight.meetings.models import Minutes, Motion
from oversight.tests.browser.harness import axe_check, format_violations, screenshot
from oversight.tests.browser.test_foundation import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _accessible(page) -> None:
    violations = axe_check(page)
    assert violations == [], format_violations(violations)


def _schedule(page, base: str, title: str, day: str) -> None:
    page.goto(base + "/meetings/schedule/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Date").fill(day)
    page.get_by_label("Starts at").fill("09:00")
    page.get_by_label("Ends at").fill("11:00")
    page.get_by_label("Time zone").fill("America/Los_Angeles")
    page.get_by_label("Place").fill("Board room")
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_selector(f"h1:has-text('{title}')")


def _attend(page, *names: str) -> None:
    for name in names:
        page.locator("summary", has_text="Record attendance").click()
        page.locator("#att_user").select_option(label=name)
        page.locator("#att_status").select_option("in_person")
        page.get_by_role("button", name="Record", exact=True).click()
        page.wait_for_selector("text=Attendance recorded.")


def _vote_all_for(page) -> None:
    motion = page.locator("article.motion").last
    for name in ("Ada Chairwell", "Ben Member"):
        motion = page.locator("article.motion").last
        motion.locator("select[name=member]").first.select_option(label=name)
        motion.locator("select[name=choice]").select_option("for")
        motion.get_by_role("button", name="Record vote").click()
        page.wait_for_selector("text=Vote recorded.")
    page.locator("article.motion").last.get_by_role(
        "button", name="Close the vote"
    ).click()
    page.wait_for_selector("text=Vote closed.")


def test_schedule_agenda_attendance_vote_session_and_minutes_approved_next_time(
    live_server, page, personas
) -> None:
    base = live_server.url
    sign_in(page, base, personas["fay"])
    page.wait_for_url(base + "/")

    _schedule(page, base, "March meeting", "2026-03-12")
    page.locator("summary", has_text="Add an item").click()
    page.locator("#item_title").fill("Q4 financial statements")
    page.locator("#item_item_type").select_option("financial_statements")
    page.locator("#item_presenter").fill("Cleo Finance, CFO")
    page.get_by_role("button", name="Add item").click()
    page.wait_for_selector("text=Item added to the agenda.")
    _attend(page, "Ada Chairwell", "Ben Member")

    page.locator("summary", has_text="Put a motion").click()
    page.locator("#mot_text").fill("Approve the Q4 financial statements.")
    page.locator("#mot_moved_by").select_option(label="Ada Chairwell")
    page.locator("#mot_seconded_by").select_option(label="Ben Member")
    page.get_by_role("button", name="Put the motion").click()
    page.wait_for_selector("text=Motion put to the committee.")
    _vote_all_for(page)
    assert (
        "2 of 2 members present; quorum is 2; 2 for, 0 against, 0 abstain: carried by a majority of votes cast."
        in page.content()
    )

    page.locator("summary", has_text="Record an executive session").click()
    page.locator("#ses_counterpart").select_option("auditor")
    page.locator("#ses_attendees").select_option(label="Dev Auditwright")
    page.locator("#ses_private_notes").fill("No disagreements with management.")
    page.get_by_role("button", name="Record session").click()
    page.wait_for_selector("text=Executive session recorded.")
    _accessible(page)
    screenshot(page, "meeting")

    page.get_by_role("button", name="Mark as held").click()
    page.wait_for_selector("text=Marked as held.")
    page.get_by_role("button", name="Draft the minutes from the record").click()
    page.wait_for_selector("text=Minutes drafted from the record.")
    page.get_by_role("link", name="Minutes").click()
    page.get_by_role("button", name="Circulate for approval").click()
    page.wait_for_selector("text=Minutes circulated for approval.")

    _schedule(page, base, "May meeting", "2026-05-07")
    _attend(page, "Ada Chairwell", "Ben Member")
    page.locator("summary", has_text="Put a motion").click()
    page.locator("#mot_text").fill("Approve the minutes of the March meeting.")
    page.locator("#mot_moved_by").select_option(label="Ada Chairwell")
    page.locator("#mot_seconded_by").select_option(label="Ben Member")
    page.locator("#mot_approves_minutes").select_option(index=1)
    page.get_by_role("button", name="Put the motion").click()
    page.wait_for_selector("text=Motion put to the committee.")
    _vote_all_for(page)

    minutes = Minutes.objects.get(meeting__title="March meeting")
    assert minutes.status == Minutes.Status.APPROVED
    assert minutes.approved_at_meeting.title == "May meeting"
    assert LedgerEvent.objects.filter(
        action="meetings.minutes_approved", data__sha256=minutes.content_hash
    ).exists()
    assert Motion.objects.filter(outcome="carried").count() == 2
    page.goto(f"{base}/meetings/minutes/{minutes.pk}/")
    assert "Approved" in page.content()
    assert "An executive session was held (auditor)." in page.content()
    assert "No disagreements with management." not in page.content()
    _accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/",
        "/meetings/schedule/",
        "/meetings/annual/",
        "/meetings/consents/",
        "/meetings/resolutions/",
        "/meetings/voting-rules/",
        "/meetings/feed/",
    ],
)
def test_meetings_pages_are_accessible(live_server, page, personas, path) -> None:
    sign_in(page, live_server.url, personas["ada"])
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    _accessible(page)
