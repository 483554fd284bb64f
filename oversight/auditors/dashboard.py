"""The auditor's panel on the committee dashboard: what needs the committee's attention."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from oversight.accounts.models import Role
from oversight.accounts.permissions import can
from oversight.accounts.queries import company_today
from oversight.auditors import models as m
from oversight.auditors import queries


def panel(request: HttpRequest) -> dict[str, Any] | None:
    company = getattr(request, "company", None)
    roles: frozenset[Role] = getattr(request, "roles", frozenset())
    if company is None or not can(roles, "auditors.view"):
        return None
    today = company_today(company)
    year = queries.latest_year(company, today)
    current = queries.engagements(company).filter(fiscal_year=year).first()
    return {
        "title": "Independent auditor",
        "template": "auditors/_panel.html",
        "order": 30,
        "alerts": len(queries.open_alerts(company, as_of=today)),
        "open_requests": m.ServiceRequest.objects.filter(
            company=company, status=m.ServiceRequest.Status.OPEN
        ).count(),
        "to_report": len(queries.to_report(company, as_of=today)),
        "communications": queries.communications(current, as_of=today)
        if current
        else (),
    }
