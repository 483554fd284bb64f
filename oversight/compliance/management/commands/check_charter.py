"""``oversight check --company C --as-of DATE [--json]``: evaluate the charter in force.

Exit status: 0 when nothing is missed, 1 when something is, 2 on bad input.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.accounts.models import Company
from oversight.accounts.queries import company_today
from oversight.compliance import queries


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--as-of {text!r} is not a date (YYYY-MM-DD).", returncode=2
        ) from None


class Command(BaseCommand):
    help = "Evaluate a company's charter as of a date. Exit 0: nothing missed; 1: something missed; 2: bad input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", required=True, help="the company's slug")
        parser.add_argument(
            "--as-of", help="YYYY-MM-DD (default: today in the company's time zone)"
        )
        parser.add_argument(
            "--known-at", help="ISO date-time with offset: only records entered by then"
        )
        parser.add_argument(
            "--fiscal-year", type=int, help="judge this (closed) fiscal year"
        )
        parser.add_argument(
            "--json", action="store_true", help="machine-readable output"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        company = Company.objects.filter(slug=options["company"]).first()
        if company is None:
            raise CommandError(f"No company {options['company']!r}.", returncode=2)
        as_of = _day(options["as_of"]) if options["as_of"] else company_today(company)
        known_at = None
        if options["known_at"]:
            try:
                known_at = datetime.fromisoformat(options["known_at"])
            except ValueError:
                raise CommandError(
                    "--known-at is not an ISO date-time.", returncode=2
                ) from None
            if known_at.tzinfo is None:
                raise CommandError(
                    "--known-at needs a UTC offset, e.g. 2026-06-30T17:00:00+00:00.",
                    returncode=2,
                )
        ctx = queries.context_for(company, as_of=as_of, known_at=known_at)
        if ctx is None:
            raise CommandError(
                f"No charter is in force for {company.slug} on {as_of.isoformat()}.",
                returncode=2,
            )
        try:
            evaluation = ctx.evaluate(fiscal_year=options["fiscal_year"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"charter": ctx.version.label, **evaluation.as_json()}, indent=2
                )
            )
        else:
            self.stdout.write(
                f"{company.name} · charter {ctx.version.label} · FY{evaluation.fiscal_year} as of {as_of.isoformat()}"
            )
            for r in evaluation.results:
                due = f" (due {r.due_on.isoformat()})" if r.due_on else ""
                self.stdout.write(
                    f"  {r.status.value:<17} {r.rule_id:<14} {r.message}{due}"
                )
            counts = ", ".join(
                f"{n} {s.value}" for s, n in evaluation.counts().items() if n
            )
            self.stdout.write(f"{counts}")
        if evaluation.missed:
            sys.exit(1)
