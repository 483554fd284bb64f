"""``oversight demo``: the demo company with its audit committee and a year of history."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from oversight import testing
from oversight.accounts import services
from oversight.accounts.models import Company, Role

DEMO_SLUG = "one-stop-systems"
SECOND_SLUG = "northwind-analytics"


class Command(BaseCommand):
    help = (
        "Create the demo company One Stop Systems, Inc. (fictional people in every role) and "
        "as much history as the installed registers hold. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quiet", action="store_true", help="print nothing but errors"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "The demo needs OVERSIGHT_DEMO=true (a development setting).",
                returncode=2,
            )
        today = timezone.localdate()
        with transaction.atomic():
            company = Company.objects.filter(
                slug=DEMO_SLUG
            ).first() or testing.make_company(
                "One Stop Systems, Inc.", DEMO_SLUG, time_zone="America/Los_Angeles"
            )
            people = testing.make_personas(
                company, starts_on=date(today.year - 3, 1, 1)
            )
            second = Company.objects.filter(
                slug=SECOND_SLUG
            ).first() or testing.make_company(
                "Northwind Analytics, Inc.",
                SECOND_SLUG,
                time_zone="America/New_York",
                fiscal_year_end_month=6,
                fiscal_year_end_day=30,
            )
            if not people["ada"].role_assignments.filter(company=second).exists():
                services.assign_role(
                    people["ada"],
                    actor=None,
                    company=second,
                    role=Role.MEMBER,
                    starts_on=today - timedelta(days=400),
                    title="Independent director",
                )
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if (
                    config.name.startswith("oversight.")
                    and find_spec(module_name) is not None
                ):
                    import_module(module_name).populate(company, people, today=today)
        if not options["quiet"]:
            self.stdout.write(self._how_to_sign_in())

    def _how_to_sign_in(self) -> str:
        lines = [
            "",
            "Oversight demo: One Stop Systems, Inc. (fictional people) is ready.",
            f"Sign in at {settings.SITE_URL}/ with any persona below and the password "
            f"{testing.PASSWORD!r}.",
            "The second factor is pre-enrolled: get the current code with",
            "  DEBUG=true OVERSIGHT_DEMO=true .venv/bin/oversight totp EMAIL",
            "or add the persona's secret to an authenticator app (TOTP, 6 digits, 30 s).",
            "",
        ]
        import base64

        for persona in testing.PERSONAS:
            email = testing.persona_email(persona.name)
            secret = (
                base64.b32encode(bytes.fromhex(testing.totp_key_for(email)))
                .decode()
                .rstrip("=")
            )
            role = persona.role.label if persona.role else "outsider (no role)"
            lines.append(f"  {email:<20} {role:<22} secret {secret}")
        return "\n".join(lines) + "\n"
