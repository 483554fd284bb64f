"""A request type for views behind sign-in, so the type checker knows who is asking."""

from __future__ import annotations

from django.http import HttpRequest

from oversight.accounts.models import Company, Role, User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    company: Company | None
    roles: frozenset[Role]
