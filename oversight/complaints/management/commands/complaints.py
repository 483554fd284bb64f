"""``oversight complaints ...``: the complaint channel's commands.

- ``recovery-keygen [--label NAME]``: a custodian's key pair, made offline. Normally run
  as ``oversight complaints recovery-keygen``, which needs no settings or database.
- Offline recovery, in which neither the kits nor the case keys reach the server:

  - ``recovery-request --case ID --to EMAIL --by EMAIL --custodian ID [--custodian ID ...]
    --out FILE`` (on the server): writes the request file and prints its code;
  - ``recovery-peel FILE --out FILE [--expect CODE]`` (each custodian, on their own
    computer, in the order the request lists; normally run as ``oversight complaints
    recovery-peel``, which needs no settings or database): the kit is typed on
    standard input, one layer comes off; the last custodian's run writes the response;
  - ``recovery-complete FILE --by EMAIL`` (on the server): stores the response's wrap
    for the grantee, written to the ledger like ``recover``.

- ``recover --case ID --to EMAIL --by EMAIL --custodian ID [--custodian ID ...]``: the
  quick path, in which the server sees the kits and the case keys. The custodians type
  their kits (one line each, in the order of ``--custodian``) on standard input; the
  case keys are wrapped to ``--to``, and the recovery is written to the ledger
  (``complaints.case_recovered`` and ``complaints.recovery_used``).

Refusals exit with status 2 and say why; nothing is half-done.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.accounts.models import User
from oversight.accounts.queries import company_today
from oversight.complaints import ceremony, crypto, keygen, services
from oversight.complaints.models import Case, RecoveryCustodian

ACTIONS = [
    "recovery-keygen",
    "recovery-request",
    "recovery-peel",
    "recovery-complete",
    "recover",
]


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = (
        "recovery-keygen | recovery-request | recovery-peel | recovery-complete | "
        "recover: the complaint channel's recovery custodians"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument(
            "file", nargs="?", default=None, help="request or response file"
        )
        parser.add_argument("--label", default=None)
        parser.add_argument("--case", default=None)
        parser.add_argument("--to", default=None, help="e-mail of the new holder")
        parser.add_argument("--by", default=None, help="e-mail of who runs it")
        parser.add_argument("--custodian", action="append", type=int, default=[])
        parser.add_argument("--out", default=None, help="the file to write")
        parser.add_argument("--expect", default=None, help="the request code")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "recovery-keygen":
            argv = ["--label", options["label"]] if options["label"] else []
            if keygen.run(argv, out=self.stdout) != 0:
                raise CommandError("could not make a recovery key")
            return
        if action == "recovery-peel":
            self._peel(options)
        elif action == "recovery-request":
            self._request(options)
        elif action == "recovery-complete":
            self._complete(options)
        else:
            self._recover(options)

    def _peel(self, options: dict[str, Any]) -> None:
        if not options["file"] or not options["out"]:
            raise _refuse("give the request FILE and --out FILE")
        try:
            message = ceremony.peel_file(
                Path(options["file"]),
                Path(options["out"]),
                read_kit=ceremony.kit_reader(sys.stdin),
                expect=options["expect"],
                today=ceremony.local_today(),
                show=self.stdout,
            )
        except ceremony.CeremonyError as error:
            raise _refuse(str(error)) from None
        self.stdout.write(message)

    def _custodians(self, case: Case, ids: list[int]) -> list[RecoveryCustodian | None]:
        return [
            RecoveryCustodian.objects.filter(
                pk=pk, channel__company=case.company, retired_on=None
            ).first()
            for pk in ids
        ]

    def _request(self, options: dict[str, Any]) -> None:
        needed = ("case", "to", "by", "out")
        if any(not options[name] for name in needed) or not options["custodian"]:
            raise _refuse("give --case, --to, --by, --custodian (each) and --out")
        out = Path(options["out"])
        if out.exists():
            raise _refuse(
                f"{out} exists: choose another --out (nothing is overwritten)"
            )
        case = Case.objects.filter(pk=options["case"]).first()
        if case is None:
            raise _refuse(f"no case {options['case']!r}")
        grantee = User.objects.filter(email=options["to"]).first()
        actor = User.objects.filter(email=options["by"]).first()
        if grantee is None or actor is None:
            raise _refuse("give the e-mail of an existing person with --to and --by")
        custodians = self._custodians(case, options["custodian"])
        if None in custodians:
            raise _refuse(
                "give the ids of active custodians of this case's company with "
                "--custodian (a retired custodian cannot take part)"
            )
        try:
            issued = services.request_recovery(
                case,
                actor=actor,
                custodians=[c for c in custodians if c is not None],
                grantee=grantee,
                on=company_today(case.company),
                out=out,
            )
        except (ValidationError, PermissionDenied) as error:
            raise _refuse(_message(error)) from None
        lines = [
            f"Wrote {out}: recovery of case {case.id} for {grantee.email}, "
            f"answerable until {issued.expires_on}.",
            f"Request code: {issued.code} (read it to each custodian).",
            "Custodians, in this order, each on their own computer:",
            *(
                f"  {n}. {c.label} (fingerprint {c.fingerprint})"
                for n, c in enumerate(issued.custodians, start=1)
            ),
            f"Each runs: oversight complaints recovery-peel FILE --out NEXT "
            f"--expect {issued.code}",
            "The last one's file is the response: oversight complaints "
            "recovery-complete RESPONSE --by EMAIL",
        ]
        self.stdout.write("\n".join(lines))

    def _complete(self, options: dict[str, Any]) -> None:
        if not options["file"] or not options["by"]:
            raise _refuse("give the response FILE and --by EMAIL")
        actor = User.objects.filter(email=options["by"]).first()
        if actor is None:
            raise _refuse("give the e-mail of an existing person with --by")
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                text = handle.read(ceremony.MAX_FILE_BYTES + 1)
        except OSError as error:
            raise _refuse(f"cannot read {path}: {error.strerror}") from None
        try:
            case = services.complete_recovery(text, actor=actor)
        except (ValidationError, PermissionDenied) as error:
            raise _refuse(_message(error)) from None
        self.stdout.write(f"Case {case.id} is recovered for its grantee; recorded.")

    def _recover(self, options: dict[str, Any]) -> None:
        case = Case.objects.filter(pk=options["case"] or "").first()
        grantee = User.objects.filter(email=options["to"] or "").first()
        actor = User.objects.filter(email=options["by"] or "").first()
        if case is None or grantee is None or actor is None:
            raise CommandError("give an existing --case, --to and --by")
        custodians = self._custodians(case, options["custodian"])
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
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(_message(error)) from None
        self.stdout.write(f"{grantee.email} now holds case {case.id}; recorded.")


def _message(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
