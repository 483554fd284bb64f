"""The meetings panel of the dashboard: the next meeting, and this fiscal year's count."""

from __future__ import annotations

from typing import Any

from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.permissions import can
from oversight.accounts.queries import company_today
from oversight.meetings.models import Meeting, Minutes
from oversight.rules.meetings.annual import FiscalCalendar


def panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    company = request.company
    if company is None or not can(request.roles, "meetings.view"):
        return None
    today = company_today(company)
    fiscal = FiscalCalendar(company.fiscal_year_end_month, company.fiscal_year_end_day)
    year = fiscal.fiscal_year_of(today)
    meetings = list(
        Meeting.objects.filter(company=company).exclude(status=Meeting.Status.CANCELLED)
    )
    held = [
        m for m in meetings
        if m.status == Meeting.Status.HELD and m.quorum_present and fiscal.start_of(year) <= m.day <= today
    ]  # fmt: skip
    upcoming = [
        m for m in meetings if m.status == Meeting.Status.PLANNED and m.day >= today
    ]
    return {
        "title": "Meetings",
        "template": "meetings/_panel.html",
        "order": 20,
        "next": upcoming[0] if upcoming else None,
        "held": len(held),
        "fiscal_year": year,
        "awaiting": Minutes.objects.filter(
            meeting__company=company, status=Minutes.Status.CIRCULATED
        ).count(),
    }
