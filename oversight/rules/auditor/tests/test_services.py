"""Screening service requests: prohibited categories, tax and ICFR steps, the policy."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from oversight.rules.auditor.common import Category
from oversight.rules.auditor.services import (
    BY_CODE,
    PROHIBITED,
    IcfrSteps,
    Outcome,
    Policy,
    PolicyItem,
    ScreenContext,
    ServiceRequest,
    TaxSteps,
    keyword_screen,
    screen_service,
)
from oversight.rules.core import Verdict

D = Decimal
MEETING = date(2026, 5, 12)
ITEM = PolicyItem(
    "AR-1",
    "Audit of the employee 401(k) plan",
    Category.AUDIT_RELATED,
    D("40000"),
    date(2026, 1, 15),
)
TAX_ITEM = PolicyItem(
    "TX-1",
    "Review of the federal income tax return",
    Category.TAX,
    D("25000"),
    date(2026, 1, 15),
)
POLICY = Policy(1, date(2026, 1, 15), items=(ITEM, TAX_ITEM), delegates=("ada", "ben"))
CTX = ScreenContext(next_meeting_on=MEETING)
ALL_TAX_STEPS = TaxSteps(True, True, True, True, True, True)
ALL_ICFR_STEPS = IcfrSteps(True, True, True)


def request(**changes: object) -> ServiceRequest:
    base = ServiceRequest(
        ref="req-1",
        description="Audit of the employee 401(k) plan for plan year 2025",
        category=Category.AUDIT_RELATED,
        fee_estimate=D("30000"),
        requested_on=date(2026, 3, 2),
        starts_on=date(2026, 3, 16),
        policy_item="AR-1",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# Realistic descriptions, one per prohibited category.
DESCRIPTIONS = {
    "A1": "Monthly bookkeeping and posting journal entries for the German subsidiary",
    "A2": "Design and implement the new general ledger system (ERP) for the group",
    "A3": "Valuation of the acquired customer relationships for the purchase price allocation",
    "A4": "Actuarial calculation of the pension obligation recorded at year end",
    "A5": "Outsourcing of the internal audit function's testing of revenue controls",
    "A6": "Act as interim CFO for six months while the search is under way",
    "A7": "Executive search for a new chief operating officer, with reference checks",
    "A8": "Act as broker and underwriter for the follow-on share offering",
    "A9": "Legal services: draft the contracts for the Asia distribution agreements",
    "A10": "Expert witness testimony in the patent litigation against a competitor",
    "P1": "Sales tax recovery review on a contingent fee of 20% of refunds",
    "P2": "Advice on a confidential transaction structuring the IP transfer",
    "P3": "Plan a listed transaction to reduce the group's effective tax rate",
    "P4": "Prepare the personal tax returns of the CFO and the controller",
}


def test_reference_data_has_ten_s_x_categories_and_four_pcaob() -> None:
    codes = [svc.code for svc in PROHIBITED]
    assert codes == [f"A{i}" for i in range(1, 11)] + ["P1", "P2", "P3", "P4"]
    assert [BY_CODE[c].results_not_audited_exception for c in codes[:5]] == [True] * 5
    assert not any(BY_CODE[c].results_not_audited_exception for c in codes[5:])
    assert all(svc.carve_out and svc.rule and svc.keywords for svc in PROHIBITED)


@pytest.mark.parametrize("code", list(DESCRIPTIONS))
def test_declared_prohibited_category_is_blocked_with_the_rule_cited(code: str) -> None:
    decision = screen_service(
        request(description=DESCRIPTIONS[code], nature=code), POLICY, CTX
    )
    assert decision.outcome is Outcome.BLOCKED
    assert decision.prohibited == (code,)
    assert "AC-SVC-01" in decision.rule_ids
    assert BY_CODE[code].rule in decision.message
    assert decision.checks[0].verdict is Verdict.FAIL


@pytest.mark.parametrize("code", list(DESCRIPTIONS))
def test_keyword_screen_flags_each_category_from_a_realistic_description(
    code: str,
) -> None:
    assert code in {flag.code for flag in keyword_screen(DESCRIPTIONS[code])}


@pytest.mark.parametrize("code", list(DESCRIPTIONS))
def test_undeclared_prohibited_description_is_never_approved_in_general(
    code: str,
) -> None:
    """The description matches a policy item's category, but the screen sends it to people."""
    decision = screen_service(
        request(
            description=DESCRIPTIONS[code],
            category=Category.ALL_OTHER,
            policy_item=None,
        ),
        Policy(
            1, date(2026, 1, 1), items=(replace(ITEM, category=Category.ALL_OTHER),)
        ),
        CTX,
    )
    assert decision.outcome is not Outcome.APPROVED_UNDER_POLICY
    assert code in {flag.code for flag in decision.flags}


@pytest.mark.parametrize(
    ("code", "rationale", "outcome"),
    [
        ("A1", False, Outcome.BLOCKED),
        ("A1", True, Outcome.NEEDS_SPECIFIC_APPROVAL),
        ("A3", False, Outcome.BLOCKED),
        ("A3", True, Outcome.NEEDS_SPECIFIC_APPROVAL),
        ("A5", True, Outcome.NEEDS_SPECIFIC_APPROVAL),
        ("A6", True, Outcome.BLOCKED),
        ("A9", True, Outcome.BLOCKED),
        ("A10", True, Outcome.BLOCKED),
    ],
)
def test_results_not_audited_rationale_lifts_a1_to_a5_only(
    code: str, rationale: bool, outcome: Outcome
) -> None:
    decision = screen_service(
        request(
            description="Advisory work described in the attached letter",
            nature=code,
            rationale_approved=rationale,
        ),
        POLICY,
        CTX,
    )
    assert decision.outcome is outcome


@pytest.mark.parametrize(
    ("flag", "code", "rule_id"),
    [
        ("contingent_fee", "P1", "AC-SVC-02"),
        ("confidential_tax_transaction", "P2", "AC-SVC-03"),
        ("aggressive_tax_transaction", "P3", "AC-SVC-03"),
        ("tax_to_fror_person", "P4", "AC-SVC-04"),
    ],
)
def test_pcaob_flags_block_outright(flag: str, code: str, rule_id: str) -> None:
    decision = screen_service(
        request(
            description="Review of the federal income tax return",
            category=Category.TAX,
            policy_item="TX-1",
            tax_steps=ALL_TAX_STEPS,
            **{flag: True},
        ),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.BLOCKED
    assert decision.prohibited == (code,)
    assert rule_id in decision.rule_ids


def test_several_prohibitions_are_all_cited() -> None:
    decision = screen_service(
        request(nature="A3", contingent_fee=True, tax_to_fror_person=True),
        POLICY,
        CTX,
    )
    assert decision.prohibited == ("A3", "P1", "P4")
    assert decision.rule_ids == ("AC-SVC-01", "AC-SVC-02", "AC-SVC-04")


def test_request_dated_after_the_service_began_is_too_late() -> None:
    decision = screen_service(
        request(requested_on=date(2026, 3, 17), starts_on=date(2026, 3, 16)),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.TOO_LATE
    assert decision.rule_ids == ("AC-PRE-01",)
    assert "de minimis" in decision.message


def test_request_on_the_start_day_is_in_time() -> None:
    decision = screen_service(
        request(requested_on=date(2026, 3, 16), starts_on=date(2026, 3, 16)),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.APPROVED_UNDER_POLICY


# Rule 3524 and Rule 3525 steps -------------------------------------------------------

TAX_STEP_NAMES = [
    "scope_described_in_writing",
    "fee_structure_described_in_writing",
    "side_letters_disclosed",
    "referral_arrangements_disclosed",
    "independence_discussed",
    "discussion_documented",
]


@pytest.mark.parametrize("missing", TAX_STEP_NAMES)
def test_tax_service_missing_one_rule_3524_step_waits_for_it(missing: str) -> None:
    steps = replace(ALL_TAX_STEPS, **{missing: False})
    decision = screen_service(
        request(
            description="Review of the federal income tax return",
            category=Category.TAX,
            policy_item="TX-1",
            tax_steps=steps,
        ),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.REQUIRES_TAX_STEPS
    assert decision.rule_ids == ("AC-PRE-04",)
    assert len(decision.missing_steps) == 1
    assert decision.missing_steps[0].startswith("Rule 3524: ")


def test_tax_service_with_every_step_is_approved_under_its_policy_item() -> None:
    decision = screen_service(
        request(
            description="Review of the federal income tax return",
            category=Category.TAX,
            policy_item="TX-1",
            fee_estimate=D("25000"),
            tax_steps=ALL_TAX_STEPS,
        ),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.APPROVED_UNDER_POLICY
    assert decision.checks[0].rule_id == "AC-PRE-04"
    assert decision.checks[0].verdict is Verdict.PASS


def test_tax_flag_on_another_category_still_needs_the_3524_steps() -> None:
    decision = screen_service(request(is_tax=True), POLICY, CTX)
    assert decision.outcome is Outcome.REQUIRES_TAX_STEPS
    assert len(decision.missing_steps) == 6


@pytest.mark.parametrize(
    "missing",
    ["scope_described_in_writing", "independence_discussed", "discussion_documented"],
)
def test_icfr_service_missing_one_rule_3525_step_waits_for_it(missing: str) -> None:
    decision = screen_service(
        request(
            description="Readiness assessment of controls documentation",
            icfr_related=True,
            icfr_steps=replace(ALL_ICFR_STEPS, **{missing: False}),
        ),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.REQUIRES_ICFR_STEPS
    assert decision.rule_ids == ("AC-PRE-05",)
    assert decision.missing_steps[0].startswith("Rule 3525: ")


def test_tax_and_icfr_steps_missing_are_listed_together() -> None:
    decision = screen_service(request(is_tax=True, icfr_related=True), POLICY, CTX)
    assert decision.outcome is Outcome.REQUIRES_TAX_STEPS
    assert decision.rule_ids == ("AC-PRE-04", "AC-PRE-05")
    assert len(decision.missing_steps) == 9


def test_icfr_steps_alone_missing() -> None:
    decision = screen_service(
        request(is_tax=True, tax_steps=ALL_TAX_STEPS, icfr_related=True),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.REQUIRES_ICFR_STEPS


def test_icfr_steps_do_not_apply_to_audit_services() -> None:
    decision = screen_service(
        request(
            description="Integrated audit of the consolidated statements",
            category=Category.AUDIT,
            icfr_related=True,
            policy_item=None,
        ),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.NEEDS_SPECIFIC_APPROVAL
    assert decision.missing_steps == ()


def test_icfr_words_in_an_undeclared_non_audit_request_are_flagged() -> None:
    decision = screen_service(
        request(description="Assist with SOX control documentation"), POLICY, CTX
    )
    assert decision.outcome is Outcome.NEEDS_SPECIFIC_APPROVAL
    assert [flag.code for flag in decision.flags] == ["ICFR"]


def test_tax_words_in_an_undeclared_request_are_flagged() -> None:
    decision = screen_service(
        request(description="Audit of the 401(k) plan and tax filing support"),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.NEEDS_SPECIFIC_APPROVAL
    assert [flag.code for flag in decision.flags] == ["TAX"]
    assert "keyword screen" in decision.message


# The policy: item, category, cap, term, in force --------------------------------------


@pytest.mark.parametrize(
    ("fee", "used", "outcome"),
    [
        (D("40000.00"), D("0"), Outcome.APPROVED_UNDER_POLICY),  # exactly the cap
        (D("40000.01"), D("0"), Outcome.NEEDS_SPECIFIC_APPROVAL),  # one cent above
        (D("10000"), D("30000"), Outcome.APPROVED_UNDER_POLICY),  # fills the cap
        (D("10000.01"), D("30000"), Outcome.NEEDS_SPECIFIC_APPROVAL),
    ],
)
def test_policy_cap_edges(fee: Decimal, used: Decimal, outcome: Outcome) -> None:
    context = ScreenContext(next_meeting_on=MEETING, used_under_item={"AR-1": used})
    decision = screen_service(request(fee_estimate=fee), POLICY, context)
    assert decision.outcome is outcome


@pytest.mark.parametrize(
    ("starts_on", "outcome"),
    [
        (date(2027, 1, 14), Outcome.APPROVED_UNDER_POLICY),  # last day of the term
        (date(2027, 1, 15), Outcome.NEEDS_SPECIFIC_APPROVAL),  # the day after
    ],
)
def test_policy_term_edges(starts_on: date, outcome: Outcome) -> None:
    decision = screen_service(request(starts_on=starts_on), POLICY, CTX)
    assert decision.outcome is outcome


def test_item_term_can_be_set_shorter() -> None:
    short = replace(ITEM, term_months=2)
    assert short.ends_on == date(2026, 3, 14)
    decision = screen_service(request(), replace(POLICY, items=(short,)), CTX)
    assert decision.outcome is Outcome.NEEDS_SPECIFIC_APPROVAL
    assert "term runs from 2026-01-15 to 2026-03-14" in decision.message


def test_request_before_the_items_term_is_not_covered() -> None:
    decision = screen_service(
        request(requested_on=date(2026, 1, 14), starts_on=date(2026, 1, 20)),
        replace(POLICY, adopted_on=date(2026, 1, 1)),
        CTX,
    )
    assert decision.outcome is Outcome.NEEDS_SPECIFIC_APPROVAL


def test_general_approval_is_listed_for_the_next_meeting() -> None:
    decision = screen_service(request(), POLICY, CTX)
    assert decision.outcome is Outcome.APPROVED_UNDER_POLICY
    assert decision.policy_item == "AR-1"
    assert decision.report_at_meeting_on == MEETING
    assert decision.rule_ids == ("AC-PRE-01", "AC-PRE-06")
    assert "2026-05-12" in decision.message


def test_general_approval_without_a_scheduled_meeting_says_so() -> None:
    decision = screen_service(request(), POLICY, ScreenContext())
    assert decision.report_at_meeting_on is None
    assert "none scheduled" in decision.message


@pytest.mark.parametrize(
    ("policy", "item", "expected"),
    [
        (None, "AR-1", "No pre-approval policy is in force"),
        (
            replace(POLICY, adopted_on=date(2026, 3, 3)),
            "AR-1",
            "No pre-approval policy",
        ),
        (replace(POLICY, superseded_on=date(2026, 3, 2)), "AR-1", "No pre-approval"),
        (POLICY, "XX-9", "has no item 'XX-9'"),
        (POLICY, None, "No policy item was named"),
        (POLICY, "TX-1", "covers Tax Fees, not Audit-Related Fees"),
    ],
)
def test_policy_that_does_not_cover_the_request_sends_it_to_the_committee(
    policy: Policy | None, item: str | None, expected: str
) -> None:
    decision = screen_service(request(policy_item=item), policy, CTX)
    assert decision.outcome is Outcome.NEEDS_SPECIFIC_APPROVAL
    assert expected in decision.message


def test_policy_superseded_the_day_after_still_applies() -> None:
    decision = screen_service(
        request(), replace(POLICY, superseded_on=date(2026, 3, 3)), CTX
    )
    assert decision.outcome is Outcome.APPROVED_UNDER_POLICY


def test_specific_approval_names_the_delegates_and_their_reporting() -> None:
    decision = screen_service(request(policy_item=None), POLICY, CTX)
    assert decision.delegates == ("ada", "ben")
    assert decision.rule_ids == ("AC-PRE-01", "AC-PRE-02")
    assert decision.report_at_meeting_on == MEETING
    assert "delegated independent member (ada, ben)" in decision.message


def test_specific_approval_without_delegates_is_a_committee_vote() -> None:
    decision = screen_service(
        request(policy_item=None), replace(POLICY, delegates=()), CTX
    )
    assert decision.rule_ids == ("AC-PRE-01",)
    assert decision.report_at_meeting_on is None
    assert decision.message.endswith("a committee vote at a meeting.")


# Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fee_estimate": D("-1")}, "cannot be negative"),
        ({"fee_estimate": D("NaN")}, "finite"),
        ({"nature": "A11"}, "Unknown service nature"),
        ({"category": "consulting"}, "Unknown fee category"),
        ({"description": "   "}, "needs a description"),
    ],
)
def test_bad_requests_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        request(**changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fee_cap": D("-5")}, "cannot be negative"),
        ({"term_months": 0}, "at least one month"),
        ({"service": ""}, "name the specific service"),
    ],
)
def test_bad_policy_items_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(ITEM, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "description",
    [
        "Audit of the consolidated financial statements for fiscal 2026",
        "Review of the quarterly financial statements on Form 10-Q",
        "Consent and comfort letter for the shelf registration",
        "Audit of the employee 401(k) plan for plan year 2025",
        "Due diligence on the acquisition target's quality of earnings",
    ],
)
def test_ordinary_audit_work_raises_no_flag(description: str) -> None:
    assert keyword_screen(description) == ()


def test_icfr_service_with_every_step_can_be_approved_under_the_policy() -> None:
    decision = screen_service(
        request(
            description="Readiness assessment of controls documentation",
            icfr_related=True,
            icfr_steps=ALL_ICFR_STEPS,
        ),
        POLICY,
        CTX,
    )
    assert decision.outcome is Outcome.APPROVED_UNDER_POLICY
    assert (decision.checks[0].rule_id, decision.checks[0].verdict) == (
        "AC-PRE-05",
        Verdict.PASS,
    )
