"""The register's services: the rules applied, bad input refused, nothing half-saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from oversight.auditors import models as m
from oversight.auditors import queries, services
from oversight.auditors.tests.conftest import request_fields
from oversight.ledger.models import LedgerEvent

D = Decimal


def events(action: str) -> int:
    return LedgerEvent.objects.filter(action=action).count()


# Engagements -----------------------------------------------------------------------


def test_engagement_records_the_committees_fee_approval(register):
    approval = register.engagement.approvals.get()
    assert approval.kind == "committee"
    assert approval.category == "audit"
    assert approval.amount == D("1150000")
    assert approval.approved_on == date(2025, 11, 11)
    assert events("auditors.engagement_created") == 2


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (date(2026, 6, 1), None),
        (date(2025, 12, 1), date(2026, 1, 1)),  # touches the first day
    ],
)
def test_overlapping_engagement_for_the_same_year_is_refused(
    register, personas, starts_on, ends_on
):
    with pytest.raises(ValidationError, match="overlaps the FY2026 engagement"):
        services.create_engagement(
            register.firm,
            actor=personas["fay"],
            fiscal_year=2026,
            starts_on=starts_on,
            ends_on=ends_on,
            appointed_on=date(2025, 11, 1),
            appointed_at="",
            scope="Second audit",
            agreed_audit_fee=D("1"),
        )
    assert m.Engagement.objects.count() == 2
    assert m.Approval.objects.filter(category="audit").count() == 2


def test_successor_engagement_after_termination_does_not_overlap(register, personas):
    fay = personas["fay"]
    termination = services.terminate_engagement(
        register.engagement,
        actor=fay,
        kind="dismissed",
        decided_on=date(2026, 6, 4),
        reason="Successor selected after a proposal process.",
    )
    successor_firm = services.create_firm(
        register.engagement.company,
        actor=fay,
        name="Second Fictional LLP",
        pcaob_id="8888",
    )
    successor = services.create_engagement(
        successor_firm,
        actor=fay,
        fiscal_year=2026,
        starts_on=date(2026, 6, 5),
        ends_on=None,
        appointed_on=date(2026, 6, 4),
        appointed_at="Special meeting",
        scope="FY2026 audit",
        agreed_audit_fee=D("1200000"),
    )
    assert successor.pk
    steps = {s.code: s for s in termination.steps.all()}
    assert steps["file_8k"].due_on == date(2026, 6, 10)  # Thursday + 4 business days
    assert steps["file_8k_amendment"].due_on is None
    register.engagement.refresh_from_db()
    assert register.engagement.ends_on == date(2026, 6, 4)


def test_termination_twice_is_refused(register, personas):
    kwargs: dict[str, Any] = {
        "kind": "resigned",
        "decided_on": date(2026, 6, 4),
        "reason": "Resigned.",
    }
    services.terminate_engagement(register.engagement, actor=personas["fay"], **kwargs)
    with pytest.raises(ValidationError, match="already terminated"):
        services.terminate_engagement(
            register.engagement, actor=personas["fay"], **kwargs
        )


@pytest.mark.parametrize(
    ("pcaob_id", "message"), [("abc", "is a number"), ("9999", "already recorded")]
)
def test_bad_firm_is_refused(register, personas, pcaob_id, message):
    with pytest.raises(ValidationError, match=message):
        services.create_firm(
            register.firm.company, actor=personas["fay"], name="X", pcaob_id=pcaob_id
        )


def test_ratification_records_the_vote(register, personas):
    row = services.record_ratification(
        register.engagement,
        actor=personas["fay"],
        voted_on=date(2026, 5, 20),
        votes_for=9_100_000,
        votes_against=120_000,
        abstentions=4_000,
    )
    assert row.ratified
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_ratification(
            register.engagement,
            actor=personas["fay"],
            voted_on=date(2026, 5, 20),
            votes_for=1,
            votes_against=0,
        )


def test_evaluation_by_members_then_result(register, personas):
    answers = {code: (4, "") for code, _ in m.QUESTIONS}
    services.answer_evaluation(
        register.engagement, actor=personas["ada"], answers=answers
    )
    services.answer_evaluation(
        register.engagement, actor=personas["ben"], answers=answers
    )
    with pytest.raises(ValidationError, match="Only committee members"):
        services.answer_evaluation(
            register.engagement, actor=personas["cleo"], answers=answers
        )
    with pytest.raises(ValidationError, match="every question"):
        services.answer_evaluation(
            register.engagement, actor=personas["ada"], answers={"quality": (4, "")}
        )
    evaluation = services.record_evaluation_result(
        register.engagement,
        actor=personas["ada"],
        result="retain",
        summary="Retain.",
        recorded_on=date(2026, 10, 20),
    )
    assert evaluation.answers.count() == 10
    with pytest.raises(ValidationError, match="closed"):
        services.answer_evaluation(
            register.engagement, actor=personas["ben"], answers=answers
        )


def test_partner_roles(register, personas):
    services.add_partner(
        register.engagement, actor=personas["fay"], person="P. Lead", role="lead"
    )
    with pytest.raises(ValidationError, match="already has a partner in that role"):
        services.add_partner(
            register.engagement, actor=personas["fay"], person="Q. Lead", role="lead"
        )
    with pytest.raises(ValidationError, match="Choose"):
        services.add_partner(
            register.engagement, actor=personas["fay"], person="Q", role="boss"
        )


# Fees ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "amount", "message"),
    [
        ("audit", D("-1"), "positive amount or zero"),
        ("", D("10"), "Unknown fee category"),
        ("consulting", D("10"), "Unknown fee category"),
    ],
)
def test_bad_fee_is_refused_and_nothing_saved(
    register, personas, category, amount, message
):
    before = events("auditors.fee_recorded")
    with pytest.raises(ValidationError, match=message):
        services.record_fee(
            register.engagement,
            actor=personas["cleo"],
            category=category,
            amount=amount,
            description="Q1 review",
        )
    assert m.Fee.objects.count() == 0
    assert events("auditors.fee_recorded") == before


def test_fee_under_the_audit_approval_reconciles(register, personas):
    approval = register.engagement.approvals.get()
    services.record_fee(
        register.engagement,
        actor=personas["cleo"],
        category="audit",
        amount=D("1150000"),
        description="FY2026 audit",
        approval=approval,
    )
    assert queries.open_alerts(register.firm.company, as_of=date(2026, 3, 1)) == []


def test_fee_above_its_approval_or_without_one_is_an_alert(register, personas):
    approval = register.engagement.approvals.get()
    cleo = personas["cleo"]
    services.record_fee(
        register.engagement,
        actor=cleo,
        category="audit",
        amount=D("1150000.01"),
        description="FY2026 audit",
        approval=approval,
    )
    services.record_fee(
        register.engagement,
        actor=cleo,
        category="all_other",
        amount=D("2400"),
        description="Tool",
    )
    alerts = queries.open_alerts(register.firm.company, as_of=date(2026, 3, 1))
    assert sorted(a.rule_id for a in alerts) == ["AC-PRE-01", "AC-PRE-06"]
    above = next(a for a in alerts if a.rule_id == "AC-PRE-06")
    services.act_on_independence(
        register.engagement,
        actor=personas["ada"],
        alert_key=above.key,
        action="Asked the firm to credit the overrun.",
        acted_on=date(2026, 3, 5),
    )
    remaining = queries.open_alerts(register.firm.company, as_of=date(2026, 3, 5))
    assert [a.rule_id for a in remaining] == ["AC-PRE-01"]


def test_fee_with_an_approval_of_another_engagement_is_refused(register, personas):
    other = register.previous.approvals.get()
    with pytest.raises(ValidationError, match="another engagement"):
        services.record_fee(
            register.engagement,
            actor=personas["cleo"],
            category="audit",
            amount=D("1"),
            description="x",
            approval=other,
        )


# Policy ------------------------------------------------------------------------------


def test_adopted_policy_is_frozen_and_hashed(register, personas):
    assert len(register.policy.content_hash) == 64
    with pytest.raises(ValidationError, match="frozen"):
        services.add_policy_item(
            register.policy,
            actor=personas["fay"],
            code="X",
            service="Audit of the pension plan",
            category="audit_related",
            fee_cap=D("1"),
            starts_on=date(2026, 1, 1),
        )


def test_new_version_supersedes_the_old(register, personas):
    fay = personas["fay"]
    draft = services.draft_policy(
        register.firm.company, actor=fay, statement="v2", delegates=[personas["ben"]]
    )
    services.add_policy_item(
        draft,
        actor=fay,
        code="AR-1",
        service="Audit of the employee 401(k) plan",
        category="audit_related",
        fee_cap=D("45000"),
        starts_on=date(2027, 1, 15),
    )
    with pytest.raises(ValidationError, match="did not carry"):
        services.adopt_policy(
            draft,
            actor=fay,
            adopted_on=date(2027, 1, 14),
            adopted_at="m",
            votes_for=1,
            votes_against=2,
        )
    services.adopt_policy(
        draft,
        actor=fay,
        adopted_on=date(2027, 1, 14),
        adopted_at="m",
        votes_for=3,
        votes_against=0,
    )
    register.policy.refresh_from_db()
    assert register.policy.superseded_on == date(2027, 1, 14)
    assert (
        services.policy_in_force(register.firm.company, date(2027, 1, 13))
        == register.policy
    )
    assert services.policy_in_force(register.firm.company, date(2027, 1, 14)) == draft


@pytest.mark.parametrize(
    ("who", "message"),
    [("cleo", "not a committee member"), ("eve", "not a committee member")],
)
def test_delegation_only_to_members(register, personas, who, message):
    with pytest.raises(ValidationError, match=message):
        services.draft_policy(
            register.firm.company,
            actor=personas["fay"],
            statement="",
            delegates=[personas[who]],
        )


def test_broad_policy_item_is_refused(register, personas):
    draft = services.draft_policy(
        register.firm.company, actor=personas["fay"], statement="", delegates=[]
    )
    with pytest.raises(ValidationError, match="specific service"):
        services.add_policy_item(
            draft,
            actor=personas["fay"],
            code="TX",
            service="Tax compliance",
            category="tax",
            fee_cap=D("1"),
            starts_on=date(2026, 1, 1),
        )


# Requests and approvals ------------------------------------------------------------------


def test_request_within_the_policy_is_approved_in_general(register, personas):
    row = services.submit_request(
        register.engagement,
        actor=personas["cleo"],
        **request_fields(policy_item=register.item),
    )
    assert row.status == "approved"
    assert row.outcome == "approved_under_policy"
    approval = row.approval
    assert approval.kind == "policy"
    assert approval.term_ends_on == date(2027, 1, 14)
    assert events("auditors.service_approved") == 1
    due = queries.to_report(register.firm.company, as_of=date(2026, 3, 3))
    assert [a.pk for a, _ in due] == [approval.pk]


def test_request_above_the_cap_needs_a_specific_approval(register, personas):
    row = services.submit_request(
        register.engagement,
        actor=personas["cleo"],
        **request_fields(policy_item=register.item, fee_estimate=D("40000.01")),
    )
    assert row.status == "open"
    assert row.outcome == "needs_specific_approval"
    assert "cap is 40000" in row.reasons


def test_prohibited_request_is_blocked_with_the_rule(register, personas):
    row = services.submit_request(
        register.engagement,
        actor=personas["cleo"],
        **request_fields(
            description="Act as interim CFO for six months",
            category="all_other",
            nature="A6",
        ),
    )
    assert row.status == "blocked"
    assert "Reg S-X 2-01(c)(4)(vi)" in row.reasons
    with pytest.raises(ValidationError, match="Only an open request"):
        services.approve_request(
            row, actor=personas["ada"], kind="delegate", approved_on=date(2026, 3, 3)
        )


def test_request_dated_after_the_service_began_is_refused_and_not_saved(
    register, personas
):
    with pytest.raises(ValidationError, match="after the service began"):
        services.submit_request(
            register.engagement,
            actor=personas["cleo"],
            **request_fields(requested_on=date(2026, 3, 17)),
        )
    assert m.ServiceRequest.objects.count() == 0
    assert events("auditors.service_requested") == 0


def test_tax_request_waits_for_rule_3524_steps_then_is_approved_in_general(
    register, personas
):
    row = services.submit_request(
        register.engagement,
        actor=personas["cleo"],
        **request_fields(
            description="Review of the federal income tax return for 2025",
            category="tax",
            policy_item=register.tax_item,
            fee_estimate=D("20000"),
        ),
    )
    assert row.outcome == "requires_tax_steps"
    steps = {name: True for name in services.STEP_FIELDS if name.startswith("tax_")}
    services.record_steps(row, actor=personas["fay"], **steps)
    row.refresh_from_db()
    assert row.outcome == "approved_under_policy"
    assert row.status == "approved"


def test_delegate_approval_then_listed_for_the_next_meeting(register, personas):
    row = services.submit_request(
        register.engagement, actor=personas["cleo"], **request_fields()
    )
    approval = services.approve_request(
        row, actor=personas["ada"], kind="delegate", approved_on=date(2026, 3, 4)
    )
    assert approval.approved_by == personas["ada"]
    due = queries.to_report(register.firm.company, as_of=date(2026, 3, 5))
    assert [a.pk for a, _ in due] == [approval.pk]
    services.mark_reported(
        [approval],
        actor=personas["fay"],
        reported_on=date(2026, 5, 12),
        reported_at="Q2 meeting",
    )
    assert queries.to_report(register.firm.company, as_of=date(2026, 5, 12)) == []


@pytest.mark.parametrize(
    ("who", "kind", "meeting", "message"),
    [
        ("ben", "delegate", "", "holding a delegation"),  # member, not a delegate
        ("cleo", "delegate", "", "holding a delegation"),
        ("cleo", "committee", "Q1 meeting", "not a committee member"),
        ("ada", "committee", "", "name it"),
        ("ada", "management", "", "Choose"),
    ],
)
def test_approval_by_someone_without_authority_is_refused(
    register, personas, who, kind, meeting, message
):
    row = services.submit_request(
        register.engagement, actor=personas["cleo"], **request_fields()
    )
    with pytest.raises(ValidationError, match=message):
        services.approve_request(
            row,
            actor=personas[who],
            kind=kind,
            approved_on=date(2026, 3, 4),
            meeting=meeting,
        )
    row.refresh_from_db()
    assert row.status == "open"
    assert m.Approval.objects.filter(request=row).count() == 0


def test_committee_vote_approval(register, personas):
    row = services.submit_request(
        register.engagement, actor=personas["cleo"], **request_fields()
    )
    approval = services.approve_request(
        row,
        actor=personas["ben"],
        kind="committee",
        approved_on=date(2026, 3, 10),
        meeting="Special meeting",
    )
    assert approval.kind == "committee"
    assert not approval.must_be_reported


def test_approval_after_the_service_starts_is_refused(register, personas):
    row = services.submit_request(
        register.engagement, actor=personas["cleo"], **request_fields()
    )
    with pytest.raises(ValidationError, match="after the service starts"):
        services.approve_request(
            row, actor=personas["ada"], kind="delegate", approved_on=date(2026, 3, 17)
        )


def test_refusal(register, personas):
    row = services.submit_request(
        register.engagement, actor=personas["cleo"], **request_fields()
    )
    services.refuse_request(row, actor=personas["ben"], reason="Not needed this year.")
    assert row.status == "refused"


# De minimis ----------------------------------------------------------------------------


def _fees(register: Any, personas: Any, total: Decimal) -> None:
    services.record_fee(
        register.engagement,
        actor=personas["cleo"],
        category="audit",
        amount=total,
        description="FY2026 audit",
        approval=register.engagement.approvals.get(),
    )


@pytest.mark.parametrize(
    ("amount", "ok"),
    [(D("5000"), True), (D("5000.01"), False)],  # 5% of the 100,000 once recorded
)
def test_de_minimis_boundary(register, personas, amount, ok):
    _fees(register, personas, D("100000") - amount)
    services.record_fee(
        register.engagement,
        actor=personas["cleo"],
        category="all_other",
        amount=amount,
        description="Research tool found unapproved",
        de_minimis=True,
    )
    kwargs = {
        "actor": personas["ada"],
        "description": "Research tool subscription",
        "category": "all_other",
        "amount": amount,
        "not_recognised_at_engagement": True,
        "brought_to_committee_on": date(2026, 9, 1),
        "approved_on": date(2026, 9, 8),
        "meeting": "Q3 meeting",
    }
    if ok:
        approval = services.approve_de_minimis(register.engagement, **kwargs)
        assert approval.kind == "de_minimis"
    else:
        with pytest.raises(ValidationError, match="more than 5%"):
            services.approve_de_minimis(register.engagement, **kwargs)
        assert not m.Approval.objects.filter(kind="de_minimis").exists()


def test_de_minimis_recognised_at_engagement_is_refused(register, personas):
    _fees(register, personas, D("1000000"))
    with pytest.raises(ValidationError, match="recognised"):
        services.approve_de_minimis(
            register.engagement,
            actor=personas["ada"],
            description="x",
            category="tax",
            amount=D("10"),
            not_recognised_at_engagement=False,
            brought_to_committee_on=date(2026, 9, 1),
            approved_on=date(2026, 9, 8),
            meeting="Q3",
        )


# Communications ------------------------------------------------------------------------


def test_communications_status_follows_receipt_and_review(register, personas):
    row = services.record_communication(
        register.engagement,
        actor=personas["dev"],
        kind="qc_report",
        title="2026 QC and inspection report",
        received_on=date(2026, 4, 20),
    )
    statuses = queries.communications(register.engagement, as_of=date(2026, 5, 1))
    assert statuses[0].status.value == "not_yet_due"
    services.review_communication(
        row,
        actor=personas["fay"],
        reviewed_on=date(2026, 5, 12),
        reviewed_at="Q2 meeting",
    )
    statuses = queries.communications(register.engagement, as_of=date(2026, 5, 12))
    assert statuses[0].status.value == "met"
    with pytest.raises(ValidationError, match="already recorded"):
        services.review_communication(
            row, actor=personas["fay"], reviewed_on=date(2026, 5, 12), reviewed_at="Q2"
        )


def test_affirmation_only_on_the_independence_letter(register, personas):
    with pytest.raises(ValidationError, match="affirmation"):
        services.record_communication(
            register.engagement,
            actor=personas["dev"],
            kind="qc_report",
            title="x",
            received_on=date(2026, 4, 20),
            affirmation="independent",
        )


def test_hire_check_through_queries(register, personas):
    hire = services.record_hire(
        register.firm,
        actor=personas["cleo"],
        person="Former senior",
        role_title="Controller",
        financial_reporting_oversight_role=True,
        starts_on=date(2026, 9, 1),
        prior_10k_filed_on=date(2026, 2, 27),
        team_from=date(2025, 3, 1),
        team_to=date(2025, 9, 30),
        team_role="",
        team_hours=400,
    )
    assert queries.hire_check(hire).verdict.value == "fail"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fee_estimate": D("1000000000000")}, "below 1,000,000,000,000"),
        ({"fee_estimate": D("1.005")}, "at most two decimals"),
        ({"description": "   "}, "description is required"),
    ],
)
def test_request_input_limits(register, personas, changes, message):
    with pytest.raises(ValidationError, match=message):
        services.submit_request(
            register.engagement, actor=personas["cleo"], **request_fields(**changes)
        )
    assert m.ServiceRequest.objects.count() == 0


def test_rotation_and_cooling_off_failures_are_alerts(register, personas):
    fay = personas["fay"]
    company = register.firm.company
    for year in range(2020, 2025):
        e = services.create_engagement(
            register.firm,
            actor=fay,
            fiscal_year=year,
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
            appointed_on=date(year - 1, 11, 1),
            appointed_at="m",
            scope=f"FY{year} audit",
            agreed_audit_fee=D("1"),
        )
        services.add_partner(e, actor=fay, person="Dev Auditwright", role="lead")
    services.add_partner(
        register.previous, actor=fay, person="Dev Auditwright", role="lead"
    )
    services.add_partner(
        register.engagement, actor=fay, person="Dev Auditwright", role="lead"
    )
    hire = services.record_hire(
        register.firm,
        actor=personas["cleo"],
        person="Former senior",
        role_title="Controller",
        financial_reporting_oversight_role=True,
        starts_on=date(2026, 9, 1),
        prior_10k_filed_on=date(2026, 2, 27),
        team_from=date(2025, 3, 1),
        team_to=date(2025, 9, 30),
        team_role="",
        team_hours=400,
    )
    alerts = queries.open_alerts(company, as_of=date(2026, 10, 1))
    # seven years as lead: past the five of AC-ROT-01, within the seven of AC-ROT-02
    assert sorted(a.rule_id for a in alerts) == ["AC-EMP-01", "AC-ROT-01"]
    services.act_on_independence(
        register.engagement,
        actor=personas["ada"],
        alert_key=f"AC-EMP-01:hire:{hire.pk}",
        action="The board was told; the hire was moved to a non-oversight role.",
        acted_on=date(2026, 9, 15),
    )
    remaining = queries.open_alerts(company, as_of=date(2026, 10, 1))
    assert [a.rule_id for a in remaining] == ["AC-ROT-01"]
