"""``oversight reminders``: email the attendees of meetings whose reminder is due.

Idempotent and safe to run from several schedulers at once: each meeting's reminder is
claimed with a conditional update before it is sent.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from oversight.meetings.models import Meeting
from oversight.meetings.services import send_due_reminders


class Command(BaseCommand):
    help = "Send due meeting reminders (two days before each planned meeting)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", help="machine-readable output"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what is due; send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["dry_run"]:
            due = list(
                Meeting.objects.filter(
                    next_reminder_at__lte=now, status=Meeting.Status.PLANNED
                ).values_list("pk", "title")
            )
            self._out(
                options,
                {"due": [{"id": pk, "title": t} for pk, t in due]},
                f"{len(due)} reminder(s) due.",
            )
            return
        sent = send_due_reminders(now)
        self._out(options, {"sent": sent}, f"{sent} reminder(s) sent.")

    def _out(self, options: dict[str, Any], data: dict[str, Any], text: str) -> None:
        self.stdout.write(json.dumps(data) if options["json"] else text)
