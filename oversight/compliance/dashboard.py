"""The home dashboard's charter panel: where every obligation stands today."""

from __future__ import annotations

from typing import Any

from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.permissions import can
from oversight.accounts.queries import company_today
from oversight.compliance import queries


def panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    company = request.company
    if company is None or not can(request.roles, "compliance.view"):
        return None
    board = queries.dashboard_for(company, as_of=company_today(company))
    return {
        "title": "The charter, today",
        "template": "compliance/_panel.html",
        "order": 0,
        "board": board,
        "counts": board.evaluation.counts() if board else {},
    }
