"""The API: same rules as the pages — 401 without a token, 404 outside, 403 without the right."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from oversight.accounts.services import create_api_token
from oversight.auditors import services
from oversight.auditors.tests.conftest import build_register, request_fields
from oversight.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db
BASE = "/api/v1/auditors"


@pytest.fixture
def reg(company, personas):
    return build_register(company, personas)


@pytest.fixture
def api(company, personas, other_company):
    def make(name: str) -> Client:
        where = other_company if name == "eve" else company
        secret = create_api_token(
            actor=personas[name], company=where, name="t", days=5
        ).secret
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


GETS = [
    # (path, allowed, refused)
    ("/engagements", "dev", "ivy"),
    ("/fee-table?year=2026", "hal", "dev"),
    ("/requests", "cleo", "dev"),
    ("/alerts", "ben", "dev"),
]


@pytest.mark.parametrize(("path", "allowed", "refused"), GETS)
def test_api_reads(path, allowed, refused, reg, api):
    assert Client().get(BASE + path).status_code == 401
    assert api(allowed).get(BASE + path).status_code == 200
    assert api(refused).get(BASE + path).status_code == 403


def test_api_engagement_scoping(reg, api, company, personas):
    other_firm = services.create_firm(
        company, actor=personas["fay"], name="Other LLP", pcaob_id="1111"
    )
    assert [e["fiscal_year"] for e in api("dev").get(BASE + "/engagements").json()] == [
        2026,
        2025,
    ]
    assert other_firm.pk
    url = f"{BASE}/engagements/{reg.engagement.pk}"
    assert api("dev").get(url).status_code == 200
    assert api("eve").get(url).status_code == 404
    assert api("ben").get(f"{BASE}/engagements/999999").status_code == 404


def test_api_fee_table_figures(reg, api, personas):
    services.record_fee(
        reg.engagement,
        actor=personas["cleo"],
        category="audit",
        amount="1150000",  # type: ignore[arg-type]
        description="FY2026 audit",
        approval=reg.engagement.approvals.get(),
    )
    body = api("ben").get(BASE + "/fee-table?year=2026").json()
    assert body["fiscal_years"] == [2026, 2025]
    assert body["rows"][0]["amounts"] == ["1150000.00", "0"]
    assert body["rows"][1]["de_minimis_percent"] == ["0.0", "0.0"]
    assert api("ben").get(BASE + "/fee-table?year=3000").status_code == 400


def test_api_request_then_delegate_approval(reg, api):
    payload = {
        "engagement_id": reg.engagement.pk,
        "description": "Agreed-upon procedures on royalty reports",
        "category": "audit_related",
        "fee_estimate": "8000",
        "requested_on": "2026-04-01",
        "starts_on": "2026-04-15",
    }
    ada, ben, cleo = api("ada"), api("ben"), api("cleo")
    assert (
        ben.post(
            BASE + "/requests", payload, content_type="application/json"
        ).status_code
        == 403
    )
    before = LedgerEvent.objects.count()
    created = cleo.post(BASE + "/requests", payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["outcome"] == "needs_specific_approval"
    assert LedgerEvent.objects.count() == before + 1
    url = f"{BASE}/requests/{created.json()['id']}/approve"
    body = {"kind": "delegate", "approved_on": "2026-04-02"}
    assert cleo.post(url, body, content_type="application/json").status_code == 403
    refused = ben.post(url, body, content_type="application/json")
    assert refused.status_code == 400
    assert "delegation" in refused.json()["detail"]
    approved = ada.post(url, body, content_type="application/json")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"requested_on": "2026-04-16"}, 400, "after the service began"),
        ({"category": "consulting"}, 400, "Unknown fee category"),
        ({"fee_estimate": "-1"}, 400, "positive amount"),
        ({"policy_item_code": "ZZ"}, 400, "No policy item"),
        ({"engagement_id": 999999}, 404, "Not found"),
        ({"starts_on": "not a date"}, 422, "not valid"),
    ],
)
def test_api_bad_requests(reg, api, changes, status, message):
    payload = {
        "engagement_id": reg.engagement.pk,
        "description": "Agreed-upon procedures on royalty reports",
        "category": "audit_related",
        "fee_estimate": "8000",
        "requested_on": "2026-04-01",
        "starts_on": "2026-04-15",
        **changes,
    }
    response = api("cleo").post(
        BASE + "/requests", payload, content_type="application/json"
    )
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_api_approve_outsider_and_missing(reg, api, personas):
    row = services.submit_request(
        reg.engagement, actor=personas["cleo"], **request_fields()
    )
    body = {"kind": "delegate", "approved_on": date(2026, 3, 4).isoformat()}
    url = f"{BASE}/requests/{row.pk}/approve"
    assert (
        api("eve").post(url, body, content_type="application/json").status_code == 404
    )
    assert Client().post(url, body, content_type="application/json").status_code == 401
