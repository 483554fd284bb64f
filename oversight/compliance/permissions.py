"""Who sees the compliance picture, records evidence, runs evaluations and plans."""

from __future__ import annotations

from oversight.accounts.models import Role

_READERS = frozenset(
    {
        Role.CHAIR,
        Role.MEMBER,
        Role.SECRETARY,
        Role.MANAGEMENT,
        Role.INTERNAL_AUDIT,
        Role.BOARD_OBSERVER,
    }
)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "compliance.view": _READERS,
    "compliance.record_evidence": frozenset({Role.CHAIR, Role.MEMBER, Role.SECRETARY}),
    "compliance.run": frozenset({Role.CHAIR, Role.SECRETARY}),
    "compliance.plan": frozenset({Role.CHAIR, Role.MEMBER, Role.SECRETARY}),
    "compliance.set_cadence": frozenset({Role.CHAIR}),
}
