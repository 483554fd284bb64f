"""Reads of the ledger, filtered per viewer like everything else."""

from __future__ import annotations

from django.db.models import QuerySet

from oversight.accounts.models import Company
from oversight.ledger.models import LedgerEvent


def company_events(
    company: Company, *, action: str = "", actor_email: str = "", after_seq: int = 0
) -> QuerySet[LedgerEvent]:
    """The company's own chain, oldest first. Other chains (a complaint case's) are never mixed in."""
    events = LedgerEvent.objects.filter(
        chain=company.ledger_chain, seq__gt=after_seq
    ).select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    if actor_email:
        events = events.filter(actor__email__iexact=actor_email)
    return events.order_by("seq")
