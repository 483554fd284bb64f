"""The recipients' pages: cases they hold a key to, case work, the channel, statistics."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from oversight.accounts.decorators import reauth_required
from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.models import Company, Role
from oversight.accounts.queries import company_for, company_today, holders_of
from oversight.complaints import crypto, keyring, queries, services
from oversight.complaints.forms import (
    CaseActionForm,
    CustodiansForm,
    PassphraseForm,
    PublishForm,
)
from oversight.complaints.models import Case, Channel, RecipientKey
from oversight.complaints.presenters import file_stream, recipient_view


def _no_store[R: HttpResponseBase](response: R) -> R:
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_for(request, "complaints.cases")
    cases = list(queries.cases_for(request.user, company))
    context = {
        "rows": queries.deadlines_for(cases, company, company_today(company)),
        "has_key": RecipientKey.objects.filter(user=request.user).exists(),
    }
    return _no_store(render(request, "complaints/case_list.html", context))


@sensitive_post_parameters("passphrase")
@login_required
@require_http_methods(["GET", "POST"])
def key(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_for(request, "complaints.cases")
    mine = RecipientKey.objects.filter(user=request.user).first()
    existing = mine is not None
    form = PassphraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        passphrase = form.cleaned_data["passphrase"]
        try:
            if existing:
                private = services.unlock_key(request.user, passphrase)
            else:
                _, private = services.create_key(
                    request.user, passphrase=passphrase, on=company_today(company)
                )
        except ValidationError as exc:
            form.add_error("passphrase", exc)
        else:
            services.accept_recovered(request.user, private)
            response = redirect(_safe_next(request) or reverse("complaints:list"))
            keyring.store(request, response, private)
            return response
    status = 400 if form.is_bound else 200
    return _no_store(
        render(
            request,
            "complaints/key_form.html",
            {
                "form": form,
                "existing": existing,
                "fingerprint": services.fingerprint(bytes(mine.public_key))
                if mine
                else "",
            },
            status=status,
        )
    )


def _safe_next(request: AuthenticatedHttpRequest) -> str:
    target = request.GET.get("next", "")
    return target if target.startswith("/complaints/") and "//" not in target else ""


def _case_and_key(
    request: AuthenticatedHttpRequest, case_id: str
) -> tuple[Case, crypto.CaseKeys | None]:
    company = company_for(request, "complaints.cases")
    case = queries.get_case_for(request.user, company, case_id)
    private = keyring.load(request)
    if private is None:
        return case, None
    return case, services.case_key(case, request.user, private)


@login_required
def case_detail(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case, key = _case_and_key(request, case_id)
    if key is None:
        return redirect(f"{reverse('complaints:key')}?next={request.path}")
    services.note_viewed(case, actor=request.user)
    context = {
        "case": case,
        "form": CaseActionForm(),
        "people": holders_of(
            case.company, services.CONCERNABLE_ROLES | {Role.INTERNAL_AUDIT}
        ),
        "may_exclude": services.may_exclude(case, request.user),
        **recipient_view(case, key),
    }
    return _no_store(render(request, "complaints/case_detail.html", context))


@sensitive_post_parameters("text")
@login_required
@require_POST
def case_act(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    case, key = _case_and_key(request, case_id)
    if key is None:
        return redirect(
            f"{reverse('complaints:key')}?next={reverse('complaints:detail', args=[case.id])}"
        )
    form = CaseActionForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Invalid action.", status=400)
    try:
        _dispatch(request, case, key, form.cleaned_data)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return redirect("complaints:detail", case_id=case.id)


def _dispatch(
    request: AuthenticatedHttpRequest,
    case: Case,
    key: crypto.CaseKeys,
    data: dict[str, Any],
) -> None:
    actor, on, action = request.user, company_today(case.company), data["action"]
    person = None
    if data.get("person"):
        person = holders_of(case.company, set(Role)).filter(pk=data["person"]).first()
        if person is None:
            raise ValidationError("Unknown person.")
    if action == "status":
        services.set_status(case, actor=actor, status=data["status"], on=on)
    elif action == "note":
        services.add_note(case, actor=actor, key=key, text=data["text"], on=on)
    elif action == "message":
        services.send_message(case, actor=actor, key=key, text=data["text"], on=on)
    elif action in {"hold", "release"}:
        services.set_legal_hold(case, actor=actor, hold=action == "hold")
    elif action == "approve":
        grant = case.grants.filter(pk=data.get("grant") or 0).first()
        if grant is None:
            raise ValidationError("Unknown proposal.")
        services.approve_grant(grant, actor=actor)
    elif person is None:
        raise ValidationError("Choose a person.")
    elif action == "assign":
        services.assign(case, actor=actor, assignee=person)
    elif action == "exclude":
        services.exclude(
            case, actor=actor, key=key, person=person, reason=data["text"], on=on
        )
    else:
        services.propose_grant(
            case, actor=actor, key=key, grantee=person, reason=data["text"], on=on
        )


@login_required
def case_file(
    request: AuthenticatedHttpRequest, case_id: str, file_id: str
) -> HttpResponseBase:
    case, key = _case_and_key(request, case_id)
    attachment = case.attachments.filter(pk=file_id[:16]).first()
    if key is None or attachment is None:
        raise Http404("Not found.")
    try:
        meta, body = file_stream(case, key.case, attachment)
    except FileNotFoundError:
        raise Http404("This file's stored body is missing.") from None
    try:
        services.note_viewed(case, actor=request.user, what="file")
    except BaseException:
        body.close()
        raise
    # Always a download, never rendered: the original is evidence, not a safe view.
    # Decrypted a chunk at a time as it is sent; never whole in memory.
    response = StreamingHttpResponse(body, content_type="application/octet-stream")
    response.headers["Content-Length"] = str(int(meta["size"]))
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=str(meta["name"])
    )
    return _no_store(response)


def _custodian_lines(company: Company, text: str) -> list[services.CustodianInput]:
    items = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        label, _, rest = line.partition("|")
        public, _, email = rest.partition("|")
        person = None
        if email.strip():
            person = holders_of(company, set(Role)).filter(email=email.strip()).first()
            if person is None:
                raise ValidationError(f"{label.strip()}: no such person here.")
        items.append(services.CustodianInput(label.strip(), public.strip(), person))
    return items


@login_required
@reauth_required
def case_export(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    """The whole case as text, for counsel: after re-authentication, and recorded."""
    case, key = _case_and_key(request, case_id)
    if key is None:
        return redirect(f"{reverse('complaints:key')}?next={request.path}")
    text = render_to_string(
        "complaints/case_export.txt", {"case": case, **recipient_view(case, key)}
    )
    services.note_exported(case, actor=request.user)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{case.id}.txt"
    )
    return _no_store(response)


@login_required
@require_http_methods(["GET", "POST"])
def channel(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_for(request, "complaints.configure")
    current = Channel.objects.filter(company=company).first()
    people = [
        (u.pk, u.full_name)
        for u in holders_of(company, set(Role)).filter(complaint_key__isnull=False)
    ]
    form: forms.Form = (
        PublishForm(request.POST or None, people=people)
        if current is None
        else CustodiansForm(request.POST or None)
    )
    if request.method == "POST":
        try:
            _channel_post(request, company, current, form)
            return redirect("complaints:channel")
        except ValidationError as error:
            form.add_error(None, error)
    context = {"channel": current, "form": form, "company": company}
    return _no_store(render(request, "complaints/channel_form.html", context))


def _channel_post(
    request: AuthenticatedHttpRequest,
    company: Company,
    current: Channel | None,
    form: forms.Form,
) -> None:
    on, actor = company_today(company), request.user
    retire = request.POST.get("retire")
    if current is not None and retire:
        custodian = current.custodians.filter(pk=int(retire) if retire.isdigit() else 0)
        if not custodian.exists():
            raise ValidationError("Unknown custodian.")
        services.retire_custodian(custodian.get(), actor=actor, on=on)
        return
    if not form.is_valid():
        raise ValidationError("Correct the form.")
    items = _custodian_lines(company, form.cleaned_data["custodians"])
    if current is not None:
        for item in items:
            services.register_custodian(current, item, actor=actor, on=on)
        return
    fallback = (
        holders_of(company, set(Role)).filter(pk=form.cleaned_data["fallback"]).first()
    )
    services.publish_channel(
        company,
        actor=actor,
        on=on,
        custodians=items,
        threshold=form.cleaned_data["threshold"],
        fallback=fallback,
    )


@login_required
def statistics(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = company_for(request, "complaints.statistics")
    stats = queries.statistics_for(request.user, company, company_today(company))
    return _no_store(render(request, "complaints/statistics.html", stats))
