"""The auditor register over HTTP (/api/v1/auditors/): the same services and access rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status

from oversight.accounts.permissions import can
from oversight.accounts.queries import company_today
from oversight.api.auth import caller
from oversight.auditors import models as m
from oversight.auditors import queries, services
from oversight.auditors.permissions import sees_only_own_engagements

router = Router(tags=["auditors"])


class Error(Schema):
    detail: str


def _require(request: HttpRequest, action: str) -> None:
    if not can(caller(request).roles, action):
        raise PermissionDenied("Your role does not allow this.")


class EngagementOut(Schema):
    id: int
    fiscal_year: int
    firm: str
    pcaob_id: str
    starts_on: date
    ends_on: date | None
    appointed_on: date
    agreed_audit_fee: Decimal
    scope: str


def _engagement_out(e: m.Engagement) -> EngagementOut:
    return EngagementOut(
        id=e.pk,
        fiscal_year=e.fiscal_year,
        firm=e.firm.name,
        pcaob_id=e.firm.pcaob_id,
        starts_on=e.starts_on,
        ends_on=e.ends_on,
        appointed_on=e.appointed_on,
        agreed_audit_fee=e.agreed_audit_fee,
        scope=e.scope,
    )


def _engagements(request: HttpRequest) -> list[m.Engagement]:
    who = caller(request)
    _require(request, "auditors.view_engagement")
    rows = queries.engagements(who.company)
    if sees_only_own_engagements(who.roles):
        rows = rows.filter(firm__users__pk=who.user.pk)
    return list(rows)


@router.get(
    "/engagements",
    response={200: list[EngagementOut], 401: Error, 403: Error},
    summary="Engagements of the principal auditor (the auditor's people: only theirs)",
)
def engagement_list(request: HttpRequest) -> list[EngagementOut]:
    return [_engagement_out(e) for e in _engagements(request)]


@router.get(
    "/engagements/{engagement_id}",
    response={200: EngagementOut, 401: Error, 403: Error, 404: Error},
    summary="One engagement",
)
def engagement_detail(request: HttpRequest, engagement_id: int) -> EngagementOut:
    for e in _engagements(request):
        if e.pk == engagement_id:
            return _engagement_out(e)
    raise Http404


class FeeRowOut(Schema):
    category: str
    caption: str
    description: str
    amounts: list[Decimal]
    de_minimis_percent: list[Decimal | None]


class FeeTableOut(Schema):
    fiscal_years: list[int]
    rows: list[FeeRowOut]
    totals: list[Decimal]
    policy_statement: str


class YearQuery(Schema):
    year: int | None = None


@router.get(
    "/fee-table",
    response={200: FeeTableOut, 401: Error, 403: Error, 422: Error},
    summary="Schedule 14A Item 9(e): fees for the year and the year before",
)
def fee_table(request: HttpRequest, query: Query[YearQuery]) -> FeeTableOut:
    _require(request, "auditors.view")
    company = caller(request).company
    year = query.year or queries.latest_year(company, company_today(company))
    if not 1990 <= year <= 2200:
        raise ValidationError("year must be between 1990 and 2200.")
    table = queries.proxy_fee_table(company, year)
    return FeeTableOut(
        fiscal_years=list(table.fiscal_years),
        rows=[
            FeeRowOut(
                category=r.category.value,
                caption=r.caption,
                description=r.description,
                amounts=list(r.amounts),
                de_minimis_percent=list(r.de_minimis_percent),
            )
            for r in table.rows
        ],
        totals=list(table.totals),
        policy_statement=table.policy_statement,
    )


class RequestOut(Schema):
    id: int
    engagement_id: int
    description: str
    category: str
    fee_estimate: Decimal
    requested_on: date
    starts_on: date
    outcome: str
    status: str
    reasons: str
    flags: str


def _request_out(r: m.ServiceRequest) -> RequestOut:
    return RequestOut(
        id=r.pk,
        engagement_id=r.engagement_id,
        description=r.description,
        category=r.category,
        fee_estimate=r.fee_estimate,
        requested_on=r.requested_on,
        starts_on=r.starts_on,
        outcome=r.outcome,
        status=r.status,
        reasons=r.reasons,
        flags=r.flags,
    )


@router.get(
    "/requests",
    response={200: list[RequestOut], 401: Error, 403: Error},
    summary="Service requests and where the screen sent them",
)
def request_list(request: HttpRequest) -> list[RequestOut]:
    _require(request, "auditors.view")
    return [_request_out(r) for r in queries.requests(caller(request).company)]


class RequestIn(Schema):
    engagement_id: int
    description: str
    category: str
    fee_estimate: Decimal
    requested_on: date
    starts_on: date
    nature: str = ""
    policy_item_code: str | None = None
    is_tax: bool = False
    icfr_related: bool = False
    contingent_fee: bool = False
    confidential_tax_transaction: bool = False
    aggressive_tax_transaction: bool = False
    tax_to_fror_person: bool = False


@router.post(
    "/requests",
    response={
        201: RequestOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        422: Error,
    },
    summary="Ask for an auditor service (management); the screen decides where it goes",
)
def request_create(request: HttpRequest, payload: RequestIn) -> Status[RequestOut]:
    _require(request, "auditors.request_service")
    who = caller(request)
    engagement = (
        queries.engagements(who.company).filter(pk=payload.engagement_id).first()
    )
    if engagement is None:
        raise Http404
    item = None
    if payload.policy_item_code:
        policy = services.policy_in_force(who.company, payload.requested_on)
        item = (
            policy.items.filter(code=payload.policy_item_code).first()
            if policy
            else None
        )
        if item is None:
            raise ValidationError(
                f"No policy item {payload.policy_item_code!r} in force on {payload.requested_on}."
            )
    fields = payload.dict(exclude={"engagement_id", "policy_item_code"})
    row = services.submit_request(
        engagement, actor=who.user, policy_item=item, **fields
    )
    return Status(201, _request_out(row))


class ApproveIn(Schema):
    kind: str
    approved_on: date
    meeting: str = ""


@router.post(
    "/requests/{request_id}/approve",
    response={
        200: RequestOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        422: Error,
    },
    summary="Approve a request specifically: a committee vote, or a delegated member",
)
def request_approve(
    request: HttpRequest, request_id: int, payload: ApproveIn
) -> RequestOut:
    who = caller(request)
    row = queries.requests(who.company).filter(pk=request_id).first()
    if row is None:
        raise Http404
    _require(request, "auditors.approve_service")
    services.approve_request(
        row,
        actor=who.user,
        kind=payload.kind,
        approved_on=payload.approved_on,
        meeting=payload.meeting,
    )
    row.refresh_from_db()
    return _request_out(row)


class AlertOut(Schema):
    key: str
    rule_id: str
    message: str


@router.get(
    "/alerts",
    response={200: list[AlertOut], 401: Error, 403: Error},
    summary="Open independence alerts: fees without valid approval, approvals not reported",
)
def alerts(request: HttpRequest) -> list[AlertOut]:
    _require(request, "auditors.view")
    company = caller(request).company
    return [
        AlertOut(key=a.key, rule_id=a.rule_id, message=a.message)
        for a in queries.open_alerts(company, as_of=company_today(company))
    ]
