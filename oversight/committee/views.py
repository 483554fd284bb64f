"""Pages of the composition register: the committee as of a date, directors, what-if,
questionnaires, determinations and the draft disclosure."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from oversight.accounts import queries as access
from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.permissions import can
from oversight.committee import disclosure, forms, queries, services
from oversight.committee.snapshot import load_register
from oversight.rules.composition import whatif
from oversight.rules.composition.committee import (
    assess_member,
    evaluate_committee,
    membership_timeline,
)


def _as_of(
    request: AuthenticatedHttpRequest, company: Any
) -> tuple[forms.AsOfForm, Any]:
    form = forms.AsOfForm(request.GET or None)
    day = form.cleaned_data.get("as_of") if form.is_valid() else None
    return form, day or access.company_today(company)


def _errors(request: AuthenticatedHttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "committee.view")
    form, day = _as_of(request, company)
    context = {
        "form": form,
        "report": queries.committee_report(company, day),
        "alert": queries.open_alert(company),
        "directors": queries.directors_of(company),
        "can_manage": can(request.roles, "committee.manage"),
        "appoint_form": forms.AppointForm(company=company),
        "director_form": forms.DirectorForm(),
        "end_form": forms.EndMembershipForm(),
        "notified_form": forms.NotifiedForm(),
    }
    return render(request, "committee/committee_overview.html", context)


@login_required
def timeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "committee.view")
    register = load_register(company)
    names = {d.id: d.name for d in register.directors}
    segments = [
        {
            "segment": s,
            "members": [names[i] for i in s.members],
            "chair": names.get(s.chair or ""),
            "joined": [names[i] for i in s.joined],
            "left": [
                f"{names[i]} ({reason.replace('_', ' ')})" for i, reason in s.left
            ],
            "report": evaluate_committee(register, s.start),
        }
        for s in membership_timeline(register)
    ]
    return render(
        request,
        "committee/membership_timeline.html",
        {"segments": list(reversed(segments))},
    )


@login_required
def director_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    director = queries.get_director_for(request.user, pk, "committee.view")
    form, day = _as_of(request, director.company)
    register = load_register(director.company)
    pure = register.director(str(director.pk))
    member = assess_member(register, pure, day, register.membership_of(pure.id, day))
    context = {"director": director, "member": member, "form": form, "facts": queries.facts_of(director),
               "qualification_form": forms.QualificationForm(), "day": day,
               "can_manage": can(request.roles, "committee.manage"),
               "can_determine": can(request.roles, "committee.determine"),
               "record_forms": director_forms(director),
               "determinations": director.determinations.all()}  # fmt: skip
    return render(request, "committee/director_detail.html", context)


@require_POST
@login_required
def director_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "committee.manage")
    form = forms.DirectorForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Give the director's name and the first day on the board."
        )
        return redirect("committee:overview")
    try:
        director = services.create_director(
            company, actor=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("committee:overview")
    return redirect("committee:director", director.pk)


@require_POST
@login_required
def appoint(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "committee.manage")
    form = forms.AppointForm(request.POST, company=company)
    if not form.is_valid():
        messages.error(request, "Choose a director and the first day of the seat.")
        return redirect("committee:overview")
    data = form.cleaned_data
    try:
        services.appoint_member(data["director"], actor=request.user, starts_on=data["starts_on"],
                                chair=data["chair"], exception=data["exception"])  # fmt: skip
        messages.success(
            request, f"{data['director'].name} is seated from {data['starts_on']}."
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("committee:overview")


@require_POST
@login_required
def end_membership(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = queries.get_membership_for(request.user, pk, "committee.manage")
    form = forms.EndMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the last day and the reason.")
        return redirect("committee:overview")
    try:
        services.end_membership(membership, actor=request.user, ends_on=form.cleaned_data["ends_on"],
                                reason=form.cleaned_data["reason"])  # fmt: skip
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("committee:overview")


@require_POST
@login_required
def qualification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    director = queries.get_director_for(request.user, pk, "committee.manage")
    form = forms.QualificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the date of the board's finding.")
        return redirect("committee:director", pk)
    try:
        services.record_qualifications(
            director, actor=request.user, **form.cleaned_data
        )
        messages.success(request, "Qualifications recorded.")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("committee:director", pk)


def _what_if(company: Any, data: dict[str, Any]) -> whatif.WhatIf:
    register = load_register(company)
    if data["change"] == "appoint":
        return whatif.could_appoint(register, str(data["director"].pk), data["on"])
    if data["change"] == "resign":
        return whatif.what_if_resigns(register, str(data["director"].pk), data["on"])
    org = next(
        (o for o in register.organisations if o.name == data["organisation"]), None
    )
    if org is None:
        raise ValidationError(
            f"No organisation named {data['organisation']!r} in the register."
        )
    return whatif.what_if_paid(
        register, org.id, Decimal(data["amount"]), data["fiscal_year"], data["on"]
    )


@login_required
def what_if(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "committee.whatif")
    form = forms.WhatIfForm(request.POST or None, company=company)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = _what_if(company, form.cleaned_data)
        except (ValidationError, ValueError, KeyError) as exc:
            form.add_error(
                None,
                exc.messages[0]
                if isinstance(exc, ValidationError)
                else str(exc).strip("'\""),
            )
    template = (
        "committee/_whatif_result.html"
        if request.headers.get("HX-Request")
        else "committee/whatif_form.html"
    )
    return render(request, template, {"form": form, "result": result})


@login_required
def questionnaires(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "committee.questionnaire_answer")
    context = {
        "questionnaires": queries.questionnaires_of(company),
        "mine": queries.responses_for(request.user, company),
        "issue_form": forms.QuestionnaireIssueForm(),
        "can_issue": can(request.roles, "committee.questionnaire_issue"),
    }
    return render(request, "committee/questionnaire_list.html", context)


@require_POST
@login_required
def questionnaire_issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "committee.questionnaire_issue")
    form = forms.QuestionnaireIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a title, the issue date and the due date.")
        return redirect("committee:questionnaires")
    try:
        services.issue_questionnaire(company, actor=request.user, **form.cleaned_data)
        messages.success(
            request, "The questionnaire was sent to every serving director."
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("committee:questionnaires")


@login_required
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    response = queries.get_response_for(request.user, pk)
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "certify"}
        try:
            services.submit_questionnaire(response, actor=request.user, answers=services.Answers(**data),
                                          on=access.company_today(response.questionnaire.company))  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "Thank you: your answers are recorded.")
            return redirect("committee:questionnaires")
    return render(
        request,
        "committee/questionnaire_answer.html",
        {"form": form, "response": response},
    )


@login_required
def determine(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    director = queries.get_director_for(request.user, pk, "committee.determine")
    computed = queries.computed_verdicts(
        director, access.company_today(director.company)
    )
    form = forms.DeterminationForm(request.POST or None, initial=computed.initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("on", "resolution", "independent", "subjective_factors",
                                                   "exception_finding", "over_boarding_approved")}  # fmt: skip
        try:
            services.record_determination(
                director, actor=request.user, verdicts=form.verdicts(), **data
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "The determination is recorded and frozen.")
            return redirect("committee:director", pk)
    return render(
        request,
        "committee/determination_form.html",
        {"form": form, "director": director, "computed": computed.outcomes},
    )


@login_required
def disclosure_draft(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "committee.disclosure")
    form, day = _as_of(request, company)
    paragraphs = disclosure.draft(queries.committee_report(company, day), company.name)
    return render(
        request,
        "committee/disclosure_draft.html",
        {"form": form, "paragraphs": paragraphs},
    )


@require_POST
@login_required
def notify_exchange(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = queries.get_alert_for(request.user, pk, "committee.manage")
    form = forms.NotifiedForm(request.POST)
    if form.is_valid():
        try:
            services.mark_exchange_notified(
                alert, actor=request.user, on=form.cleaned_data["on"]
            )
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "Give the date Nasdaq was notified.")
    return redirect("committee:overview")


DIRECTOR_RECORDS: dict[str, Callable[..., Form]] = {
    "family": forms.FamilyMemberForm,
    "employment": forms.EmploymentForm,
    "compensation": forms.CompensationForm,
    "org_role": forms.OrgRoleForm,
}


def director_forms(director: Any) -> dict[str, Form]:
    return {what: build(director=director) for what, build in DIRECTOR_RECORDS.items()}


def _form_errors(request: AuthenticatedHttpRequest, form: Form) -> None:
    for field, errors in form.errors.items():
        label = (
            form.fields[field].label or field.replace("_", " ")
            if field in form.fields
            else ""
        )
        messages.error(
            request,
            f"{label.capitalize() + ': ' if label else ''}{' '.join(str(e) for e in errors)}",
        )


@require_POST
@login_required
def record(request: AuthenticatedHttpRequest, pk: int, what: str) -> HttpResponse:
    director = queries.get_director_for(request.user, pk, "committee.manage")
    cls = DIRECTOR_RECORDS.get(what)
    if cls is None:
        raise Http404("No such record.")
    form = cls(request.POST, director=director)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("committee:director", pk)
    try:
        services.record_for_director(
            director, actor=request.user, what=what, data=form.cleaned_data
        )
        messages.success(request, "Recorded.")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("committee:director", pk)


REGISTER_RECORDS: dict[str, Callable[..., Form]] = {
    "listing": forms.ListingForm,
    "meeting": forms.AnnualMeetingForm,
    "revenue": forms.RevenueForm,
    "organisation": forms.OrganisationForm,
    "organisation_revenue": forms.OrganisationRevenueForm,
    "payment": forms.PaymentForm,
}


@login_required
def register_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "committee.manage")
    context = {
        "organisations": queries.organisations_of(company),
        "company_facts": queries.company_facts(company),
        "forms": {w: build(company=company) for w, build in REGISTER_RECORDS.items()},
    }
    return render(request, "committee/register_detail.html", context)


@require_POST
@login_required
def register_record(request: AuthenticatedHttpRequest, what: str) -> HttpResponse:
    company = access.company_for(request, "committee.manage")
    cls = REGISTER_RECORDS.get(what)
    if cls is None:
        raise Http404("No such record.")
    form = cls(request.POST, company=company)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("committee:register")
    try:
        services.record_for_company(
            company, actor=request.user, what=what, data=form.cleaned_data
        )
        messages.success(request, "Recorded.")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("committee:register")
