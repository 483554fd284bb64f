"""Plumbing for the reporter's routes: no trace of the client, no plaintext on disk.

- ``reporter_route`` marks a view: no-store, an Origin check on POST instead of a CSRF
  cookie (a second cookie is not allowed), uploads encrypted as they arrive
  (``uploads.EncryptedUploadHandler``) and their spools removed when the view ends.
- The reporter's one cookie carries a random session token, never the receipt.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from oversight.complaints import abuse, conf, uploads

COOKIE = "report_session"
COOKIE_PATH = "/report/"
SESSION_SECONDS = 1800


def _same_origin(request: HttpRequest) -> bool:
    """Refuse cross-site POSTs without a CSRF cookie.

    ``Sec-Fetch-Site`` decides when the browser sends it. ``Origin`` is the fallback,
    but with ``Referrer-Policy: no-referrer`` browsers send ``Origin: null`` for form
    posts, so ``null`` (like a missing header, from old browsers) is not a refusal; the
    SameSite=Strict cookie and the form's sealed nonce carry the protection then.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True
    return origin in {
        f"{request.scheme}://{request.get_host()}",
        *settings.CSRF_TRUSTED_ORIGINS,
    }


def reporter_route(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Sessions and form tokens are judged as of the request's start, so an upload
        # begun in time is not refused because it took longer than what was left.
        request.complaints_started = time.time()  # type: ignore[attr-defined]
        handler = uploads.EncryptedUploadHandler(request)
        request.upload_handlers = [handler]
        try:
            if request.method == "POST" and not _same_origin(request):
                # refused before the body is read: nothing of it is spooled
                response: HttpResponse = HttpResponseForbidden(
                    "Cross-site request refused."
                )
            else:
                lang = request.GET.get("lang") or request.POST.get("lang", "")
                if lang in dict(settings.LANGUAGES):
                    translation.activate(lang)
                    request.LANGUAGE_CODE = lang
                response = view(request, *args, **kwargs)
        finally:
            handler.discard()  # the request is over: no spool outlives it
        response.headers["Cache-Control"] = "no-store, max-age=0"
        response.headers["Pragma"] = "no-cache"
        response.headers["Cross-Origin-Embedder-Policy"] = "require-corp"
        return response

    return wrapper


def client_key(request: HttpRequest) -> abuse.Client:
    """The only thing derived from the client's address: an hourly-keyed HMAC, in memory.

    Behind a trusted proxy that sets the client's address in a header, name that
    header in ``COMPLAINTS_CLIENT_ADDRESS_HEADER`` (a ``META`` key such as
    ``HTTP_X_REAL_IP``); otherwise every reporter would share the proxy's address.
    """
    header = getattr(settings, "COMPLAINTS_CLIENT_ADDRESS_HEADER", "REMOTE_ADDR")
    return conf.guard().client(str(request.META.get(header, ""))[:100])


def set_session_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_SECONDS,
        path=COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="Strict",
    )


FORM_COOKIE_SECONDS = 3600


def reporter_cookie(request: HttpRequest) -> str:
    """The value of the reporter's one cookie, made on first sight (not yet sent).

    A form token is bound to it, so the receipt is shown only to this browser.
    """
    value = request.COOKIES.get(COOKIE) or getattr(request, "_reporter_cookie", "")
    if not value:
        value = secrets.token_urlsafe(32)
        request._reporter_cookie = value  # type: ignore[attr-defined]
    return str(value)


def with_reporter_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Send the cookie :func:`reporter_cookie` made, if it made one."""
    value = getattr(request, "_reporter_cookie", "")
    if value and not request.COOKIES.get(COOKIE):
        response.set_cookie(
            COOKIE,
            value,
            max_age=FORM_COOKIE_SECONDS,
            path=COOKIE_PATH,
            secure=True,
            httponly=True,
            samesite="Strict",
        )
    return response


def started(request: HttpRequest) -> float:
    """When the request began (set by :func:`reporter_route`), as ``time.time()``."""
    return float(getattr(request, "complaints_started", time.time()))
