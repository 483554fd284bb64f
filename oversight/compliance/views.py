"""Compliance pages: the dashboard, an obligation's drill-down, evidence, planner, runs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from oversight.accounts import queries as access
from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.models import Company
from oversight.accounts.permissions import can
from oversight.compliance import queries, services
from oversight.compliance.forms import (
    AsOfForm,
    CadenceForm,
    EvidenceForm,
    PlannerForm,
    RunForm,
)
from oversight.compliance.models import Evidence
from oversight.rules.charter.model import Periodically


def _when(
    request: AuthenticatedHttpRequest, company: Company
) -> tuple[AsOfForm, date, datetime | None]:
    """The day and moment asked about (today, and everything known, by default)."""
    form = AsOfForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    known_at = data.get("known_at")
    if known_at is not None and known_at.tzinfo is None:
        known_at = known_at.replace(tzinfo=UTC)
    return form, data.get("as_of") or access.company_today(company), known_at


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "compliance.view")
    form, as_of, known_at = _when(request, company)
    board = queries.dashboard_for(company, as_of=as_of, known_at=known_at)
    context = {
        "board": board,
        "form": form,
        "known_at": known_at,
        "can_run": can(request.roles, "compliance.run"),
    }
    status = 400 if request.GET and not form.is_valid() else 200
    template = (
        "compliance/_board.html"
        if request.headers.get("HX-Request")
        else "compliance/dashboard.html"
    )
    return render(request, template, context, status=status)


@login_required
def obligation(request: AuthenticatedHttpRequest, obligation_id: str) -> HttpResponse:
    company = access.company_for(request, "compliance.view")
    _form, as_of, known_at = _when(request, company)
    ctx = queries.context_for(company, as_of=as_of, known_at=known_at)
    if ctx is None or obligation_id not in {o.id for o in ctx.charter.obligations}:
        raise Http404("No such obligation in the charter in force.")
    duty = ctx.charter.obligation(obligation_id)
    context = {
        "duty": duty,
        "ctx": ctx,
        "periodic": isinstance(duty.cadence, Periodically),
        "per_year": duty.per_year(ctx.overrides),
        "can_set_cadence": can(request.roles, "compliance.set_cadence"),
        "result": ctx.evaluate().result(obligation_id),
        "history": queries.history_of(ctx, obligation_id),
        "evidence": queries.evidence_of(company).filter(
            kind__in=queries.kinds_of(duty)
        ),
    }
    return render(request, "compliance/obligation_detail.html", context)


@login_required
def evidence(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "compliance.view")
    posted = request.method == "POST"
    form = EvidenceForm(request.POST if posted else None, request.FILES or None)
    if posted:
        access.company_for(request, "compliance.record_evidence")
        if form.is_valid():
            try:
                services.record_evidence(
                    company, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Evidence recorded.")
                return redirect("compliance:evidence")
    context = {
        "rows": queries.evidence_of(company)[:200],
        "form": form,
        "can_record": can(request.roles, "compliance.record_evidence"),
    }
    return render(
        request, "compliance/evidence_list.html", context, status=400 if posted else 200
    )


@login_required
def plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "compliance.plan")
    form = PlannerForm(request.GET or None)
    ctx = queries.context_for(company, as_of=access.company_today(company))
    view = None
    if ctx is not None and form.is_valid():
        data = form.cleaned_data
        view = queries.plan_for(
            ctx, data["meetings"], skip_on=data["skip_on"], skip_kind=data["skip_kind"]
        )
    status = 400 if request.GET and not form.is_valid() else 200
    return render(
        request,
        "compliance/plan.html",
        {"form": form, "ctx": ctx, "view": view},
        status=status,
    )


@login_required
def runs(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "compliance.view")
    context = {
        "runs": queries.runs_of(company)[:100],
        "can_run": can(request.roles, "compliance.run"),
        "form": RunForm(initial={"as_of": access.company_today(company)}),
    }
    return render(request, "compliance/run_list.html", context)


@require_POST
@login_required
def run(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "compliance.run")
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the date to evaluate as of.")
        return redirect("compliance:runs")
    try:
        stored = services.run_evaluation(
            company, actor=request.user, as_of=form.cleaned_data["as_of"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Evaluation stored: {stored.missed} missed, facts {stored.facts_digest[:12]}.",
        )
    return redirect("compliance:runs")


@require_POST
@login_required
def set_cadence(request: AuthenticatedHttpRequest, obligation_id: str) -> HttpResponse:
    company = access.company_for(request, "compliance.set_cadence")
    form = CadenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a whole number of times a year.")
        return redirect("compliance:obligation", obligation_id)
    try:
        services.set_cadence(
            company,
            actor=request.user,
            obligation_id=obligation_id,
            per_year=form.cleaned_data["per_year"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The committee's choice is recorded.")
    return redirect("compliance:obligation", obligation_id)


@login_required
def document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    row = access.get_for(
        request.user, Evidence.objects.exclude(document=""), pk, "compliance.view"
    )
    return FileResponse(
        row.document.open("rb"),
        as_attachment=True,
        filename=row.document_name or "document",
    )
