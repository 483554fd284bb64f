"""Every change to the composition register, each with its ledger event in the same transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from oversight.accounts.models import Company, Role, User
from oversight.accounts.queries import company_today, holders_of
from oversight.committee import models as m
from oversight.committee.snapshot import load_register
from oversight.ledger.services import record
from oversight.rules.composition import facts as pure
from oversight.rules.composition.committee import (
    CommitteeReport,
    CommitteeStatus,
    evaluate_committee,
)
from oversight.rules.core import Verdict

FACT_MODELS: dict[str, type[m.facts.DirectorFact]] = {
    "employment": m.Employment,
    "compensation": m.Compensation,
    "org_role": m.OrgRole,
    "auditor_role": m.AuditorRole,
    "interlock": m.Interlock,
    "share_holding": m.ShareHolding,
    "fs_preparation": m.FsPreparation,
    "literacy": m.Literacy,
    "sophistication": m.Sophistication,
    "acfe": m.AcfeDesignation,
    "other_audit_committee": m.OtherAuditCommittee,
}
DIRECTOR_ONLY = {
    "share_holding",
    "fs_preparation",
    "literacy",
    "sophistication",
    "acfe",
    "other_audit_committee",
}
RULE_IDS = {
    "AC-IND-01", "AC-IND-02", "AC-IND-03", "AC-IND-04", "AC-IND-05", "AC-IND-06",
    "AC-IND-07", "AC-IND-10", "AC-IND-11", "AC-MEM-04",
}  # fmt: skip


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, models.Model):
            out[key] = value.pk
        elif isinstance(value, date | Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def _days(*days: date | None) -> None:
    """Refuse a date outside 1900..2200 with a clear message."""
    for day in days:
        if day is not None:
            try:
                pure.check_day(day)
            except ValueError as exc:
                raise ValidationError(str(exc).capitalize()) from None


def _clean(row: models.Model) -> None:
    try:
        row.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from None


# --- the listing ----------------------------------------------------------------


@transaction.atomic
def set_listing(
    company: Company, *, actor: User | None, **values: Any
) -> m.ListingProfile:
    """Record the company's listing dates and the charter's composition settings."""
    _days(values.get("listing_date"), values.get("registration_effective"))
    profile = m.ListingProfile.objects.filter(
        company=company
    ).first() or m.ListingProfile(company=company)
    for key, value in values.items():
        setattr(profile, key, value)
    if profile.ipo and (
        profile.listing_date is None or profile.registration_effective is None
    ):
        raise ValidationError(
            "A new listing needs its listing and effectiveness dates."
        )
    _clean(profile)
    profile.save()
    record(
        "committee.listing_set",
        actor=actor,
        company=company,
        target=profile,
        data=_jsonable(values),
    )
    return profile


@transaction.atomic
def add_annual_meeting(
    company: Company, *, actor: User | None, held_on: date
) -> m.AnnualMeeting:
    _days(held_on)
    meeting, created = m.AnnualMeeting.objects.get_or_create(
        company=company, held_on=held_on
    )
    if not created:
        raise ValidationError(f"An annual meeting on {held_on} is already recorded.")
    record(
        "committee.annual_meeting_added",
        actor=actor,
        company=company,
        target=meeting,
        data={"held_on": held_on},
    )
    return meeting


@transaction.atomic
def record_company_revenue(
    company: Company, *, actor: User | None, fiscal_year: int, amount: Decimal
) -> m.CompanyRevenue:
    if amount < 0:
        raise ValidationError("Revenues cannot be negative.")
    row, _ = m.CompanyRevenue.objects.update_or_create(
        company=company, fiscal_year=fiscal_year, defaults={"amount": amount}
    )
    record(
        "committee.company_revenue_recorded",
        actor=actor,
        company=company,
        target=row,
        data={"fiscal_year": fiscal_year, "amount": amount},
    )
    return row


# --- directors and their facts -------------------------------------------------------


@transaction.atomic
def create_director(
    company: Company,
    *,
    actor: User | None,
    name: str,
    board_start: date,
    board_end: date | None = None,
    user: User | None = None,
) -> m.Director:
    """Add a director (or nominee) to the register."""
    _days(board_start, board_end)
    if board_end is not None and board_end < board_start:
        raise ValidationError("Board service cannot end before it starts.")
    if m.Director.objects.filter(company=company, name=name).exists():
        raise ValidationError(f"{name} is already in the register.")
    director = m.Director(
        company=company,
        name=name,
        board_start=board_start,
        board_end=board_end,
        user=user,
    )
    _clean(director)
    director.save()
    record(
        "committee.director_created",
        actor=actor,
        company=company,
        target=director,
        data={"name": name, "board_start": board_start, "board_end": board_end},
    )
    return director


@transaction.atomic
def add_family_member(
    director: m.Director,
    *,
    actor: User | None,
    name: str,
    relationship: str,
    minor: bool = False,
    shares_home: bool = False,
) -> m.FamilyMember:
    """Record a Family Member; a relationship outside the rule's list is refused."""
    try:
        pure.parse_relationship(relationship)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    member = m.FamilyMember.objects.create(
        director=director,
        name=name,
        relationship=relationship,
        minor=minor,
        shares_home=shares_home,
    )
    record(
        "committee.family_member_added",
        actor=actor,
        company=director.company,
        target=member,
        data={"director": director.pk, "relationship": relationship},
    )
    return member


@transaction.atomic
def record_fact(
    director: m.Director,
    *,
    actor: User | None,
    kind: str,
    values: dict[str, Any],
    family_member: m.FamilyMember | None = None,
    source: str = m.facts.DirectorFact.Source.REGISTER,
    check: bool = True,
) -> m.facts.DirectorFact:
    """Record one dated fact about a director or one of their Family Members."""
    model = FACT_MODELS.get(kind)
    if model is None:
        raise ValidationError(f"Unknown kind of fact {kind!r}.")
    if family_member is not None:
        if family_member.director_id != director.pk:
            raise ValidationError("That Family Member belongs to another director.")
        if kind in DIRECTOR_ONLY:
            raise ValidationError(
                f"A {kind.replace('_', ' ')} is recorded for the director only."
            )
    if (
        "organisation" in values
        and values["organisation"].company_id != director.company_id
    ):
        raise ValidationError("That organisation belongs to another company.")
    unknown = set(values) - {f.name for f in model._meta.fields}
    if unknown:
        raise ValidationError(
            f"Unknown fields for a {kind}: {', '.join(sorted(unknown))}."
        )
    _check_values(values)
    row = model(
        director=director,
        family_member=family_member,
        source=source,
        recorded_by=actor,
        **values,
    )
    _clean(row)
    if kind == "acfe":
        _check_acfe(values)
    row.save()
    record(
        "committee.fact_recorded",
        actor=actor,
        company=director.company,
        target=row,
        data={
            "kind": kind,
            "director": director.pk,
            "family_member": family_member.pk if family_member else None,
            **_jsonable(values),
        },
    )
    if check:
        check_composition(director.company, actor=actor)
    return row


@transaction.atomic
def record_qualifications(
    director: m.Director,
    *,
    actor: User | None,
    on: date,
    literate: bool,
    basis: str = "",
    basis_description: str = "",
    acfe_attributes: list[str] | None = None,
    acfe_routes: list[str] | None = None,
    other_experience: str = "",
    resolution: str = "",
    check: bool = True,
) -> None:
    """The board's findings on literacy, sophistication and financial expertise."""
    record_fact(
        director,
        actor=actor,
        kind="literacy",
        values={"on": on, "literate": literate},
        check=False,
    )
    if basis:
        values = {"on": on, "basis": basis, "description": basis_description}
        if basis == pure.SophisticationBasis.OTHER_COMPARABLE and not basis_description:
            raise ValidationError("Describe the comparable experience.")
        record_fact(
            director, actor=actor, kind="sophistication", values=values, check=False
        )
    if acfe_attributes or acfe_routes:
        values = {"on": on, "attributes": sorted(acfe_attributes or []), "routes": sorted(acfe_routes or []),
                  "other_experience": other_experience, "resolution": resolution}  # fmt: skip
        record_fact(director, actor=actor, kind="acfe", values=values, check=False)
    if check:
        check_composition(director.company, actor=actor)


PAIRS = (
    ("starts_on", "ends_on"),
    ("executive_from", "executive_to"),
    ("committee_from", "committee_to"),
)


def _check_values(values: dict[str, Any]) -> None:
    """The clear messages for what the database constraints would also refuse."""
    _days(*(v for v in values.values() if isinstance(v, date)))
    amount = values.get("amount")
    if isinstance(amount, Decimal | int) and amount < 0:
        raise ValidationError("An amount cannot be negative.")
    pct = values.get("voting_pct")
    if isinstance(pct, Decimal | int) and not 0 <= pct <= 100:
        raise ValidationError("A voting percentage is between 0 and 100.")
    for start, end in PAIRS:
        if values.get(start) and values.get(end) and values[end] < values[start]:
            raise ValidationError(
                f"{end.replace('_', ' ').capitalize()} is before {start.replace('_', ' ')}: it ends before it starts."
            )


def _check_acfe(values: dict[str, Any]) -> None:
    try:
        pure.AcfeDesignation(
            values["on"],
            frozenset(pure.AcfeAttribute(a) for a in values.get("attributes", [])),
            frozenset(pure.AcfeRoute(r) for r in values.get("routes", [])),
            values.get("other_experience", ""),
        )
    except (ValueError, KeyError) as exc:
        raise ValidationError(f"Not a valid designation: {exc}") from None


@transaction.atomic
def create_organisation(
    company: Company,
    *,
    actor: User | None,
    name: str,
    sole_proprietorship: bool = False,
) -> m.Organisation:
    if m.Organisation.objects.filter(company=company, name=name).exists():
        raise ValidationError(f"{name} is already in the register.")
    org = m.Organisation.objects.create(
        company=company, name=name, sole_proprietorship=sole_proprietorship
    )
    record(
        "committee.organisation_created",
        actor=actor,
        company=company,
        target=org,
        data={"name": name},
    )
    return org


@transaction.atomic
def record_organisation_revenue(
    org: m.Organisation,
    *,
    actor: User | None,
    fiscal_year: int,
    amount: Decimal,
    check: bool = True,
) -> m.OrganisationRevenue:
    if amount < 0:
        raise ValidationError("Revenues cannot be negative.")
    row, _ = m.OrganisationRevenue.objects.update_or_create(
        organisation=org, fiscal_year=fiscal_year, defaults={"amount": amount}
    )
    record(
        "committee.organisation_revenue_recorded",
        actor=actor,
        company=org.company,
        target=row,
        data={"fiscal_year": fiscal_year, "amount": amount},
    )
    if check:
        check_composition(org.company, actor=actor)
    return row


@transaction.atomic
def record_payment(
    org: m.Organisation,
    *,
    actor: User | None,
    fiscal_year: int | None,
    direction: str,
    amount: Decimal,
    category: str = "other",
    paid_on: date | None = None,
    exempt: str = "",
    check: bool = True,
) -> m.OrganisationPayment:
    """Record a payment between the company and an organisation, in a fiscal year."""
    _days(paid_on)
    if fiscal_year is None:
        raise ValidationError("Every payment needs the fiscal year it belongs to.")
    if amount < 0:
        raise ValidationError("A payment amount cannot be negative.")
    if paid_on is not None:
        fy = pure.CompanyInfo(
            "x", (org.company.fiscal_year_end_month, org.company.fiscal_year_end_day)
        ).fiscal_year_of(paid_on)
        if fy != fiscal_year:
            raise ValidationError(
                f"Paid on {paid_on}, which is in fiscal year {fy}, not {fiscal_year}."
            )
    row = m.OrganisationPayment(
        organisation=org,
        fiscal_year=fiscal_year,
        direction=direction,
        amount=amount,
        category=category,
        paid_on=paid_on,
        exempt=exempt,
    )
    _clean(row)
    row.save()
    record(
        "committee.payment_recorded",
        actor=actor,
        company=org.company,
        target=row,
        data={
            "organisation": org.pk,
            "fiscal_year": fiscal_year,
            "direction": direction,
            "amount": amount,
        },
    )
    if check:
        check_composition(org.company, actor=actor)
    return row


# --- memberships --------------------------------------------------------------------


@transaction.atomic
def appoint_member(
    director: m.Director,
    *,
    actor: User | None,
    starts_on: date,
    chair: bool = False,
    exception: bool = False,
    check: bool = True,
) -> m.Membership:
    """Seat a director on the audit committee from ``starts_on``."""
    _days(starts_on)
    if not director.on_board(starts_on):
        raise ValidationError(f"{director.name} is not a director on {starts_on}.")
    seats = m.Membership.objects.select_for_update().filter(
        director__company=director.company
    )
    for seat in seats:
        if seat.director_id == director.pk and (
            seat.ends_on is None or seat.ends_on >= starts_on
        ):
            raise ValidationError(
                f"{director.name} already has a seat from {seat.starts_on}; memberships may not overlap."
            )
        if chair and seat.chair and seat.is_active_on(starts_on):
            raise ValidationError(
                f"{seat.director.name} chairs the committee on {starts_on}; end that seat first."
            )
    membership = m.Membership.objects.create(
        director=director, starts_on=starts_on, chair=chair, exception=exception
    )
    record(
        "committee.member_appointed",
        actor=actor,
        company=director.company,
        target=membership,
        data={
            "director": director.pk,
            "starts_on": starts_on,
            "chair": chair,
            "exception": exception,
        },
    )
    if check:
        check_composition(director.company, actor=actor)
    return membership


@transaction.atomic
def end_membership(
    membership: m.Membership,
    *,
    actor: User | None,
    ends_on: date,
    reason: str,
    check: bool = True,
) -> m.Membership:
    """End a seat: ``ends_on`` is the member's last day."""
    _days(ends_on)
    if membership.ends_on is not None:
        raise ValidationError("That membership has already ended.")
    if ends_on < membership.starts_on:
        raise ValidationError("A membership cannot end before it starts.")
    if reason not in {r.value for r in pure.EndReason}:
        raise ValidationError(f"Unknown reason {reason!r}.")
    membership.ends_on = ends_on
    membership.end_reason = reason
    membership.save(update_fields=["ends_on", "end_reason"])
    record(
        "committee.membership_ended",
        actor=actor,
        company=membership.director.company,
        target=membership,
        data={"director": membership.director_id, "ends_on": ends_on, "reason": reason},
    )
    if check:
        check_composition(membership.director.company, actor=actor)
    return membership


# --- determinations -------------------------------------------------------------------


def determination_hash(values: dict[str, Any]) -> str:
    canonical = json.dumps(_jsonable(values), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def record_determination(
    director: m.Director,
    *,
    actor: User,
    on: date,
    resolution: str,
    independent: bool,
    verdicts: dict[str, str],
    subjective_factors: str = "",
    exception_finding: bool = False,
    over_boarding_approved: bool = False,
    check: bool = True,
) -> m.Determination:
    """Record the board's determination; it is frozen and its hash goes into the ledger."""
    _days(on)
    if director.board_end is not None and on > director.board_end:
        raise ValidationError(f"{director.name} is not a director or nominee on {on}.")
    if not resolution.strip():
        raise ValidationError(
            "A determination needs the board resolution it was made by."
        )
    unknown = set(verdicts) - RULE_IDS
    if unknown:
        raise ValidationError(f"Unknown tests: {', '.join(sorted(unknown))}.")
    bad = set(verdicts.values()) - {Verdict.PASS.value, Verdict.FAIL.value}
    if bad:
        raise ValidationError("Each test's verdict is pass or fail.")
    values: dict[str, Any] = {
        "director": director.pk,
        "on": on,
        "resolution": resolution.strip(),
        "independent": independent,
        "verdicts": dict(sorted(verdicts.items())),
        "subjective_factors": subjective_factors,
        "exception_finding": exception_finding,
        "over_boarding_approved": over_boarding_approved,
    }
    digest = determination_hash(values)
    row = m.Determination.objects.create(
        company=director.company,
        director=director,
        on=on,
        resolution=values["resolution"],
        independent=independent,
        verdicts=values["verdicts"],
        subjective_factors=subjective_factors,
        exception_finding=exception_finding,
        over_boarding_approved=over_boarding_approved,
        content_hash=digest,
        recorded_by=actor,
    )
    record(
        "committee.determination_recorded",
        actor=actor,
        company=director.company,
        target=row,
        data={
            "director": director.pk,
            "on": on,
            "independent": independent,
            "content_hash": digest,
        },
    )
    if check:
        check_composition(director.company, actor=actor)
    return row


# --- the questionnaire -----------------------------------------------------------------


@transaction.atomic
def issue_questionnaire(
    company: Company, *, actor: User, title: str, issued_on: date, due_on: date
) -> m.Questionnaire:
    """Send the annual questionnaire to every director serving on ``issued_on``."""
    _days(issued_on, due_on)
    if due_on < issued_on:
        raise ValidationError("The questionnaire cannot be due before it is issued.")
    directors = [
        d
        for d in m.Director.objects.filter(company=company).select_related("user")
        if d.on_board(issued_on)
    ]
    if not directors:
        raise ValidationError(f"No director serves on {issued_on}.")
    questionnaire = m.Questionnaire.objects.create(
        company=company,
        title=title,
        issued_on=issued_on,
        due_on=due_on,
        issued_by=actor,
    )
    m.QuestionnaireResponse.objects.bulk_create(
        m.QuestionnaireResponse(questionnaire=questionnaire, director=d)
        for d in directors
    )
    record(
        "committee.questionnaire_issued",
        actor=actor,
        company=company,
        target=questionnaire,
        data={"title": title, "due_on": due_on, "directors": [d.pk for d in directors]},
    )
    emails = [d.user.email for d in directors if d.user is not None]
    url = settings.SITE_URL + reverse("committee:questionnaires")
    transaction.on_commit(
        lambda: (
            send_mail(
                f"{company.name}: {title}",
                f"Please answer the independence and qualifications questionnaire by {due_on}:\n{url}\n",
                settings.DEFAULT_FROM_EMAIL,
                emails,
            )
            if emails
            else None
        )
    )
    return questionnaire


@dataclass(frozen=True)
class Answers:
    """A director's answers, in the shape of the questionnaire form."""

    employed: bool = False
    employment_title: str = ""
    employment_start: date | None = None
    employment_end: date | None = None
    employment_executive: bool = False
    employment_interim: bool = False
    other_compensation: Decimal | None = None
    other_compensation_paid_on: date | None = None
    other_compensation_kind: str = "other"
    voting_pct: Decimal | None = None
    family_name: str = ""
    family_relationship: str = ""
    family_executive_since: date | None = None
    organisation_name: str = ""
    organisation_role: str = ""
    organisation_role_since: date | None = None
    auditor_role: str = ""
    auditor_start: date | None = None
    auditor_end: date | None = None
    auditor_worked_on_audit: bool = False
    fs_preparation_start: date | None = None
    fs_preparation_end: date | None = None
    other_audit_committees: str = ""


@transaction.atomic
def submit_questionnaire(
    response: m.QuestionnaireResponse, *, actor: User, answers: Answers, on: date
) -> m.QuestionnaireResponse:
    """A director's answers, which become facts in the register (source: questionnaire)."""
    response = m.QuestionnaireResponse.objects.select_for_update().get(pk=response.pk)
    if response.submitted_at is not None:
        raise ValidationError("This questionnaire has already been answered.")
    director = response.director
    src = m.facts.DirectorFact.Source.QUESTIONNAIRE
    made: list[str] = []

    def fact(
        kind: str, values: dict[str, Any], family: m.FamilyMember | None = None
    ) -> None:
        record_fact(
            director,
            actor=actor,
            kind=kind,
            values=values,
            family_member=family,
            source=src,
            check=False,
        )
        made.append(kind)

    if answers.employed:
        if answers.employment_start is None:
            raise ValidationError("Give the date the employment began.")
        fact("employment", {
            "starts_on": answers.employment_start, "ends_on": answers.employment_end,
            "title": answers.employment_title, "executive_officer": answers.employment_executive,
            "interim": answers.employment_interim,
        })  # fmt: skip
    if answers.other_compensation is not None:
        if answers.other_compensation_paid_on is None:
            raise ValidationError("Give the date the compensation was paid.")
        fact("compensation", {
            "paid_on": answers.other_compensation_paid_on, "amount": answers.other_compensation,
            "kind": answers.other_compensation_kind,
        })  # fmt: skip
    if answers.voting_pct is not None:
        fact("share_holding", {"on": on, "voting_pct": answers.voting_pct})
    if answers.family_name:
        relative = add_family_member(
            director,
            actor=actor,
            name=answers.family_name,
            relationship=answers.family_relationship,
        )
        if answers.family_executive_since is not None:
            fact(
                "employment",
                {
                    "starts_on": answers.family_executive_since,
                    "title": "executive officer",
                    "executive_officer": True,
                },
                relative,
            )
    if answers.organisation_name:
        org = m.Organisation.objects.filter(
            company=director.company, name=answers.organisation_name
        ).first()
        org = org or create_organisation(
            director.company, actor=actor, name=answers.organisation_name
        )
        fact(
            "org_role",
            {
                "organisation": org,
                "role": answers.organisation_role,
                "starts_on": answers.organisation_role_since or on,
            },
        )
    if answers.auditor_role:
        fact("auditor_role", {
            "role": answers.auditor_role, "starts_on": answers.auditor_start, "ends_on": answers.auditor_end,
            "worked_on_audit": answers.auditor_worked_on_audit,
        })  # fmt: skip
    if answers.fs_preparation_start is not None:
        fact(
            "fs_preparation",
            {
                "starts_on": answers.fs_preparation_start,
                "ends_on": answers.fs_preparation_end,
            },
        )
    for name in filter(
        None, (n.strip() for n in answers.other_audit_committees.split(","))
    ):
        fact("other_audit_committee", {"company_name": name, "starts_on": on})
    response.answers = _jsonable(
        {k: v for k, v in answers.__dict__.items() if v not in (None, "", False)}
    )
    response.submitted_at = timezone.now()
    response.save(update_fields=["answers", "submitted_at"])
    record(
        "committee.questionnaire_answered",
        actor=actor,
        company=director.company,
        target=response,
        data={"director": director.pk, "facts": made},
    )
    check_composition(director.company, actor=actor)
    return response


# --- alerts ----------------------------------------------------------------------------


@transaction.atomic
def check_composition(
    company: Company, *, actor: User | None, as_of: date | None = None
) -> CommitteeReport:
    """Evaluate the committee; raise, update or resolve the alert, and tell the chair and the
    secretary when it falls out of compliance (idempotent: run it as often as you like)."""
    day = as_of or company_today(company)
    report = evaluate_committee(load_register(company), day)
    alert = (
        m.ComplianceAlert.objects.select_for_update()
        .filter(company=company, resolved_on__isnull=True)
        .first()
    )
    if report.status is CommitteeStatus.COMPLIANT:
        if alert is not None:
            alert.resolved_on = day
            alert.save(update_fields=["resolved_on"])
            record(
                "committee.alert_resolved",
                actor=actor,
                company=company,
                target=alert,
                data={"on": day},
            )
        return report
    message = "; ".join(f"{v.rule_id}: {v.message}" for v in report.violations)
    if (
        alert is not None
        and alert.status == report.status.value
        and alert.deadline == report.deadline
    ):
        return report
    if alert is None:
        try:
            with (
                transaction.atomic()
            ):  # another scheduler may raise the same alert first
                alert = m.ComplianceAlert.objects.create(
                    company=company,
                    raised_on=day,
                    status=report.status.value,
                    deadline=report.deadline,
                    message=message,
                )
        except IntegrityError:
            return report
        action = "committee.alert_raised"
    else:
        alert.status, alert.deadline, alert.message = (
            report.status.value,
            report.deadline,
            message,
        )
        alert.save(update_fields=["status", "deadline", "message"])
        action = "committee.alert_changed"
    record(
        action,
        actor=actor,
        company=company,
        target=alert,
        data={"status": alert.status, "deadline": alert.deadline},
    )
    recipients = [
        u.email for u in holders_of(company, {Role.CHAIR, Role.SECRETARY}, on=day)
    ]
    deadline = f" Cure deadline: {report.deadline}." if report.deadline else ""
    body = (
        f"The audit committee of {company.name} is {report.status.value.replace('_', ' ')} as of {day}.{deadline}\n\n"
        f"{message}\n\nNasdaq must be notified promptly (Rule 5625; 5605(c)(4)).\n"
        f"{settings.SITE_URL}{reverse('committee:overview')}\n"
    )
    transaction.on_commit(
        lambda: (
            send_mail(
                f"{company.name}: audit committee composition needs attention",
                body,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
            if recipients
            else None
        )
    )
    return report


@transaction.atomic
def mark_exchange_notified(
    alert: m.ComplianceAlert, *, actor: User, on: date
) -> m.ComplianceAlert:
    """Record that Nasdaq was told of the non-compliance."""
    if alert.exchange_notified_on is not None:
        raise ValidationError(
            f"The exchange was already notified on {alert.exchange_notified_on}."
        )
    if on < alert.raised_on:
        raise ValidationError(
            "The exchange cannot be notified before the alert was raised."
        )
    alert.exchange_notified_on = on
    alert.save(update_fields=["exchange_notified_on"])
    record(
        "committee.exchange_notified",
        actor=actor,
        company=alert.company,
        target=alert,
        data={"on": on},
    )
    return alert


@transaction.atomic
def record_for_director(
    director: m.Director, *, actor: User, what: str, data: dict[str, Any]
) -> models.Model:
    """A Family Member or a fact about the director or one of them, from a register form."""
    if what == "family":
        return add_family_member(director, actor=actor, **data)
    values = dict(data)
    holder = values.pop("holder", "") or None
    family = (
        m.FamilyMember.objects.filter(director=director, pk=holder).first()
        if holder
        else None
    )
    if holder and family is None:
        raise ValidationError("No such Family Member of this director.")
    return record_fact(
        director, actor=actor, kind=what, values=values, family_member=family
    )


@transaction.atomic
def record_for_company(
    company: Company, *, actor: User, what: str, data: dict[str, Any]
) -> models.Model:
    """The listing, a meeting, revenues, an organisation or a payment, from a register form."""
    if what == "listing":
        return set_listing(company, actor=actor, **data)
    if what == "meeting":
        return add_annual_meeting(company, actor=actor, **data)
    if what == "revenue":
        return record_company_revenue(company, actor=actor, **data)
    if what == "organisation":
        return create_organisation(company, actor=actor, **data)
    values = dict(data)
    org = values.pop("organisation")
    if what == "organisation_revenue":
        return record_organisation_revenue(org, actor=actor, **values)
    return record_payment(org, actor=actor, **values)
