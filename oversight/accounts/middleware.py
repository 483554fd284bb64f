"""Request plumbing: security headers, idle sessions, the second factor, the current company."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from oversight.accounts import queries
from oversight.accounts.models import Company
from oversight.accounts.permissions import requires_mfa

Handler = Callable[[HttpRequest], HttpResponse]

SESSION_COMPANY = "oversight_company_id"
SESSION_LAST_SEEN = "oversight_last_seen"
# Paths a signed-in person may reach before passing the second factor.
MFA_OPEN_PREFIXES = ("/accounts/", "/static/", "/api/", "/report/", "/i18n/")


def security_headers(get_response: Handler) -> Handler:
    """Headers Django does not set itself; CSP, HSTS, nosniff and referrer come from settings."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return middleware


def session_idle_timeout(get_response: Handler) -> Handler:
    """Sign a person out after ``SESSION_IDLE_TIMEOUT_SECONDS`` without a request."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(SESSION_LAST_SEEN, now)
            if now - int(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(
                    request, "You were signed out after a period of inactivity."
                )
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if now - int(last) >= 30 or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return get_response(request)

    return middleware


def require_mfa(get_response: Handler) -> Handler:
    """Anyone whose roles need a second factor must enrol and pass it before anything else."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(MFA_OPEN_PREFIXES)
            and (
                user.is_staff
                or requires_mfa(r.role for r in queries.active_assignments(user))
            )
        ):
            from django_otp import user_has_device

            target = (
                "accounts:mfa-verify" if user_has_device(user) else "accounts:mfa-enrol"
            )
            return redirect(f"{reverse(target)}?next={request.path}")
        return get_response(request)

    return middleware


def current_company(get_response: Handler) -> Handler:
    """Attach ``request.company`` (chosen explicitly, kept in the session) and ``request.roles``."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.company = None  # type: ignore[attr-defined]
        request.roles = frozenset()  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            companies = queries.companies_for(request.user)
            chosen = request.session.get(SESSION_COMPANY)
            company: Company | None = next(
                (c for c in companies if c.pk == chosen), None
            )
            if company is None and companies:
                company = companies[0]
                request.session[SESSION_COMPANY] = company.pk
            request.company = company  # type: ignore[attr-defined]
            request.companies = companies  # type: ignore[attr-defined]
            if company is not None:
                request.roles = queries.roles_in(request.user, company)  # type: ignore[attr-defined]
        return get_response(request)

    return middleware


def same_origin_from_fetch_metadata(get_response: Handler) -> Handler:
    """Let CSRF see a same-origin form post for what it is, under ``Referrer-Policy: no-referrer``.

    With ``no-referrer`` a browser sends ``Origin: null`` (and no ``Referer``) even on a
    same-origin POST, which Django's origin check must refuse. The browser also sends
    ``Sec-Fetch-Site``, a header no page can set; when it says ``same-origin`` the
    request's own origin is put in place of ``null``. Django's CSRF token check still
    applies to every such request; cross-site and header-less requests are untouched.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if (
            request.META.get("HTTP_ORIGIN") == "null"
            and request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"
        ):
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return get_response(request)

    return middleware
