"""Every refusal of the services, one row each: the reason given, nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.auditors import models as m
from oversight.auditors import services as s
from oversight.auditors.tests.conftest import Register, build_register, request_fields
from oversight.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db
D = Decimal
Case = Callable[[Register, dict[str, Any]], object]


def _engagement(r: Register, p: dict[str, Any], **changes: Any) -> object:
    kwargs: dict[str, Any] = {
        "fiscal_year": 2027,
        "starts_on": date(2027, 1, 1),
        "ends_on": None,
        "appointed_on": date(2026, 11, 10),
        "appointed_at": "",
        "scope": "FY2027 audit",
        "agreed_audit_fee": D("1"),
    }
    kwargs.update(changes)
    return s.create_engagement(r.firm, actor=p["fay"], **kwargs)


def _open(r: Register, p: dict[str, Any], **changes: Any) -> m.ServiceRequest:
    return s.submit_request(r.engagement, actor=p["cleo"], **request_fields(**changes))


def _draft(r: Register, p: dict[str, Any]) -> m.Policy:
    return s.draft_policy(r.firm.company, actor=p["fay"], statement="", delegates=[])


def _item(policy: m.Policy, p: dict[str, Any], **changes: Any) -> object:
    kwargs: dict[str, Any] = {
        "code": "AR-9",
        "service": "Audit of the pension plan",
        "category": "audit_related",
        "fee_cap": D("1"),
        "starts_on": date(2026, 1, 1),
    }
    kwargs.update(changes)
    return s.add_policy_item(policy, actor=p["fay"], **kwargs)


def _partner_twice(r: Register, p: dict[str, Any]) -> object:
    s.add_partner(r.engagement, actor=p["fay"], person="Q", role="eqr")
    return s.add_partner(r.engagement, actor=p["fay"], person="Q", role="other")


def _answers(score: int) -> dict[str, tuple[int, str]]:
    return {code: (score, "") for code, _ in m.QUESTIONS}


def _approved(r: Register, p: dict[str, Any]) -> m.Approval:
    row = _open(r, p)
    return s.approve_request(
        row, actor=p["ada"], kind="delegate", approved_on=date(2026, 3, 4)
    )


CASES: list[tuple[str, Case, str]] = [
    ("person twice", _partner_twice, "already on this engagement"),
    (
        "ends before start",
        lambda r, p: _engagement(r, p, ends_on=date(2026, 12, 31)),
        "end before it starts",
    ),
    (
        "appointed after start",
        lambda r, p: _engagement(r, p, appointed_on=date(2027, 1, 2)),
        "on or before",
    ),
    (
        "negative audit fee",
        lambda r, p: _engagement(r, p, agreed_audit_fee=D("-1")),
        "agreed audit fee",
    ),
    (
        "completion before start",
        lambda r, p: s.record_audit_completion(
            r.engagement, actor=p["fay"], completed_on=date(2025, 12, 31)
        ),
        "cannot be completed",
    ),
    (
        "negative votes",
        lambda r, p: s.record_ratification(
            r.engagement,
            actor=p["fay"],
            voted_on=date(2026, 5, 1),
            votes_for=-1,
            votes_against=0,
        ),
        "negative",
    ),
    (
        "score out of range",
        lambda r, p: s.answer_evaluation(
            r.engagement, actor=p["ada"], answers=_answers(6)
        ),
        "1 to 5",
    ),
    (
        "unknown result",
        lambda r, p: s.record_evaluation_result(
            r.engagement,
            actor=p["ada"],
            result="fire",
            summary="",
            recorded_on=date(2026, 5, 1),
        ),
        "Choose a result",
    ),
    (
        "result without answers",
        lambda r, p: s.record_evaluation_result(
            r.engagement,
            actor=p["ada"],
            result="retain",
            summary="",
            recorded_on=date(2026, 5, 1),
        ),
        "No member",
    ),
    (
        "unknown termination",
        lambda r, p: s.terminate_engagement(
            r.engagement,
            actor=p["fay"],
            kind="fired",
            decided_on=date(2026, 5, 1),
            reason="x",
        ),
        "Choose how",
    ),
    (
        "termination before start",
        lambda r, p: s.terminate_engagement(
            r.engagement,
            actor=p["fay"],
            kind="dismissed",
            decided_on=date(2025, 5, 1),
            reason="x",
        ),
        "cannot precede",
    ),
    (
        "partner without name",
        lambda r, p: s.add_partner(
            r.engagement, actor=p["fay"], person="  ", role="other"
        ),
        "Name the partner",
    ),
    (
        "hire team ends first",
        lambda r, p: s.record_hire(
            r.firm,
            actor=p["cleo"],
            person="x",
            role_title="Controller",
            financial_reporting_oversight_role=True,
            starts_on=date(2026, 9, 1),
            prior_10k_filed_on=date(2026, 2, 27),
            team_from=date(2025, 6, 1),
            team_to=date(2025, 5, 1),
        ),
        "cannot end before",
    ),
    (
        "hire exception without date",
        lambda r, p: s.record_hire(
            r.firm,
            actor=p["cleo"],
            person="x",
            role_title="Controller",
            financial_reporting_oversight_role=True,
            starts_on=date(2026, 9, 1),
            prior_10k_filed_on=date(2026, 2, 27),
            exception="emergency",
        ),
        "Give the date",
    ),
    (
        "de minimis audit fee",
        lambda r, p: s.record_fee(
            r.engagement,
            actor=p["cleo"],
            category="audit",
            amount=D("1"),
            description="x",
            de_minimis=True,
        ),
        "non-audit services only",
    ),
    (
        "item term 0",
        lambda r, p: _item(_draft(r, p), p, term_months=0),
        "1 to 60 months",
    ),
    (
        "item code twice",
        lambda r, p: _item(_item(_draft(r, p), p).policy, p),
        "already in this policy",
    ),
    (
        "adopt twice",
        lambda r, p: s.adopt_policy(
            r.policy,
            actor=p["fay"],
            adopted_on=date(2026, 2, 1),
            adopted_at="m",
            votes_for=3,
            votes_against=0,
        ),
        "already adopted",
    ),
    (
        "adopt negative votes",
        lambda r, p: s.adopt_policy(
            _draft(r, p),
            actor=p["fay"],
            adopted_on=date(2026, 2, 1),
            adopted_at="m",
            votes_for=3,
            votes_against=-1,
        ),
        "negative",
    ),
    (
        "adopt without items",
        lambda r, p: s.adopt_policy(
            _draft(r, p),
            actor=p["fay"],
            adopted_on=date(2026, 2, 1),
            adopted_at="m",
            votes_for=3,
            votes_against=0,
        ),
        "at least one",
    ),
    (
        "adopt before current",
        lambda r, p: s.adopt_policy(
            _item(_draft(r, p), p).policy,
            actor=p["fay"],
            adopted_on=date(2026, 1, 15),
            adopted_at="m",
            votes_for=3,
            votes_against=0,
        ),
        "after the current one",
    ),
    ("unknown nature", lambda r, p: _open(r, p, nature="Z9"), "Unknown service nature"),
    (
        "service after engagement",
        lambda r, p: s.submit_request(
            r.previous,
            actor=p["cleo"],
            **request_fields(requested_on=date(2026, 1, 2), starts_on=date(2026, 1, 5)),
        ),
        "after the engagement ended",
    ),
    (
        "steps on an approved request",
        lambda r, p: s.record_steps(
            _approved(r, p).request, actor=p["fay"], tax_scope_in_writing=True
        ),
        "Only an open request",
    ),
    (
        "approve a request with steps missing",
        lambda r, p: s.approve_request(
            _open(r, p, is_tax=True),
            actor=p["ada"],
            kind="delegate",
            approved_on=date(2026, 3, 4),
        ),
        "cannot be approved now",
    ),
    (
        "approve before the request",
        lambda r, p: s.approve_request(
            _open(r, p), actor=p["ada"], kind="delegate", approved_on=date(2026, 3, 1)
        ),
        "cannot precede the request",
    ),
    (
        "meeting name too long",
        lambda r, p: s.approve_request(
            _open(r, p),
            actor=p["ada"],
            kind="committee",
            approved_on=date(2026, 3, 4),
            meeting="x" * 201,
        ),
        "at most 200",
    ),
    (
        "refuse twice",
        lambda r, p: s.refuse_request(
            s.refuse_request(_open(r, p), actor=p["ben"], reason="no"),
            actor=p["ben"],
            reason="no",
        ),
        "Only an open request",
    ),
    (
        "refuse by management",
        lambda r, p: s.refuse_request(_open(r, p), actor=p["cleo"], reason="no"),
        "not a committee member",
    ),
    (
        "de minimis by management",
        lambda r, p: s.approve_de_minimis(
            r.engagement,
            actor=p["cleo"],
            description="x",
            category="tax",
            amount=D("1"),
            not_recognised_at_engagement=True,
            brought_to_committee_on=date(2026, 9, 1),
            approved_on=date(2026, 9, 8),
            meeting="m",
        ),
        "not a committee member",
    ),
    (
        "de minimis approved before brought",
        lambda r, p: s.approve_de_minimis(
            r.engagement,
            actor=p["ada"],
            description="x",
            category="tax",
            amount=D("1"),
            not_recognised_at_engagement=True,
            brought_to_committee_on=date(2026, 9, 9),
            approved_on=date(2026, 9, 8),
            meeting="m",
        ),
        "brought to the committee before",
    ),
    (
        "report a committee approval",
        lambda r, p: s.mark_reported(
            [r.engagement.approvals.get()],
            actor=p["fay"],
            reported_on=date(2026, 5, 12),
            reported_at="m",
        ),
        "nothing left to report",
    ),
    (
        "report before approval",
        lambda r, p: s.mark_reported(
            [_approved(r, p)],
            actor=p["fay"],
            reported_on=date(2026, 3, 3),
            reported_at="m",
        ),
        "before it was made",
    ),
    (
        "unknown communication",
        lambda r, p: s.record_communication(
            r.engagement,
            actor=p["dev"],
            kind="memo",
            title="x",
            received_on=date(2026, 4, 1),
        ),
        "Choose the kind",
    ),
    (
        "review before receipt",
        lambda r, p: s.review_communication(
            s.record_communication(
                r.engagement,
                actor=p["dev"],
                kind="qc_report",
                title="x",
                received_on=date(2026, 4, 1),
            ),
            actor=p["fay"],
            reviewed_on=date(2026, 3, 1),
            reviewed_at="m",
        ),
        "before it was received",
    ),
    (
        "empty action",
        lambda r, p: s.act_on_independence(
            r.engagement,
            actor=p["ada"],
            alert_key="",
            action="  ",
            acted_on=date(2026, 4, 1),
        ),
        "Describe the action",
    ),
    (
        "step done twice",
        lambda r, p: s.complete_step(
            s.complete_step(
                s.terminate_engagement(
                    r.engagement,
                    actor=p["fay"],
                    kind="dismissed",
                    decided_on=date(2026, 6, 4),
                    reason="x",
                ).steps.first(),
                actor=p["fay"],
                done_on=date(2026, 6, 4),
            ),
            actor=p["fay"],
            done_on=date(2026, 6, 5),
        ),
        "already done",
    ),
    (
        "request text too long",
        lambda r, p: _open(r, p, description="x" * 5001),
        "at most 5000",
    ),
]


@pytest.mark.parametrize(("label", "case", "message"), CASES, ids=[c[0] for c in CASES])
def test_refused_with_the_reason(label, case, message, company, personas):
    register = build_register(company, personas)
    with pytest.raises(ValidationError, match=message):
        case(register, personas)


def test_unknown_fields_are_programming_errors(company, personas):
    register = build_register(company, personas)
    with pytest.raises(TypeError):
        s.submit_request(
            register.engagement, actor=personas["cleo"], **request_fields(colour="red")
        )
    row = _open(register, personas)
    with pytest.raises(TypeError):
        s.record_steps(row, actor=personas["fay"], colour=True)


def test_refused_change_leaves_nothing_behind(company, personas):
    register = build_register(company, personas)
    before = (
        LedgerEvent.objects.count(),
        m.Engagement.objects.count(),
        m.Approval.objects.count(),
    )
    with pytest.raises(ValidationError):
        _engagement(register, personas, agreed_audit_fee=D("-1"))
    assert (
        LedgerEvent.objects.count(),
        m.Engagement.objects.count(),
        m.Approval.objects.count(),
    ) == before


def test_engagement_letter_and_communication_document_are_stored(company, personas):
    register = build_register(company, personas)
    letter = SimpleUploadedFile(
        "letter.pdf", b"%PDF-1.4 letter", content_type="application/pdf"
    )
    engagement = s.create_engagement(
        register.firm,
        actor=personas["fay"],
        fiscal_year=2027,
        starts_on=date(2027, 1, 1),
        ends_on=None,
        appointed_on=date(2026, 11, 10),
        appointed_at="",
        scope="FY2027 audit",
        agreed_audit_fee=D("1"),
        letter=letter,
    )
    assert engagement.letter.name.startswith("auditors/letters/")
    doc = SimpleUploadedFile("qc.pdf", b"%PDF-1.4 qc", content_type="application/pdf")
    comm = s.record_communication(
        engagement,
        actor=personas["dev"],
        kind="qc_report",
        title="QC",
        received_on=date(2027, 4, 1),
        document=doc,
    )
    assert comm.document.name.startswith("auditors/communications/")
