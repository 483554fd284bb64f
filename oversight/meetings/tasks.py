"""Background work of the meetings register: building board books.

Runs on the configured ``django.tasks`` backend (the database backend by default, which
needs a worker: ``manage.py db_worker``); tests use the immediate backend.
"""

from __future__ import annotations

import hashlib
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from oversight.meetings import queries
from oversight.meetings.boardbook import (
    BookAgenda,
    BookItem,
    Material,
    build_board_book,
)
from oversight.meetings.models import BoardBook
from oversight.meetings.permissions import sees_members_only
from oversight.meetings.services.common import sha256_of
from oversight.meetings.services.records import minutes_pdf

PROGRESS_EVERY = 10  # pages between progress writes


def agenda_for(book: BoardBook) -> tuple[BookAgenda, str]:
    """The agenda as the recipient may see it, and a key of the materials in it."""
    meeting = book.meeting
    items = queries.visible_items(meeting, book.recipient)
    key = hashlib.sha256()
    book_items = []
    for item in items:
        materials = []
        for m in item.current_materials:  # type: ignore[attr-defined]
            key.update(f"{item.pk}:{m.pk}:{m.sha256}".encode())
            with m.file.open("rb") as handle:
                materials.append(Material(m.name, m.content_type, handle.read()))
        book_items.append(
            BookItem(
                title=item.title,
                presenter=item.presenter,
                minutes=item.minutes,
                materials=tuple(materials),
            )
        )
    carried = [
        f"{a.title} ({a.owner}, due {a.due_on:%d %b %Y}; from {a.meeting.title})"
        for a in queries.carried_action_items(meeting)
    ]
    if carried:
        book_items.append(
            BookItem("Open action items carried forward", notes=tuple(carried))
        )
    roles = queries.roles_today(book.recipient, meeting.company)
    if sees_members_only(roles):
        for minutes in queries.minutes_awaiting_approval(meeting):
            title = f"Minutes of {minutes.meeting.title}, for approval"
            draft = Material(f"{title}.pdf", "application/pdf", minutes_pdf(minutes))
            key.update(f"minutes:{minutes.pk}:{sha256_of(minutes.body)}".encode())
            book_items.append(BookItem(title, materials=(draft,)))
    where = meeting.place or "Video conference"
    agenda = BookAgenda(
        committee=f"Audit Committee of {meeting.company.name}",
        title=meeting.title,
        when=f"{meeting.local_start:%d %B %Y, %H:%M} ({meeting.time_zone})",
        place=where,
        items=tuple(book_items),
    )
    return agenda, key.hexdigest()


@task
def build_book(book_id: int) -> None:
    """Build one recipient's book, writing progress as it goes."""
    book = (
        BoardBook.objects.select_related("meeting__company", "recipient")
        .filter(pk=book_id)
        .first()
    )
    if book is None:
        return
    requested = book.requested_at
    BoardBook.objects.filter(pk=book.pk).update(status=BoardBook.Status.BUILDING)
    try:
        agenda, key = agenda_for(book)

        def progress(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                BoardBook.objects.filter(pk=book.pk).update(
                    pages_done=done, pages_total=total
                )

        out = io.BytesIO()
        built = build_board_book(
            agenda,
            recipient=book.recipient.get_full_name(),
            output=out,
            progress=progress,
        )
    except Exception as error:  # a broken book must say so, not spin forever
        BoardBook.objects.filter(pk=book.pk).update(
            status=BoardBook.Status.FAILED, error=str(error)[:300]
        )
        raise
    with transaction.atomic():
        current = BoardBook.objects.select_for_update().get(pk=book.pk)
        if current.requested_at != requested:
            return  # materials changed while building; the newer request rebuilds it
        current.file.save(
            f"book-{book.meeting_id}-{book.recipient_id}.pdf",
            ContentFile(out.getvalue()),
            save=False,
        )
        current.status = BoardBook.Status.READY
        current.pages_done = current.pages_total = built.page_count
        current.materials_key = key
        current.built_at = timezone.now()
        current.save()
