"""The composition register over HTTP: status as of a date, timeline, what-if, changes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from oversight.accounts.permissions import can
from oversight.accounts.queries import company_today
from oversight.api.auth import caller
from oversight.committee import disclosure, queries, services
from oversight.committee import models as m
from oversight.committee.snapshot import load_register
from oversight.rules.composition import whatif
from oversight.rules.composition.committee import CommitteeReport, membership_timeline
from oversight.rules.composition.facts import EARLIEST, LATEST, check_day
from oversight.rules.composition.scenario import report_as_dict

router = Router(tags=["committee"])
Day = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
Money = Annotated[Decimal, Field(max_digits=16, decimal_places=2, allow_inf_nan=False)]


class Error(Schema):
    detail: str


def _require(request: HttpRequest, action: str) -> Any:
    who = caller(request)
    if not can(who.roles, action):
        raise PermissionDenied("Your role does not allow this.")
    return who.company


def _director(company: Any, pk: int) -> m.Director:
    director = m.Director.objects.filter(company=company, pk=pk).first()
    if director is None:
        raise ValidationError(f"No director {pk} in this company.")
    return director


class AsOf(Schema):
    as_of: Day | None = None


class Report(Schema):
    as_of: str
    status: str
    exit_code: int
    cure: dict[str, Any] | None
    committee: list[dict[str, Any]]
    violations: list[dict[str, Any]]
    members: list[dict[str, Any]]
    notes: list[str]


def _report(report: CommitteeReport) -> Report:
    return Report(**report_as_dict(report))


@router.get(
    "/status",
    response={200: Report, 401: Error, 403: Error, 422: Error},
    summary="The committee as of a date",
)
def status(request: HttpRequest, q: Query[AsOf]) -> Report:
    company = _require(request, "committee.view")
    return _report(queries.committee_report(company, q.as_of or company_today(company)))


class Segment(Schema):
    start: date
    end: date | None
    members: list[int]
    chair: int | None


@router.get(
    "/timeline",
    response={200: list[Segment], 401: Error, 403: Error},
    summary="Every change of membership",
)
def timeline(request: HttpRequest) -> list[Segment]:
    company = _require(request, "committee.view")
    return [
        Segment(
            start=s.start,
            end=s.end,
            members=[int(i) for i in s.members],
            chair=int(s.chair) if s.chair else None,
        )
        for s in membership_timeline(load_register(company))
    ]


class DirectorIn(Schema):
    name: str
    board_start: Day
    board_end: Day | None = None


class DirectorOut(Schema):
    id: int
    name: str
    board_start: date
    board_end: date | None


@router.get(
    "/directors",
    response={200: list[DirectorOut], 401: Error, 403: Error},
    summary="The register's directors",
)
def directors(request: HttpRequest) -> list[DirectorOut]:
    company = _require(request, "committee.view")
    return [
        DirectorOut(
            id=d.pk, name=d.name, board_start=d.board_start, board_end=d.board_end
        )
        for d in queries.directors_of(company)
    ]


@router.post(
    "/directors",
    response={201: DirectorOut, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Add a director",
)
def create_director(request: HttpRequest, body: DirectorIn) -> Status[DirectorOut]:
    company = _require(request, "committee.manage")
    d = services.create_director(company, actor=caller(request).user, **body.dict())
    return Status(
        201,
        DirectorOut(
            id=d.pk, name=d.name, board_start=d.board_start, board_end=d.board_end
        ),
    )


class FactIn(Schema):
    kind: str
    values: dict[str, Any]
    family_member: int | None = None


class Created(Schema):
    id: int


def _convert(
    model: type[models.Model], company: Any, values: dict[str, Any]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fields = {f.name: f for f in model._meta.fields}
    for key, value in values.items():
        field = fields.get(key)
        if field is None or key in {
            "id",
            "director",
            "family_member",
            "source",
            "recorded_at",
            "recorded_by",
        }:
            raise ValidationError(f"Unknown field {key!r}.")
        try:
            if value is None:
                out[key] = None
            elif isinstance(field, models.DateField):
                out[key] = check_day(date.fromisoformat(str(value)))
            elif isinstance(field, models.DecimalField):
                amount = Decimal(str(value))
                if not amount.is_finite():
                    raise ValueError(key)
                out[key] = amount
            elif isinstance(field, models.ForeignKey):
                org = m.Organisation.objects.filter(company=company, pk=value).first()
                if org is None:
                    raise ValidationError(f"No organisation {value}.")
                out[key] = org
            else:
                out[key] = value
        except (ValueError, InvalidOperation):
            raise ValidationError(f"{key}: {value!r} is not valid.") from None
    return out


@router.post(
    "/directors/{pk}/facts",
    response={201: Created, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Record a dated fact",
)
def record_fact(request: HttpRequest, pk: int, body: FactIn) -> Status[Created]:
    company = _require(request, "committee.manage")
    director = _director(company, pk)
    model = services.FACT_MODELS.get(body.kind)
    if model is None:
        raise ValidationError(
            f"Unknown kind of fact {body.kind!r} (one of: {', '.join(services.FACT_MODELS)})."
        )
    family = None
    if body.family_member is not None:
        family = m.FamilyMember.objects.filter(
            director=director, pk=body.family_member
        ).first()
        if family is None:
            raise ValidationError("No such Family Member of this director.")
    row = services.record_fact(director, actor=caller(request).user, kind=body.kind,
                               values=_convert(model, company, body.values), family_member=family)  # fmt: skip
    return Status(201, Created(id=row.pk))


class AppointIn(Schema):
    director: int
    starts_on: Day
    chair: bool = False
    exception: bool = False


@router.post(
    "/memberships",
    response={201: Created, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Seat a director",
)
def appoint(request: HttpRequest, body: AppointIn) -> Status[Created]:
    company = _require(request, "committee.manage")
    seat = services.appoint_member(_director(company, body.director), actor=caller(request).user,
                                   starts_on=body.starts_on, chair=body.chair, exception=body.exception)  # fmt: skip
    return Status(201, Created(id=seat.pk))


class EndIn(Schema):
    ends_on: Day
    reason: str


@router.post(
    "/memberships/{pk}/end",
    response={200: Created, 400: Error, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="End a seat",
)
def end(request: HttpRequest, pk: int, body: EndIn) -> Created:
    company = _require(request, "committee.manage")
    seat = m.Membership.objects.filter(director__company=company, pk=pk).first()
    if seat is None:
        from django.http import Http404

        raise Http404
    services.end_membership(
        seat, actor=caller(request).user, ends_on=body.ends_on, reason=body.reason
    )
    return Created(id=seat.pk)


class WhatIfIn(Schema):
    change: str  # appoint | resign | pay
    on: Day
    director: int | None = None
    organisation: int | None = None
    amount: Money | None = None
    fiscal_year: int | None = None


class WhatIfOut(Schema):
    change: str
    as_of: date
    before: Report
    after: Report
    candidate: list[dict[str, Any]] | None


@router.post(
    "/whatif",
    response={200: WhatIfOut, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Evaluate a change without saving it",
)
def what_if(request: HttpRequest, body: WhatIfIn) -> WhatIfOut:
    company = _require(request, "committee.whatif")
    register = load_register(company)
    try:
        if body.change in {"appoint", "resign"}:
            if body.director is None:
                raise ValidationError("Name the director.")
            director = str(_director(company, body.director).pk)
            result = (whatif.could_appoint(register, director, body.on) if body.change == "appoint"
                      else whatif.what_if_resigns(register, director, body.on))  # fmt: skip
        elif body.change == "pay":
            if (
                body.organisation is None
                or body.amount is None
                or body.fiscal_year is None
            ):
                raise ValidationError(
                    "A payment needs the organisation, the amount and the fiscal year."
                )
            if body.amount < 0:
                raise ValidationError("A payment amount cannot be negative.")
            result = whatif.what_if_paid(
                register, str(body.organisation), body.amount, body.fiscal_year, body.on
            )
        else:
            raise ValidationError("change is appoint, resign or pay.")
    except (ValueError, KeyError) as exc:
        raise ValidationError(f"Cannot evaluate that change: {exc}") from None
    candidate = None
    if result.candidate is not None:
        candidate = [
            {"rule": o.rule_id, "verdict": o.verdict.value, "message": o.message}
            for o in result.candidate.outcomes
        ]
    return WhatIfOut(
        change=result.change,
        as_of=result.as_of,
        before=_report(result.before),
        after=_report(result.after),
        candidate=candidate,
    )


class DeterminationIn(Schema):
    director: int
    on: Day
    resolution: str
    independent: bool
    verdicts: dict[str, str] = Field(default_factory=dict)
    subjective_factors: str = ""
    exception_finding: bool = False
    over_boarding_approved: bool = False


class DeterminationOut(Schema):
    id: int
    content_hash: str


@router.post(
    "/determinations",
    response={201: DeterminationOut, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Record the board's determination (frozen)",
)
def determine(request: HttpRequest, body: DeterminationIn) -> Status[DeterminationOut]:
    company = _require(request, "committee.determine")
    data = body.dict()
    director = _director(company, data.pop("director"))
    row = services.record_determination(director, actor=caller(request).user, **data)
    return Status(201, DeterminationOut(id=row.pk, content_hash=row.content_hash))


class Paragraph(Schema):
    heading: str
    text: str


@router.get(
    "/disclosure",
    response={200: list[Paragraph], 401: Error, 403: Error, 422: Error},
    summary="Draft proxy disclosure",
)
def disclosure_draft(request: HttpRequest, q: Query[AsOf]) -> list[Paragraph]:
    company = _require(request, "committee.disclosure")
    report = queries.committee_report(company, q.as_of or company_today(company))
    return [
        Paragraph(heading=h, text=t) for h, t in disclosure.draft(report, company.name)
    ]


class ListingIn(Schema):
    listing_date: Day | None = None
    registration_effective: Day | None = None
    ipo: bool = False
    min_members: int = Field(3, ge=1, le=20)
    max_audit_committees: int | None = Field(3, ge=1, le=20)
    requires_acfe: bool = True


@router.put(
    "/listing",
    response={200: Created, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="The listing dates and the charter's composition settings",
)
def set_listing(request: HttpRequest, body: ListingIn) -> Created:
    company = _require(request, "committee.manage")
    return Created(
        id=services.set_listing(company, actor=caller(request).user, **body.dict()).pk
    )


class AnnualMeetingIn(Schema):
    held_on: Day


@router.post(
    "/annual-meetings",
    response={201: Created, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Add an annual meeting of shareholders",
)
def add_annual_meeting(request: HttpRequest, body: AnnualMeetingIn) -> Status[Created]:
    company = _require(request, "committee.manage")
    return Status(
        201,
        Created(
            id=services.add_annual_meeting(
                company, actor=caller(request).user, held_on=body.held_on
            ).pk
        ),
    )


class RevenueIn(Schema):
    fiscal_year: int = Field(..., ge=1900, le=2200)
    amount: Money


@router.post(
    "/revenues",
    response={201: Created, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="The company's consolidated gross revenues for a fiscal year",
)
def record_company_revenue(request: HttpRequest, body: RevenueIn) -> Status[Created]:
    company = _require(request, "committee.manage")
    row = services.record_company_revenue(
        company,
        actor=caller(request).user,
        fiscal_year=body.fiscal_year,
        amount=body.amount,
    )
    return Status(201, Created(id=row.pk))


class OrganisationIn(Schema):
    name: str
    sole_proprietorship: bool = False


@router.post(
    "/organisations",
    response={201: Created, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Add an organisation",
)
def create_organisation(request: HttpRequest, body: OrganisationIn) -> Status[Created]:
    company = _require(request, "committee.manage")
    org = services.create_organisation(
        company, actor=caller(request).user, **body.dict()
    )
    return Status(201, Created(id=org.pk))


def _organisation(company: Any, pk: int) -> m.Organisation:
    org = m.Organisation.objects.filter(company=company, pk=pk).first()
    if org is None:
        raise ValidationError(f"No organisation {pk} in this company.")
    return org


@router.post(
    "/organisations/{pk}/revenues",
    response={201: Created, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="An organisation's revenues for a fiscal year",
)
def record_organisation_revenue(
    request: HttpRequest, pk: int, body: RevenueIn
) -> Status[Created]:
    company = _require(request, "committee.manage")
    row = services.record_organisation_revenue(_organisation(company, pk), actor=caller(request).user,
                                               fiscal_year=body.fiscal_year, amount=body.amount)  # fmt: skip
    return Status(201, Created(id=row.pk))


class PaymentIn(Schema):
    fiscal_year: int | None = Field(None, ge=1900, le=2200)
    direction: str
    amount: Money
    category: str = "other"
    paid_on: Day | None = None
    exempt: str = ""


@router.post(
    "/organisations/{pk}/payments",
    response={201: Created, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="A payment between the company and an organisation",
)
def record_payment(request: HttpRequest, pk: int, body: PaymentIn) -> Status[Created]:
    company = _require(request, "committee.manage")
    row = services.record_payment(
        _organisation(company, pk), actor=caller(request).user, **body.dict()
    )
    return Status(201, Created(id=row.pk))


class FamilyIn(Schema):
    name: str
    relationship: str
    minor: bool = False
    shares_home: bool = False


@router.post(
    "/directors/{pk}/family",
    response={201: Created, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="Declare a Family Member",
)
def add_family_member(request: HttpRequest, pk: int, body: FamilyIn) -> Status[Created]:
    company = _require(request, "committee.manage")
    member = services.add_family_member(
        _director(company, pk), actor=caller(request).user, **body.dict()
    )
    return Status(201, Created(id=member.pk))
