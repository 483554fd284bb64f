"""``oversight obligation-reminders``: email reminders ahead of due dates, and the weekly digest.

Safe to run from several hosts at once: rows are claimed with conditional updates, so
each reminder and each week's digest is sent at most once.
"""

from __future__ import annotations

import os
import socket
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.compliance import services


class Command(BaseCommand):
    help = "Send due reminders and weekly digests (idempotent; several schedulers may run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help="YYYY-MM-DD (default: each company's today)"
        )
        parser.add_argument("--no-digest", action="store_true", help="reminders only")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    "--today is not a date (YYYY-MM-DD).", returncode=2
                ) from None
        worker = f"{socket.gethostname()}:{os.getpid()}"
        sent = services.send_reminders(today=today, worker=worker)
        digests = 0 if options["no_digest"] else services.send_digests(today=today)
        self.stdout.write(f"{sent} reminder(s) and {digests} digest(s) sent")
