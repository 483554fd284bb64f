"""Pre-approval: before the engagement, by whom, reported when; de minimis; reconciliation.

AC-PRE-01 approval precedes the engagement; AC-PRE-02 delegation to independent members,
reported at the next scheduled meeting; AC-PRE-03 the de minimis exception; AC-PRE-06 the
policy's term and cap; and the reconciliation of fees against approvals, where a fee with
no matching approval, or above its cap, becomes an independence alert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from oversight.rules.auditor.common import ZERO, Category, money
from oversight.rules.auditor.fees import FeeRecord, total_fees
from oversight.rules.auditor.services import Policy, PolicyItem
from oversight.rules.core import Evidence, TestOutcome, Verdict

DE_MINIMIS_PERCENT = Decimal(5)


class ApprovalKind(StrEnum):
    """How a service was approved."""

    POLICY = "policy"  # in general, under an item of the pre-approval policy
    COMMITTEE = "committee"  # specifically, by a vote at a committee meeting
    DELEGATE = "delegate"  # specifically, by a delegated member
    DE_MINIMIS = "de_minimis"  # after the fact, under Reg S-X 2-01(c)(7)(i)(C)


@dataclass(frozen=True, slots=True)
class Approval:
    """An approval of one service, up to ``amount``."""

    ref: str
    kind: ApprovalKind
    approved_on: date
    category: Category
    amount: Decimal
    approvers: tuple[str, ...] = ()
    meeting_ref: str | None = None  # the meeting that voted (COMMITTEE)
    policy_item: str | None = None  # the item it falls under (POLICY)
    term_ends_on: date | None = None  # last day of the policy item's term (POLICY)
    reported_on: date | None = (
        None  # the meeting at which it was reported (POLICY, DELEGATE)
    )

    def __post_init__(self) -> None:
        money(self.amount)

    @property
    def must_be_reported(self) -> bool:
        return self.kind in (ApprovalKind.POLICY, ApprovalKind.DELEGATE)


@dataclass(frozen=True, slots=True)
class Committee:
    """Who sits on the committee, who is independent, and when it meets."""

    members: frozenset[str]
    independent: frozenset[str]
    meetings: tuple[date, ...] = ()  # scheduled meeting dates

    def next_meeting_after(self, day: date) -> date | None:
        """The first scheduled meeting strictly after ``day``."""
        return min((m for m in self.meetings if m > day), default=None)


def _ev(approval: Approval) -> tuple[Evidence, ...]:
    return (Evidence(approval.ref, f"{approval.kind} approval", approval.approved_on),)


def check_precedes_engagement(
    service_ref: str, engaged_on: date, approval: Approval | None
) -> TestOutcome:
    """AC-PRE-01: the engagement is approved before the auditor is engaged.

    Exchange Act §10A(i)(1)(A): "All auditing services ... and non-audit services ... shall
    be preapproved by the audit committee of the issuer." Charter: "pre-approve all audit
    services ... approve all permitted non-audit services".
    """
    cite = "Exchange Act §10A(i)(1)(A); Reg S-X 2-01(c)(7)(i)"
    if approval is None:
        return TestOutcome(
            "AC-PRE-01",
            Verdict.FAIL,
            f"Service {service_ref} began on {engaged_on.isoformat()} with no approval.",
            (Evidence(service_ref, "service", engaged_on),),
            cite,
        )
    if approval.kind is ApprovalKind.DE_MINIMIS:
        return TestOutcome(
            "AC-PRE-01",
            Verdict.NOT_APPLICABLE,
            f"Service {service_ref} was approved after the fact under the de minimis "
            "exception; see AC-PRE-03.",
            _ev(approval),
            cite,
        )
    if approval.approved_on <= engaged_on:
        return TestOutcome(
            "AC-PRE-01",
            Verdict.PASS,
            f"Approved on {approval.approved_on.isoformat()}, on or before the engagement "
            f"on {engaged_on.isoformat()}.",
            _ev(approval),
            cite,
        )
    return TestOutcome(
        "AC-PRE-01",
        Verdict.FAIL,
        f"Approved on {approval.approved_on.isoformat()}, after the engagement began on "
        f"{engaged_on.isoformat()}.",
        _ev(approval),
        cite,
    )


def check_approver(
    approval: Approval, committee: Committee, policy: Policy | None
) -> TestOutcome:
    """AC-PRE-02: a specific approval comes from the committee or a delegated independent member.

    Exchange Act §10A(i)(3): the committee "may delegate to 1 or more designated members of
    the audit committee who are independent directors ... the authority to grant
    preapprovals". Never to management.
    """
    cite = "Exchange Act §10A(i)(3)"
    if approval.kind is ApprovalKind.POLICY:
        return TestOutcome(
            "AC-PRE-02",
            Verdict.NOT_APPLICABLE,
            "Approved in general under the committee's policy.",
            _ev(approval),
            cite,
        )
    if approval.kind is ApprovalKind.COMMITTEE:
        if approval.meeting_ref is None:
            return TestOutcome(
                "AC-PRE-02",
                Verdict.FAIL,
                "A committee approval must be a vote at a meeting; no meeting is recorded.",
                _ev(approval),
                cite,
            )
        return TestOutcome(
            "AC-PRE-02",
            Verdict.PASS,
            f"Approved by a committee vote at meeting {approval.meeting_ref}.",
            _ev(approval),
            cite,
        )
    if not approval.approvers:
        return TestOutcome(
            "AC-PRE-02",
            Verdict.FAIL,
            "No approver is recorded.",
            _ev(approval),
            cite,
        )
    delegates = set(policy.delegates) if policy is not None else set()
    problems: list[str] = []
    for person in approval.approvers:
        if person not in committee.members:
            problems.append(f"{person} is not a committee member")
        elif person not in committee.independent:
            problems.append(f"{person} is not an independent member")
        elif approval.kind is ApprovalKind.DELEGATE and person not in delegates:
            problems.append(f"{person} holds no delegation under the policy")
    if problems:
        return TestOutcome(
            "AC-PRE-02", Verdict.FAIL, "; ".join(problems) + ".", _ev(approval), cite
        )
    return TestOutcome(
        "AC-PRE-02",
        Verdict.PASS,
        "Approved by " + ", ".join(approval.approvers) + ", with authority to approve.",
        _ev(approval),
        cite,
    )


def check_reported(
    approval: Approval, committee: Committee, as_of: date
) -> TestOutcome:
    """AC-PRE-02 (delegate) / AC-PRE-01 (policy): reported at the next scheduled meeting.

    §10A(i)(3): each delegate decision "shall be presented to the full audit committee at
    each of its scheduled meetings"; Reg S-X 2-01(c)(7)(i)(B): under a policy "the audit
    committee is informed of each service".
    """
    rule_id = "AC-PRE-02" if approval.kind is ApprovalKind.DELEGATE else "AC-PRE-01"
    if not approval.must_be_reported:
        return TestOutcome(
            rule_id,
            Verdict.NOT_APPLICABLE,
            "Approved by the committee itself; nothing to report.",
            _ev(approval),
        )
    due = committee.next_meeting_after(approval.approved_on)
    if approval.reported_on is not None and (
        due is None or approval.reported_on <= due
    ):
        return TestOutcome(
            rule_id,
            Verdict.PASS,
            f"Reported to the committee on {approval.reported_on.isoformat()}.",
            _ev(approval),
        )
    if approval.reported_on is not None:
        assert due is not None
        return TestOutcome(
            rule_id,
            Verdict.FAIL,
            f"Reported on {approval.reported_on.isoformat()}, not at the next scheduled "
            f"meeting on {due.isoformat()}.",
            _ev(approval),
        )
    if due is None or due > as_of:
        when = (
            due.isoformat() if due is not None else "the next meeting (none scheduled)"
        )
        return TestOutcome(
            rule_id,
            Verdict.NOT_APPLICABLE,
            f"Not yet due: to be reported at {when}.",
            _ev(approval),
        )
    return TestOutcome(
        rule_id,
        Verdict.FAIL,
        f"Not reported at the next scheduled meeting on {due.isoformat()}.",
        _ev(approval),
    )


def reports_due(
    approvals: Iterable[Approval], committee: Committee
) -> list[tuple[Approval, date | None]]:
    """Approvals to report, each with the meeting it belongs to (agenda input)."""
    return [
        (a, committee.next_meeting_after(a.approved_on))
        for a in sorted(approvals, key=lambda a: (a.approved_on, a.ref))
        if a.must_be_reported and a.reported_on is None
    ]


@dataclass(frozen=True, slots=True)
class DeMinimisService:
    """A non-audit service that began without pre-approval, put forward under AC-PRE-03."""

    ref: str
    category: Category
    fee: Decimal
    not_recognised_at_engagement: bool
    brought_to_committee_on: date | None = None
    approved_on: date | None = None
    approvers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        money(self.fee)


def within_de_minimis(aggregate: Decimal, total: Decimal) -> bool:
    """``aggregate`` is no more than 5% of ``total``, compared exactly (5% itself passes)."""
    return aggregate * 100 <= DE_MINIMIS_PERCENT * total


def check_de_minimis(
    services: Sequence[DeMinimisService],
    *,
    total_fees_for_year: Decimal,
    audit_completed_on: date | None,
    committee: Committee,
    as_of: date,
) -> tuple[TestOutcome, ...]:
    """AC-PRE-03: the de minimis exception, first in aggregate, then service by service.

    Exchange Act §10A(i)(1)(B): pre-approval is waived for non-audit services if "the
    aggregate amount of all such non-audit services ... constitutes not more than 5 percent
    of the total amount of revenues paid by the issuer to its auditor during the fiscal year
    in which the nonaudit services are provided", they "were not recognized by the issuer at
    the time of the engagement to be nonaudit services", and they "are promptly brought to
    the attention of the audit committee ... and approved prior to the completion of the
    audit".
    """
    cite = "Exchange Act §10A(i)(1)(B); Reg S-X 2-01(c)(7)(i)(C)"
    aggregate = sum((s.fee for s in services), ZERO)
    evidence = tuple(Evidence(s.ref, f"de minimis {s.category}") for s in services)
    if within_de_minimis(aggregate, total_fees_for_year):
        outcomes = [
            TestOutcome(
                "AC-PRE-03",
                Verdict.PASS,
                f"De minimis services total {aggregate}, no more than 5% of the year's "
                f"{total_fees_for_year} fees to the auditor.",
                evidence,
                cite,
            )
        ]
    else:
        outcomes = [
            TestOutcome(
                "AC-PRE-03",
                Verdict.FAIL,
                f"De minimis services total {aggregate}, more than 5% of the year's "
                f"{total_fees_for_year} fees to the auditor; the exception is not available.",
                evidence,
                cite,
            )
        ]
    for service in services:
        outcomes.append(
            _check_one_de_minimis(service, audit_completed_on, committee, as_of, cite)
        )
    return tuple(outcomes)


def _check_one_de_minimis(
    service: DeMinimisService,
    audit_completed_on: date | None,
    committee: Committee,
    as_of: date,
    cite: str,
) -> TestOutcome:
    ev = (Evidence(service.ref, f"de minimis {service.category}"),)
    problems: list[str] = []
    if not service.category.is_non_audit:
        problems.append("the exception covers non-audit services only")
    if not service.not_recognised_at_engagement:
        problems.append("it was recognised as a non-audit service when engaged")
    outsiders = [p for p in service.approvers if p not in committee.members]
    if outsiders:
        problems.append(
            ", ".join(outsiders) + " cannot approve: not a committee member"
        )
    if problems:
        return TestOutcome(
            "AC-PRE-03", Verdict.FAIL, "; ".join(problems) + ".", ev, cite
        )
    if service.approved_on is not None and (
        audit_completed_on is None or service.approved_on <= audit_completed_on
    ):
        return TestOutcome(
            "AC-PRE-03",
            Verdict.PASS,
            f"Brought to the committee and approved on {service.approved_on.isoformat()}, "
            "before the audit was completed.",
            ev,
            cite,
        )
    if service.approved_on is not None:
        assert audit_completed_on is not None
        return TestOutcome(
            "AC-PRE-03",
            Verdict.FAIL,
            f"Approved on {service.approved_on.isoformat()}, after the audit was completed "
            f"on {audit_completed_on.isoformat()}.",
            ev,
            cite,
        )
    if audit_completed_on is not None and audit_completed_on <= as_of:
        return TestOutcome(
            "AC-PRE-03",
            Verdict.FAIL,
            f"Not approved before the audit was completed on {audit_completed_on.isoformat()}.",
            ev,
            cite,
        )
    brought = (
        f"brought to the committee on {service.brought_to_committee_on.isoformat()}"
        if service.brought_to_committee_on is not None
        else "not yet brought to the committee"
    )
    return TestOutcome(
        "AC-PRE-03",
        Verdict.INSUFFICIENT_DATA,
        f"Pending: {brought}; it must be approved before the audit is completed.",
        ev,
        cite,
    )


@dataclass(frozen=True, slots=True)
class Alert:
    """An independence alert from the reconciliation of fees against approvals."""

    rule_id: str
    message: str
    fee_refs: tuple[str, ...]
    approval_ref: str | None = None
    amount: Decimal = ZERO  # the unapproved amount or the excess over the cap


def reconcile(
    fees: Iterable[FeeRecord], approvals: Iterable[Approval]
) -> tuple[Alert, ...]:
    """Fees against approvals: each fee must sit under an approval, within its amount and term.

    A fee with no approval, under an unknown approval or one of another category, rendered
    before its approval or after its policy term, or that takes an approval above its
    amount, is an independence alert (AC-PRE-01, AC-PRE-06).
    """
    by_ref = {a.ref: a for a in approvals}
    alerts: list[Alert] = []
    used: dict[str, list[FeeRecord]] = {}
    for fee in sorted(fees, key=lambda f: f.ref):
        if fee.approval_ref is None:
            alerts.append(
                Alert(
                    "AC-PRE-01",
                    f"Fee {fee.ref} ({fee.category.caption}, FY{fee.fiscal_year}, "
                    f"{fee.amount}) has no matching approval.",
                    (fee.ref,),
                    None,
                    fee.amount,
                )
            )
            continue
        approval = by_ref.get(fee.approval_ref)
        if approval is None:
            alerts.append(
                Alert(
                    "AC-PRE-01",
                    f"Fee {fee.ref} names approval {fee.approval_ref}, which does not exist.",
                    (fee.ref,),
                    fee.approval_ref,
                    fee.amount,
                )
            )
            continue
        if approval.category is not fee.category:
            alerts.append(
                Alert(
                    "AC-PRE-01",
                    f"Fee {fee.ref} is {fee.category.caption} but approval {approval.ref} "
                    f"covers {approval.category.caption}.",
                    (fee.ref,),
                    approval.ref,
                    fee.amount,
                )
            )
            continue
        if fee.de_minimis != (approval.kind is ApprovalKind.DE_MINIMIS):
            alerts.append(
                Alert(
                    "AC-PRE-03",
                    f"Fee {fee.ref} and approval {approval.ref} disagree on whether the "
                    "de minimis exception applies.",
                    (fee.ref,),
                    approval.ref,
                    fee.amount,
                )
            )
        if (
            fee.rendered_on is not None
            and approval.kind is not ApprovalKind.DE_MINIMIS
            and fee.rendered_on < approval.approved_on
        ):
            alerts.append(
                Alert(
                    "AC-PRE-01",
                    f"Fee {fee.ref} is for work from {fee.rendered_on.isoformat()}, before "
                    f"approval {approval.ref} on {approval.approved_on.isoformat()}.",
                    (fee.ref,),
                    approval.ref,
                    fee.amount,
                )
            )
        if (
            fee.rendered_on is not None
            and approval.term_ends_on is not None
            and fee.rendered_on > approval.term_ends_on
        ):
            alerts.append(
                Alert(
                    "AC-PRE-06",
                    f"Fee {fee.ref} is for work from {fee.rendered_on.isoformat()}, after the "
                    f"term of approval {approval.ref} ended on "
                    f"{approval.term_ends_on.isoformat()}.",
                    (fee.ref,),
                    approval.ref,
                    fee.amount,
                )
            )
        used.setdefault(approval.ref, []).append(fee)
    for ref, billed in sorted(used.items()):
        approval = by_ref[ref]
        spent = sum((f.amount for f in billed), ZERO)
        if spent > approval.amount:
            alerts.append(
                Alert(
                    "AC-PRE-06",
                    f"Fees under approval {ref} total {spent}, above the approved "
                    f"{approval.amount} by {spent - approval.amount}.",
                    tuple(f.ref for f in billed),
                    ref,
                    spent - approval.amount,
                )
            )
    return tuple(alerts)


def de_minimis_base(fees: Iterable[FeeRecord], fiscal_year: int) -> Decimal:
    """The 5% base: all fees paid to the auditor for the fiscal year."""
    return total_fees(fees, fiscal_year)


def check_policy_usage(item: PolicyItem, approvals: Sequence[Approval]) -> TestOutcome:
    """AC-PRE-06: approvals in general under one policy item stay within its term and cap.

    Practice (rules.md AC-PRE-06): general pre-approvals are valid for a term (12 months by
    default) and up to a per-service fee cap; services beyond either need a new approval.
    """
    mine = [a for a in approvals if a.policy_item == item.code]
    evidence = tuple(Evidence(a.ref, a.kind.value, a.approved_on) for a in mine)
    outside = [a for a in mine if not item.covers_day(a.approved_on)]
    total = sum((a.amount for a in mine), ZERO)
    problems: list[str] = []
    if outside:
        problems.append(
            ", ".join(a.ref for a in outside)
            + f" fall outside the term {item.starts_on.isoformat()} to "
            f"{item.ends_on.isoformat()}"
        )
    if total > item.fee_cap:
        problems.append(
            f"approvals total {total}, above the cap of {item.fee_cap} by "
            f"{total - item.fee_cap}"
        )
    if problems:
        return TestOutcome(
            "AC-PRE-06",
            Verdict.FAIL,
            f"Policy item {item.code}: " + "; ".join(problems) + ".",
            evidence,
        )
    return TestOutcome(
        "AC-PRE-06",
        Verdict.PASS,
        f"Policy item {item.code}: {len(mine)} approval(s) totalling {total}, within the "
        f"cap of {item.fee_cap} and the term ending {item.ends_on.isoformat()}.",
        evidence,
    )
