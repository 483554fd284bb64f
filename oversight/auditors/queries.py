"""Access-checked reads of the auditor's register, and the figures its pages show.

Outsiders get 404; insiders without the right get 403; the auditor's own people reach
only the engagements of their firm (404 for any other, as for an absent row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from oversight.accounts.models import Company, User
from oversight.accounts.queries import get_for, require
from oversight.auditors import convert
from oversight.auditors import models as m
from oversight.auditors.permissions import sees_only_own_engagements
from oversight.rules.auditor import preapproval, rotation
from oversight.rules.auditor.communications import communications_status
from oversight.rules.auditor.fees import (
    FeeTable,
    YearMix,
    fee_mix,
    fee_table,
    policy_statement,
)
from oversight.rules.core import Result, TestOutcome, Verdict


def engagements(company: Company) -> QuerySet[m.Engagement]:
    return m.Engagement.objects.filter(company=company).select_related("firm")


def engagements_for(
    user: User | AnonymousUser, company: Company
) -> QuerySet[m.Engagement]:
    """The engagements ``user`` may open: all of them, or only their firm's for the auditor."""
    roles = require(user, company, "auditors.view_engagement")
    qs = engagements(company)
    if sees_only_own_engagements(roles):
        qs = qs.filter(firm__users__pk=user.pk or 0)
    return qs


def get_engagement_for(
    user: User | AnonymousUser, pk: Any, action: str = "auditors.view_engagement"
) -> m.Engagement:
    engagement = get_for(
        user, m.Engagement.objects.select_related("firm", "company"), pk, action
    )
    roles = require(user, engagement.company, "auditors.view_engagement")
    if (
        sees_only_own_engagements(roles)
        and not engagement.firm.users.filter(pk=user.pk).exists()
    ):
        raise Http404("Not found.")
    return engagement


def get_request_for(
    user: User | AnonymousUser, pk: Any, action: str
) -> m.ServiceRequest:
    return get_for(
        user,
        m.ServiceRequest.objects.select_related(
            "company", "engagement__firm", "requested_by", "policy_item"
        ),
        pk,
        action,
    )


def get_policy_for(user: User | AnonymousUser, pk: Any, action: str) -> m.Policy:
    return get_for(user, m.Policy.objects.select_related("company"), pk, action)


def get_communication_for(
    user: User | AnonymousUser, pk: Any, action: str
) -> m.Communication:
    row = get_for(
        user,
        m.Communication.objects.select_related("company", "engagement__firm"),
        pk,
        action,
    )
    get_engagement_for(user, row.engagement_id, action)
    return row


def get_step_for(user: User | AnonymousUser, pk: Any, action: str) -> m.TerminationStep:
    return get_for(
        user,
        m.TerminationStep.objects.select_related("termination__engagement__company"),
        pk,
        action,
        company_field="termination__engagement__company",
    )


def requests(company: Company) -> QuerySet[m.ServiceRequest]:
    return m.ServiceRequest.objects.filter(company=company).select_related(
        "engagement__firm", "requested_by", "policy_item", "approval"
    )


def policies(company: Company) -> QuerySet[m.Policy]:
    return m.Policy.objects.filter(company=company).prefetch_related(
        Prefetch("items", queryset=m.PolicyItem.objects.order_by("code")), "delegates"
    )


def hires(company: Company) -> QuerySet[m.Hire]:
    return m.Hire.objects.filter(company=company).select_related("firm")


def fees(company: Company) -> QuerySet[m.Fee]:
    return m.Fee.objects.filter(company=company).select_related(
        "engagement", "approval"
    )


def approvals(company: Company) -> QuerySet[m.Approval]:
    return m.Approval.objects.filter(company=company).select_related(
        "engagement__firm", "approved_by", "policy_item", "request"
    )


def latest_year(company: Company, today: date) -> int:
    """The most recent fiscal year with an engagement (the current one when none)."""
    last = (
        engagements(company)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .first()
    )
    return last if last is not None else convert.fiscal_year_of(company, today)


def proxy_fee_table(company: Company, year: int) -> FeeTable:
    """The Item 9(e) table for ``year`` and the year before (AC-DIS-05, -06)."""
    rows = [
        convert.fee(f)
        for f in fees(company).filter(engagement__fiscal_year__in=[year, year - 1])
    ]
    current = (
        m.Policy.objects.filter(company=company, adopted_on__isnull=False)
        .prefetch_related("delegates")
        .order_by("-adopted_on")
        .first()
    )
    statement = policy_statement(
        current.adopted_on if current else None,
        delegates=tuple(u.get_full_name() for u in current.delegates.all())
        if current
        else (),
    )
    return fee_table(rows, latest_year=year, policy_statement=statement)


def mix(company: Company, years: list[int]) -> tuple[YearMix, ...]:
    return fee_mix((convert.fee(f) for f in fees(company)), years)


@dataclass(frozen=True)
class AlertView:
    key: str
    rule_id: str
    message: str
    engagement_id: int | None


_REF = re.compile(
    r"\b(?:(?P<word>[Ff]ee|[Aa]pproval) )?auditors\.(?P<kind>fee|approval):(?P<pk>\d+)\b"
)


def readable(message: str, names: dict[str, str]) -> str:
    """The rules name records by reference (``Fee auditors.fee:12``); people read them
    by what they are (``Fee “Tax advice” (#12)``). An unknown reference keeps its number."""

    def name(found: re.Match[str]) -> str:
        word, kind, pk = found.group("word"), found.group("kind"), found.group("pk")
        noun = (
            word
            if word and word.lower() == kind
            else f"{word} {kind}"
            if word
            else kind
        )
        known = names.get(f"auditors.{kind}:{pk}")
        return f"{noun} “{known}” (#{pk})" if known else f"{noun} #{pk}"

    return _REF.sub(name, message)


def open_alerts(company: Company, *, as_of: date) -> list[AlertView]:
    """Reconciliation alerts and unreported approvals that no recorded action has closed."""
    fee_rows = list(fees(company))
    approval_rows = list(approvals(company))
    by_fee = {f"auditors.fee:{f.pk}": f.engagement_id for f in fee_rows}
    names = {f"auditors.fee:{f.pk}": f.description for f in fee_rows} | {
        f"auditors.approval:{a.pk}": a.description for a in approval_rows
    }
    out: list[AlertView] = []
    for alert in preapproval.reconcile(
        [convert.fee(f) for f in fee_rows], [convert.approval(a) for a in approval_rows]
    ):
        key = f"{alert.rule_id}:{','.join(alert.fee_refs)}"
        out.append(
            AlertView(
                key,
                alert.rule_id,
                readable(alert.message, names),
                by_fee.get(alert.fee_refs[0]),
            )
        )
    committee = convert.committee(company, on=as_of)
    for row in approval_rows:
        outcome = preapproval.check_reported(convert.approval(row), committee, as_of)
        if outcome.verdict is Verdict.FAIL:
            out.append(
                AlertView(
                    f"{outcome.rule_id}:report:{row.pk}",
                    outcome.rule_id,
                    f"{row.description}: {outcome.message}",
                    row.engagement_id,
                )
            )
    year = latest_year(company, as_of)
    current = engagements(company).filter(fiscal_year=year).first()
    if current is not None:
        for outcome in rotation_checks(current):
            if outcome.verdict is Verdict.FAIL:
                out.append(
                    AlertView(
                        f"{outcome.rule_id}:{outcome.evidence[0].ref}",
                        outcome.rule_id,
                        outcome.message,
                        current.pk,
                    )
                )
    latest_by_firm: dict[int, int] = {}
    for e in engagements(company).order_by("fiscal_year"):
        latest_by_firm[e.firm_id] = e.pk
    for hire in hires(company):
        check = hire_check(hire)
        if check.verdict is Verdict.FAIL:
            out.append(
                AlertView(
                    f"AC-EMP-01:hire:{hire.pk}",
                    "AC-EMP-01",
                    check.message,
                    latest_by_firm.get(hire.firm_id),
                )
            )
    closed = set(
        m.IndependenceAction.objects.filter(company=company).values_list(
            "alert_key", flat=True
        )
    )
    return [a for a in out if a.key not in closed]


def to_report(company: Company, *, as_of: date) -> list[tuple[m.Approval, date | None]]:
    """General and delegate approvals not yet reported, each with the meeting they belong to."""
    rows = {f"auditors.approval:{a.pk}": a for a in approvals(company)}
    committee = convert.committee(company, on=as_of)
    due = preapproval.reports_due(
        [convert.approval(a) for a in rows.values()], committee
    )
    return [(rows[a.ref], day) for a, day in due]


def rotation_forecasts(engagement: m.Engagement) -> tuple[rotation.Forecast, ...]:
    rows = m.PartnerAssignment.objects.filter(
        engagement__company=engagement.company, engagement__firm=engagement.firm
    ).select_related("engagement")
    return rotation.forecast(convert.assignments(rows), engagement.fiscal_year)


def rotation_checks(engagement: m.Engagement) -> tuple[TestOutcome, ...]:
    rows = m.PartnerAssignment.objects.filter(
        engagement__company=engagement.company, engagement__firm=engagement.firm
    ).select_related("engagement")
    return rotation.check_rotation(convert.assignments(rows), engagement.fiscal_year)


def hire_check(hire: m.Hire) -> TestOutcome:
    started = rotation.procedures_start_after_10k(hire.prior_10k_filed_on)
    return rotation.check_cooling_off(convert.hire(hire), procedures_started_on=started)


def communications(engagement: m.Engagement, *, as_of: date) -> tuple[Result, ...]:
    company = engagement.company
    rows = [
        c
        for c in (
            convert.communication(r)
            for r in m.Communication.objects.filter(
                engagement=engagement
            ).select_related("engagement")
        )
        if c is not None
    ]
    first = not m.Engagement.objects.filter(
        company=company, firm=engagement.firm, fiscal_year__lt=engagement.fiscal_year
    ).exists()
    return communications_status(
        convert.fiscal_year(company, engagement.fiscal_year),
        rows,
        as_of=as_of,
        first_engagement=first,
        accepted_on=engagement.appointed_on if first else None,
        independence_due_on=engagement.audit_completed_on,
    )


def policy_usage(policy: m.Policy) -> list[tuple[m.PolicyItem, TestOutcome]]:
    """Each item of the policy with the AC-PRE-06 check of the approvals made under it."""
    rows = [
        convert.approval(a)
        for a in approvals(policy.company).filter(policy_item__policy=policy)
    ]
    return [
        (item, preapproval.check_policy_usage(convert.policy_item(item), rows))
        for item in policy.items.all()
    ]
