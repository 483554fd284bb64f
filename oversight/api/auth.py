"""Bearer-token authentication: a token names one user and one company."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from oversight.accounts import queries
from oversight.accounts.models import ApiToken, Company, Role, User
from oversight.accounts.services import hash_token


@dataclass(frozen=True)
class Caller:
    """Who is calling: the user, the one company their token is for, and their roles there now."""

    user: User
    company: Company
    roles: frozenset[Role]
    token: ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        if not token.startswith("ovs_") or len(token) > 200:
            return None
        row = (
            ApiToken.objects.select_related("user", "company")
            .filter(token_hash=hash_token(token))
            .first()
        )
        now = timezone.now()
        if row is None or not row.is_usable(now) or not row.user.is_active:
            return None
        roles = queries.roles_in(row.user, row.company)
        if not roles:
            return None  # the person no longer holds any role in that company
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return Caller(user=row.user, company=row.company, roles=roles, token=row)


def caller(request: HttpRequest) -> Caller:
    auth = request.auth  # type: ignore[attr-defined]
    assert isinstance(auth, Caller)
    return auth
