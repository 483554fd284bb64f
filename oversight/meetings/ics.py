"""iCalendar (RFC 5545) text for meetings: one event per meeting, times in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse

from oversight.meetings.models import Meeting


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(meetings: Iterable[Meeting], *, name: str, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Oversight//Audit committee meetings//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for meeting in meetings:
        url = settings.SITE_URL + reverse("meetings:detail", args=[meeting.pk])
        status = (
            "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED"
        )
        location = meeting.place or meeting.video_url
        description = f"{meeting.get_kind_display()} meeting of the audit committee of {meeting.company.name}."
        if meeting.video_url:
            description += f"\nVideo: {meeting.video_url}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.pk}@oversight",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(meeting.starts_at)}",
            f"DTEND:{_stamp(meeting.ends_at)}",
            f"SUMMARY:{_escape(meeting.title)}",
            f"LOCATION:{_escape(location)}",
            f"DESCRIPTION:{_escape(description)}",
            f"URL:{url}",
            f"STATUS:{status}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
