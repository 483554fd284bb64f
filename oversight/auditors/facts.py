"""The auditor register's facts for the charter engine (``auditor.*`` kinds).

Each fact names its row (``auditors.<model>:<pk>``), the day it took effect and when it was
entered (the time of its ledger event). Only facts that occurred on or before ``as_of``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from oversight.accounts.models import Company
from oversight.auditors import convert, queries
from oversight.auditors import models as m
from oversight.ledger.models import LedgerEvent
from oversight.rules.auditor import preapproval
from oversight.rules.core import Fact, Scalar, Verdict


class _Clock:
    """When each row was entered: the time of its first ledger event."""

    def __init__(self, company: Company) -> None:
        self.times: dict[tuple[str, str], datetime] = {}
        events = LedgerEvent.objects.filter(
            company=company, action__startswith="auditors."
        ).values_list("target_type", "target_id", "occurred_at")
        for target_type, target_id, at in events:
            self.times.setdefault((target_type, target_id), at)

    def of(self, row: object, day: date) -> datetime:
        label = row._meta.label_lower  # type: ignore[attr-defined]
        found = self.times.get((label, str(row.pk)))  # type: ignore[attr-defined]
        return found or datetime.combine(day, time(23, 59), tzinfo=UTC)


def _ref(row: object) -> str:
    return f"{row._meta.label_lower}:{row.pk}"  # type: ignore[attr-defined]


def collect_facts(company: Company, *, as_of: date) -> list[Fact]:
    """Every ``auditor.*`` fact of ``company`` that occurred on or before ``as_of``."""
    clock = _Clock(company)
    facts: list[Fact] = []

    def add(
        kind: str, row: object, on: date | None, summary: str, **attrs: Scalar
    ) -> None:
        if on is not None and on <= as_of:
            facts.append(
                Fact(kind, _ref(row), on, clock.of(row, on), summary, attrs=attrs)
            )

    for e in queries.engagements(company).select_related(
        "ratification", "evaluation", "termination"
    ):
        firm = f"{e.firm.name} (PCAOB {e.firm.pcaob_id})"
        add(
            "auditor.appointed",
            e,
            e.appointed_on,
            f"{firm} appointed for FY{e.fiscal_year}",
            fiscal_year=e.fiscal_year,
        )
        ratification = getattr(e, "ratification", None)
        if ratification is not None:
            add(
                "auditor.ratified",
                ratification,
                ratification.voted_on,
                f"Stockholders {'ratified' if ratification.ratified else 'did not ratify'} "
                f"{firm} for FY{e.fiscal_year}",
                ratified=ratification.ratified,
                votes_for=ratification.votes_for,
                votes_against=ratification.votes_against,
            )
        evaluation = getattr(e, "evaluation", None)
        if evaluation is not None and evaluation.recorded_on is not None:
            add(
                "auditor.evaluated",
                evaluation,
                evaluation.recorded_on,
                f"Evaluation of {firm}: {evaluation.get_result_display()}",
                result=evaluation.result,
            )
        termination = getattr(e, "termination", None)
        if termination is not None:
            add(
                "auditor.terminated",
                termination,
                termination.decided_on,
                f"{firm}: {termination.get_kind_display()}",
                how=termination.kind,
            )

    for a in queries.approvals(company):
        if (
            a.request_id is None
            and a.kind == m.Approval.Kind.COMMITTEE
            and a.category == "audit"
        ):
            add(
                "auditor.compensation_approved",
                a,
                a.approved_on,
                f"Audit fee of {a.amount} approved for FY{a.engagement.fiscal_year}",
                amount=str(a.amount),
                fiscal_year=a.engagement.fiscal_year,
            )
        add(
            "auditor.service_approved",
            a,
            a.approved_on,
            f"{a.get_kind_display()}: {a.description}",
            approval_kind=a.kind,
            category=a.category,
            amount=str(a.amount),
        )

    for p in m.Policy.objects.filter(company=company, adopted_on__isnull=False):
        add(
            "auditor.policy_adopted",
            p,
            p.adopted_on,
            f"Pre-approval policy v{p.version} adopted",
            version=p.version,
            content_hash=p.content_hash,
        )

    facts.extend(_unapproved(company, clock, as_of))

    for c in m.Communication.objects.filter(company=company).select_related(
        "engagement"
    ):
        year = c.engagement.fiscal_year
        if c.kind == "qc_report":
            add(
                "auditor.qc_report_reviewed",
                c,
                c.reviewed_on,
                c.title,
                fiscal_year=year,
            )
        elif c.kind == "independence_annual":
            add(
                "auditor.independence_discussed",
                c,
                c.reviewed_on,
                c.title,
                fiscal_year=year,
                affirmation=c.affirmation or None,
            )
        else:
            add(
                "auditor.required_reports_received",
                c,
                c.received_on,
                c.title,
                fiscal_year=year,
            )

    for action in m.IndependenceAction.objects.filter(company=company):
        add("auditor.independence_action", action, action.acted_on, action.action[:200])
    for hire in queries.hires(company).exclude(exception=""):
        add(
            "auditor.independence_action",
            hire,
            hire.exception_recorded_on,
            f"Cooling-off exception ({hire.exception}) recorded for {hire.person}",
            exception=hire.exception,
        )
    return sorted(facts, key=lambda f: (f.occurred_on, f.kind, f.ref))


def _unapproved(company: Company, clock: _Clock, as_of: date) -> list[Fact]:
    """Fees without a valid approval, and approvals not reported in time (AC-PRE-01/02/06)."""
    fee_rows = {f"auditors.fee:{f.pk}": f for f in queries.fees(company)}
    approval_rows = list(queries.approvals(company))
    facts: list[Fact] = []
    for alert in preapproval.reconcile(
        [convert.fee(f) for f in fee_rows.values()],
        [convert.approval(a) for a in approval_rows],
    ):
        fee = fee_rows[alert.fee_refs[-1]]
        on = fee.rendered_on or fee.recorded_at.date()
        if on <= as_of:
            facts.append(
                Fact(
                    "auditor.service_unapproved",
                    f"auditors.fee:{fee.pk}",
                    on,
                    clock.of(fee, on),
                    alert.message,
                    attrs={"rule": alert.rule_id, "amount": str(alert.amount)},
                )
            )
    committee = convert.committee(company, on=as_of)
    for a in approval_rows:
        outcome = preapproval.check_reported(convert.approval(a), committee, as_of)
        due = committee.next_meeting_after(a.approved_on)
        if outcome.verdict is Verdict.FAIL and due is not None:
            facts.append(
                Fact(
                    "auditor.service_unapproved",
                    _ref(a),
                    due,
                    clock.of(a, due),
                    outcome.message,
                    attrs={"rule": outcome.rule_id},
                )
            )
    return facts
