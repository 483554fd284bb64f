"""The register feeds the charter engine: ``auditor.*`` facts with their evidence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from oversight.auditors import models as m
from oversight.auditors import services
from oversight.auditors.facts import collect_facts
from oversight.auditors.tests.conftest import build_register, request_fields
from oversight.rules.core import Fact
from oversight.rules.kinds import BY_NAME

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def reg(company, personas):
    reg = build_register(company, personas)
    ada, fay, cleo = personas["ada"], personas["fay"], personas["cleo"]
    services.record_ratification(
        reg.engagement,
        actor=fay,
        voted_on=date(2026, 5, 20),
        votes_for=10,
        votes_against=1,
    )
    services.answer_evaluation(
        reg.previous, actor=ada, answers={code: (4, "") for code, _ in m.QUESTIONS}
    )
    services.record_evaluation_result(
        reg.previous,
        actor=ada,
        result="retain",
        summary="",
        recorded_on=date(2025, 10, 20),
    )
    qc = services.record_communication(
        reg.engagement,
        actor=fay,
        kind="qc_report",
        title="QC",
        received_on=date(2026, 4, 20),
    )
    services.review_communication(
        qc, actor=fay, reviewed_on=date(2026, 5, 12), reviewed_at="Q2"
    )
    letter = services.record_communication(
        reg.engagement,
        actor=fay,
        kind="independence_annual",
        title="Rule 3526 letter",
        received_on=date(2026, 10, 30),
        affirmation="independent",
    )
    services.review_communication(
        letter, actor=fay, reviewed_on=date(2026, 11, 10), reviewed_at="Q4"
    )
    services.record_communication(
        reg.engagement,
        actor=fay,
        kind="required_report",
        title="AS 1301",
        received_on=date(2026, 2, 20),
    )
    row = services.submit_request(reg.engagement, actor=cleo, **request_fields())
    services.approve_request(
        row, actor=ada, kind="delegate", approved_on=date(2026, 3, 4)
    )
    services.record_fee(
        reg.engagement,
        actor=cleo,
        category="all_other",
        amount=D("2400"),
        description="Research tool",
        rendered_on=date(2026, 2, 1),
    )
    return reg


def kinds(facts: list[Fact]) -> list[str]:
    return sorted({f.kind for f in facts})


def test_every_emitted_kind_is_catalogued_for_this_register(reg, company):
    facts = collect_facts(company, as_of=date(2026, 12, 31))
    for fact in facts:
        assert BY_NAME[fact.kind].register == "auditors"
        assert fact.recorded_at.tzinfo is not None
        assert fact.ref.startswith("auditors.")
    assert kinds(facts) == [
        "auditor.appointed",
        "auditor.compensation_approved",
        "auditor.evaluated",
        "auditor.independence_discussed",
        "auditor.policy_adopted",
        "auditor.qc_report_reviewed",
        "auditor.ratified",
        "auditor.required_reports_received",
        "auditor.service_approved",
        "auditor.service_unapproved",
    ]


def test_facts_are_as_of_a_date(reg, company):
    facts = collect_facts(company, as_of=date(2026, 3, 1))
    assert "auditor.qc_report_reviewed" not in kinds(facts)
    assert "auditor.ratified" not in kinds(facts)
    unapproved = [f for f in facts if f.kind == "auditor.service_unapproved"]
    assert [f.occurred_on for f in unapproved] == [date(2026, 2, 1)]
    assert unapproved[0].attrs["rule"] == "AC-PRE-01"


def test_unreported_delegate_approval_becomes_unapproved_after_the_next_meeting(
    reg, company
):
    # The QC review on 12 May 2026 is a committee meeting; the delegate approval of
    # 4 March was not reported there.
    facts = collect_facts(company, as_of=date(2026, 5, 12))
    late = [
        f
        for f in facts
        if f.kind == "auditor.service_unapproved" and f.attrs["rule"] == "AC-PRE-02"
    ]
    assert [f.occurred_on for f in late] == [date(2026, 5, 12)]
    assert collect_facts(company, as_of=date(2026, 5, 11)) != facts


def test_independence_actions_and_exceptions(reg, company, personas):
    services.act_on_independence(
        reg.engagement,
        actor=personas["ada"],
        alert_key="",
        action="Asked for a rotation plan.",
        acted_on=date(2026, 6, 1),
    )
    services.record_hire(
        reg.firm,
        actor=personas["cleo"],
        person="Former manager",
        role_title="Controller",
        financial_reporting_oversight_role=True,
        starts_on=date(2026, 7, 1),
        prior_10k_filed_on=date(2026, 2, 27),
        exception="emergency",
        exception_recorded_on=date(2026, 6, 20),
    )
    actions = [
        f
        for f in collect_facts(company, as_of=date(2026, 12, 31))
        if f.kind == "auditor.independence_action"
    ]
    assert [f.occurred_on for f in actions] == [date(2026, 6, 1), date(2026, 6, 20)]
