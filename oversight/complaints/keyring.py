"""A recipient's unlocked key, split between the session and the browser.

The session (in the database) holds the private key sealed under a random key; the
browser holds that random key in an HttpOnly, Secure, SameSite=Strict cookie scoped to
``/complaints/``. Neither half alone opens anything, so a database dump taken while
someone is signed in still yields no private key. Signing out drops both halves.
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from oversight.complaints import crypto

SESSION_FIELD = "complaints_sealed_key"
COOKIE = "complaints_unlock"
_PURPOSE = "unlocked-private-key"


def store(
    request: HttpRequest, response: HttpResponse, private: crypto.RecipientPrivateKey
) -> None:
    wrapping = crypto.ReportKey.generate()
    owner = str(request.user.pk)
    request.session[SESSION_FIELD] = base64.b64encode(
        crypto.seal(wrapping, private.reveal(), report_id=owner, purpose=_PURPOSE)
    ).decode()
    response.set_cookie(
        COOKIE,
        base64.urlsafe_b64encode(wrapping.reveal()).decode(),
        max_age=settings.SESSION_IDLE_TIMEOUT_SECONDS,
        path="/complaints/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def load(request: HttpRequest) -> crypto.RecipientPrivateKey | None:
    sealed = request.session.get(SESSION_FIELD)
    cookie = request.COOKIES.get(COOKIE)
    if not sealed or not cookie:
        return None
    try:
        wrapping = crypto.ReportKey(base64.urlsafe_b64decode(cookie))
        raw = crypto.open_sealed(
            wrapping,
            base64.b64decode(sealed),
            report_id=str(request.user.pk),
            purpose=_PURPOSE,
        )
    except (ValueError, binascii.Error, crypto.DecryptionError):
        return None
    return crypto.RecipientPrivateKey(raw)


def forget(request: HttpRequest, response: HttpResponse) -> None:
    request.session.pop(SESSION_FIELD, None)
    response.delete_cookie(COOKIE, path="/complaints/")
