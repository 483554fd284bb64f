"""Who may do what in the auditor's register (rows of the permission table).

The independent auditor's own people (role "auditor") reach only the engagements of a
firm they belong to (``Firm.users``); ``queries`` enforces that scope.
"""

from __future__ import annotations

from oversight.accounts.models import Role

COMMITTEE = frozenset({Role.CHAIR, Role.MEMBER})
READERS = frozenset(
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
    # the register as a whole: dashboard, lists, fee table, policy, requests
    "auditors.view": READERS,
    # one engagement's page: also the auditor's people, for their own engagement
    "auditors.view_engagement": READERS | {Role.AUDITOR},
    "auditors.manage": frozenset({Role.CHAIR, Role.SECRETARY}),
    "auditors.record_fee": frozenset({Role.CHAIR, Role.SECRETARY, Role.MANAGEMENT}),
    "auditors.adopt_policy": frozenset({Role.CHAIR, Role.SECRETARY}),
    "auditors.request_service": frozenset({Role.MANAGEMENT}),
    "auditors.approve_service": COMMITTEE,
    "auditors.record_steps": frozenset({Role.CHAIR, Role.SECRETARY}),
    "auditors.record_communication": frozenset(
        {Role.CHAIR, Role.SECRETARY, Role.AUDITOR}
    ),
    "auditors.review_communication": frozenset({Role.CHAIR, Role.SECRETARY}),
    "auditors.evaluate": COMMITTEE,
    "auditors.record_hire": frozenset({Role.CHAIR, Role.SECRETARY, Role.MANAGEMENT}),
    "auditors.act_on_independence": frozenset({Role.CHAIR}),
}


def sees_only_own_engagements(roles: frozenset[Role]) -> bool:
    """The auditor's people, holding no other role, see only their firm's engagements."""
    return Role.AUDITOR in roles and not (roles & READERS)
