"""``oversight complaints ...``: the complaint channel's commands.

- ``recovery-keygen [--label NAME]``: a custodian's key pair, made offline. Normally run
  as ``oversight complaints recovery-keygen``, which needs no settings or database.
- ``recover --case ID --to EMAIL --by EMAIL --custodian ID [--custodian ID ...]``: the
  custodians type their kits (one line each, in the order of ``--custodian``) on
  standard input; the case keys are wrapped to ``--to``, and the recovery is written
  to the ledger (``complaints.case_recovered`` and ``complaints.recovery_used``).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.accounts.models import User
from oversight.accounts.queries import company_today
from oversight.complaints import crypto, keygen, services
from oversight.complaints.models import Case, RecoveryCustodian


class Command(BaseCommand):
    help = "recovery-keygen | recover: the complaint channel's recovery custodians"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["recovery-keygen", "recover"])
        parser.add_argument("--label", default=None)
        parser.add_argument("--case", default=None)
        parser.add_argument("--to", default=None, help="e-mail of the new holder")
        parser.add_argument("--by", default=None, help="e-mail of who runs it")
        parser.add_argument("--custodian", action="append", type=int, default=[])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "recovery-keygen":
            argv = ["--label", options["label"]] if options["label"] else []
            if keygen.run(argv, out=self.stdout) != 0:
                raise CommandError("could not make a recovery key")
            return
        self._recover(options)

    def _recover(self, options: dict[str, Any]) -> None:
        case = Case.objects.filter(pk=options["case"] or "").first()
        grantee = User.objects.filter(email=options["to"] or "").first()
        actor = User.objects.filter(email=options["by"] or "").first()
        if case is None or grantee is None or actor is None:
            raise CommandError("give an existing --case, --to and --by")
        custodians = [
            RecoveryCustodian.objects.filter(
                pk=pk, channel__company=case.company, retired_on=None
            ).first()
            for pk in options["custodian"]
        ]
        if not custodians or None in custodians:
            raise CommandError("give the active custodians' ids with --custodian")
        kits = []
        for custodian in custodians:
            assert custodian is not None
            line = sys.stdin.readline()
            try:
                kits.append((custodian, crypto.recovery_key_from_kit(line)))
            except ValueError as error:
                raise CommandError(f"{custodian.label}: {error}") from None
        try:
            services.recover(
                case,
                actor=actor,
                kits=kits,
                grantee=grantee,
                on=company_today(case.company),
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{grantee.email} now holds case {case.id}; recorded.")
