"""``oversight complaints recovery-keygen``: a custodian makes a recovery key pair offline.

Runs on the custodian's own computer, with no database, settings or network: it
prints a kit (the private key as 56 characters with a checksum) to keep in the
custodian's safe, and the public key to send to the committee chair. The server
only ever receives the public key.
"""

from __future__ import annotations

import sys
from typing import Protocol

from oversight.complaints import crypto

KIT = """\
OVERSIGHT COMPLAINT CHANNEL: RECOVERY KIT (PRIVATE; keep in your safe)
Custodian: {label}

{text}

This kit is one share of the company's M-of-N recovery: with the kits of the other
custodians needed, it gives a case's keys to a new holder when every holder has
lost theirs. Every use is recorded in the company's ledger. Nobody, including the
company, has a copy: if it is lost, ask the chair to register a new key and
retire this one.

PUBLIC KEY (send this line, and only this line, to the committee chair):
{public}
"""


class _Out(Protocol):
    def write(self, text: str, /) -> object: ...


def run(argv: list[str], out: _Out = sys.stdout) -> int:
    """Print a new kit and its public key; ``--label NAME`` names the custodian on it."""
    label = "(write your name here)"
    if argv[:1] == ["--label"] and len(argv) == 2:
        label = argv[1]
    elif argv:
        print(
            "usage: oversight complaints recovery-keygen [--label NAME]",
            file=sys.stderr,
        )
        return 2
    kit = crypto.new_recovery_kit()
    out.write(
        KIT.format(
            label=label, text=kit.text, public=crypto.format_public_key(kit.public_key)
        )
    )
    return 0
