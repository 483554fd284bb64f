"""The complaint panel on the dashboard: only the cases the viewer holds, never others."""

from __future__ import annotations

from typing import Any

from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.permissions import can
from oversight.accounts.queries import company_today
from oversight.complaints import queries


def panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    company = request.company
    if company is None or not can(request.roles, "complaints.cases"):
        return None
    cases = list(queries.cases_for(request.user, company))
    if not cases:
        return None  # no panel at all: an empty one would differ from none by role only
    rows = queries.deadlines_for(cases, company, company_today(company))
    return {
        "title": "Complaints",
        "template": "complaints/_panel.html",
        "order": 40,
        "held": len(cases),
        "open": sum(1 for r in rows if r["case"].closed_on is None),
        "due": sum(1 for r in rows if r["remind_ack"] or r["remind_feedback"]),
    }
