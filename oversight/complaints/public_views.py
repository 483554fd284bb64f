"""The reporter's pages: file a report without an account, and come back with the receipt.

No view here reads or writes Django's session, logs the request, or stores the
client's address; times shown or stored are dates.
"""

from __future__ import annotations

import logging
import time

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from oversight.accounts.models import Company
from oversight.accounts.queries import company_today
from oversight.complaints import abuse, conf, crypto, services, uploads
from oversight.complaints.forms import (
    ConfirmReceiptForm,
    ReceiptForm,
    ReplyForm,
    ReportForm,
)
from oversight.complaints.models import Channel
from oversight.complaints.reporter import (
    COOKIE,
    COOKIE_PATH,
    SESSION_SECONDS,
    client_key,
    reporter_cookie,
    reporter_route,
    set_session_cookie,
    started,
    with_reporter_cookie,
)

logger = logging.getLogger("oversight.complaints")


def _channel(slug: str) -> Channel:
    channel = (
        Channel.objects.filter(company__slug=slug[:60])
        .select_related("company")
        .first()
    )
    if channel is None or not channel.is_open_on(company_today(channel.company)):
        raise Http404("No open complaint channel here.")
    return channel


def _uploads(request: HttpRequest) -> tuple[services.Upload, ...]:
    """The request's files, as the upload handler spooled them (encrypted, on disk)."""
    return tuple(
        services.Upload(f.name or "file", f.content_type or "", spool=f.spool)
        for f in request.FILES.getlist("documents")
        if isinstance(f, uploads.SpooledFile)
    )


def _intake_context(
    channel: Channel,
    form: ReportForm,
    request: HttpRequest,
    data: QueryDict | None = None,
) -> dict[str, object]:
    """The page's context, with a fresh challenge (and a fresh nonce for a new form)."""
    challenge = conf.guard().issue(client_key(request))
    if data is not None:
        data["challenge"] = challenge.token
    else:
        form.initial.update(
            nonce=abuse.issue_submission_nonce(
                conf.nonce_key(), now=time.time(), cookie=reporter_cookie(request)
            )[0],
            challenge=challenge.token,
        )
    return {
        "company": channel.company,
        "channel": channel,
        "form": form,
        "challenge": challenge,
    }


def _people(channel: Channel) -> list[tuple[int, str]]:
    today = company_today(channel.company)
    return [(u.pk, u.full_name) for u in services.concernable(channel.company, today)]


@reporter_route
@sensitive_post_parameters("text", "contact", "nonce", "challenge", "solution")
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, slug: str) -> HttpResponse:
    channel = _channel(slug)
    company: Company = channel.company
    if request.method == "GET":
        form = ReportForm(people=_people(channel))
        return with_reporter_cookie(
            request,
            render(
                request,
                "complaints/report_form.html",
                _intake_context(channel, form, request),
            ),
        )
    guard, client = conf.guard(), client_key(request)
    guard.note_request()
    data = request.POST.copy()
    form = ReportForm(data, request.FILES, people=_people(channel))
    status = 400
    if (refused := uploads.refusal(request)) is not None:
        form.add_error("documents", refused)
    elif form.is_valid():
        try:
            guard.redeem(
                client, form.cleaned_data["challenge"], form.cleaned_data["solution"]
            )
            nonce = abuse.redeem_submission_nonce(
                conf.nonce_key(), form.cleaned_data["nonce"], now=started(request)
            )
            bound = nonce.bound_to(request.COOKIES.get(COOKIE, ""))
            existing = services.case_for_receipt(company, nonce.receipt)
            if existing is not None and (existing.receipt_confirmed or not bound):
                return _already_received(request, company)
            if not bound:
                raise abuse.NonceError("cookie")
            receipt = nonce.receipt
            report = services.ReportInput(
                category=form.cleaned_data["category"],
                text=form.cleaned_data["text"],
                contact=form.cleaned_data["contact"],
                concerns=tuple(int(pk) for pk in form.cleaned_data["concerns"]),
                files=_uploads(request),
            )
            case, _created = services.submit_report(
                company,
                receipt=receipt,
                data=report,
                on=company_today(company),
                suspect=guard.is_suspect_submission(client),
            )
            guard.record(client, abuse.Event.SUBMISSION)
        except abuse.ChallengeError as exc:
            form.add_error(None, _challenge_message(str(exc)))
        except abuse.NonceError:
            data["nonce"] = abuse.issue_submission_nonce(
                conf.nonce_key(), now=time.time(), cookie=reporter_cookie(request)
            )[0]
            form.add_error(
                None,
                _(
                    "This form had expired. Nothing was lost: check it and send it again."
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except (DatabaseError, OSError) as exc:
            # The same form sent again files the same report (its nonce carries the
            # receipt), so the reporter loses nothing by trying again.
            logger.warning(
                "complaints: a report could not be stored (%s)", type(exc).__name__
            )
            status = 503
            form.add_error(
                None,
                _(
                    "Your report could not be stored just now. Nothing was lost: "
                    "send the form again in a moment."
                ),
            )
        else:
            if case.receipt_confirmed:
                return _already_received(request, company)
            confirm = ConfirmReceiptForm(initial={"nonce": form.cleaned_data["nonce"]})
            return render(
                request,
                "complaints/report_receipt.html",
                {
                    "company": company,
                    "receipt": crypto.format_receipt(receipt),
                    "form": confirm,
                },
            )
    if request.FILES and form.errors:
        form.add_error(
            None, _("Files are not kept on a page sent back: attach them again.")
        )
    context = _intake_context(channel, form, request, data)
    return with_reporter_cookie(
        request,
        render(request, "complaints/report_form.html", context, status=status),
    )


def _already_received(request: HttpRequest, company: Company) -> HttpResponse:
    """A replayed form or confirmation: the report is safe; the receipt is not shown."""
    return render(request, "complaints/report_already.html", {"company": company})


def _challenge_message(reason: str) -> str:
    if reason == "stale":
        return _(
            "The channel is busier than when this page was opened. Nothing was lost: "
            "send the form again."
        )
    if reason == "too early":
        return _("The channel is busy. Wait a few seconds, then send the form again.")
    if reason == "expired":
        return _("The page was open too long. Send the form again.")
    if reason == "elsewhere":
        return _(
            "Your connection changed since this page was opened. Nothing was lost: "
            "send the form again."
        )
    return _("Please send the form again.")


@reporter_route
@sensitive_post_parameters("typed", "nonce")
@require_POST
def confirm_receipt(request: HttpRequest, slug: str) -> HttpResponse:
    """The re-type check: the receipt is shown again only to the browser with the
    form's cookie, and never after it was typed back correctly."""
    channel = _channel(slug)
    form = ConfirmReceiptForm(request.POST)
    if not form.is_valid():
        raise Http404("Unknown receipt.")
    try:
        nonce = abuse.redeem_submission_nonce(
            conf.nonce_key(), form.cleaned_data["nonce"], now=time.time()
        )
    except abuse.NonceError:
        raise Http404("Unknown receipt.") from None
    case = services.case_for_receipt(channel.company, nonce.receipt)
    if case is None:
        raise Http404("Unknown receipt.")
    if case.receipt_confirmed or not nonce.bound_to(request.COOKIES.get(COOKIE, "")):
        return _already_received(request, channel.company)
    try:
        typed = crypto.normalise_receipt(form.cleaned_data["typed"])
    except crypto.InvalidReceipt:
        typed = ""
    if typed == nonce.receipt:
        services.confirm_receipt(case)
        response = render(
            request, "complaints/report_saved.html", {"company": channel.company}
        )
        response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Strict")
        return response
    form.add_error(
        "typed", _("That is not the receipt shown above. Check it and type it again.")
    )
    context = {
        "company": channel.company,
        "receipt": crypto.format_receipt(nonce.receipt),
        "form": form,
    }
    return render(request, "complaints/report_receipt.html", context, status=400)


@reporter_route
@sensitive_post_parameters("receipt", "challenge", "solution")
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    channel = _channel(slug)
    guard, client = conf.guard(), client_key(request)
    # A refused client is answered before any other work, so guessing stays cheap.
    decision = guard.may_try_receipt(client)
    if not decision.allowed:
        guard.hold(guard.penalty(client, decision))
        response = render(
            request,
            "complaints/too_many.html",
            {"company": channel.company},
            status=429,
        )
        response.headers["Retry-After"] = str(decision.retry_after)
        return response
    data = request.POST.copy() if request.method == "POST" else None
    form = ReceiptForm(data)
    if request.method == "POST":
        guard.note_request()
        if form.is_valid():
            try:
                guard.redeem(
                    client,
                    form.cleaned_data["challenge"],
                    form.cleaned_data["solution"],
                    endpoint="follow-up",
                )
            except abuse.ChallengeError as exc:
                form.add_error(None, _challenge_message(str(exc)))
            else:
                token = services.reporter_sign_in(
                    channel.company,
                    form.cleaned_data["receipt"],
                    on=company_today(channel.company),
                    expires_at=time.time() + SESSION_SECONDS,
                )
                if token is not None:
                    response = redirect("report:case", slug=channel.company.slug)
                    set_session_cookie(response, token)
                    return response
                guard.record(client, abuse.Event.RECEIPT_FAILURE)
                guard.hold(guard.penalty(client))
                form.add_error(
                    "receipt",
                    _("No report matches this receipt. Check it and try again."),
                )
    challenge = guard.issue(client, endpoint="follow-up")
    if data is not None:
        data["challenge"] = challenge.token
    else:
        form.initial["challenge"] = challenge.token
    return render(
        request,
        "complaints/report_follow_up.html",
        {"company": channel.company, "form": form, "challenge": challenge},
        status=400 if form.is_bound else 200,
    )


def _access(request: HttpRequest) -> services.ReporterAccess | None:
    token = request.COOKIES.get(COOKIE, "")
    # as of the request's start: a session valid when an upload began stays valid
    return (
        services.reporter_access(token[:100], now=started(request)) if token else None
    )


@reporter_route
@sensitive_post_parameters("text")
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, slug: str) -> HttpResponse:
    channel = _channel(slug)
    access = _access(request)
    if access is None or access.case.company_id != channel.company_id:
        return redirect("report:follow-up", slug=channel.company.slug)
    form = ReplyForm(
        request.POST or None,
        request.FILES or None,
        initial={"form_secret": access.form_secret},
    )
    status = 200
    if request.method == "POST":
        if (refused := uploads.refusal(request)) is not None:
            form.add_error("documents", refused)
        elif form.is_valid() and form.cleaned_data["form_secret"] == access.form_secret:
            try:
                services.reporter_reply(
                    access,
                    text=form.cleaned_data["text"],
                    files=_uploads(request),
                    on=company_today(channel.company),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("report:case", slug=channel.company.slug)
        status = 400
    from oversight.complaints.presenters import reporter_view

    context = {"company": channel.company, "form": form, **reporter_view(access)}
    return render(request, "complaints/report_case.html", context, status=status)


@reporter_route
@require_POST
def sign_out(request: HttpRequest, slug: str) -> HttpResponse:
    channel = _channel(slug)
    token = request.COOKIES.get(COOKIE, "")
    if token:
        services.reporter_sign_out(token[:100])
    response = render(
        request, "complaints/report_signed_out.html", {"company": channel.company}
    )
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Strict")
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
