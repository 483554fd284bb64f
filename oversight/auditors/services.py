"""Every change to the auditor's register: one function per decision, atomic, on the ledger.

Business rules are checked here (and in ``oversight.rules.auditor``) and refused with a
``ValidationError`` that says why; nothing is half-saved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q, Sum

from oversight.accounts.models import Company, Role, User
from oversight.accounts.queries import roles_in
from oversight.auditors import agenda, convert
from oversight.auditors import models as m
from oversight.ledger.services import record
from oversight.rules.auditor import preapproval
from oversight.rules.auditor.common import (
    Category,
    add_business_days,
    money,
    parse_category,
    term_last_day,
)
from oversight.rules.auditor.services import (
    Decision,
    Outcome,
    ScreenContext,
    screen_service,
)
from oversight.rules.core import Verdict

COMMITTEE_ROLES = frozenset({Role.CHAIR, Role.MEMBER})


def _category(value: str) -> str:
    try:
        return parse_category(value).value
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


MAX_AMOUNT = Decimal(
    "1000000000000"
)  # fits DecimalField(max_digits=14, decimal_places=2)


def _amount(value: Decimal, what: str = "A fee") -> Decimal:
    try:
        amount = money(value)
    except (ValueError, ArithmeticError, TypeError):
        raise ValidationError(
            f"{what} must be a positive amount or zero, not {value}."
        ) from None
    exponent = amount.as_tuple().exponent
    if amount >= MAX_AMOUNT or (
        isinstance(exponent, int)
        and exponent < -2
        and amount != amount.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            f"{what} must be below 1,000,000,000,000 with at most two decimals."
        )
    return amount


MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _pdf(document: UploadedFile[bytes], what: str) -> None:
    """Documents are PDF files of at most 20 MB, checked by their first bytes."""
    if document.size is not None and document.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(f"{what} is larger than 20 MB.")
    head = document.read(5)
    document.seek(0)
    if head != b"%PDF-":
        raise ValidationError(f"{what} must be a PDF file.")


def _text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(f"{what} is required.")
    if len(value) > limit:
        raise ValidationError(f"{what} is at most {limit} characters.")
    return value


# Firms and engagements ---------------------------------------------------------------


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
    _amount(agreed_audit_fee, "The agreed audit fee")
    if letter is not None:
        _pdf(letter, "The engagement letter")
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


# Fees -------------------------------------------------------------------------------


@transaction.atomic
def record_fee(
    engagement: m.Engagement,
    *,
    actor: User,
    category: str,
    amount: Decimal,
    description: str,
    estimated: bool = False,
    de_minimis: bool = False,
    approval: m.Approval | None = None,
    rendered_on: date | None = None,
    invoice: str = "",
) -> m.Fee:
    """Record a fee once, in one of the four categories (AC-DIS-05)."""
    category = _category(category)
    _amount(amount)
    if de_minimis and category == Category.AUDIT.value:
        raise ValidationError(
            "The de minimis exception covers non-audit services only."
        )
    if approval is not None and approval.engagement_id != engagement.pk:
        raise ValidationError("The approval belongs to another engagement.")
    fee = m.Fee.objects.create(
        company=engagement.company,
        engagement=engagement,
        category=category,
        amount=amount,
        description=description,
        estimated=estimated,
        de_minimis=de_minimis,
        approval=approval,
        rendered_on=rendered_on,
        invoice=invoice,
    )
    record(
        "auditors.fee_recorded",
        actor=actor,
        company=engagement.company,
        target=fee,
        data={
            "fiscal_year": engagement.fiscal_year,
            "category": category,
            "amount": amount,
            "estimated": estimated,
            "approval": approval.pk if approval else None,
        },
    )
    return fee


# The pre-approval policy ---------------------------------------------------------------


@transaction.atomic
def draft_policy(
    company: Company, *, actor: User, statement: str, delegates: list[User]
) -> m.Policy:
    """Start a new version of the pre-approval policy (adopted later by a committee vote)."""
    if m.Policy.objects.filter(company=company, adopted_on__isnull=True).exists():
        raise ValidationError("A draft policy already exists; adopt or edit it first.")
    _check_delegates(company, delegates)
    version = (
        m.Policy.objects.filter(company=company).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    policy = m.Policy.objects.create(
        company=company, version=version, statement=statement
    )
    policy.delegates.set(delegates)
    record(
        "auditors.policy_drafted",
        actor=actor,
        company=company,
        target=policy,
        data={"version": version, "delegates": [u.email for u in delegates]},
    )
    return policy


def _check_delegates(company: Company, delegates: list[User]) -> None:
    for person in delegates:
        if not roles_in(person, company) & COMMITTEE_ROLES:
            raise ValidationError(
                f"{person} is not a committee member; pre-approval can be delegated only "
                "to independent members."
            )


@transaction.atomic
def add_policy_item(
    policy: m.Policy,
    *,
    actor: User,
    code: str,
    service: str,
    category: str,
    fee_cap: Decimal,
    starts_on: date,
    term_months: int = 12,
) -> m.PolicyItem:
    """A specifically described service the draft policy pre-approves in general."""
    if policy.adopted:
        raise ValidationError("An adopted policy is frozen; draft a new version.")
    category = _category(category)
    _amount(fee_cap, "A fee cap")
    if not 1 <= term_months <= 60:
        raise ValidationError("A term is 1 to 60 months.")
    if len(service.split()) < 3:
        raise ValidationError(
            "Describe the specific service (a broad category or a cap alone is not a "
            "pre-approval)."
        )
    if policy.items.filter(code=code).exists():
        raise ValidationError(f"Item {code} is already in this policy.")
    item = m.PolicyItem.objects.create(
        policy=policy,
        code=code,
        service=service,
        category=category,
        fee_cap=fee_cap,
        starts_on=starts_on,
        term_months=term_months,
    )
    record(
        "auditors.policy_item_added",
        actor=actor,
        company=policy.company,
        target=item,
        data={
            "code": code,
            "category": category,
            "fee_cap": fee_cap,
            "term_months": term_months,
        },
    )
    return item


def policy_hash(policy: m.Policy) -> str:
    content = {
        "version": policy.version,
        "statement": policy.statement,
        "delegates": sorted(u.email for u in policy.delegates.all()),
        "items": [
            [
                i.code,
                i.service,
                i.category,
                str(i.fee_cap),
                i.starts_on.isoformat(),
                i.term_months,
            ]
            for i in policy.items.order_by("code")
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def adopt_policy_by_motion(policy: m.Policy, *, actor: User, motion: int) -> m.Policy:
    """Adopt the policy by a motion the committee carried in the meetings register."""
    found = next(
        (c for c in agenda.carried_motions(policy.company) if c.pk == motion), None
    )
    if found is None:
        raise ValidationError("Choose a motion the committee carried.")
    return adopt_policy(
        policy,
        actor=actor,
        adopted_on=found.day,
        adopted_at=found.meeting,
        votes_for=found.votes_for,
        votes_against=found.votes_against,
        abstentions=found.abstentions,
    )


@transaction.atomic
def adopt_policy(
    policy: m.Policy,
    *,
    actor: User,
    adopted_on: date,
    adopted_at: str,
    votes_for: int,
    votes_against: int,
    abstentions: int = 0,
) -> m.Policy:
    """The committee adopts the policy by a vote; the previous version is superseded."""
    if policy.adopted:
        raise ValidationError("This policy is already adopted.")
    if min(votes_for, votes_against, abstentions) < 0:
        raise ValidationError("Vote counts cannot be negative.")
    if votes_for <= votes_against:
        raise ValidationError("The vote did not carry: the policy is not adopted.")
    if not policy.items.exists():
        raise ValidationError("Add at least one specifically described service first.")
    _check_delegates(policy.company, list(policy.delegates.all()))
    previous = (
        m.Policy.objects.filter(
            company=policy.company, adopted_on__isnull=False, superseded_on__isnull=True
        )
        .exclude(pk=policy.pk)
        .first()
    )
    if previous is not None:
        assert previous.adopted_on is not None
        if adopted_on <= previous.adopted_on:
            raise ValidationError(
                "A new version must be adopted after the current one."
            )
        previous.superseded_on = adopted_on
        previous.save(update_fields=["superseded_on"])
    policy.adopted_on, policy.adopted_at = adopted_on, adopted_at
    policy.votes_for, policy.votes_against, policy.abstentions = (
        votes_for,
        votes_against,
        abstentions,
    )
    policy.content_hash = policy_hash(policy)
    policy.save()
    record(
        "auditors.policy_adopted",
        actor=actor,
        company=policy.company,
        target=policy,
        data={
            "version": policy.version,
            "adopted_on": adopted_on,
            "vote": [votes_for, votes_against, abstentions],
            "content_hash": policy.content_hash,
            "supersedes": previous.version if previous else None,
        },
    )
    return policy


def policy_in_force(company: Company, on: date) -> m.Policy | None:
    return (
        m.Policy.objects.filter(company=company, adopted_on__lte=on)
        .filter(Q(superseded_on__isnull=True) | Q(superseded_on__gt=on))
        .prefetch_related("items", "delegates")
        .order_by("-adopted_on")
        .first()
    )


# Service requests and approvals --------------------------------------------------------


def screen(row: m.ServiceRequest) -> Decision:
    """Run the pure screen on a request against the policy in force on its date."""
    company = row.company
    policy = policy_in_force(company, row.requested_on)
    used: dict[str, Decimal] = {}
    if row.policy_item_id is not None:
        total = (
            m.Approval.objects.filter(policy_item_id=row.policy_item_id)
            .exclude(request=row)
            .aggregate(s=Sum("amount"))["s"]
        )
        used[row.policy_item.code] = total or Decimal(0)  # type: ignore[union-attr]
    meetings = [d for d in convert.meeting_dates(company) if d > row.requested_on]
    context = ScreenContext(
        next_meeting_on=min(meetings, default=None), used_under_item=used
    )
    return screen_service(
        convert.request(row), convert.policy(policy) if policy else None, context
    )


STEP_FIELDS = (
    "tax_scope_in_writing",
    "tax_fee_structure_in_writing",
    "tax_side_letters_disclosed",
    "tax_referrals_disclosed",
    "tax_independence_discussed",
    "tax_discussion_documented",
    "icfr_scope_in_writing",
    "icfr_independence_discussed",
    "icfr_discussion_documented",
)
REQUEST_FIELDS = (
    "description",
    "category",
    "nature",
    "is_tax",
    "icfr_related",
    "contingent_fee",
    "confidential_tax_transaction",
    "aggressive_tax_transaction",
    "tax_to_fror_person",
    "policy_item",
    "fee_estimate",
    "requested_on",
    "starts_on",
)


def _apply(row: m.ServiceRequest, decision: Decision, *, actor: User) -> None:
    row.outcome = decision.outcome.value
    row.reasons = "\n".join(decision.reasons)
    row.flags = "\n".join(flag.message for flag in decision.flags)
    if decision.outcome is Outcome.BLOCKED:
        row.status = m.ServiceRequest.Status.BLOCKED
    row.save()
    if decision.outcome is Outcome.APPROVED_UNDER_POLICY and not hasattr(
        row, "approval"
    ):
        item = row.policy_item
        assert item is not None
        approval = m.Approval.objects.create(
            company=row.company,
            engagement=row.engagement,
            request=row,
            kind=m.Approval.Kind.POLICY,
            category=row.category,
            description=row.description[:300],
            amount=row.fee_estimate,
            approved_on=row.requested_on,
            policy_item=item,
            term_ends_on=term_last_day(item.starts_on, item.term_months),
        )
        row.status = m.ServiceRequest.Status.APPROVED
        row.save(update_fields=["status"])
        where = agenda.propose_report(
            row.company,
            actor=actor,
            after=approval.approved_on,
            title=f"Pre-approved in general ({item.code}): {row.description}",
        )
        record(
            "auditors.service_approved",
            actor=actor,
            company=row.company,
            target=approval,
            data={
                "request": row.pk,
                "kind": "policy",
                "policy_item": item.code,
                "amount": row.fee_estimate,
                "report_at": decision.report_at_meeting_on,
                "agenda": where,
            },
        )


@transaction.atomic
def submit_request(
    engagement: m.Engagement, *, actor: User, **fields: Any
) -> m.ServiceRequest:
    """Management asks for a service; the screen decides where it goes (AC-SVC, AC-PRE)."""
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown request fields: {sorted(unknown)}")
    fields["category"] = _category(fields["category"])
    _amount(fields["fee_estimate"], "The fee estimate")
    fields["description"] = _text(fields["description"], "A description", 5000)
    if fields["requested_on"] > fields["starts_on"]:
        raise ValidationError(
            f"The request is dated {fields['requested_on']:%Y-%m-%d}, after the service "
            f"began on {fields['starts_on']:%Y-%m-%d}: approval must come before the "
            "engagement (AC-PRE-01). A non-audit service may only be put to the committee "
            "under the de minimis exception."
        )
    nature = fields.get("nature") or ""
    if nature and nature not in dict(m.NATURE_CHOICES):
        raise ValidationError(f"Unknown service nature {nature!r}.")
    item = fields.get("policy_item")
    if item is not None and item.policy.company_id != engagement.company_id:
        raise ValidationError("That policy item belongs to another company.")
    if engagement.ends_on is not None and fields["starts_on"] > engagement.ends_on:
        raise ValidationError("The service starts after the engagement ended.")
    row = m.ServiceRequest(
        company=engagement.company, engagement=engagement, requested_by=actor, **fields
    )
    row.outcome = Outcome.NEEDS_SPECIFIC_APPROVAL.value
    row.save()
    decision = screen(row)
    record(
        "auditors.service_requested",
        actor=actor,
        company=engagement.company,
        target=row,
        data={
            "category": row.category,
            "fee_estimate": row.fee_estimate,
            "starts_on": row.starts_on,
            "outcome": decision.outcome.value,
            "rules": list(decision.rule_ids),
            "flags": [f.code for f in decision.flags],
        },
    )
    _apply(row, decision, actor=actor)
    return row


@transaction.atomic
def record_steps(
    row: m.ServiceRequest,
    *,
    actor: User,
    rationale_approved: bool | None = None,
    **steps: bool,
) -> m.ServiceRequest:
    """Record the Rule 3524 / 3525 steps (and an A1-A5 rationale), then screen again."""
    if row.status != m.ServiceRequest.Status.OPEN:
        raise ValidationError("Only an open request can change.")
    unknown = set(steps) - set(STEP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown steps: {sorted(unknown)}")
    for name, value in steps.items():
        setattr(row, name, value)
    if rationale_approved is not None:
        row.rationale_approved = rationale_approved
    row.save()
    decision = screen(row)
    record(
        "auditors.service_steps_recorded",
        actor=actor,
        company=row.company,
        target=row,
        data={
            **steps,
            "rationale_approved": row.rationale_approved,
            "outcome": decision.outcome.value,
        },
    )
    _apply(row, decision, actor=actor)
    return row


@transaction.atomic
def approve_request(
    row: m.ServiceRequest,
    *,
    actor: User,
    kind: str,
    approved_on: date,
    meeting: str = "",
) -> m.Approval:
    """A specific approval: a committee vote at a meeting, or a delegated member (AC-PRE-02)."""
    if row.status != m.ServiceRequest.Status.OPEN:
        raise ValidationError("Only an open request can be approved.")
    decision = screen(row)
    if decision.outcome is not Outcome.NEEDS_SPECIFIC_APPROVAL:
        raise ValidationError(
            "This request cannot be approved now: " + decision.message
        )
    if approved_on > row.starts_on:
        raise ValidationError(
            f"An approval on {approved_on:%Y-%m-%d} would come after the service starts on "
            f"{row.starts_on:%Y-%m-%d} (AC-PRE-01)."
        )
    if approved_on < row.requested_on:
        raise ValidationError("An approval cannot precede the request.")
    if len(meeting) > 200:
        raise ValidationError("Name the meeting in at most 200 characters.")
    company = row.company
    roles = roles_in(actor, company, on=approved_on)
    if kind == m.Approval.Kind.DELEGATE:
        policy = policy_in_force(company, approved_on)
        delegates = set(policy.delegates.all()) if policy else set()
        if actor not in delegates or not roles & COMMITTEE_ROLES:
            raise ValidationError(
                f"{actor} is not a committee member holding a delegation under the policy "
                "in force; the request needs a committee vote."
            )
    elif kind == m.Approval.Kind.COMMITTEE:
        if not roles & COMMITTEE_ROLES:
            raise ValidationError(f"{actor} is not a committee member.")
        if not meeting.strip():
            raise ValidationError(
                "A committee approval is a vote at a meeting: name it."
            )
    else:
        raise ValidationError("Choose a committee vote or a delegate's approval.")
    approval = m.Approval.objects.create(
        company=company,
        engagement=row.engagement,
        request=row,
        kind=kind,
        category=row.category,
        description=row.description[:300],
        amount=row.fee_estimate,
        approved_on=approved_on,
        approved_by=actor,
        meeting=meeting.strip(),
    )
    row.status = m.ServiceRequest.Status.APPROVED
    row.save(update_fields=["status"])
    due = convert.committee(company, on=approved_on).next_meeting_after(approved_on)
    where = (
        agenda.propose_report(
            company,
            actor=actor,
            after=approved_on,
            title=f"Approved by {actor} as delegate: {row.description}",
        )
        if kind == m.Approval.Kind.DELEGATE
        else "approved at the meeting"
    )
    record(
        "auditors.service_approved",
        actor=actor,
        company=company,
        target=approval,
        data={
            "request": row.pk,
            "kind": kind,
            "amount": row.fee_estimate,
            "approved_on": approved_on,
            "report_at": due if kind == m.Approval.Kind.DELEGATE else None,
            "agenda": where,
        },
    )
    return approval


@transaction.atomic
def refuse_request(
    row: m.ServiceRequest, *, actor: User, reason: str
) -> m.ServiceRequest:
    """The committee (or a delegate) declines the request."""
    if row.status != m.ServiceRequest.Status.OPEN:
        raise ValidationError("Only an open request can be refused.")
    if not roles_in(actor, row.company) & COMMITTEE_ROLES:
        raise ValidationError(f"{actor} is not a committee member.")
    row.status = m.ServiceRequest.Status.REFUSED
    row.reasons = (row.reasons + "\nRefused: " + reason).strip()
    row.save(update_fields=["status", "reasons"])
    record(
        "auditors.service_refused",
        actor=actor,
        company=row.company,
        target=row,
        data={"reason": reason},
    )
    return row


@transaction.atomic
def approve_de_minimis(
    engagement: m.Engagement,
    *,
    actor: User,
    description: str,
    category: str,
    amount: Decimal,
    not_recognised_at_engagement: bool,
    brought_to_committee_on: date,
    approved_on: date,
    meeting: str,
) -> m.Approval:
    """Approve after the fact a non-audit service under the de minimis exception (AC-PRE-03)."""
    category = _category(category)
    _amount(amount)
    company = engagement.company
    if not roles_in(actor, company, on=approved_on) & COMMITTEE_ROLES:
        raise ValidationError(f"{actor} is not a committee member.")
    if brought_to_committee_on > approved_on:
        raise ValidationError(
            "The service must be brought to the committee before approval."
        )
    existing = [
        preapproval.DeMinimisService(
            ref=f"auditors.approval:{a.pk}",
            category=Category(a.category),
            fee=a.amount,
            not_recognised_at_engagement=a.not_recognised_at_engagement,
            brought_to_committee_on=a.brought_to_committee_on,
            approved_on=a.approved_on,
        )
        for a in m.Approval.objects.filter(
            engagement__company=company,
            engagement__fiscal_year=engagement.fiscal_year,
            kind=m.Approval.Kind.DE_MINIMIS,
        )
    ]
    candidate = preapproval.DeMinimisService(
        ref="candidate",
        category=Category(category),
        fee=amount,
        not_recognised_at_engagement=not_recognised_at_engagement,
        brought_to_committee_on=brought_to_committee_on,
        approved_on=approved_on,
        approvers=(convert.person_key(actor.pk),),
    )
    total = m.Fee.objects.filter(
        company=company, engagement__fiscal_year=engagement.fiscal_year
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    outcomes = preapproval.check_de_minimis(
        [*existing, candidate],
        total_fees_for_year=total,
        audit_completed_on=engagement.audit_completed_on,
        committee=convert.committee(company, on=approved_on),
        as_of=approved_on,
    )
    failed = [
        o.message for o in (outcomes[0], outcomes[-1]) if o.verdict is Verdict.FAIL
    ]
    if failed:
        raise ValidationError(
            "The de minimis exception does not apply: " + " ".join(failed)
        )
    approval = m.Approval.objects.create(
        company=company,
        engagement=engagement,
        kind=m.Approval.Kind.DE_MINIMIS,
        category=category,
        description=description[:300],
        amount=amount,
        approved_on=approved_on,
        approved_by=actor,
        meeting=meeting,
        not_recognised_at_engagement=not_recognised_at_engagement,
        brought_to_committee_on=brought_to_committee_on,
    )
    record(
        "auditors.service_approved",
        actor=actor,
        company=company,
        target=approval,
        data={"kind": "de_minimis", "amount": amount, "approved_on": approved_on},
    )
    return approval


@transaction.atomic
def mark_reported(
    approvals: list[m.Approval], *, actor: User, reported_on: date, reported_at: str
) -> int:
    """The committee was told of these general and delegate approvals at a meeting."""
    count = 0
    for approval in approvals:
        if not approval.must_be_reported or approval.reported_on is not None:
            raise ValidationError(f"{approval} has nothing left to report.")
        if reported_on < approval.approved_on:
            raise ValidationError("An approval cannot be reported before it was made.")
        approval.reported_on, approval.reported_at = reported_on, reported_at
        approval.save(update_fields=["reported_on", "reported_at"])
        record(
            "auditors.approval_reported",
            actor=actor,
            company=approval.company,
            target=approval,
            data={"reported_on": reported_on, "meeting": reported_at},
        )
        count += 1
    return count


# Communications and independence ---------------------------------------------------------


@transaction.atomic
def record_communication(
    engagement: m.Engagement,
    *,
    actor: User,
    kind: str,
    title: str,
    received_on: date,
    document: UploadedFile[bytes] | None = None,
    affirmation: str = "",
) -> m.Communication:
    """A required communication received from the auditor (AC-AUD-04, AC-COM-01, -02)."""
    if kind not in dict(m.Communication.KINDS):
        raise ValidationError("Choose the kind of communication.")
    if affirmation and kind != "independence_annual":
        raise ValidationError(
            "Only the annual independence letter carries an affirmation."
        )
    if document is not None:
        _pdf(document, "The document")
    row = m.Communication.objects.create(
        company=engagement.company,
        engagement=engagement,
        kind=kind,
        title=title,
        received_on=received_on,
        affirmation=affirmation,
        uploaded_by=actor,
    )
    if document is not None:
        row.document.save(document.name or "communication.pdf", document, save=True)
    record(
        "auditors.communication_received",
        actor=actor,
        company=engagement.company,
        target=row,
        data={
            "kind": kind,
            "received_on": received_on,
            "document": row.document.name or "",
        },
    )
    return row


@transaction.atomic
def review_communication(
    row: m.Communication, *, actor: User, reviewed_on: date, reviewed_at: str
) -> m.Communication:
    """The committee reviewed or discussed the communication at a meeting."""
    if row.reviewed_on is not None:
        raise ValidationError("This communication's review is already recorded.")
    if reviewed_on < row.received_on:
        raise ValidationError(
            "A communication cannot be reviewed before it was received."
        )
    row.reviewed_on, row.reviewed_at = reviewed_on, reviewed_at
    row.save(update_fields=["reviewed_on", "reviewed_at"])
    record(
        "auditors.communication_reviewed",
        actor=actor,
        company=row.company,
        target=row,
        data={"kind": row.kind, "reviewed_on": reviewed_on, "meeting": reviewed_at},
    )
    return row


@transaction.atomic
def act_on_independence(
    engagement: m.Engagement,
    *,
    actor: User,
    alert_key: str,
    action: str,
    acted_on: date,
) -> m.IndependenceAction:
    """The committee acts, or recommends the board act, on the auditor's independence."""
    if not action.strip():
        raise ValidationError("Describe the action taken or recommended.")
    row = m.IndependenceAction.objects.create(
        company=engagement.company,
        engagement=engagement,
        alert_key=alert_key,
        action=action,
        acted_on=acted_on,
        recorded_by=actor,
    )
    record(
        "auditors.independence_action_recorded",
        actor=actor,
        company=engagement.company,
        target=row,
        data={"alert": alert_key, "acted_on": acted_on},
    )
    return row
