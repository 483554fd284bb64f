"""The only writer of the ledger, and the checkpoints that sign it."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from oversight.ledger import chain
from oversight.ledger.models import ChainHead, Checkpoint, LedgerEvent

if TYPE_CHECKING:
    from oversight.accounts.models import Company, User

logger = logging.getLogger(__name__)

SYSTEM_CHAIN = "system"


def chain_for(company: Company | None) -> str:
    return company.ledger_chain if company is not None else SYSTEM_CHAIN


def _locked_head(key: str) -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(chain=key).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            ChainHead.objects.create(chain=key, seq=0, hash=chain.GENESIS)
    except IntegrityError:
        pass  # another writer created it first; lock theirs
    return ChainHead.objects.select_for_update().get(chain=key)


def record(
    action: str,
    *,
    actor: User | None,
    company: Company | None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    chain_key: str | None = None,
) -> LedgerEvent:
    """Append one event to the company's chain (or ``chain_key``) inside the caller's transaction.

    ``action`` is ``<app>.<object>_<past tense>``; ``data`` holds the values that matter,
    JSON-encodable (dates, datetimes and decimals are turned into strings).
    """
    if not connection.in_atomic_block:
        raise RuntimeError(
            "ledger.record() must run inside the transaction of the change."
        )
    key = chain_key or chain_for(company)
    head = _locked_head(key)
    event = LedgerEvent(
        chain=key,
        seq=head.seq + 1,
        company=company,
        actor=actor,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=_jsonable(data or {}),
        occurred_at=timezone.now(),
        prev_hash=head.hash,
    )
    event.hash = chain.link(event.prev_hash, event.payload())
    event.save()
    ChainHead.objects.filter(pk=head.pk).update(seq=event.seq, hash=event.hash)
    return event


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(chain.canonical(data))  # type: ignore[no-any-return]


# --- verification -------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """The first thing wrong with a chain, in words."""

    chain: str
    seq: int
    event_id: int | None
    message: str


@dataclass(frozen=True)
class Verification:
    chain: str
    events: int
    checkpoints: int
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(key: str) -> Verification:
    """Recompute a chain and check its head and signed checkpoints; name the first bad event."""
    count, hashes, problem = _walk_events(key)
    checkpoints = list(Checkpoint.objects.filter(chain=key).order_by("seq"))
    if problem is None:
        problem = _check_checkpoints(key, checkpoints, hashes)
    return Verification(key, count, len(checkpoints), problem)


def _walk_events(key: str) -> tuple[int, dict[int, str], Problem | None]:
    """Recompute every event's link; return the count, the hashes by seq and the first problem."""
    expected_prev = chain.GENESIS
    expected_seq = 1
    hashes: dict[int, str] = {}
    events = LedgerEvent.objects.filter(chain=key).order_by("seq", "pk")
    for event in events.iterator(chunk_size=2000):
        message = ""
        if event.seq != expected_seq:
            what = "missing" if event.seq > expected_seq else "duplicated or reordered"
            message = f"event #{expected_seq} is {what} (found #{event.seq} next)"
        elif event.prev_hash != expected_prev:
            message = f"event #{event.seq} does not follow event #{event.seq - 1} (previous hash differs)"
        elif chain.link(event.prev_hash, event.payload()) != event.hash:
            message = f"event #{event.seq} was altered (its content no longer matches its hash)"
        if message:
            return (
                len(hashes) + 1,
                hashes,
                Problem(key, expected_seq, event.pk, message),
            )
        hashes[event.seq] = event.hash
        expected_prev = event.hash
        expected_seq += 1
    last = expected_seq - 1
    head = ChainHead.objects.filter(chain=key).first()
    if head is not None and (head.seq != last or head.hash != expected_prev):
        message = f"the chain ends at #{last} but its head says #{head.seq}: events were removed from the end"
        return len(hashes), hashes, Problem(key, head.seq, None, message)
    return len(hashes), hashes, None


def _check_checkpoints(
    key: str, checkpoints: list[Checkpoint], hashes: dict[int, str]
) -> Problem | None:
    """The first checkpoint whose signature, signer or signed head does not hold."""
    public = _public_key_b64()
    for cp in checkpoints:
        message = chain.checkpoint_message(
            cp.chain, cp.seq, cp.head_hash, cp.signed_at.isoformat()
        )
        try:
            VerifyKey(base64.b64decode(cp.public_key)).verify(
                message, base64.b64decode(cp.signature)
            )
        except (BadSignatureError, ValueError):
            return Problem(
                key,
                cp.seq,
                None,
                f"the checkpoint at #{cp.seq} has an invalid signature",
            )
        if public is not None and cp.public_key != public:
            return Problem(
                key,
                cp.seq,
                None,
                f"the checkpoint at #{cp.seq} was signed by an unknown key",
            )
        if hashes.get(cp.seq) != cp.head_hash:
            return Problem(
                key,
                cp.seq,
                None,
                f"event #{cp.seq} differs from what the checkpoint of {cp.signed_at:%Y-%m-%d %H:%M} signed",
            )
    return None


def chains() -> list[str]:
    keys = set(LedgerEvent.objects.values_list("chain", flat=True).distinct())
    keys |= set(ChainHead.objects.values_list("chain", flat=True))
    keys |= set(Checkpoint.objects.values_list("chain", flat=True).distinct())
    return sorted(keys)


def verify_all() -> list[Verification]:
    return [verify_chain(key) for key in chains()]


# --- checkpoints --------------------------------------------------------------


def _signing_key() -> SigningKey:
    seed_b64 = settings.LEDGER_SIGNING_KEY
    if not seed_b64:
        path = settings.LEDGER_SIGNING_KEY_PATH
        if not path.exists():
            if not settings.DEBUG and not getattr(settings, "TESTING", False):
                raise RuntimeError(
                    "LEDGER_SIGNING_KEY (or LEDGER_SIGNING_KEY_FILE) is required to sign checkpoints."
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(base64.b64encode(bytes(SigningKey.generate())).decode())
            path.chmod(0o600)
        seed_b64 = path.read_text().strip()
    return SigningKey(base64.b64decode(seed_b64))


def _public_key_b64() -> str | None:
    try:
        return base64.b64encode(bytes(_signing_key().verify_key)).decode()
    except RuntimeError:
        return None


@transaction.atomic
def sign_checkpoints(*, actor: User | None = None) -> list[Checkpoint]:
    """Sign the current head of every chain that moved since its last checkpoint."""
    key = _signing_key()
    public = base64.b64encode(bytes(key.verify_key)).decode()
    made = []
    for head in ChainHead.objects.select_for_update().order_by("chain"):
        last = Checkpoint.objects.filter(chain=head.chain).order_by("-seq").first()
        if head.seq == 0 or (last is not None and last.seq == head.seq):
            continue
        signed_at = timezone.now()
        message = chain.checkpoint_message(
            head.chain, head.seq, head.hash, signed_at.isoformat()
        )
        signature = base64.b64encode(key.sign(message).signature).decode()
        made.append(
            Checkpoint.objects.create(
                chain=head.chain,
                seq=head.seq,
                head_hash=head.hash,
                signed_at=signed_at,
                public_key=public,
                signature=signature,
            )
        )
    return made
