"""Assembles the API: the core endpoints here, each app's ``api.router`` at /api/v1/<app>/."""

from __future__ import annotations

from datetime import date, datetime
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from oversight.accounts.permissions import can
from oversight.api.auth import TokenAuth, caller
from oversight.ledger import queries as ledger_queries
from oversight.ledger.services import verify_chain

_NUL_MESSAGE = "Text may not contain NUL characters."


class NulText(ValueError):
    """A body or query string holds a NUL character."""


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


class StrictParser(Parser):
    """JSON bodies and query strings without NUL characters, which no text column can hold.

    Refusing them here answers 400 for every endpoint at once, instead of a database error
    (PostgreSQL refuses NUL in text) deep inside a register.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if _contains_nul(data):
            raise NulText(_NUL_MESSAGE)
        return data

    def parse_querydict(
        self, data: Any, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        if _contains_nul(parsed):
            raise NulText(_NUL_MESSAGE)
        return parsed


api = NinjaAPI(
    parser=StrictParser(),
    title="Oversight API",
    version="1",
    description=(
        "Read and act on one company's audit committee records. Authenticate with a personal "
        "token (`Authorization: Bearer ovs_…`), created under Account › API tokens; a token "
        "is scoped to one company and answers with the rights its owner holds there today."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
)


class Error(Schema):
    detail: str


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own 4xx answers; a body refused for a NUL character says so, in
    production too (ninja names a parser's reason only under DEBUG)."""
    detail = _NUL_MESSAGE if isinstance(exc.__cause__, NulText) else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(NulText)
def nul_text(request: HttpRequest, exc: NulText) -> HttpResponse:
    return api.create_response(request, {"detail": _NUL_MESSAGE}, status=400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or "Your role does not allow this."}, status=403
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "A valid API token is required."}, status=401
    )


@api.exception_handler(NinjaValidationError)
def bad_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "The request is not valid.", "errors": exc.errors},
        status=422,
    )


def require(request: HttpRequest, action: str) -> None:
    if not can(caller(request).roles, action):
        raise PermissionDenied("Your role does not allow this.")


# --- who am I ------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    label: str
    starts_on: date
    ends_on: date | None
    title: str


class CompanyOut(Schema):
    id: int
    name: str
    slug: str
    time_zone: str
    fiscal_year_end: str


class MeOut(Schema):
    email: str
    full_name: str
    company: CompanyOut
    roles: list[RoleOut]
    token_expires_at: datetime


def _company_out(company: object) -> CompanyOut:
    from oversight.accounts.models import Company

    assert isinstance(company, Company)
    return CompanyOut(
        id=company.pk,
        name=company.name,
        slug=company.slug,
        time_zone=company.time_zone,
        fiscal_year_end=f"{company.fiscal_year_end_month:02}-{company.fiscal_year_end_day:02}",
    )


@api.get(
    "/me",
    response={200: MeOut, 401: Error},
    tags=["account"],
    summary="The caller, their token's company and roles",
)
def me(request: HttpRequest) -> MeOut:
    who = caller(request)
    assignments = who.user.role_assignments.filter(company=who.company).order_by(
        "role", "starts_on"
    )
    return MeOut(
        email=who.user.email,
        full_name=who.user.full_name,
        company=_company_out(who.company),
        roles=[
            RoleOut(
                role=a.role,
                label=a.get_role_display(),
                starts_on=a.starts_on,
                ends_on=a.ends_on,
                title=a.title,
            )
            for a in assignments
        ],
        token_expires_at=who.token.expires_at,
    )


@api.get(
    "/companies",
    response={200: list[CompanyOut], 401: Error},
    tags=["account"],
    summary="Companies this token reaches",
)
def companies(request: HttpRequest) -> list[CompanyOut]:
    return [_company_out(caller(request).company)]


class PersonRoleOut(Schema):
    email: str
    full_name: str
    role: str
    starts_on: date
    ends_on: date | None
    title: str


@api.get(
    "/companies/{slug}/roles",
    response={200: list[PersonRoleOut], 401: Error, 403: Error, 404: Error},
    tags=["account"],
    summary="Who holds which role in the company",
)
def company_roles(request: HttpRequest, slug: str) -> list[PersonRoleOut]:
    who = caller(request)
    if slug != who.company.slug:
        raise Http404
    require(request, "people.view")
    return [
        PersonRoleOut(
            email=a.user.email,
            full_name=a.user.full_name,
            role=a.role,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            title=a.title,
        )
        for a in who.company.role_assignments.select_related("user").order_by(
            "user__full_name", "role", "starts_on"
        )
    ]


# --- ledger --------------------------------------------------------------------


class EventOut(Schema):
    seq: int
    action: str
    actor: str | None
    target_type: str
    target_id: str
    data: dict[str, object]
    occurred_at: datetime
    hash: str
    prev_hash: str


class EventFilter(Schema):
    action: str | None = None
    after_seq: int = 0
    limit: int = 100


@api.get(
    "/ledger/events",
    response={200: list[EventOut], 401: Error, 403: Error, 422: Error},
    tags=["ledger"],
    summary="The company's ledger events, oldest first",
)
def ledger_events(request: HttpRequest, filters: Query[EventFilter]) -> list[EventOut]:
    require(request, "ledger.view")
    if not 1 <= filters.limit <= 500 or filters.after_seq < 0:
        raise ValidationError("limit must be 1–500 and after_seq not negative.")
    events = ledger_queries.company_events(
        caller(request).company,
        action=filters.action or "",
        after_seq=filters.after_seq,
    )[: filters.limit]
    return [
        EventOut(
            seq=e.seq,
            action=e.action,
            actor=e.actor.email if e.actor else None,
            target_type=e.target_type,
            target_id=e.target_id,
            data=e.data,
            occurred_at=e.occurred_at,
            hash=e.hash,
            prev_hash=e.prev_hash,
        )
        for e in events
    ]


class VerifyOut(Schema):
    chain: str
    ok: bool
    events: int
    checkpoints: int
    first_bad_seq: int | None
    problem: str | None


@api.get(
    "/ledger/verify",
    response={200: VerifyOut, 401: Error, 403: Error},
    tags=["ledger"],
    summary="Recompute the company's chain and check its signed checkpoints",
)
def ledger_verify(request: HttpRequest) -> VerifyOut:
    require(request, "ledger.verify")
    result = verify_chain(caller(request).company.ledger_chain)
    return VerifyOut(
        chain=result.chain,
        ok=result.ok,
        events=result.events,
        checkpoints=result.checkpoints,
        first_bad_seq=result.problem.seq if result.problem else None,
        problem=result.problem.message if result.problem else None,
    )


def _mount_app_routers() -> None:
    for config in apps.get_app_configs():
        module_name = f"{config.name}.api"
        if config.name.startswith("oversight.") and find_spec(module_name) is not None:
            api.add_router(f"/{config.label}/", import_module(module_name).router)


_mount_app_routers()
