"""Pages of the meetings register: parse, check access, call a service, respond."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm, Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.accounts import queries as access
from oversight.accounts.decorators import reauth_required
from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.models import Company
from oversight.accounts.permissions import can
from oversight.meetings import forms, ics, queries, services
from oversight.meetings.filings import standard_filings
from oversight.meetings.models import (
    CalendarFeed,
    Meeting,
    VotingRules,
)
from oversight.meetings.permissions import ATTENDS, PERMISSIONS, is_member
from oversight.rules.meetings.annual import (
    FiscalCalendar,
    propose_calendar,
)


def _errors(form: BaseForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _apply(
    request: AuthenticatedHttpRequest,
    form: BaseForm,
    call: Callable[[dict[str, Any]], object],
    done: str,
) -> bool:
    """Run ``call`` on a valid form; say what happened or why it was refused."""
    if not form.is_valid():
        messages.error(request, _errors(form))
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, done)
    return True


# --- calendar -------------------------------------------------------------------------


@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "meetings.view")
    today = access.company_today(company)
    meetings = list(queries.list_meetings(company))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": [m for m in meetings if m.day >= today],
            "past": [m for m in reversed(meetings) if m.day < today],
            "can_manage": "meetings.manage" in _allowed(request, company),
        },
    )


def _allowed(request: AuthenticatedHttpRequest, company: Company) -> set[str]:
    """The meetings actions the user may take in ``company`` today (what the page offers)."""
    roles = access.roles_in(request.user, company)
    return {action for action in PERMISSIONS if can(roles, action)}


@login_required
def schedule(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "meetings.manage")
    form = forms.MeetingForm(
        request.POST or None, initial={"time_zone": company.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.span()
        data = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                company, actor=request.user, title=data["title"], kind=data["kind"],
                starts_at=starts_at, ends_at=ends_at, time_zone=data["time_zone"],
                place=data["place"], video_url=data["video_url"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{meeting.title} is in the calendar.")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form})


@login_required
def annual(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "meetings.view")
    fiscal = FiscalCalendar(company.fiscal_year_end_month, company.fiscal_year_end_day)
    form = forms.FiscalYearForm(request.GET or None)
    year = (
        form.cleaned_data["year"]
        if form.is_valid()
        else fiscal.fiscal_year_of(access.company_today(company))
    )
    proposal = propose_calendar(fiscal, year, standard_filings(fiscal, year))
    return render(
        request,
        "meetings/annual.html",
        {"proposal": proposal, "form": form, "year": year},
    )


# --- one meeting ------------------------------------------------------------------------


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk)
    allowed = _allowed(request, meeting.company)
    context = queries.meeting_record(meeting, request.user) | {
        "allowed": allowed,
        "manage": "meetings.manage" in allowed,
        "is_member": is_member(access.roles_in(request.user, meeting.company)),
    }
    if context["manage"]:
        context |= _manager_forms(meeting)
        context["charter_suggestions"] = queries.charter_suggestions(meeting)
    if "meetings.upload" in allowed:
        context["material_form"] = forms.MaterialForm()
    return render(request, "meetings/meeting_detail.html", context)


def _manager_forms(meeting: Meeting) -> dict[str, Any]:
    """The forms a chair or secretary works the meeting with, with distinct ids."""
    company = meeting.company
    moved = {
        "date": meeting.day,
        "starts": meeting.local_start.time(),
        "ends": meeting.local_end.time(),
    }
    return {
        "item_form": forms.AgendaItemForm(company=company, auto_id="item_%s"),
        "attendance_form": forms.AttendanceForm(company=company, auto_id="att_%s"),
        "session_form": forms.SessionForm(company=company, auto_id="ses_%s"),
        "motion_form": forms.MotionForm(
            company=company, meeting=meeting, auto_id="mot_%s"
        ),
        "vote_form": forms.VoteForm(company=company),
        "members": services.members_on(company, meeting.day),
        "reschedule_form": forms.RescheduleForm(auto_id="move_%s", initial=moved),
        "action_form": forms.ActionItemForm(company=company, auto_id="act_%s"),
    }


@require_POST
@login_required
def meeting_status(
    request: AuthenticatedHttpRequest, pk: int, verb: str
) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk, "meetings.manage")
    calls = {
        "held": (services.mark_held, "Marked as held."),
        "cancel": (services.cancel_meeting, "The meeting is cancelled."),
        "draft-minutes": (services.draft_minutes, "Minutes drafted from the record."),
        "draft-report": (services.draft_board_report, "Report to the board drafted."),
        "suggest": (services.add_proposed_items, "Proposed items added to the agenda."),
    }
    if verb not in calls:
        raise Http404("No such action.")
    call, done = calls[verb]
    _apply(request, Form({}), lambda _d: call(meeting, actor=request.user), done)
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def reschedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk, "meetings.manage")
    form = forms.RescheduleForm(request.POST)

    def move(_data: dict[str, Any]) -> object:
        starts_at, ends_at = form.span(meeting.time_zone)
        return services.reschedule_meeting(
            meeting, actor=request.user, starts_at=starts_at, ends_at=ends_at
        )

    _apply(request, form, move, "The meeting has moved.")
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def add_item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk, "meetings.manage")
    form = forms.AgendaItemForm(request.POST, company=meeting.company)
    _apply(
        request,
        form,
        lambda d: services.add_agenda_item(meeting, actor=request.user, **d),
        "Item added to the agenda.",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = queries.get_item_for(request.user, pk, "meetings.upload")
    form = forms.MaterialForm(request.POST, request.FILES)
    _apply(
        request,
        form,
        lambda d: services.upload_material(item, actor=request.user, upload=d["file"]),
        "Material uploaded.",
    )
    return redirect("meetings:detail", item.meeting_id)


@login_required
def material(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    found = queries.get_material_for(request.user, pk)
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.name,
        content_type=found.content_type,
    )


@require_POST
@login_required
def conflict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = queries.get_item_for(request.user, pk, "meetings.manage")
    form = forms.ConflictForm(request.POST, company=item.meeting.company)
    _apply(
        request,
        form,
        lambda d: services.declare_conflict(item, actor=request.user, **d),
        "Conflict declared: the item is hidden from them and they are recused from its motions.",
    )
    return redirect("meetings:detail", item.meeting_id)


@require_POST
@login_required
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk, "meetings.manage")
    form = forms.AttendanceForm(request.POST, company=meeting.company)
    _apply(
        request,
        form,
        lambda d: services.record_attendance(meeting, actor=request.user, **d),
        "Attendance recorded.",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk, "meetings.manage")
    form = forms.SessionForm(request.POST, company=meeting.company)
    _apply(
        request,
        form,
        lambda d: services.record_session(meeting, actor=request.user, **d),
        "Executive session recorded.",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def motion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk, "meetings.manage")
    form = forms.MotionForm(request.POST, company=meeting.company, meeting=meeting)
    _apply(
        request,
        form,
        lambda d: services.put_motion(meeting, actor=request.user, **d),
        "Motion put to the committee.",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_motion_for(request.user, pk, "meetings.manage")
    form = forms.VoteForm(request.POST, company=found.meeting.company)
    _apply(
        request,
        form,
        lambda d: services.record_vote(found, actor=request.user, **d),
        "Vote recorded.",
    )
    return redirect("meetings:detail", found.meeting_id)


@require_POST
@login_required
def cast_vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member casts their own vote (at a meeting they attend, in person or remotely)."""
    found = queries.get_motion_for(request.user, pk, "meetings.deliberate")
    form = forms.OwnVoteForm(request.POST)
    _apply(
        request,
        form,
        lambda d: services.record_vote(
            found, actor=request.user, member=request.user, choice=d["choice"]
        ),
        "Your vote is recorded.",
    )
    return redirect("meetings:detail", found.meeting_id)


@require_POST
@login_required
def recuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_motion_for(request.user, pk, "meetings.manage")
    form = forms.RecusalForm(request.POST, company=found.meeting.company)
    _apply(
        request,
        form,
        lambda d: services.record_recusal(found, actor=request.user, **d),
        "Recusal recorded.",
    )
    return redirect("meetings:detail", found.meeting_id)


@require_POST
@login_required
def close_vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_motion_for(request.user, pk, "meetings.manage")
    form = forms.CloseVoteForm(request.POST)
    if _apply(
        request,
        form,
        lambda d: services.close_vote(found, actor=request.user, at=d["at"]),
        "Vote closed.",
    ):
        found.refresh_from_db()
        messages.info(request, f"{found.get_outcome_display()}: {found.reason}")
    return redirect("meetings:detail", found.meeting_id)


@require_POST
@login_required
def action_item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk, "meetings.manage")
    form = forms.ActionItemForm(request.POST, company=meeting.company)
    _apply(
        request,
        form,
        lambda d: services.add_action_item(meeting, actor=request.user, **d),
        "Action item added.",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def close_action(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_action_item_for(request.user, pk, "meetings.manage")
    _apply(
        request,
        Form({}),
        lambda _d: services.close_action_item(found, actor=request.user),
        "Action item closed.",
    )
    return redirect("meetings:detail", found.meeting_id)


@login_required
def meeting_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk)
    body = ics.calendar([meeting], name=meeting.title, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# --- board books ------------------------------------------------------------------------


@require_POST
@login_required
def request_book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk)
    services.request_book(meeting, actor=request.user)
    messages.success(request, "Your board book is being built.")
    return redirect("meetings:detail", meeting.pk)


@login_required
def book_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for(request.user, pk)
    book = queries.get_book_for(request.user, meeting)
    return render(request, "meetings/_book.html", {"meeting": meeting, "book": book})


@login_required
def book_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    meeting = queries.get_meeting_for(request.user, pk)
    book = queries.get_book_for(request.user, meeting)
    if book is None or not book.file:
        raise Http404("No book built yet.")
    return FileResponse(
        book.file.open("rb"),
        as_attachment=True,
        filename=f"board-book-{meeting.day}.pdf",
        content_type="application/pdf",
    )


# --- minutes ---------------------------------------------------------------------------------


@login_required
def minutes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_minutes_for(request.user, pk, "meetings.view")
    allowed = _allowed(request, found.meeting.company)
    form = forms.TextForm(request.POST or None, initial={"body": found.body})
    if request.method == "POST":
        queries.get_minutes_for(request.user, pk, "meetings.manage")
        if _apply(
            request,
            form,
            lambda d: services.edit_minutes(found, actor=request.user, body=d["body"]),
            "Minutes saved.",
        ):
            return redirect("meetings:minutes", found.pk)
    return render(
        request,
        "meetings/minutes_detail.html",
        {
            "minutes": found,
            "form": form,
            "allowed": allowed,
            "amend_form": forms.AmendmentForm(),
        },
    )


@require_POST
@login_required
def circulate_minutes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_minutes_for(request.user, pk, "meetings.manage")
    _apply(
        request,
        Form({}),
        lambda _d: services.circulate_minutes(found, actor=request.user),
        "Minutes circulated for approval.",
    )
    return redirect("meetings:minutes", found.pk)


@require_POST
@login_required
def amend_minutes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_minutes_for(request.user, pk, "meetings.manage")
    form = forms.AmendmentForm(request.POST)
    _apply(
        request,
        form,
        lambda d: services.amend_minutes(found, actor=request.user, text=d["text"]),
        "Amendment recorded.",
    )
    return redirect("meetings:minutes", found.pk)


@login_required
def minutes_pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    found = queries.get_minutes_for(request.user, pk, "meetings.view")
    if not found.pdf:
        raise Http404("The minutes are not approved yet.")
    return FileResponse(
        found.pdf.open("rb"),
        as_attachment=True,
        filename=f"minutes-{found.meeting.day}.pdf",
        content_type="application/pdf",
    )


# --- reports to the board ----------------------------------------------------------------------


@login_required
def report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_report_for(request.user, pk, "meetings.read_reports")
    form = forms.TextForm(request.POST or None, initial={"body": found.body})
    if request.method == "POST":
        queries.get_report_for(request.user, pk, "meetings.report")
        if _apply(
            request,
            form,
            lambda d: services.edit_board_report(
                found, actor=request.user, body=d["body"]
            ),
            "Report saved.",
        ):
            return redirect("meetings:report", found.pk)
    allowed = _allowed(request, found.meeting.company)
    return render(
        request,
        "meetings/report_detail.html",
        {
            "report": found,
            "form": form,
            "allowed": allowed,
            "deliver_form": forms.DeliverForm(),
        },
    )


@require_POST
@login_required
def deliver_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_report_for(request.user, pk, "meetings.report")
    form = forms.DeliverForm(request.POST)
    _apply(
        request,
        form,
        lambda d: services.deliver_board_report(found, actor=request.user, **d),
        "Report marked delivered.",
    )
    return redirect("meetings:report", found.pk)


# --- written consents and resolutions ------------------------------------------------------------


@login_required
def consents(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "meetings.read_reports")
    allowed = _allowed(request, company)
    form = forms.ConsentForm(
        request.POST or None, initial={"circulated_on": access.company_today(company)}
    )
    if request.method == "POST":
        access.company_for(request, "meetings.consent")
        if _apply(
            request,
            form,
            lambda d: services.circulate_consent(company, actor=request.user, **d),
            "Consent circulated.",
        ):
            return redirect("meetings:consents")
    today, terms = access.company_today(company), services.roster(company)
    rows = [
        (c, services.consent_result(c, as_of=today, terms=terms))
        for c in queries.consents(company)
    ]
    return render(
        request,
        "meetings/consent_list.html",
        {"rows": rows, "form": form, "allowed": allowed},
    )


@require_POST
@login_required
@reauth_required
def sign_consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = queries.get_consent_for(request.user, pk, "meetings.deliberate")
    today = access.company_today(found.company)
    _apply(
        request,
        Form({}),
        lambda _d: services.sign_consent(found, actor=request.user, on=today),
        "Signed.",
    )
    return redirect("meetings:consents")


@login_required
def resolutions(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "meetings.read_reports")
    motions, adopted = queries.resolutions(company)
    return render(
        request,
        "meetings/resolution_list.html",
        {"motions": motions, "consents": adopted},
    )


# --- calendar feed ------------------------------------------------------------------------------


@login_required
def feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "meetings.view")
    url = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            for row in CalendarFeed.objects.filter(
                user=request.user, company=company, revoked_at__isnull=True
            ):
                services.revoke_feed(row, actor=request.user)
            messages.success(request, "Your calendar link no longer works.")
        else:
            _feed, token = services.create_feed(company, actor=request.user)
            url = request.build_absolute_uri(reverse("meetings:feed-ics", args=[token]))
    active = CalendarFeed.objects.filter(
        user=request.user, company=company, revoked_at__isnull=True
    ).exists()
    return render(request, "meetings/feed.html", {"url": url, "active": active})


def feed_ics(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The secret feed: no sign-in, the token is the credential; 404 once revoked."""
    found = services.find_feed(token)
    if found is None or not access.roles_in(found.user, found.company) & ATTENDS:
        raise Http404("No such calendar.")
    meetings = Meeting.objects.filter(company=found.company).select_related("company")
    body = ics.calendar(
        meetings, name=f"Audit committee of {found.company.name}", now=timezone.now()
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def voting_rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "meetings.view")
    current = VotingRules.objects.filter(company=company).first() or VotingRules(
        company=company
    )
    form = forms.VotingRulesForm(request.POST or None, instance=current)
    if request.method == "POST":
        access.company_for(request, "meetings.manage")
        if _apply(
            request,
            form,
            lambda d: services.set_voting_rules(company, actor=request.user, **d),
            "Voting rules saved.",
        ):
            return redirect("meetings:voting-rules")
    quorum, outcome, second = services.rules_for(company)
    summary = (
        f"Quorum: {quorum.describe()}. A motion carries by {outcome.describe()}. "
        + ("Motions need a second." if second else "No second is needed.")
    )
    return render(
        request,
        "meetings/voting_rules.html",
        {
            "form": form,
            "summary": summary,
            "can_manage": "meetings.manage" in _allowed(request, company),
        },
    )
