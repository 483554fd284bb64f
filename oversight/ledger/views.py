"""The ledger page: browse and filter a company's events and see whether the chain verifies."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from oversight.accounts import queries
from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.ledger import queries as ledger_queries
from oversight.ledger.forms import LedgerFilterForm
from oversight.ledger.services import verify_chain


@login_required
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = queries.company_for(request, "ledger.view")
    form = LedgerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = ledger_queries.company_events(
        company,
        action=filters.get("action") or "",
        actor_email=filters.get("actor") or "",
    ).reverse()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = (
        "ledger/_event_rows.html"
        if request.headers.get("HX-Request")
        else "ledger/event_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "verification": verify_chain(company.ledger_chain),
        },
    )
