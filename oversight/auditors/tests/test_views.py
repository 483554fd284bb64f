"""Permission matrices for every page and action of the auditor's register.

anonymous → sign-in redirect; eve (an outsider to One Stop Systems) → 404 on its records;
an insider without the right → 403; the right persona → success, the state change and
one new ledger event. The auditor's people (dev) reach only their firm's engagement.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oversight.auditors import models as m
from oversight.auditors import services
from oversight.auditors.tests.conftest import Register, build_register, request_fields
from oversight.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(company, personas) -> dict[str, Any]:
    """The register, plus an open request, a draft policy and a second firm's engagement."""
    reg = build_register(company, personas)
    fay = personas["fay"]
    open_request = services.submit_request(
        reg.engagement, actor=personas["cleo"], **request_fields()
    )
    draft = services.draft_policy(company, actor=fay, statement="v2", delegates=[])
    services.add_policy_item(
        draft,
        actor=fay,
        code="AR-2",
        service="Audit of the pension plan financial statements",
        category="audit_related",
        fee_cap=D("10000"),
        starts_on=date(2027, 1, 1),
    )
    comm = services.record_communication(
        reg.engagement,
        actor=personas["dev"],
        kind="qc_report",
        title="QC report",
        received_on=date(2026, 4, 20),
    )
    other_firm = services.create_firm(
        company, actor=fay, name="Other Fictional LLP", pcaob_id="7777"
    )
    other = services.create_engagement(
        other_firm,
        actor=fay,
        fiscal_year=2024,
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 12, 31),
        appointed_on=date(2023, 11, 1),
        appointed_at="m",
        scope="FY2024 audit",
        agreed_audit_fee=D("900000"),
    )
    termination = services.terminate_engagement(
        other,
        actor=fay,
        kind="declined",
        decided_on=date(2024, 11, 4),
        reason="Declined.",
    )
    return {
        "reg": reg,
        "request": open_request,
        "draft": draft,
        "comm": comm,
        "other": other,
        "step": termination.steps.first(),
    }


Args = Callable[[dict[str, Any]], list[Any]]
NONE: Args = lambda w: []  # noqa: E731
ENGAGEMENT: Args = lambda w: [w["reg"].engagement.pk]  # noqa: E731

GET_PAGES: list[tuple[str, Args, str, str | None]] = [
    ("auditors:overview", NONE, "ben", "dev"),
    ("auditors:chart", NONE, "hal", "dev"),
    ("auditors:engagements", NONE, "dev", "ivy"),
    ("auditors:engagement-create", NONE, "fay", "ben"),
    ("auditors:engagement", ENGAGEMENT, "dev", "ivy"),
    ("auditors:evaluate", ENGAGEMENT, "ben", "cleo"),
    ("auditors:terminate", ENGAGEMENT, "fay", "ben"),
    ("auditors:de-minimis", ENGAGEMENT, "ada", "cleo"),
    ("auditors:policies", NONE, "cleo", "dev"),
    ("auditors:policy", lambda w: [w["reg"].policy.pk], "ben", "dev"),
    ("auditors:requests", NONE, "cleo", "dev"),
    ("auditors:request-create", NONE, "cleo", "ben"),
    ("auditors:request", lambda w: [w["request"].pk], "ben", "dev"),
    ("auditors:next-meeting", NONE, "fay", "dev"),
    ("auditors:hires", NONE, "gus", "dev"),
    ("auditors:fee-table", NONE, "hal", "dev"),
    ("auditors:fee-table-csv", NONE, "hal", "dev"),
    ("auditors:fee-table-pdf", NONE, "hal", "dev"),
]
OBJECT_PAGES = [p for p in GET_PAGES if p[1] is not NONE]


@pytest.mark.parametrize(("name", "args", "allowed", "refused"), GET_PAGES)
def test_anonymous_is_sent_to_sign_in(name, args, allowed, refused, world):
    response = Client().get(reverse(name, args=args(world)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "args", "allowed", "refused"), GET_PAGES)
def test_the_right_persona_sees_the_page(
    name, args, allowed, refused, world, client_for
):
    response = client_for(allowed).get(reverse(name, args=args(world)))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "args", "allowed", "refused"), GET_PAGES)
def test_an_insider_without_the_right_is_refused(
    name, args, allowed, refused, world, client_for
):
    assert refused is not None
    assert client_for(refused).get(reverse(name, args=args(world))).status_code == 403


@pytest.mark.parametrize(("name", "args", "allowed", "refused"), OBJECT_PAGES)
def test_an_outsider_gets_404_on_the_companys_records(
    name, args, allowed, refused, world, client_for
):
    assert client_for("eve").get(reverse(name, args=args(world))).status_code == 404


def test_the_auditor_sees_only_its_firms_engagement(world, client_for):
    dev = client_for("dev")
    assert (
        dev.get(reverse("auditors:engagement", args=[world["other"].pk])).status_code
        == 404
    )
    listing = dev.get(reverse("auditors:engagements")).content.decode()
    assert "Fictional &amp; Co. LLP" in listing
    assert "Other Fictional LLP" not in listing
    # the auditor records a communication on its own engagement, not on another's
    data = {
        "kind": "independence_annual",
        "title": "Letter",
        "received_on": "2026-10-30",
    }
    own = dev.post(
        reverse("auditors:communication-add", args=[world["reg"].engagement.pk]), data
    )
    assert own.status_code == 302
    other = dev.post(
        reverse("auditors:communication-add", args=[world["other"].pk]), data
    )
    assert other.status_code == 404


def test_outsider_lists_show_only_their_own_company(world, client_for):
    page = client_for("eve").get(reverse("auditors:overview")).content.decode()
    assert "Fictional" not in page


# Actions -------------------------------------------------------------------------------

SCORES = {f"score_{code}": "4" for code, _ in m.QUESTIONS}

POSTS: list[tuple[str, Args, dict[str, Any], str, str, str]] = [
    (
        "auditors:firm-create",
        NONE,
        {"name": "Third LLP", "pcaob_id": "6666"},
        "fay",
        "cleo",
        "auditors.firm_created",
    ),
    (
        "auditors:engagement-create",
        NONE,
        {
            "firm": "FIRM",
            "fiscal_year": "2027",
            "starts_on": "2027-01-01",
            "appointed_on": "2026-11-10",
            "scope": "FY2027 audit",
            "agreed_audit_fee": "1200000",
        },
        "fay",
        "ben",
        "auditors.engagement_created",
    ),
    (
        "auditors:audit-completed",
        ENGAGEMENT,
        {"completed_on": "2027-02-25"},
        "fay",
        "ben",
        "auditors.audit_completed",
    ),
    (
        "auditors:ratify",
        ENGAGEMENT,
        {
            "voted_on": "2026-05-20",
            "votes_for": "100",
            "votes_against": "5",
            "abstentions": "0",
        },
        "fay",
        "ben",
        "auditors.ratification_recorded",
    ),
    (
        "auditors:evaluate",
        ENGAGEMENT,
        SCORES,
        "ben",
        "cleo",
        "auditors.evaluation_answered",
    ),
    (
        "auditors:terminate",
        ENGAGEMENT,
        {"kind": "dismissed", "decided_on": "2026-06-04", "reason": "Change."},
        "fay",
        "ben",
        "auditors.engagement_terminated",
    ),
    (
        "auditors:partner-add",
        ENGAGEMENT,
        {"person": "P. Lead", "role": "lead"},
        "fay",
        "cleo",
        "auditors.partner_added",
    ),
    (
        "auditors:fee-add",
        ENGAGEMENT,
        {"category": "tax", "amount": "1200", "description": "Q1 tax"},
        "cleo",
        "ben",
        "auditors.fee_recorded",
    ),
    (
        "auditors:communication-add",
        ENGAGEMENT,
        {"kind": "qc_report", "title": "QC", "received_on": "2026-04-21"},
        "dev",
        "cleo",
        "auditors.communication_received",
    ),
    (
        "auditors:communication-review",
        lambda w: [w["comm"].pk],
        {"reviewed_on": "2026-05-12", "reviewed_at": "Q2"},
        "fay",
        "ben",
        "auditors.communication_reviewed",
    ),
    (
        "auditors:independence-action",
        ENGAGEMENT,
        {"action": "Asked for a rotation plan.", "acted_on": "2026-05-12"},
        "ada",
        "fay",
        "auditors.independence_action_recorded",
    ),
    (
        "auditors:step-done",
        lambda w: [w["step"].pk],
        {"done_on": "2024-11-04"},
        "fay",
        "ben",
        "auditors.termination_step_done",
    ),
    (
        "auditors:policy-item-add",
        lambda w: [w["draft"].pk],
        {
            "code": "AR-3",
            "service": "Agreed-upon procedures on royalties",
            "category": "audit_related",
            "fee_cap": "5000",
            "starts_on": "2027-01-01",
            "term_months": "12",
        },
        "fay",
        "ben",
        "auditors.policy_item_added",
    ),
    (
        "auditors:policy-adopt",
        lambda w: [w["draft"].pk],
        {
            "adopted_on": "2027-01-14",
            "adopted_at": "Q1",
            "votes_for": "3",
            "votes_against": "0",
            "abstentions": "0",
        },
        "fay",
        "ben",
        "auditors.policy_adopted",
    ),
    (
        "auditors:request-create",
        NONE,
        {
            "engagement": "ENGAGEMENT",
            "description": "Agreed-upon procedures on royalty reports",
            "category": "audit_related",
            "fee_estimate": "8000",
            "requested_on": "2026-04-01",
            "starts_on": "2026-04-15",
        },
        "cleo",
        "ben",
        "auditors.service_requested",
    ),
    (
        "auditors:request-steps",
        lambda w: [w["request"].pk],
        {"icfr_scope_in_writing": "on"},
        "fay",
        "ben",
        "auditors.service_steps_recorded",
    ),
    (
        "auditors:request-approve",
        lambda w: [w["request"].pk],
        {"kind": "delegate", "approved_on": "2026-03-04"},
        "ada",
        "cleo",
        "auditors.service_approved",
    ),
    (
        "auditors:request-refuse",
        lambda w: [w["request"].pk],
        {"reason": "Not needed."},
        "ben",
        "cleo",
        "auditors.service_refused",
    ),
    (
        "auditors:hires",
        NONE,
        {
            "firm": "FIRM",
            "person": "Former senior",
            "role_title": "Controller",
            "financial_reporting_oversight_role": "on",
            "starts_on": "2026-09-01",
            "prior_10k_filed_on": "2026-02-27",
            "team_hours": "0",
        },
        "cleo",
        "ben",
        "auditors.hire_recorded",
    ),
]


def _data(data: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    reg: Register = world["reg"]
    swap = {"FIRM": reg.firm.pk, "ENGAGEMENT": reg.engagement.pk}
    return {k: swap.get(v, v) if isinstance(v, str) else v for k, v in data.items()}


@pytest.mark.parametrize(
    ("name", "args", "data", "allowed", "refused", "action"), POSTS
)
def test_action_anonymous_is_sent_to_sign_in(
    name, args, data, allowed, refused, action, world
):
    response = Client().post(reverse(name, args=args(world)), _data(data, world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("name", "args", "data", "allowed", "refused", "action"), POSTS
)
def test_action_insider_without_the_right_is_refused(
    name, args, data, allowed, refused, action, world, client_for
):
    before = LedgerEvent.objects.count()
    response = client_for(refused).post(
        reverse(name, args=args(world)), _data(data, world)
    )
    assert response.status_code == 403
    assert LedgerEvent.objects.count() == before


@pytest.mark.parametrize(
    ("name", "args", "data", "allowed", "refused", "action"), POSTS
)
def test_action_by_the_right_persona_changes_state_with_one_ledger_event(
    name, args, data, allowed, refused, action, world, client_for
):
    before = LedgerEvent.objects.count()
    response = client_for(allowed).post(
        reverse(name, args=args(world)), _data(data, world)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LedgerEvent.objects.count() == before + 1
    assert LedgerEvent.objects.order_by("-pk").first().action == action  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "args", "data", "allowed", "refused", "action"),
    [p for p in POSTS if p[1] is not NONE],
)
def test_action_outsider_gets_404(
    name, args, data, allowed, refused, action, world, client_for
):
    before = LedgerEvent.objects.count()
    response = client_for("eve").post(
        reverse(name, args=args(world)), _data(data, world)
    )
    assert response.status_code == 404
    assert LedgerEvent.objects.count() == before


def test_next_meeting_lists_the_delegate_approval_then_records_the_report(
    world, personas, client_for
):
    approval = services.approve_request(
        world["request"],
        actor=personas["ada"],
        kind="delegate",
        approved_on=date(2026, 3, 4),
    )
    page = client_for("fay").get(reverse("auditors:next-meeting")).content.decode()
    assert "Audit of the employee 401(k) plan for plan year 2025" in page
    data = {
        "approvals": [approval.pk],
        "reported_on": "2026-05-12",
        "reported_at": "Q2 meeting",
    }
    assert (
        client_for("cleo").post(reverse("auditors:next-meeting"), data).status_code
        == 403
    )
    before = LedgerEvent.objects.count()
    assert (
        client_for("fay").post(reverse("auditors:next-meeting"), data).status_code
        == 302
    )
    assert LedgerEvent.objects.count() == before + 1
    approval.refresh_from_db()
    assert approval.reported_on == date(2026, 5, 12)


def test_drafting_a_policy_version(world, personas, client_for):
    services.adopt_policy(
        world["draft"],
        actor=personas["fay"],
        adopted_on=date(2027, 1, 14),
        adopted_at="Q1",
        votes_for=3,
        votes_against=0,
    )
    url = reverse("auditors:policies")
    assert client_for("ben").post(url, {"statement": "v3"}).status_code == 403
    before = LedgerEvent.objects.count()
    assert client_for("fay").post(url, {"statement": "v3"}).status_code == 302
    assert LedgerEvent.objects.count() == before + 1
    assert m.Policy.objects.filter(version=3, adopted_on__isnull=True).exists()
    again = client_for("fay").post(url, {"statement": "v4"})
    assert again.status_code == 400
    assert "draft policy already exists" in again.content.decode()


def test_evaluation_result_after_answers(world, personas, client_for):
    answers = {code: (5, "") for code, _ in m.QUESTIONS}
    services.answer_evaluation(
        world["reg"].engagement, actor=personas["ben"], answers=answers
    )
    url = reverse("auditors:evaluation-result", args=[world["reg"].engagement.pk])
    data = {"result": "retain", "summary": "Retain.", "recorded_on": "2026-10-20"}
    assert client_for("ben").post(url, data).status_code == 403
    assert client_for("ada").post(url, data).status_code == 302
    assert (
        m.Evaluation.objects.get(engagement=world["reg"].engagement).result == "retain"
    )


# Bad input: a clear 4xx with the reason, nothing saved ----------------------------------


@pytest.mark.parametrize(
    ("name", "args", "data", "who", "message"),
    [
        (
            "auditors:fee-add",
            ENGAGEMENT,
            {"category": "audit", "amount": "-5", "description": "x"},
            "cleo",
            "greater than or equal to 0",
        ),
        (
            "auditors:fee-add",
            ENGAGEMENT,
            {"category": "", "amount": "5", "description": "x"},
            "cleo",
            "This field is required",
        ),
        (
            "auditors:fee-add",
            ENGAGEMENT,
            {"category": "consulting", "amount": "5", "description": "x"},
            "cleo",
            "Select a valid choice",
        ),
        (
            "auditors:request-create",
            NONE,
            {
                "engagement": "ENGAGEMENT",
                "description": "Late work",
                "category": "tax",
                "fee_estimate": "10",
                "requested_on": "2026-04-16",
                "starts_on": "2026-04-15",
            },
            "cleo",
            "after the service began",
        ),
        (
            "auditors:request-approve",
            lambda w: [w["request"].pk],
            {"kind": "delegate", "approved_on": "2026-03-04"},
            "ben",
            "holding a delegation",
        ),
        (
            "auditors:engagement-create",
            NONE,
            {
                "firm": "FIRM",
                "fiscal_year": "2026",
                "starts_on": "2026-07-01",
                "appointed_on": "2026-06-01",
                "scope": "Overlap",
                "agreed_audit_fee": "1",
            },
            "fay",
            "overlaps",
        ),
    ],
)
def test_bad_input_is_refused_with_the_reason(
    name, args, data, who, message, world, client_for
):
    before = LedgerEvent.objects.count()
    response = client_for(who).post(reverse(name, args=args(world)), _data(data, world))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert LedgerEvent.objects.count() == before


def test_fee_table_csv_and_pdf(world, personas, client_for):
    services.record_fee(
        world["reg"].engagement,
        actor=personas["cleo"],
        category="audit",
        amount=D("1150000"),
        description="FY2026 audit",
        approval=world["reg"].engagement.approvals.get(),
    )
    client = client_for("ben")
    csv_text = client.get(
        reverse("auditors:fee-table-csv") + "?year=2026"
    ).content.decode()
    assert csv_text.splitlines()[1] == 'Audit Fees,"$1,150,000",$0,,'
    pdf = client.get(reverse("auditors:fee-table-pdf") + "?year=2026")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    html = client.get(reverse("auditors:fee-table") + "?year=bogus").content.decode()
    assert "$1,150,000" in html


def test_chart_is_svg_without_script(world, client_for):
    response = client_for("ben").get(reverse("auditors:chart"))
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.startswith("<svg")
    assert "<script" not in body
    assert "style=" not in body


def test_request_list_query_count(
    world, personas, client_for, django_assert_max_num_queries
):
    for i in range(5):
        services.submit_request(
            world["reg"].engagement,
            actor=personas["cleo"],
            **request_fields(
                description=f"Agreed-upon procedures on royalty report {i}"
            ),
        )
    client = client_for("ben")
    client.get(reverse("auditors:requests"))
    with django_assert_max_num_queries(12):
        client.get(reverse("auditors:requests"))


def test_dashboard_panel_for_readers_only(world, client_for):
    page = client_for("ben").get(reverse("dashboard")).content.decode()
    assert "Independent auditor" in page
    assert "awaiting a decision" in page
    assert (
        "awaiting a decision"
        not in client_for("dev").get(reverse("dashboard")).content.decode()
    )


def test_chair_closes_an_alert_from_the_dashboard(world, personas, client_for):
    services.record_fee(
        world["reg"].engagement,
        actor=personas["cleo"],
        category="tax",
        amount=D("500"),
        description="Unapproved advice",
    )
    ada = client_for("ada")
    page = ada.get(reverse("auditors:overview")).content.decode()
    assert "has no matching approval" in page
    assert 'name="alert_key"' in page
    key = page.split('name="alert_key" value="')[1].split('"')[0]
    response = ada.post(
        reverse("auditors:independence-action", args=[world["reg"].engagement.pk]),
        {
            "alert_key": key,
            "action": "Asked the firm to stop and to report.",
            "acted_on": "2026-06-01",
        },
    )
    assert response.status_code == 302
    assert (
        "has no matching approval"
        not in ada.get(reverse("auditors:overview")).content.decode()
    )
    assert (
        'name="alert_key"'
        not in client_for("ben").get(reverse("auditors:overview")).content.decode()
    )


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name",
    [
        "auditors:overview",
        "auditors:requests",
        "auditors:engagement",
        "auditors:next-meeting",
        "auditors:fee-table",
    ],
)
def test_pages_do_not_grow_queries_with_rows(name, world, personas, client_for):
    reg = world["reg"]
    url = reverse(
        name, args=[reg.engagement.pk] if name == "auditors:engagement" else []
    )
    client = client_for("fay")

    def add(n: int) -> None:
        for i in range(n):
            row = services.submit_request(
                reg.engagement,
                actor=personas["cleo"],
                **request_fields(
                    description=f"Agreed-upon procedures on licence report {i}"
                ),
            )
            approval = services.approve_request(
                row,
                actor=personas["ada"],
                kind="delegate",
                approved_on=date(2026, 3, 4),
            )
            services.record_fee(
                reg.engagement,
                actor=personas["cleo"],
                category="audit_related",
                amount=D("100"),
                description=f"Licence report {i}",
                approval=approval,
            )

    add(2)
    client.get(url)  # the first request of a session does its own bookkeeping
    few = _queries(client, url)
    add(6)
    assert _queries(client, url) == few


@pytest.fixture
def documents(world, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reg = world["reg"]
    letter = SimpleUploadedFile(
        "letter.pdf", b"%PDF-1.4 engagement letter", content_type="application/pdf"
    )
    engagement = services.create_engagement(
        reg.firm,
        actor=personas["fay"],
        fiscal_year=2027,
        starts_on=date(2027, 1, 1),
        ends_on=None,
        appointed_on=date(2026, 11, 10),
        appointed_at="Q4",
        scope="FY2027 audit",
        agreed_audit_fee=D("1"),
        letter=letter,
    )
    doc = SimpleUploadedFile(
        "qc.pdf", b"%PDF-1.4 qc report", content_type="application/pdf"
    )
    comm = services.record_communication(
        engagement,
        actor=personas["dev"],
        kind="qc_report",
        title="QC",
        received_on=date(2027, 4, 1),
        document=doc,
    )
    return {
        "letter": reverse("auditors:letter", args=[engagement.pk]),
        "document": reverse("auditors:document", args=[comm.pk]),
    }


@pytest.mark.parametrize("which", ["letter", "document"])
@pytest.mark.parametrize(
    ("who", "status"), [("dev", 200), ("ben", 200), ("eve", 404), ("ivy", 403)]
)
def test_documents_only_through_an_access_checked_download(
    which, who, status, documents, client_for
):
    response = client_for(who).get(documents[which])
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")  # type: ignore[attr-defined]


def test_documents_anonymous_and_other_firm(documents, world, client_for):
    assert Client().get(documents["letter"]).status_code == 302
    other = reverse("auditors:letter", args=[world["other"].pk])
    assert client_for("dev").get(other).status_code == 404
    assert client_for("ben").get(other).status_code == 404  # no letter on file


def test_a_document_must_be_a_pdf(world, personas):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match="must be a PDF"):
        services.record_communication(
            world["reg"].engagement,
            actor=personas["dev"],
            kind="qc_report",
            title="QC",
            received_on=date(2026, 4, 1),
            document=SimpleUploadedFile("qc.pdf", b"<html>not a pdf</html>"),
        )


def test_de_minimis_approval_page_permissions_and_effect(world, personas, client_for):
    reg = world["reg"]
    services.record_fee(
        reg.engagement,
        actor=personas["cleo"],
        category="audit",
        amount=D("1150000"),
        description="FY2026 audit",
        approval=reg.engagement.approvals.get(),
    )
    url = reverse("auditors:de-minimis", args=[reg.engagement.pk])
    data = {
        "description": "Research tool found unapproved",
        "category": "all_other",
        "amount": "1000",
        "not_recognised_at_engagement": "on",
        "brought_to_committee_on": "2026-09-01",
        "approved_on": "2026-09-08",
        "meeting": "Q3 meeting",
    }
    assert Client().post(url, data).status_code == 302
    assert client_for("eve").post(url, data).status_code == 404
    assert client_for("cleo").post(url, data).status_code == 403
    before = LedgerEvent.objects.count()
    assert client_for("ada").post(url, data).status_code == 302
    assert LedgerEvent.objects.count() == before + 1
    assert m.Approval.objects.filter(kind="de_minimis").count() == 1
    refused = client_for("ada").post(url, {**data, "not_recognised_at_engagement": ""})
    assert refused.status_code == 400
    assert "recognised" in refused.content.decode()


def test_policy_page_shows_each_items_use(world, personas, client_for):
    services.submit_request(
        world["reg"].engagement,
        actor=personas["cleo"],
        **request_fields(policy_item=world["reg"].item, fee_estimate=D("40000")),
    )
    page = (
        client_for("ben")
        .get(reverse("auditors:policy", args=[world["reg"].policy.pk]))
        .content.decode()
    )
    assert "Policy item AR-1: 1 approval(s) totalling 40000.00, within the cap" in page


def test_status_badges_speak_words_not_codes(world, client_for):
    """Communication statuses read "not yet due" or "due soon", as on the compliance
    dashboard, never the enum's value."""
    import re

    ada = client_for("ada")
    pages = [
        ada.get(reverse("auditors:overview")).content.decode(),
        ada.get(
            reverse("auditors:engagement", args=[world["reg"].engagement.pk])
        ).content.decode(),
        ada.get(reverse("dashboard")).content.decode(),
    ]
    for page in pages:
        badges = re.findall(r'class="badge status-(\w+)">([^<]*)<', page)
        assert badges
        for code, words in badges:
            assert "_" not in words, (code, words)


def test_alerts_name_fees_by_what_they_are(world, personas, client_for):
    fee = services.record_fee(
        world["reg"].engagement,
        actor=personas["cleo"],
        category="tax",
        amount=D("500"),
        description="Unapproved advice",
    )
    page = client_for("ada").get(reverse("auditors:overview")).content.decode()
    assert f"Fee “Unapproved advice” (#{fee.pk})" in page
    assert f"Fee auditors.fee:{fee.pk}" not in page


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Fee auditors.fee:7 has no approval.", "Fee “Advice” (#7) has no approval."),
        ("Names approval auditors.approval:9.", "Names approval #9."),
        ("auditors.fee:70 and auditors.fee:7", "fee #70 and fee “Advice” (#7)"),
        ("Fee auditors.approval:9 is odd.", "Fee approval #9 is odd."),
        ("Nothing to name.", "Nothing to name."),
    ],
)
def test_readable_references(message, expected):
    from oversight.auditors.queries import readable

    assert readable(message, {"auditors.fee:7": "Advice"}) == expected
