"""``oversight run-compliance``: store today's evaluation run for every company (idempotent)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.compliance import services


class Command(BaseCommand):
    help = (
        "Store one evaluation run per company and day; safe to run from several hosts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help="YYYY-MM-DD (default: each company's today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    "--today is not a date (YYYY-MM-DD).", returncode=2
                ) from None
        stored = services.run_scheduled(today=today)
        self.stdout.write(f"{stored} run(s) stored")
