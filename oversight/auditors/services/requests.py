"""Fees, service requests through the screen, approvals, de minimis, reports to the committee."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from oversight.accounts.models import User
from oversight.accounts.queries import roles_in
from oversight.auditors import agenda, convert
from oversight.auditors import models as m
from oversight.auditors.services.common import (
    COMMITTEE_ROLES,
    clean_amount,
    clean_category,
    clean_text,
)
from oversight.auditors.services.policy import policy_in_force
from oversight.ledger.services import record
from oversight.rules.auditor import preapproval
from oversight.rules.auditor.common import (
    Category,
    term_last_day,
)
from oversight.rules.auditor.services import (
    Decision,
    Outcome,
    ScreenContext,
    screen_service,
)
from oversight.rules.core import Verdict


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
    category = clean_category(category)
    clean_amount(amount)
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
    fields["category"] = clean_category(fields["category"])
    clean_amount(fields["fee_estimate"], "The fee estimate")
    fields["description"] = clean_text(fields["description"], "A description", 5000)
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
    category = clean_category(category)
    clean_amount(amount)
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
