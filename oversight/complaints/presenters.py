"""Decrypt a case for the person allowed to read it, into plain dictionaries for templates."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, BinaryIO

from oversight.complaints import crypto, services
from oversight.complaints.models import Attachment, Case


def _files(case: Case, key: crypto.ReportKey) -> list[dict[str, Any]]:
    files = []
    for attachment in case.attachments.all():
        meta = services._open_json(
            key, case.id, f"file-meta/{attachment.id}", attachment.meta
        )
        files.append({"id": attachment.id, "on": attachment.added_on, **meta})
    return files


def _messages(case: Case, key: crypto.ReportKey) -> list[dict[str, Any]]:
    return [
        {
            "from_reporter": m.from_reporter,
            "on": m.sent_on,
            "text": crypto.open_sealed(
                key,
                bytes(m.body),
                report_id=case.id,
                purpose=services.message_purpose(m),
            ).decode(),
        }
        for m in case.messages.all()
    ]


def reporter_view(access: services.ReporterAccess) -> dict[str, Any]:
    case, key = access.case, access.key
    content = services.content_of(case, key)
    return {
        "case": case,
        "text": content["text"],
        "messages": _messages(case, key),
        "files": _files(case, key),
    }


def recipient_view(case: Case, keys: crypto.CaseKeys) -> dict[str, Any]:
    content = services.content_of(case, keys.case)
    internal = services.internal_of(case, keys)
    holders = services.holders(case)
    people = services.users_by_tag()
    notes = [
        {
            "on": n.written_on,
            "by": holders.get(n.author_tag),
            "text": crypto.open_sealed(
                keys.internal,
                bytes(n.body),
                report_id=case.id,
                purpose=services.note_purpose(n),
            ).decode(),
        }
        for n in case.notes.all()
    ]
    grants = [
        {
            "id": g.pk,
            "grantee": people.get(g.grantee_tag),
            "by": holders.get(g.proposer_tag),
            "reason": crypto.open_sealed(
                keys.internal, bytes(g.reason), report_id=case.id, purpose="grant"
            ).decode(),
        }
        for g in case.grants.all()
    ]
    return {
        "content": content,
        "exclusions": internal["exclusions"],
        "messages": _messages(case, keys.case),
        "notes": notes,
        "files": _files(case, keys.case),
        "holders": sorted(holders.values(), key=lambda u: u.full_name),
        "assignee": holders.get(case.assignee_tag),
        "grants": grants,
        "events": services.audit_trail(case, keys),
    }


class FileStream:
    """An attachment's plaintext, chunk by chunk (64 KiB), for a streaming response.

    The stream's header and first record are authenticated before this exists, so a
    wrong key or a damaged file fails before any response starts; a later damaged
    record stops the stream (a response already started is cut short). ``close()``
    (called by Django when the response ends) closes the stored file.
    """

    def __init__(
        self, source: BinaryIO, first: bytes, rest: Iterator[bytes], size: int
    ) -> None:
        self._source, self._first, self._rest, self._size = source, first, rest, size

    def __iter__(self) -> Iterator[bytes]:
        # An OVS2 stream yields exactly the file. A row written before streams padded
        # themselves (OVS1, until its case's next rotation) still ends in zeros up to
        # the size bucket: they are read (and authenticated) but cut at the true size.
        remaining = self._size
        try:
            for chunk in itertools.chain((self._first,), self._rest):
                piece = chunk[:remaining]
                remaining -= len(piece)
                if piece:
                    yield piece
        finally:
            self.close()

    def close(self) -> None:
        self._source.close()


def file_stream(
    case: Case, key: crypto.ReportKey, attachment: Attachment
) -> tuple[dict[str, Any], FileStream]:
    """The file's sealed metadata and its plaintext as a :class:`FileStream`."""
    meta = services._open_json(
        key, case.id, f"file-meta/{attachment.id}", attachment.meta
    )
    source = services.attachment_source(attachment)
    try:
        rest = crypto.decrypt_stream(
            key, source, report_id=case.id, purpose=f"file-body/{attachment.id}"
        )
        first = next(rest, b"")
    except BaseException:
        source.close()
        raise
    return meta, FileStream(source, first, rest, int(meta["size"]))


def file_body(
    case: Case, key: crypto.ReportKey, attachment: Attachment
) -> tuple[dict[str, Any], bytes]:
    """The file whole, in memory: for small files and tests; downloads stream."""
    meta, chunks = file_stream(case, key, attachment)
    return meta, b"".join(chunks)
