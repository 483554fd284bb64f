"""Who may do what in the complaint register.

Seeing a case never comes from a role: it takes a wrapped key. These rows only say
who may reach the pages at all; administrators reach none of them.
"""

from __future__ import annotations

from oversight.accounts.models import Role
from oversight.accounts.permissions import RECORD_READERS

PERMISSIONS: dict[str, frozenset[Role]] = {
    "complaints.cases": RECORD_READERS,
    "complaints.configure": frozenset({Role.CHAIR}),
    "complaints.statistics": frozenset({Role.CHAIR, Role.MEMBER}),
}
