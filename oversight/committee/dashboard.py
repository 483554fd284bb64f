"""The dashboard panel: the committee's status, any cure deadline, the reminder to notify Nasdaq."""

from __future__ import annotations

from typing import Any

from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.permissions import can
from oversight.accounts.queries import company_today
from oversight.committee import queries


def panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    company = request.company
    if company is None or not can(request.roles, "committee.view"):
        return None
    return {
        "title": "Audit committee composition",
        "template": "committee/_dashboard_panel.html",
        "order": 10,
        "report": queries.committee_report(company, company_today(company)),
        "alert": queries.open_alert(company),
    }
