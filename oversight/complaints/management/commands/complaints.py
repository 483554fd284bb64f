"""``oversight complaints ...``: the complaint channel's commands.

``recovery-keygen`` is normally run through ``oversight complaints recovery-keygen``,
which needs no settings or database; it is here too so ``manage.py`` knows the verb.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.complaints import keygen


class Command(BaseCommand):
    help = (
        "recovery-keygen [--label NAME]: make a custodian's recovery key pair offline"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["recovery-keygen"])
        parser.add_argument("--label", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--label", options["label"]] if options["label"] else []
        if keygen.run(argv, out=self.stdout) != 0:
            raise CommandError("could not make a recovery key")
