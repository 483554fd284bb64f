"""Charter pages: versions, one version, import, board approval, diff and coverage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.accounts import queries as access
from oversight.accounts.http import AuthenticatedHttpRequest
from oversight.accounts.permissions import can
from oversight.charters import queries, services
from oversight.charters.forms import ApproveForm, DiffForm, ImportForm, OnForm
from oversight.charters.models import CharterVersion
from oversight.rules.charter.coverage import coverage as coverage_of
from oversight.rules.charter.diff import diff as diff_of
from oversight.rules.charter.format import CharterFormatError, Problem


def _version(request: AuthenticatedHttpRequest, pk: int, action: str) -> CharterVersion:
    return access.get_for(request.user, CharterVersion.objects.all(), pk, action)


@login_required
def version_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "charters.view")
    form = OnForm(request.GET or None)
    on = (form.cleaned_data["on"] if form.is_valid() else None) or access.company_today(
        company
    )
    in_force = queries.version_in_force(company, on)
    return render(
        request,
        "charters/version_list.html",
        {
            "versions": queries.versions_of(company),
            "in_force": in_force,
            "on": on,
            "on_form": form,
            "can_import": can(request.roles, "charters.import"),
            "diff_form": DiffForm(),
        },
    )


@login_required
def version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk, "charters.view")
    charter = queries.parsed(version)
    sections = [
        (s, [o for o in charter.obligations if o.section == s.id])
        for s in charter.sections
    ]
    return render(
        request,
        "charters/version_detail.html",
        {
            "version": version,
            "charter": charter,
            "sections": sections,
            "can_approve": can(request.roles, "charters.approve")
            and not version.is_approved(),
            "approve_form": ApproveForm(initial={"approved_on": timezone.localdate()}),
        },
    )


@login_required
def import_version(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = access.company_for(request, "charters.import")
    form = ImportForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    problems: tuple[Problem, ...] = ()
    if request.method == "POST" and form.is_valid():
        try:
            version = services.import_charter(
                company,
                actor=request.user,
                source=form.cleaned_data["source"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except CharterFormatError as exc:
            problems = exc.problems
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Charter version {version.label} imported.")
            return redirect("charters:detail", version.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "charters/version_import.html",
        {"form": form, "problems": problems},
        status=status,
    )


@require_POST
@login_required
def approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk, "charters.approve")
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.approve_version(version, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The board's approval is recorded.")
    else:
        messages.error(request, "Give the approval date and the resolution.")
    return redirect("charters:detail", version.pk)


@login_required
def diff(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.company_for(request, "charters.view")
    form = DiffForm(request.GET)
    if not form.is_valid():
        return render(request, "charters/version_diff.html", {"form": form}, status=400)
    old = _version(request, form.cleaned_data["old"], "charters.view")
    new = _version(request, form.cleaned_data["new"], "charters.view")
    result = diff_of(queries.parsed(old), queries.parsed(new))
    return render(
        request,
        "charters/version_diff.html",
        {"form": form, "old": old, "new": new, "diff": result},
    )


@login_required
def coverage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk, "charters.view")
    report = coverage_of(queries.parsed(version))
    return render(
        request,
        "charters/version_coverage.html",
        {"version": version, "report": report},
    )
