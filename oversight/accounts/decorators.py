"""View decorators for sensitive actions."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_REAUTH_AT = "oversight_reauth_at"


def recently_reauthenticated(request: HttpRequest) -> bool:
    at = request.session.get(SESSION_REAUTH_AT)
    return at is not None and time.time() - float(at) <= settings.REAUTH_MAX_AGE_SECONDS


def reauth_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ask for the password and a fresh code again before a sensitive action."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not recently_reauthenticated(request):
            # No Referer reaches us (no-referrer policy): forms name the page to return to.
            target = (
                request.get_full_path()
                if request.method == "GET"
                else request.POST.get("return_to", "/")
            )
            if not target.startswith("/") or target.startswith("//"):
                target = "/"
            return redirect(
                f"{reverse('accounts:confirm')}?{urlencode({'next': target})}"
            )
        return view(request, *args, **kwargs)

    return wrapper


def verified_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Only after the second factor: pages under /accounts/ are open before it otherwise."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_verified():  # type: ignore[union-attr]
            return redirect(
                f"{reverse('accounts:mfa-verify')}?{urlencode({'next': request.path})}"
            )
        return view(request, *args, **kwargs)

    return wrapper
