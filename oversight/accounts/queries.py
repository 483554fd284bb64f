"""Access-checked reads: an outsider gets 404, an insider without the right gets 403.

Every view's first line calls one of these. They answer from the roles a person holds
in a company *today* (in the company's time zone); historic roles never grant access.
"""

from __future__ import annotations

import zoneinfo
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from oversight.accounts.models import Company, Role, RoleAssignment, User
from oversight.accounts.permissions import can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest


def company_today(company: Company) -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(company.time_zone)).date()


def active_assignments(
    user: User, *, on: date | None = None
) -> QuerySet[RoleAssignment]:
    """The user's roles in force on ``on`` (today, in UTC, when not given)."""
    day = on or timezone.now().date()
    return (
        RoleAssignment.objects.filter(user=user, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("company")
    )


def companies_for(user: User | AnonymousUser) -> list[Company]:
    """The companies where the user holds at least one role today, by name."""
    if not user.is_authenticated:
        return []
    seen: dict[int, Company] = {}
    for assignment in active_assignments(user):
        if company_today(assignment.company) >= assignment.starts_on:
            seen.setdefault(assignment.company_id, assignment.company)
    return sorted(seen.values(), key=lambda c: c.name)


def roles_in(
    user: User | AnonymousUser, company: Company, *, on: date | None = None
) -> frozenset[Role]:
    """The roles the user holds in ``company`` on ``on`` (today in the company's time zone)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    day = on or company_today(company)
    return frozenset(
        Role(role)
        for role in RoleAssignment.objects.filter(
            user=user, company=company, starts_on__lte=day
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("role", flat=True)
    )


def require(
    user: User | AnonymousUser, company: Company | None, action: str
) -> frozenset[Role]:
    """Check that ``user`` may take ``action`` in ``company``; 404 outsider, 403 insider."""
    if company is None:
        raise Http404("No company selected.")
    roles = roles_in(user, company)
    if not roles:
        raise Http404("No such company.")
    if not can(roles, action):
        raise PermissionDenied("Your role does not allow this.")
    return roles


def company_for(request: HttpRequest, action: str) -> Company:
    """The request's current company, after checking the user may take ``action`` there."""
    company: Company | None = getattr(request, "company", None)
    require(request.user, company, action)
    assert company is not None
    return company


def get_for[M: models.Model](
    user: User | AnonymousUser,
    queryset: QuerySet[M],
    pk: Any,
    action: str,
    *,
    company_field: str = "company",
) -> M:
    """The object with ``pk`` if the user may take ``action`` on it; 404 for outsiders and absent rows."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404("Not found.")
    company = obj
    for part in company_field.split("__"):
        company = getattr(company, part)
    if not isinstance(company, Company):
        raise TypeError(f"{company_field!r} does not lead to a company.")
    require(user, company, action)
    return obj


def get_company_by_slug(user: User | AnonymousUser, slug: str, action: str) -> Company:
    company = Company.objects.filter(slug=slug).first()
    if company is None:
        raise Http404("No such company.")
    require(user, company, action)
    return company


def people_of(company: Company) -> QuerySet[RoleAssignment]:
    """Every role assignment in the company, current and past, with its person."""
    return (
        RoleAssignment.objects.filter(company=company)
        .select_related("user")
        .order_by("user__full_name", "role", "-starts_on")
    )


def holders_of(
    company: Company, roles: set[Role], *, on: date | None = None
) -> QuerySet[User]:
    """The people who hold any of ``roles`` in ``company`` on ``on`` (today there)."""
    day = on or company_today(company)
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__company=company,
            role_assignments__role__in=[r.value for r in roles],
            role_assignments__starts_on__lte=day,
        )
        .filter(
            Q(role_assignments__ends_on__isnull=True)
            | Q(role_assignments__ends_on__gte=day)
        )
        .distinct()
    )
