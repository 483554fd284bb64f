"""The hash chain: pure functions, explicit inputs, no clock and no settings.

An event's hash is ``sha256(prev_hash + canonical_json(payload))`` where the payload
holds every field that matters, with sorted keys and ISO datetimes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("Ledger datetimes must be timezone-aware.")
        return value.isoformat()
    if isinstance(value, date | Decimal):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    raise TypeError(f"Cannot encode {type(value).__name__} in the ledger.")


def canonical(payload: Mapping[str, Any]) -> bytes:
    """The one byte encoding of a payload: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_default,
    ).encode()


def link(prev_hash: str, payload: Mapping[str, Any]) -> str:
    """The hash of an event that follows ``prev_hash``."""
    return hashlib.sha256(prev_hash.encode() + canonical(payload)).hexdigest()


def checkpoint_message(chain: str, seq: int, head_hash: str, signed_at: str) -> bytes:
    """The bytes a checkpoint signs."""
    return (
        f"oversight-ledger-checkpoint:v1:{chain}:{seq}:{head_hash}:{signed_at}".encode()
    )
