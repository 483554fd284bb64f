"""Approval timing, authority and reporting; de minimis; reconciliation of fees."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from oversight.rules.auditor.common import Category
from oversight.rules.auditor.fees import FeeRecord
from oversight.rules.auditor.preapproval import (
    Approval,
    ApprovalKind,
    Committee,
    DeMinimisService,
    check_approver,
    check_de_minimis,
    check_policy_usage,
    check_precedes_engagement,
    check_reported,
    de_minimis_base,
    reconcile,
    reports_due,
    within_de_minimis,
)
from oversight.rules.auditor.services import Policy, PolicyItem
from oversight.rules.core import Verdict

D = Decimal
COMMITTEE = Committee(
    members=frozenset({"ada", "ben", "cy"}),
    independent=frozenset({"ada", "ben"}),
    meetings=(date(2026, 2, 10), date(2026, 5, 12), date(2026, 8, 11)),
)
POLICY = Policy(1, date(2026, 1, 15), delegates=("ada", "cy"))


def approval(**changes: object) -> Approval:
    base = Approval(
        ref="ap-1",
        kind=ApprovalKind.DELEGATE,
        approved_on=date(2026, 3, 2),
        category=Category.TAX,
        amount=D("20000"),
        approvers=("ada",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# AC-PRE-01 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved_on", "engaged_on", "verdict"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), Verdict.PASS),  # same day
        (date(2026, 3, 2), date(2026, 3, 9), Verdict.PASS),
        (date(2026, 3, 3), date(2026, 3, 2), Verdict.FAIL),  # a day late
    ],
)
def test_approval_must_precede_the_engagement(
    approved_on: date, engaged_on: date, verdict: Verdict
) -> None:
    outcome = check_precedes_engagement(
        "svc-1", engaged_on, approval(approved_on=approved_on)
    )
    assert outcome.rule_id == "AC-PRE-01"
    assert outcome.verdict is verdict


def test_service_without_approval_fails() -> None:
    outcome = check_precedes_engagement("svc-1", date(2026, 3, 2), None)
    assert outcome.verdict is Verdict.FAIL
    assert "no approval" in outcome.message


def test_de_minimis_approval_is_judged_by_ac_pre_03() -> None:
    outcome = check_precedes_engagement(
        "svc-1", date(2026, 1, 2), approval(kind=ApprovalKind.DE_MINIMIS)
    )
    assert outcome.verdict is Verdict.NOT_APPLICABLE


# AC-PRE-02: authority ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("approvers", "verdict", "message"),
    [
        (("ada",), Verdict.PASS, "with authority"),
        (("ben",), Verdict.FAIL, "ben holds no delegation"),
        (("cy",), Verdict.FAIL, "cy is not an independent member"),
        (("cleo",), Verdict.FAIL, "cleo is not a committee member"),
        ((), Verdict.FAIL, "No approver"),
        (("ada", "eve"), Verdict.FAIL, "eve is not a committee member"),
    ],
)
def test_delegate_approval_comes_from_an_independent_delegate(
    approvers: tuple[str, ...], verdict: Verdict, message: str
) -> None:
    outcome = check_approver(approval(approvers=approvers), COMMITTEE, POLICY)
    assert outcome.rule_id == "AC-PRE-02"
    assert outcome.verdict is verdict
    assert message in outcome.message


def test_delegate_approval_without_a_policy_has_no_delegation() -> None:
    outcome = check_approver(approval(), COMMITTEE, None)
    assert outcome.verdict is Verdict.FAIL


@pytest.mark.parametrize(
    ("meeting_ref", "verdict"), [("mtg-7", Verdict.PASS), (None, Verdict.FAIL)]
)
def test_committee_approval_is_a_vote_at_a_meeting(
    meeting_ref: str | None, verdict: Verdict
) -> None:
    outcome = check_approver(
        approval(kind=ApprovalKind.COMMITTEE, meeting_ref=meeting_ref, approvers=()),
        COMMITTEE,
        POLICY,
    )
    assert outcome.verdict is verdict


def test_policy_approval_needs_no_approver() -> None:
    outcome = check_approver(
        approval(kind=ApprovalKind.POLICY, approvers=()), COMMITTEE, POLICY
    )
    assert outcome.verdict is Verdict.NOT_APPLICABLE


def test_de_minimis_approval_by_a_non_member_fails() -> None:
    outcome = check_approver(
        approval(kind=ApprovalKind.DE_MINIMIS, approvers=("cleo",)), COMMITTEE, POLICY
    )
    assert outcome.verdict is Verdict.FAIL


# AC-PRE-02: reporting at the next scheduled meeting -----------------------------------


@pytest.mark.parametrize(
    ("kind", "reported_on", "as_of", "verdict"),
    [
        (ApprovalKind.DELEGATE, date(2026, 5, 12), date(2026, 6, 1), Verdict.PASS),
        (ApprovalKind.DELEGATE, date(2026, 8, 11), date(2026, 9, 1), Verdict.FAIL),
        (ApprovalKind.DELEGATE, None, date(2026, 5, 11), Verdict.NOT_APPLICABLE),
        (ApprovalKind.DELEGATE, None, date(2026, 5, 12), Verdict.FAIL),
        (ApprovalKind.POLICY, None, date(2026, 5, 13), Verdict.FAIL),
        (ApprovalKind.POLICY, date(2026, 5, 12), date(2026, 5, 13), Verdict.PASS),
        (ApprovalKind.COMMITTEE, None, date(2026, 9, 1), Verdict.NOT_APPLICABLE),
    ],
)
def test_delegate_and_policy_approvals_are_reported_at_the_next_meeting(
    kind: ApprovalKind, reported_on: date | None, as_of: date, verdict: Verdict
) -> None:
    outcome = check_reported(
        approval(kind=kind, reported_on=reported_on), COMMITTEE, as_of
    )
    assert outcome.verdict is verdict
    expected = "AC-PRE-02" if kind is ApprovalKind.DELEGATE else "AC-PRE-01"
    assert outcome.rule_id == expected


def test_approval_on_a_meeting_day_is_reported_at_the_following_meeting() -> None:
    outcome = check_reported(
        approval(approved_on=date(2026, 5, 12)), COMMITTEE, date(2026, 8, 12)
    )
    assert outcome.verdict is Verdict.FAIL
    assert "2026-08-11" in outcome.message


def test_with_no_meeting_scheduled_the_report_is_not_yet_due() -> None:
    outcome = check_reported(
        approval(approved_on=date(2026, 9, 1)), COMMITTEE, date(2027, 1, 1)
    )
    assert outcome.verdict is Verdict.NOT_APPLICABLE
    assert "none scheduled" in outcome.message
    reported = check_reported(
        approval(approved_on=date(2026, 9, 1), reported_on=date(2026, 12, 1)),
        COMMITTEE,
        date(2027, 1, 1),
    )
    assert reported.verdict is Verdict.PASS


def test_reports_due_lists_unreported_delegate_and_policy_approvals_with_their_meeting() -> (
    None
):
    approvals = [
        approval(ref="d-2", approved_on=date(2026, 6, 1)),
        approval(ref="d-1"),
        approval(ref="p-1", kind=ApprovalKind.POLICY),
        approval(ref="done", reported_on=date(2026, 5, 12)),
        approval(ref="vote", kind=ApprovalKind.COMMITTEE, meeting_ref="m"),
    ]
    due = reports_due(approvals, COMMITTEE)
    assert [(a.ref, day) for a, day in due] == [
        ("d-1", date(2026, 5, 12)),
        ("p-1", date(2026, 5, 12)),
        ("d-2", date(2026, 8, 11)),
    ]


# AC-PRE-03: de minimis ---------------------------------------------------------------


def de_minimis(**changes: object) -> DeMinimisService:
    base = DeMinimisService(
        ref="dm-1",
        category=Category.ALL_OTHER,
        fee=D("5000"),
        not_recognised_at_engagement=True,
        brought_to_committee_on=date(2027, 1, 20),
        approved_on=date(2027, 2, 10),
        approvers=("ada",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fee", "total", "verdict"),
    [
        (D("5000"), D("100000"), Verdict.PASS),  # exactly 5%
        (D("5000.01"), D("100000"), Verdict.FAIL),  # one cent above
        (D("4999.99"), D("100000"), Verdict.PASS),
        (D("0"), D("0"), Verdict.PASS),
        (D("1"), D("0"), Verdict.FAIL),
    ],
)
def test_de_minimis_aggregate_boundary(
    fee: Decimal, total: Decimal, verdict: Verdict
) -> None:
    outcomes = check_de_minimis(
        [de_minimis(fee=fee)],
        total_fees_for_year=total,
        audit_completed_on=date(2027, 2, 25),
        committee=COMMITTEE,
        as_of=date(2027, 3, 1),
    )
    assert outcomes[0].verdict is verdict
    assert outcomes[1].verdict is Verdict.PASS


def test_de_minimis_aggregates_every_service_of_the_year() -> None:
    outcomes = check_de_minimis(
        [de_minimis(ref="a", fee=D("3000")), de_minimis(ref="b", fee=D("2001"))],
        total_fees_for_year=D("100000"),
        audit_completed_on=None,
        committee=COMMITTEE,
        as_of=date(2027, 3, 1),
    )
    assert outcomes[0].verdict is Verdict.FAIL
    assert "5001" in outcomes[0].message


@pytest.mark.parametrize(
    ("changes", "completed", "as_of", "verdict", "message"),
    [
        ({}, date(2027, 2, 10), date(2027, 3, 1), Verdict.PASS, "before the audit"),
        ({}, date(2027, 2, 9), date(2027, 3, 1), Verdict.FAIL, "after the audit"),
        (
            {"category": Category.AUDIT},
            None,
            date(2027, 3, 1),
            Verdict.FAIL,
            "non-audit",
        ),
        (
            {"not_recognised_at_engagement": False},
            None,
            date(2027, 3, 1),
            Verdict.FAIL,
            "recognised",
        ),
        ({"approvers": ("cleo",)}, None, date(2027, 3, 1), Verdict.FAIL, "cleo"),
        (
            {"approved_on": None},
            date(2027, 2, 25),
            date(2027, 2, 24),
            Verdict.INSUFFICIENT_DATA,
            "brought to the committee on 2027-01-20",
        ),
        (
            {"approved_on": None, "brought_to_committee_on": None},
            None,
            date(2027, 2, 24),
            Verdict.INSUFFICIENT_DATA,
            "not yet brought",
        ),
        (
            {"approved_on": None},
            date(2027, 2, 25),
            date(2027, 2, 25),
            Verdict.FAIL,
            "Not approved before",
        ),
        ({}, None, date(2027, 3, 1), Verdict.PASS, "approved on 2027-02-10"),
    ],
)
def test_de_minimis_conditions_for_each_service(
    changes: dict[str, object],
    completed: date | None,
    as_of: date,
    verdict: Verdict,
    message: str,
) -> None:
    outcomes = check_de_minimis(
        [de_minimis(**changes)],
        total_fees_for_year=D("1000000"),
        audit_completed_on=completed,
        committee=COMMITTEE,
        as_of=as_of,
    )
    assert outcomes[1].verdict is verdict
    assert message in outcomes[1].message


def test_within_de_minimis_compares_exactly() -> None:
    assert within_de_minimis(D("33.33"), D("666.60"))
    assert not within_de_minimis(D("33.34"), D("666.60"))


# Reconciliation ----------------------------------------------------------------------


def fee(**changes: object) -> FeeRecord:
    base = FeeRecord(
        ref="f-1",
        fiscal_year=2026,
        category=Category.TAX,
        amount=D("12000"),
        approval_ref="ap-1",
        rendered_on=date(2026, 4, 1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_fees_within_their_approval_raise_no_alert() -> None:
    fees = [fee(), fee(ref="f-2", amount=D("8000"))]  # exactly the 20,000 approved
    assert reconcile(fees, [approval()]) == ()


def test_fee_one_cent_above_the_approval_is_an_alert() -> None:
    fees = [fee(), fee(ref="f-2", amount=D("8000.01"))]
    (alert,) = reconcile(fees, [approval()])
    assert alert.rule_id == "AC-PRE-06"
    assert alert.amount == D("0.01")
    assert alert.fee_refs == ("f-1", "f-2")


@pytest.mark.parametrize(
    ("changes", "rule_id", "message"),
    [
        ({"approval_ref": None}, "AC-PRE-01", "no matching approval"),
        ({"approval_ref": "ap-9"}, "AC-PRE-01", "does not exist"),
        ({"category": Category.ALL_OTHER}, "AC-PRE-01", "covers Tax Fees"),
        ({"rendered_on": date(2026, 3, 1)}, "AC-PRE-01", "before approval"),
        ({"de_minimis": True}, "AC-PRE-03", "de minimis"),
    ],
)
def test_fee_without_a_valid_approval_is_an_alert(
    changes: dict[str, object], rule_id: str, message: str
) -> None:
    alerts = reconcile([fee(**changes)], [approval()])
    assert alerts[0].rule_id == rule_id
    assert message in alerts[0].message


def test_fee_after_the_policy_term_is_an_alert() -> None:
    policy_approval = approval(kind=ApprovalKind.POLICY, term_ends_on=date(2027, 1, 14))
    on_last_day = reconcile([fee(rendered_on=date(2027, 1, 14))], [policy_approval])
    day_after = reconcile([fee(rendered_on=date(2027, 1, 15))], [policy_approval])
    assert on_last_day == ()
    assert [a.rule_id for a in day_after] == ["AC-PRE-06"]


def test_de_minimis_fee_under_a_de_minimis_approval_may_predate_it() -> None:
    dm = approval(kind=ApprovalKind.DE_MINIMIS, approved_on=date(2026, 9, 1))
    assert reconcile([fee(de_minimis=True)], [dm]) == ()


def test_de_minimis_base_is_the_years_total_fees() -> None:
    fees = [
        fee(),
        fee(ref="f-2", category=Category.AUDIT, amount=D("88000")),
        fee(ref="f-3", fiscal_year=2025, amount=D("1")),
    ]
    assert de_minimis_base(fees, 2026) == D("100000")


def test_negative_approval_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        approval(amount=D("-1"))
    with pytest.raises(ValueError, match="negative"):
        de_minimis(fee=D("-1"))


ITEM = PolicyItem(
    "AR-1",
    "Audit of the employee 401(k) plan",
    Category.AUDIT_RELATED,
    D("40000"),
    date(2026, 1, 15),
)


def under_item(ref: str, amount: str, on: date) -> Approval:
    return approval(
        ref=ref,
        kind=ApprovalKind.POLICY,
        category=Category.AUDIT_RELATED,
        amount=D(amount),
        approved_on=on,
        policy_item="AR-1",
        approvers=(),
    )


@pytest.mark.parametrize(
    ("amounts", "last_on", "verdict"),
    [
        (
            ["30000", "10000"],
            date(2027, 1, 14),
            Verdict.PASS,
        ),  # exactly the cap, last day
        (["30000", "10000.01"], date(2027, 1, 14), Verdict.FAIL),  # one cent above
        (["30000", "10000"], date(2027, 1, 15), Verdict.FAIL),  # the day after the term
    ],
)
def test_policy_usage_cap_and_term(
    amounts: list[str], last_on: date, verdict: Verdict
) -> None:
    approvals = [
        under_item("p-1", amounts[0], date(2026, 3, 2)),
        under_item("p-2", amounts[1], last_on),
        approval(ref="other", policy_item="TX-1", amount=D("99999")),
    ]
    outcome = check_policy_usage(ITEM, approvals)
    assert outcome.rule_id == "AC-PRE-06"
    assert outcome.verdict is verdict
    assert [e.ref for e in outcome.evidence] == ["p-1", "p-2"]
