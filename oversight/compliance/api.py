"""Evaluations through the API: as of a date (and as known at a moment), and stored runs."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status

from oversight.accounts.permissions import can
from oversight.accounts.queries import company_today
from oversight.api.auth import caller
from oversight.compliance import queries, services

router = Router(tags=["compliance"])


class Error(Schema):
    detail: str


class EvidenceOut(Schema):
    ref: str
    summary: str
    on: date | None


class ResultOut(Schema):
    obligation: str
    status: str
    message: str
    due_on: date | None
    evidence: list[EvidenceOut]


class EvaluationOut(Schema):
    company: str
    charter_version: str
    engine_version: str
    fiscal_year: int
    as_of: date
    known_at: datetime | None
    facts_digest: str
    overrides: dict[str, int]
    results: list[ResultOut]


class EvaluationQuery(Schema):
    as_of: date | None = None
    known_at: datetime | None = None
    fiscal_year: int | None = None


class RunIn(Schema):
    as_of: date


class RunOut(Schema):
    id: int
    charter_version: str
    fiscal_year: int
    as_of: date
    known_at: datetime | None
    engine_version: str
    facts_digest: str
    missed: int
    created_at: datetime


def _require(request: HttpRequest, action: str) -> None:
    if not can(caller(request).roles, action):
        raise PermissionDenied("Your role does not allow this.")


@router.get(
    "/evaluation",
    response={
        200: EvaluationOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        422: Error,
    },
    summary="Every obligation of the charter in force, as of a date",
)
def evaluation(
    request: HttpRequest, query: Query[EvaluationQuery]
) -> dict[str, object]:
    _require(request, "compliance.view")
    company = caller(request).company
    as_of = query.as_of or company_today(company)
    if query.known_at is not None and query.known_at.tzinfo is None:
        raise ValidationError("known_at needs a UTC offset.")
    ctx = queries.context_for(company, as_of=as_of, known_at=query.known_at)
    if ctx is None:
        raise Http404("No charter is in force on that date.")
    try:
        result = ctx.evaluate(fiscal_year=query.fiscal_year)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    return result.as_json()


def _run_out(run: object) -> dict[str, object]:
    return {
        "id": run.pk,  # type: ignore[attr-defined]
        "charter_version": run.charter_version.label,  # type: ignore[attr-defined]
        **{
            f: getattr(run, f)
            for f in (
                "fiscal_year",
                "as_of",
                "known_at",
                "engine_version",
                "facts_digest",
                "missed",
                "created_at",
            )
        },
    }


@router.get(
    "/runs",
    response={200: list[RunOut], 401: Error, 403: Error},
    summary="Stored evaluation runs, newest first",
)
def runs(request: HttpRequest) -> list[dict[str, object]]:
    _require(request, "compliance.view")
    return [_run_out(r) for r in queries.runs_of(caller(request).company)[:100]]


@router.post(
    "/runs",
    response={201: RunOut, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Evaluate and store a reproducible run",
)
def create_run(request: HttpRequest, payload: RunIn) -> Status[dict[str, object]]:
    _require(request, "compliance.run")
    who = caller(request)
    run = services.run_evaluation(who.company, actor=who.user, as_of=payload.as_of)
    return Status(201, _run_out(run))
