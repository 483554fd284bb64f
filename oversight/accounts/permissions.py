"""The permission table: which roles may take which action, as data.

Each app contributes rows in its own ``permissions.py`` as ``PERMISSIONS``; this module
assembles them into one table. Actions are named ``<area>.<verb>``. The table is read
by the access helpers in ``queries.py``; nothing else decides who may do what.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from oversight.accounts.models import Role

EVERYONE = frozenset(Role)
COMMITTEE = frozenset({Role.CHAIR, Role.MEMBER})
# Roles that see committee records of some kind; a second factor is mandatory for them.
RECORD_READERS = frozenset(
    {
        Role.CHAIR,
        Role.MEMBER,
        Role.SECRETARY,
        Role.MANAGEMENT,
        Role.INTERNAL_AUDIT,
        Role.AUDITOR,
        Role.BOARD_OBSERVER,
    }
)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "company.view": EVERYONE,
    "dashboard.view": EVERYONE,
    "people.view": frozenset({Role.ADMIN, Role.CHAIR, Role.SECRETARY}),
    "people.manage": frozenset({Role.ADMIN}),
    "ledger.view": frozenset({Role.CHAIR, Role.ADMIN}),
    "ledger.verify": frozenset({Role.CHAIR, Role.ADMIN}),
    "api_tokens.own": EVERYONE,
}


@cache
def table() -> Mapping[str, frozenset[Role]]:
    """The whole table: these rows plus every installed app's ``PERMISSIONS``."""
    rows = dict(PERMISSIONS)
    for config in apps.get_app_configs():
        if not config.name.startswith("oversight.") or config.name == __package__:
            continue
        module_name = f"{config.name}.permissions"
        if find_spec(module_name) is None:
            continue
        contributed: Mapping[str, frozenset[Role]] = getattr(
            import_module(module_name), "PERMISSIONS", {}
        )
        clash = rows.keys() & contributed.keys()
        if clash:
            raise ValueError(f"Permission rows defined twice: {sorted(clash)}")
        rows.update(contributed)
    return rows


def can(roles: Iterable[Role | str], action: str) -> bool:
    """True when any of ``roles`` may take ``action``. Unknown actions are refused loudly."""
    try:
        allowed = table()[action]
    except KeyError:
        raise KeyError(
            f"Unknown action {action!r}: add it to a permission table."
        ) from None
    return any(Role(role) in allowed for role in roles)


def requires_mfa(roles: Iterable[Role | str]) -> bool:
    """A second factor is mandatory for anyone who can see committee records or manage people."""
    return any(Role(role) in RECORD_READERS | {Role.ADMIN} for role in roles)
