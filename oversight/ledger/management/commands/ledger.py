"""``oversight ledger verify|checkpoint``: prove the ledger is whole, or sign its head."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.ledger.services import sign_checkpoints, verify_all, verify_chain


class Command(BaseCommand):
    help = (
        "verify: recompute every chain and check signed checkpoints; exits 1 and names the first "
        "bad event if anything was edited, deleted, inserted or reordered. "
        "checkpoint: sign the current head of every chain (Ed25519)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="verb", required=True, metavar="{verify,checkpoint}"
        )
        verify = sub.add_parser(
            "verify", help="recompute the hash chains and check checkpoints"
        )
        verify.add_argument("--chain", help="only this chain, e.g. company:1 or system")
        verify.add_argument(
            "--json", action="store_true", help="machine-readable output"
        )
        checkpoint = sub.add_parser("checkpoint", help="sign the head of every chain")
        checkpoint.add_argument(
            "--json", action="store_true", help="machine-readable output"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "checkpoint":
            made = sign_checkpoints()
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        [
                            {
                                "chain": c.chain,
                                "seq": c.seq,
                                "hash": c.head_hash,
                                "signed_at": c.signed_at.isoformat(),
                            }
                            for c in made
                        ]
                    )
                )
            else:
                for c in made:
                    self.stdout.write(
                        f"signed {c.chain} at #{c.seq} {c.head_hash[:16]}…"
                    )
                if not made:
                    self.stdout.write("nothing new to sign")
            return
        results = [verify_chain(options["chain"])] if options["chain"] else verify_all()
        bad = [r for r in results if not r.ok]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "chain": r.chain,
                            "ok": r.ok,
                            "events": r.events,
                            "checkpoints": r.checkpoints,
                            "first_bad_seq": r.problem.seq if r.problem else None,
                            "first_bad_event_id": r.problem.event_id
                            if r.problem
                            else None,
                            "problem": r.problem.message if r.problem else None,
                        }
                        for r in results
                    ]
                )
            )
        else:
            for r in results:
                if r.ok:
                    self.stdout.write(
                        f"ok   {r.chain}: {r.events} events, {r.checkpoints} checkpoints"
                    )
                else:
                    assert r.problem is not None
                    self.stdout.write(f"FAIL {r.chain}: {r.problem.message}")
        if bad:
            raise CommandError(
                f"{len(bad)} chain(s) failed verification; first: {bad[0].problem.message if bad[0].problem else ''}",
                returncode=1,
            )
