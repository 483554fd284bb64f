"""Who may read charters, import a version, and record the board's approval."""

from __future__ import annotations

from oversight.accounts.models import Role
from oversight.accounts.permissions import RECORD_READERS

PERMISSIONS: dict[str, frozenset[Role]] = {
    "charters.view": RECORD_READERS,
    "charters.import": frozenset({Role.CHAIR, Role.SECRETARY}),
    "charters.approve": frozenset({Role.CHAIR, Role.SECRETARY}),
}
