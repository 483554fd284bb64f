"""Firms, engagements, ratification, evaluation, termination, partners and hires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from oversight.accounts.models import Company, User
from oversight.accounts.queries import roles_in
from oversight.auditors import models as m
from oversight.auditors.services.common import (
    COMMITTEE_ROLES,
    check_pdf,
    clean_amount,
)
from oversight.ledger.services import record
from oversight.rules.auditor.common import (
    Category,
    add_business_days,
)


@transaction.atomic
def create_firm(
    company: Company,
    *,
    actor: User,
    name: str,
    pcaob_id: str,
    users: list[User] | None = None,
) -> m.Firm:
    """Record a registered public accounting firm (AC-AUD-02: PCAOB registration id)."""
    pcaob_id = pcaob_id.strip()
    if not pcaob_id.isdigit():
        raise ValidationError("A PCAOB registration id is a number, e.g. 185.")
    if m.Firm.objects.filter(company=company, pcaob_id=pcaob_id).exists():
        raise ValidationError(f"A firm with PCAOB id {pcaob_id} is already recorded.")
    firm = m.Firm.objects.create(company=company, name=name.strip(), pcaob_id=pcaob_id)
    if users:
        firm.users.set(users)
    record(
        "auditors.firm_created",
        actor=actor,
        company=company,
        target=firm,
        data={"name": firm.name, "pcaob_id": pcaob_id},
    )
    return firm


@transaction.atomic
def create_engagement(
    firm: m.Firm,
    *,
    actor: User,
    fiscal_year: int,
    starts_on: date,
    ends_on: date | None,
    appointed_on: date,
    appointed_at: str,
    scope: str,
    agreed_audit_fee: Decimal,
    letter: UploadedFile[bytes] | None = None,
    letter_signed_on: date | None = None,
) -> m.Engagement:
    """The committee selects or retains the firm for a fiscal year and sets its audit fee.

    Charter: "select and retain ... set their compensation". Refused when it overlaps
    another engagement of the same fiscal year. The agreed fee becomes the committee's
    approval of the audit services (AC-PRE-01).
    """
    company = firm.company
    clean_amount(agreed_audit_fee, "The agreed audit fee")
    if letter is not None:
        check_pdf(letter, "The engagement letter")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError("The engagement cannot end before it starts.")
    if appointed_on > starts_on:
        raise ValidationError(
            "The committee must appoint the firm on or before the engagement starts."
        )
    for other in m.Engagement.objects.filter(company=company, fiscal_year=fiscal_year):
        if other.overlaps(starts_on, ends_on):
            raise ValidationError(
                f"This engagement overlaps the FY{fiscal_year} engagement of "
                f"{other.firm.name} ({other.starts_on:%Y-%m-%d} to "
                f"{other.ends_on or 'open'})."
            )
    engagement = m.Engagement.objects.create(
        company=company,
        firm=firm,
        fiscal_year=fiscal_year,
        starts_on=starts_on,
        ends_on=ends_on,
        appointed_on=appointed_on,
        appointed_at=appointed_at,
        scope=scope,
        agreed_audit_fee=agreed_audit_fee,
        letter_signed_on=letter_signed_on,
    )
    if letter is not None:
        engagement.letter.save(
            letter.name or "engagement-letter.pdf", letter, save=True
        )
    approval = m.Approval.objects.create(
        company=company,
        engagement=engagement,
        kind=m.Approval.Kind.COMMITTEE,
        category=Category.AUDIT.value,
        description=f"FY{fiscal_year} audit engagement: {scope[:200]}",
        amount=agreed_audit_fee,
        approved_on=appointed_on,
        meeting=appointed_at or f"Committee meeting of {appointed_on:%Y-%m-%d}",
    )
    record(
        "auditors.engagement_created",
        actor=actor,
        company=company,
        target=engagement,
        data={
            "firm": firm.name,
            "fiscal_year": fiscal_year,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "agreed_audit_fee": agreed_audit_fee,
            "approval": approval.pk,
        },
    )
    return engagement


@transaction.atomic
def record_audit_completion(
    engagement: m.Engagement, *, actor: User, completed_on: date
) -> m.Engagement:
    """The audit report's date: the de minimis approvals of the year must precede it."""
    if completed_on < engagement.starts_on:
        raise ValidationError(
            "The audit cannot be completed before the engagement starts."
        )
    engagement.audit_completed_on = completed_on
    engagement.save(update_fields=["audit_completed_on"])
    record(
        "auditors.audit_completed",
        actor=actor,
        company=engagement.company,
        target=engagement,
        data={"completed_on": completed_on},
    )
    return engagement


@transaction.atomic
def record_ratification(
    engagement: m.Engagement,
    *,
    actor: User,
    voted_on: date,
    votes_for: int,
    votes_against: int,
    abstentions: int = 0,
) -> m.Ratification:
    """The stockholders' vote on ratifying the selection (charter: subject to their approval)."""
    if min(votes_for, votes_against, abstentions) < 0:
        raise ValidationError("Vote counts cannot be negative.")
    if hasattr(engagement, "ratification"):
        raise ValidationError("The ratification vote is already recorded.")
    row = m.Ratification.objects.create(
        engagement=engagement,
        voted_on=voted_on,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
    )
    record(
        "auditors.ratification_recorded",
        actor=actor,
        company=engagement.company,
        target=engagement,
        data={
            "voted_on": voted_on,
            "for": votes_for,
            "against": votes_against,
            "abstain": abstentions,
            "ratified": row.ratified,
        },
    )
    return row


@transaction.atomic
def answer_evaluation(
    engagement: m.Engagement,
    *,
    actor: User,
    answers: dict[str, tuple[int, str]],
) -> m.Evaluation:
    """A committee member answers the annual evaluation questionnaire (AC-AUD-03)."""
    if not roles_in(actor, engagement.company) & COMMITTEE_ROLES:
        raise ValidationError("Only committee members answer the evaluation.")
    known = dict(m.QUESTIONS)
    if set(answers) != set(known):
        raise ValidationError("Answer every question of the evaluation.")
    evaluation, _ = m.Evaluation.objects.get_or_create(engagement=engagement)
    if evaluation.recorded_on is not None:
        raise ValidationError("The evaluation's result is recorded; it is closed.")
    for question, (score, comment) in answers.items():
        if not 1 <= score <= 5:
            raise ValidationError(f"A score is 1 to 5 ({known[question]}).")
        m.EvaluationAnswer.objects.update_or_create(
            evaluation=evaluation,
            member=actor,
            question=question,
            defaults={"score": score, "comment": comment},
        )
    record(
        "auditors.evaluation_answered",
        actor=actor,
        company=engagement.company,
        target=evaluation,
        data={q: s for q, (s, _) in answers.items()},
    )
    return evaluation


@transaction.atomic
def record_evaluation_result(
    engagement: m.Engagement,
    *,
    actor: User,
    result: str,
    summary: str,
    recorded_on: date,
) -> m.Evaluation:
    """The committee records the result of its evaluation of the auditor (AC-AUD-03)."""
    if result not in m.Evaluation.Result.values:
        raise ValidationError("Choose a result of the evaluation.")
    evaluation, _ = m.Evaluation.objects.get_or_create(engagement=engagement)
    if not evaluation.answers.exists():
        raise ValidationError("No member has answered the evaluation yet.")
    evaluation.result, evaluation.summary, evaluation.recorded_on = (
        result,
        summary,
        recorded_on,
    )
    evaluation.save()
    record(
        "auditors.evaluation_recorded",
        actor=actor,
        company=engagement.company,
        target=evaluation,
        data={"result": result, "recorded_on": recorded_on},
    )
    return evaluation


@dataclass(frozen=True)
class StepPlan:
    code: str
    title: str
    business_days: int | None  # after the decision; None: when an event occurs


TERMINATION_STEPS: tuple[StepPlan, ...] = (
    StepPlan("resolution", "Committee resolution on the change, in the minutes", 0),
    StepPlan("notify_firm", "Notify the firm in writing", 1),
    StepPlan("file_8k", "File Form 8-K Item 4.01 (within four business days)", 4),
    StepPlan(
        "exhibit_16_request",
        "Give the firm the disclosure and ask for its Exhibit 16 letter",
        4,
    ),
    StepPlan(
        "file_8k_amendment",
        "File the firm's letter by 8-K/A within two business days of receipt",
        None,
    ),
    StepPlan("successor", "Select and engage the successor firm", None),
)


@transaction.atomic
def terminate_engagement(
    engagement: m.Engagement,
    *,
    actor: User,
    kind: str,
    decided_on: date,
    reason: str,
    disagreements: str = "",
) -> m.Termination:
    """End the engagement and open the steps and filings it triggers (AC-AUD-07)."""
    if kind not in m.Termination.Kind.values:
        raise ValidationError("Choose how the engagement ended.")
    if hasattr(engagement, "termination"):
        raise ValidationError("This engagement is already terminated.")
    if decided_on < engagement.starts_on:
        raise ValidationError("The termination cannot precede the engagement.")
    termination = m.Termination.objects.create(
        engagement=engagement,
        kind=kind,
        decided_on=decided_on,
        reason=reason,
        disagreements=disagreements,
    )
    for position, plan in enumerate(TERMINATION_STEPS):
        m.TerminationStep.objects.create(
            termination=termination,
            code=plan.code,
            title=plan.title,
            due_on=add_business_days(decided_on, plan.business_days)
            if plan.business_days is not None
            else None,
            position=position,
        )
    if engagement.ends_on is None or engagement.ends_on > decided_on:
        engagement.ends_on = decided_on
        engagement.save(update_fields=["ends_on"])
    record(
        "auditors.engagement_terminated",
        actor=actor,
        company=engagement.company,
        target=engagement,
        data={
            "kind": kind,
            "decided_on": decided_on,
            "form_8k_due": add_business_days(decided_on, 4),
        },
    )
    return termination


@transaction.atomic
def complete_step(
    step: m.TerminationStep, *, actor: User, done_on: date
) -> m.TerminationStep:
    if step.done_on is not None:
        raise ValidationError("This step is already done.")
    step.done_on = done_on
    step.save(update_fields=["done_on"])
    record(
        "auditors.termination_step_done",
        actor=actor,
        company=step.termination.engagement.company,
        target=step,
        data={"code": step.code, "done_on": done_on, "due_on": step.due_on},
    )
    return step


@transaction.atomic
def add_partner(
    engagement: m.Engagement, *, actor: User, person: str, role: str
) -> m.PartnerAssignment:
    """A partner on the engagement for its fiscal year, in a role (AC-ROT)."""
    if role not in {"lead", "eqr", "other"}:
        raise ValidationError("Choose the partner's role.")
    person = person.strip()
    if not person:
        raise ValidationError("Name the partner.")
    if engagement.partners.filter(person=person).exists():
        raise ValidationError(f"{person} is already on this engagement.")
    if role in {"lead", "eqr"} and engagement.partners.filter(role=role).exists():
        raise ValidationError("The engagement already has a partner in that role.")
    row = m.PartnerAssignment.objects.create(
        engagement=engagement, person=person, role=role
    )
    record(
        "auditors.partner_added",
        actor=actor,
        company=engagement.company,
        target=row,
        data={"person": person, "role": role, "fiscal_year": engagement.fiscal_year},
    )
    return row


@transaction.atomic
def record_hire(firm: m.Firm, *, actor: User, **fields: Any) -> m.Hire:
    """A hire from the audit firm, to be checked against the cooling-off (AC-EMP-01)."""
    if (
        fields.get("team_from")
        and fields.get("team_to")
        and fields["team_to"] < fields["team_from"]
    ):
        raise ValidationError("Service on the audit team cannot end before it starts.")
    if fields.get("exception") and not fields.get("exception_recorded_on"):
        raise ValidationError("Give the date the committee recorded the exception.")
    hire = m.Hire.objects.create(company=firm.company, firm=firm, **fields)
    record(
        "auditors.hire_recorded",
        actor=actor,
        company=firm.company,
        target=hire,
        data={
            "person": hire.person,
            "role": hire.role_title,
            "starts_on": hire.starts_on,
        },
    )
    return hire
