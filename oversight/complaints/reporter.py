"""Plumbing for the reporter's routes: no trace of the client, nothing on disk.

- ``reporter_route`` marks a view: no-store, an Origin check on POST instead of a CSRF
  cookie (a second cookie is not allowed), uploads held in memory only.
- ``MemoryOnlyUpload`` keeps an upload in memory and stops at the size limit, so no
  plaintext ever lands in a temporary file.
- The reporter's one cookie carries a random session token, never the receipt.
"""

from __future__ import annotations

import functools
import io
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from oversight.complaints import abuse, conf

COOKIE = "report_session"
COOKIE_PATH = "/report/"
SESSION_SECONDS = 1800


class MemoryOnlyUpload(FileUploadHandler):
    """Collect each file in memory; past the per-file or per-report limit, stop.

    A request announcing more than the per-report limit is stopped before any byte
    is read, so many files cannot add up to an exhausted server either.
    """

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.total = 0
        if content_length > conf.max_report_bytes() + 1024 * 1024:
            self._too_large()

    def _too_large(self) -> None:
        self.request.complaints_upload_too_large = True  # type: ignore[union-attr]
        raise StopUpload(connection_reset=False)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.total = getattr(self, "total", 0) + len(raw_data)
        if (
            start + len(raw_data) > conf.max_file_bytes()
            or self.total > conf.max_report_bytes()
        ):
            self._too_large()
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


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
        request.upload_handlers = [MemoryOnlyUpload(request)]
        lang = request.GET.get("lang") or request.POST.get("lang", "")
        if lang in dict(settings.LANGUAGES):
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        if request.method == "POST" and not _same_origin(request):
            response: HttpResponse = HttpResponseForbidden(
                "Cross-site request refused."
            )
        else:
            response = view(request, *args, **kwargs)
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
