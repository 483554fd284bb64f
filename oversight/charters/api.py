"""Charter versions through the API: list, one version with its obligations, coverage."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from oversight.accounts.permissions import can
from oversight.api.auth import caller
from oversight.charters import queries
from oversight.charters.models import CharterVersion
from oversight.rules.charter.coverage import coverage

router = Router(tags=["charters"])


class Error(Schema):
    detail: str


class VersionOut(Schema):
    id: int
    label: str
    effective_from: date
    adopted_on: date
    approved_by_board_on: date | None
    board_resolution: str
    sha256: str
    obligation_count: int


class VersionDetailOut(VersionOut):
    obligations: list[dict[str, object]]
    source: str


class CoverageRowOut(Schema):
    section: str
    index: int
    text: str
    obligations: list[str]
    informational: list[str]


class CoverageOut(Schema):
    percent: float
    covered: int
    total: int
    sentences: list[CoverageRowOut]


def _require(request: HttpRequest) -> None:
    from django.core.exceptions import PermissionDenied

    if not can(caller(request).roles, "charters.view"):
        raise PermissionDenied("Your role does not allow this.")


def _version(request: HttpRequest, pk: int) -> CharterVersion:
    _require(request)
    version = CharterVersion.objects.filter(
        pk=pk, company=caller(request).company
    ).first()
    if version is None:
        raise Http404
    return version


def _out(v: CharterVersion) -> dict[str, object]:
    return {
        "id": v.pk,
        "label": v.label,
        "effective_from": v.effective_from,
        "adopted_on": v.adopted_on,
        "approved_by_board_on": v.approved_by_board_on,
        "board_resolution": v.board_resolution,
        "sha256": v.sha256,
        "obligation_count": v.obligation_count,
    }


@router.get(
    "/versions",
    response={200: list[VersionOut], 401: Error, 403: Error},
    summary="The company's charter versions, newest first",
)
def versions(request: HttpRequest) -> list[dict[str, object]]:
    _require(request)
    return [_out(v) for v in queries.versions_of(caller(request).company)]


class InForceQuery(Schema):
    on: date


@router.get(
    "/in-force",
    response={200: VersionOut, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="The version in force on a date",
)
def in_force(request: HttpRequest, query: Query[InForceQuery]) -> dict[str, object]:
    _require(request)
    version = queries.version_in_force(caller(request).company, query.on)
    if version is None:
        raise Http404
    return _out(version)


@router.get(
    "/versions/{pk}",
    response={200: VersionDetailOut, 401: Error, 403: Error, 404: Error},
    summary="One version with its obligations and source",
)
def version(request: HttpRequest, pk: int) -> dict[str, object]:
    v = _version(request, pk)
    return {**_out(v), "obligations": v.obligations, "source": v.source}


@router.get(
    "/versions/{pk}/coverage",
    response={200: CoverageOut, 401: Error, 403: Error, 404: Error},
    summary="Every sentence of the version and what it became",
)
def version_coverage(request: HttpRequest, pk: int) -> dict[str, object]:
    report = coverage(queries.parsed(_version(request, pk)))
    return {
        "percent": report.percent,
        "covered": report.covered,
        "total": report.total,
        "sentences": [
            {
                "section": r.section,
                "index": r.index,
                "text": r.text,
                "obligations": list(r.obligations),
                "informational": list(r.informational),
            }
            for r in report.rows
        ],
    }
