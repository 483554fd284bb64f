"""``oversight totp EMAIL``: print the current authenticator code of a demo persona."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current six-digit code of a demo persona's authenticator (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the persona's email, e.g. ada@oss.example")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Codes are printed only for the demo (OVERSIGHT_DEMO=true).",
                returncode=2,
            )
        device = TOTPDevice.objects.filter(
            user__email=options["email"].lower(), confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"No authenticator is enrolled for {options['email']}.", returncode=2
            )
        self.stdout.write(
            f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        )
