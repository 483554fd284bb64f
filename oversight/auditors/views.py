"""Pages of the auditor's register: parse, check access, call a service, respond."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from oversight.accounts import queries as access
from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.models import Role
from oversight.accounts.permissions import can
from oversight.auditors import charts, pdf, queries, services
from oversight.auditors import forms as f
from oversight.auditors import models as m

ACTIONS = (
    "auditors.view",
    "auditors.manage",
    "auditors.record_fee",
    "auditors.adopt_policy",
    "auditors.request_service",
    "auditors.approve_service",
    "auditors.record_steps",
    "auditors.record_communication",
    "auditors.review_communication",
    "auditors.evaluate",
    "auditors.record_hire",
    "auditors.act_on_independence",
)


def _can(request: AuthenticatedHttpRequest) -> dict[str, bool]:
    roles: frozenset[Role] = getattr(request, "roles", frozenset())
    return {a.split(".")[1]: can(roles, a) for a in ACTIONS}


def _today(request: AuthenticatedHttpRequest) -> Any:
    assert request.company is not None
    return access.company_today(request.company)


def _run(form: djforms.Form, call: Callable[[dict[str, Any]], object]) -> bool:
    """Validate the form, then call the service; a refusal becomes a form error."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


# Overview and dashboard ------------------------------------------------------------


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "auditors.view")
    today = _today(request)
    year = queries.latest_year(company, today)
    rows = queries.engagements(company)
    current = rows.filter(fiscal_year=year).first()
    context = {
        "engagements": rows,
        "year": year,
        "mix": queries.mix(company, [year - 2, year - 1, year]),
        "chart": charts.fee_mix_svg(queries.mix(company, [year - 2, year - 1, year])),
        "alerts": queries.open_alerts(company, as_of=today),
        "forecasts": queries.rotation_forecasts(current) if current else (),
        "communications": queries.communications(current, as_of=today)
        if current
        else (),
        "current": current,
        "to_report": queries.to_report(company, as_of=today),
        "firm_form": f.FirmForm(company=company),
        "can": _can(request),
    }
    return render(request, "auditors/overview.html", context)


@login_required
def chart(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "auditors.view")
    year = queries.latest_year(company, _today(request))
    svg = charts.fee_mix_svg(queries.mix(company, [year - 2, year - 1, year]))
    return HttpResponse(svg, content_type="image/svg+xml")


@require_POST
@login_required
def firm_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "auditors.manage")
    form = f.FirmForm(request.POST, company=company)
    if _run(form, lambda d: services.create_firm(company, actor=request.user, **d)):
        messages.success(request, "Firm recorded.")
        return redirect("auditors:overview")
    return render(
        request,
        "auditors/form_page.html",
        {"form": form, "title": "Record a firm"},
        status=400,
    )


# Engagements -----------------------------------------------------------------------


@login_required
def engagement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "auditors.manage")
    form = f.EngagementForm(
        request.POST or None, request.FILES or None, company=company
    )
    if request.method == "POST":

        def call(d: dict[str, Any]) -> object:
            firm = d.pop("firm")
            return services.create_engagement(firm, actor=request.user, **d)

        if _run(form, call):
            messages.success(request, "Engagement recorded.")
            return redirect("auditors:overview")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "auditors/form_page.html",
        {
            "form": form,
            "title": "Engage the auditor for a fiscal year",
            "multipart": True,
        },
        status=status,
    )


def _engagement_page(
    request: AuthenticatedHttpRequest,
    engagement: m.Engagement,
    status: int = 200,
    **bound: Any,
) -> HttpResponse:
    today = _today(request)
    context: dict[str, Any] = {
        "engagement": engagement,
        "fees": engagement.fees.select_related("approval"),
        "approvals": engagement.approvals.select_related("approved_by", "policy_item"),
        "partners": engagement.partners.all(),
        "forecasts": queries.rotation_forecasts(engagement),
        "rotation": queries.rotation_checks(engagement),
        "communications": engagement.communications.all(),
        "statuses": queries.communications(engagement, as_of=today),
        "requests": engagement.requests.select_related("requested_by"),
        "ratification": getattr(engagement, "ratification", None),
        "evaluation": getattr(engagement, "evaluation", None),
        "termination": getattr(engagement, "termination", None),
        "can": _can(request),
        "forms": {
            "ratification": f.RatificationForm(),
            "completion": f.CompletionForm(),
            "result": f.EvaluationResultForm(),
            "partner": f.PartnerForm(),
            "fee": f.FeeForm(engagement=engagement),
            "communication": f.CommunicationForm(),
            "review": f.ReviewForm(),
            "action": f.IndependenceActionForm(),
            "done": f.DoneForm(),
        }
        | bound,
    }
    return render(request, "auditors/engagement_detail.html", context, status=status)


@login_required
def engagement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = request.company
    rows = queries.engagements_for(request.user, company) if company else None
    if rows is None:
        access.company_for(request, "auditors.view_engagement")
    return render(request, "auditors/engagement_list.html", {"engagements": rows})


@login_required
def engagement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = queries.get_engagement_for(request.user, pk)
    return _engagement_page(request, engagement)


def _engagement_action(
    action: str,
    form_class: type[djforms.Form],
    key: str,
    call: Callable[[AuthenticatedHttpRequest, m.Engagement, dict[str, Any]], object],
    done: str,
) -> Callable[[AuthenticatedHttpRequest, int], HttpResponse]:
    """A POST on the engagement page: check access, run the service, back to the page."""

    @require_POST
    @login_required
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        engagement = queries.get_engagement_for(request.user, pk, action)
        kwargs: dict[str, Any] = (
            {"engagement": engagement} if form_class is f.FeeForm else {}
        )
        form = form_class(request.POST, request.FILES or None, **kwargs)
        if _run(form, lambda d: call(request, engagement, d)):
            messages.success(request, done)
            return redirect("auditors:engagement", engagement.pk)
        return _engagement_page(request, engagement, 400, **{key: form})

    return view


ratify = _engagement_action(
    "auditors.manage",
    f.RatificationForm,
    "ratification",
    lambda r, e, d: services.record_ratification(e, actor=r.user, **d),
    "Ratification vote recorded.",
)
audit_completed = _engagement_action(
    "auditors.manage",
    f.CompletionForm,
    "completion",
    lambda r, e, d: services.record_audit_completion(e, actor=r.user, **d),
    "Audit report date recorded.",
)
evaluation_result = _engagement_action(
    "auditors.manage",
    f.EvaluationResultForm,
    "result",
    lambda r, e, d: services.record_evaluation_result(e, actor=r.user, **d),
    "Evaluation result recorded.",
)
partner_add = _engagement_action(
    "auditors.manage",
    f.PartnerForm,
    "partner",
    lambda r, e, d: services.add_partner(e, actor=r.user, **d),
    "Partner added.",
)
fee_add = _engagement_action(
    "auditors.record_fee",
    f.FeeForm,
    "fee",
    lambda r, e, d: services.record_fee(e, actor=r.user, **d),
    "Fee recorded.",
)
communication_add = _engagement_action(
    "auditors.record_communication",
    f.CommunicationForm,
    "communication",
    lambda r, e, d: services.record_communication(e, actor=r.user, **d),
    "Communication recorded.",
)
independence_action = _engagement_action(
    "auditors.act_on_independence",
    f.IndependenceActionForm,
    "action",
    lambda r, e, d: services.act_on_independence(e, actor=r.user, **d),
    "Action recorded.",
)


@login_required
def evaluation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = queries.get_engagement_for(request.user, pk, "auditors.evaluate")
    form = f.EvaluationForm(request.POST or None)
    if request.method == "POST" and _run(
        form,
        lambda d: services.answer_evaluation(
            engagement, actor=request.user, answers=form.answers()
        ),
    ):
        messages.success(request, "Your answers are recorded.")
        return redirect("auditors:engagement", engagement.pk)
    status = 400 if request.method == "POST" else 200
    title = f"Evaluate {engagement.firm.name} for FY{engagement.fiscal_year}"
    return render(
        request,
        "auditors/form_page.html",
        {"form": form, "title": title},
        status=status,
    )


@login_required
def terminate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = queries.get_engagement_for(request.user, pk, "auditors.manage")
    form = f.TerminationForm(request.POST or None)
    if request.method == "POST" and _run(
        form,
        lambda d: services.terminate_engagement(engagement, actor=request.user, **d),
    ):
        messages.success(
            request, "Termination recorded; its steps and filings are listed."
        )
        return redirect("auditors:engagement", engagement.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "auditors/form_page.html",
        {"form": form, "title": f"Terminate {engagement}"},
        status=status,
    )


@require_POST
@login_required
def step_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    step = queries.get_step_for(request.user, pk, "auditors.manage")
    engagement = step.termination.engagement
    form = f.DoneForm(request.POST)
    if _run(form, lambda d: services.complete_step(step, actor=request.user, **d)):
        return redirect("auditors:engagement", engagement.pk)
    return _engagement_page(request, engagement, 400, done=form)


@require_POST
@login_required
def communication_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = queries.get_communication_for(
        request.user, pk, "auditors.review_communication"
    )
    form = f.ReviewForm(request.POST)
    if _run(
        form, lambda d: services.review_communication(row, actor=request.user, **d)
    ):
        messages.success(request, "Review recorded.")
        return redirect("auditors:engagement", row.engagement_id)
    return _engagement_page(request, row.engagement, 400, review=form)


@login_required
def de_minimis(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = queries.get_engagement_for(
        request.user, pk, "auditors.approve_service"
    )
    form = f.DeMinimisForm(request.POST or None)
    if request.method == "POST" and _run(
        form, lambda d: services.approve_de_minimis(engagement, actor=request.user, **d)
    ):
        messages.success(request, "Approved under the de minimis exception.")
        return redirect("auditors:engagement", engagement.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "auditors/form_page.html",
        {"form": form, "title": "De minimis approval (AC-PRE-03)"},
        status=status,
    )


@login_required
def letter(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    engagement = queries.get_engagement_for(request.user, pk)
    if not engagement.letter:
        raise Http404("No engagement letter on file.")
    return _download(engagement.letter)


@login_required
def document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    row = queries.get_communication_for(request.user, pk, "auditors.view_engagement")
    if not row.document:
        raise Http404("No document on file.")
    return _download(row.document)


def _download(field: FieldFile) -> FileResponse:
    """A stored PDF, only through an access-checked view (media is never served directly)."""
    return FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=Path(field.name or "document.pdf").name,
        content_type="application/pdf",
    )


# Pre-approval policy ---------------------------------------------------------------


@login_required
def policy_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "auditors.view")
    form = f.PolicyForm(request.POST or None, company=company)
    if request.method == "POST":
        access.require(request.user, company, "auditors.adopt_policy")
        if _run(
            form, lambda d: services.draft_policy(company, actor=request.user, **d)
        ):
            return redirect("auditors:policies")
    context = {
        "policies": queries.policies(company),
        "form": form,
        "can": _can(request),
    }
    return render(
        request,
        "auditors/policy_list.html",
        context,
        status=400 if form.errors else 200,
    )


def _policy_page(
    request: AuthenticatedHttpRequest, policy: m.Policy, status: int = 200, **bound: Any
) -> HttpResponse:
    context = {
        "policy": policy,
        "items": queries.policy_usage(policy),
        "item_form": f.PolicyItemForm(initial={"term_months": 12}),
        "adopt_form": f.AdoptForm(company=policy.company),
        "can": _can(request),
    } | bound
    return render(request, "auditors/policy_detail.html", context, status=status)


@login_required
def policy_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _policy_page(
        request, queries.get_policy_for(request.user, pk, "auditors.view")
    )


@require_POST
@login_required
def policy_item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy = queries.get_policy_for(request.user, pk, "auditors.adopt_policy")
    form = f.PolicyItemForm(request.POST)
    if _run(form, lambda d: services.add_policy_item(policy, actor=request.user, **d)):
        return redirect("auditors:policy", policy.pk)
    return _policy_page(request, policy, 400, item_form=form)


def _adopt(
    request: AuthenticatedHttpRequest, policy: m.Policy, data: dict[str, Any]
) -> m.Policy:
    motion = data.pop("motion", None)
    if motion:
        return services.adopt_policy_by_motion(
            policy, actor=request.user, motion=motion
        )
    return services.adopt_policy(policy, actor=request.user, **data)


@require_POST
@login_required
def policy_adopt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy = queries.get_policy_for(request.user, pk, "auditors.adopt_policy")
    form = f.AdoptForm(request.POST, company=policy.company)
    if _run(form, lambda d: _adopt(request, policy, d)):
        messages.success(request, f"Policy version {policy.version} adopted.")
        return redirect("auditors:policy", policy.pk)
    return _policy_page(request, policy, 400, adopt_form=form)


# Service requests --------------------------------------------------------------------


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "auditors.view")
    context = {"requests": queries.requests(company), "can": _can(request)}
    return render(request, "auditors/request_list.html", context)


@login_required
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "auditors.request_service")
    form = f.ServiceRequestForm(request.POST or None, company=company)
    created: list[m.ServiceRequest] = []
    if request.method == "POST" and _run(
        form,
        lambda d: created.append(
            services.submit_request(
                d["engagement"], actor=request.user, **form.request_fields()
            )
        ),
    ):
        return redirect("auditors:request", created[0].pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "auditors/form_page.html",
        {"form": form, "title": "Ask for an auditor service"},
        status=status,
    )


def _request_page(
    request: AuthenticatedHttpRequest,
    row: m.ServiceRequest,
    status: int = 200,
    **bound: Any,
) -> HttpResponse:
    context = {
        "row": row,
        "approval": getattr(row, "approval", None),
        "steps_form": f.StepsForm(
            initial={name: getattr(row, name) for name in f.StepsForm.base_fields}
        ),
        "approve_form": f.ApproveForm(initial={"approved_on": _today(request)}),
        "refuse_form": f.RefuseForm(),
        "can": _can(request),
    } | bound
    return render(request, "auditors/request_detail.html", context, status=status)


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _request_page(
        request, queries.get_request_for(request.user, pk, "auditors.view")
    )


@require_POST
@login_required
def request_steps(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = queries.get_request_for(request.user, pk, "auditors.record_steps")
    form = f.StepsForm(request.POST)
    if _run(form, lambda d: services.record_steps(row, actor=request.user, **d)):
        return redirect("auditors:request", row.pk)
    return _request_page(request, row, 400, steps_form=form)


@require_POST
@login_required
def request_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = queries.get_request_for(request.user, pk, "auditors.approve_service")
    form = f.ApproveForm(request.POST)
    if _run(form, lambda d: services.approve_request(row, actor=request.user, **d)):
        messages.success(request, "Approved; it will be reported at the next meeting.")
        return redirect("auditors:request", row.pk)
    return _request_page(request, row, 400, approve_form=form)


@require_POST
@login_required
def request_refuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = queries.get_request_for(request.user, pk, "auditors.approve_service")
    form = f.RefuseForm(request.POST)
    if _run(form, lambda d: services.refuse_request(row, actor=request.user, **d)):
        return redirect("auditors:request", row.pk)
    return _request_page(request, row, 400, refuse_form=form)


@login_required
def next_meeting(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "auditors.view")
    form = f.ReportedForm(request.POST or None, company=company)
    if request.method == "POST":
        access.require(request.user, company, "auditors.manage")
        if _run(
            form,
            lambda d: services.mark_reported(
                list(d["approvals"]),
                actor=request.user,
                reported_on=d["reported_on"],
                reported_at=d["reported_at"],
            ),
        ):
            messages.success(request, "Recorded as reported to the committee.")
            return redirect("auditors:next-meeting")
    context = {
        "items": queries.to_report(company, as_of=_today(request)),
        "form": form,
        "can": _can(request),
    }
    return render(
        request,
        "auditors/next_meeting.html",
        context,
        status=400 if form.errors else 200,
    )


# Hires -------------------------------------------------------------------------------


@login_required
def hire_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "auditors.view")
    form = f.HireForm(request.POST or None, company=company)
    if request.method == "POST":
        access.require(request.user, company, "auditors.record_hire")

        def call(d: dict[str, Any]) -> object:
            firm = d.pop("firm")
            return services.record_hire(firm, actor=request.user, **d)

        if _run(form, call):
            return redirect("auditors:hires")
    rows = [(h, queries.hire_check(h)) for h in queries.hires(company)]
    context = {"hires": rows, "form": form, "can": _can(request)}
    return render(
        request, "auditors/hire_list.html", context, status=400 if form.errors else 200
    )


# Proxy fee table ---------------------------------------------------------------------


def _table(request: AuthenticatedHttpRequest) -> Any:
    company = access.company_for(request, "auditors.view")
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = queries.latest_year(company, _today(request))
    if not 1990 <= year <= 2200:
        year = queries.latest_year(company, _today(request))
    return company, queries.proxy_fee_table(company, year)


@login_required
def fee_table(request: AuthenticatedHttpRequest) -> HttpResponse:
    company, table = _table(request)
    return render(
        request, "auditors/fee_table.html", {"table": table, "company": company}
    )


@login_required
def fee_table_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    _, table = _table(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="fee-table-fy{table.fiscal_years[0]}.csv"'
    )
    writer = csv.writer(response)
    writer.writerows(table.as_rows())
    return response


@login_required
def fee_table_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    company, table = _table(request)
    response = HttpResponse(
        pdf.fee_table_pdf(company.name, table), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="fee-table-fy{table.fiscal_years[0]}.pdf"'
    )
    return response
