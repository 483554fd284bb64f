"""The pre-approval policy: drafts, items, adoption by a vote or a carried motion."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from oversight.accounts.models import Company, User
from oversight.accounts.queries import roles_in
from oversight.auditors import agenda
from oversight.auditors import models as m
from oversight.auditors.services.common import (
    COMMITTEE_ROLES,
    clean_amount,
    clean_category,
)
from oversight.ledger.services import record


@transaction.atomic
def draft_policy(
    company: Company, *, actor: User, statement: str, delegates: list[User]
) -> m.Policy:
    """Start a new version of the pre-approval policy (adopted later by a committee vote)."""
    if m.Policy.objects.filter(company=company, adopted_on__isnull=True).exists():
        raise ValidationError("A draft policy already exists; adopt or edit it first.")
    check_delegates(company, delegates)
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


def check_delegates(company: Company, delegates: list[User]) -> None:
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
    category = clean_category(category)
    clean_amount(fee_cap, "A fee cap")
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
    check_delegates(policy.company, list(policy.delegates.all()))
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
