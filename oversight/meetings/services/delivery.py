"""Board books, calendar feeds and reminders."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.ledger.services import record
from oversight.meetings.models import (
    BoardBook,
    CalendarFeed,
    Meeting,
)
from oversight.meetings.services.common import attendee_emails


def books_stale(meeting: Meeting) -> None:
    """Materials or the agenda changed: rebuild every book already built or asked for."""
    books = list(meeting.books.all())
    if not books:
        return
    meeting.books.update(
        status=BoardBook.Status.QUEUED, pages_done=0, requested_at=timezone.now()
    )
    for book in books:
        transaction.on_commit(partial(_enqueue_book, book.pk))


def _enqueue_book(pk: int) -> None:
    from oversight.meetings.tasks import build_book

    build_book.enqueue(pk)


@transaction.atomic
def request_book(meeting: Meeting, *, actor: User) -> BoardBook:
    """Queue the actor's own board book for the meeting (built in the background)."""
    book, _ = BoardBook.objects.get_or_create(meeting=meeting, recipient=actor)
    book.status = BoardBook.Status.QUEUED
    book.pages_done = 0
    book.error = ""
    book.requested_at = timezone.now()
    book.save()
    record(
        "meetings.book_requested",
        actor=actor,
        company=meeting.company,
        target=book,
        data={"meeting": meeting.pk},
    )
    transaction.on_commit(lambda: _enqueue_book(book.pk))
    return book


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_feed(company: Company, *, actor: User) -> tuple[CalendarFeed, str]:
    """A new secret feed URL token for the actor; any previous one is revoked."""
    now = timezone.now()
    for old in CalendarFeed.objects.filter(
        user=actor, company=company, revoked_at__isnull=True
    ):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    token = "cal_" + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        user=actor, company=company, token_hash=_token_hash(token)
    )
    record("meetings.feed_created", actor=actor, company=company, target=feed)
    return feed, token


@transaction.atomic
def revoke_feed(feed: CalendarFeed, *, actor: User) -> CalendarFeed:
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record("meetings.feed_revoked", actor=actor, company=feed.company, target=feed)
    return feed


def find_feed(token: str) -> CalendarFeed | None:
    if not token.startswith("cal_") or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user", "company")
        .filter(token_hash=_token_hash(token), revoked_at__isnull=True)
        .first()
    )


def send_next_reminder(now: datetime) -> bool:
    """Claim one due reminder with a conditional update and send it; False when none is due.

    Several schedulers may run this at once: only the one whose update returns 1 sends.
    """
    due = (
        Meeting.objects.filter(next_reminder_at__lte=now, status=Meeting.Status.PLANNED)
        .order_by("next_reminder_at")
        .first()
    )
    if due is None:
        return False
    claimed = Meeting.objects.filter(
        pk=due.pk, next_reminder_at=due.next_reminder_at
    ).update(next_reminder_at=None)
    if claimed == 1:
        recipients = attendee_emails(due)
        where = due.place or due.video_url
        send_mail(
            f"Reminder: {due.title} on {due.local_start:%d %b %Y at %H:%M} ({due.time_zone})",
            f"{due.title}\n{due.local_start:%A %d %B %Y, %H:%M}-{due.local_end:%H:%M} ({due.time_zone})\n{where}\n\n"
            "The agenda and your board book are in Oversight.",
            None,
            recipients,
        )
    return True


def send_due_reminders(now: datetime, *, limit: int = 1000) -> int:
    """Send every due reminder; returns how many meetings were handled."""
    count = 0
    while count < limit and send_next_reminder(now):
        count += 1
    return count
