"""The API's core endpoints: tokens, the caller, companies, roles, the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from oversight.accounts import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_for(personas, company):
    def make(name, days=30):
        return services.create_api_token(
            actor=personas[name], company=company, name="test", days=days
        ).secret

    return make


def get(path, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(f"/api/v1{path}", params, **headers)


def test_openapi_document_is_served_and_describes_token_auth(db) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"]["title"] == "Oversight API"
    assert "TokenAuth" in doc["components"]["securitySchemes"]
    assert "/api/v1/ledger/verify" in doc["paths"]


@pytest.mark.parametrize(
    "path",
    [
        "/me",
        "/companies",
        "/companies/one-stop-systems/roles",
        "/ledger/events",
        "/ledger/verify",
    ],
)
def test_every_endpoint_needs_a_token(path, personas) -> None:
    for token in (None, "ovs_not-a-real-token", "Basic abc"):
        response = get(path, token)
        assert response.status_code == 401
        assert response.json() == {"detail": "A valid API token is required."}


def test_me_names_the_caller_their_company_and_roles(token_for) -> None:
    body = get("/me", token_for("ada")).json()
    assert body["email"] == "ada@oss.example"
    assert body["company"]["slug"] == "one-stop-systems"
    assert [r["role"] for r in body["roles"]] == ["chair"]


def test_a_token_reaches_only_its_company(token_for, other_company) -> None:
    token = token_for("ada")
    assert [c["slug"] for c in get("/companies", token).json()] == ["one-stop-systems"]
    assert get(f"/companies/{other_company.slug}/roles", token).status_code == 404


@pytest.mark.parametrize(
    ("path", "allowed", "refused"),
    [
        ("/companies/one-stop-systems/roles", "fay", "cleo"),
        ("/ledger/events", "ada", "ben"),
        ("/ledger/verify", "ivy", "dev"),
    ],
)
def test_permission_matrix(path, allowed, refused, token_for) -> None:
    assert get(path, token_for(refused)).status_code == 403
    assert get(path, token_for(allowed)).status_code == 200


def test_ledger_events_and_verification(token_for, company) -> None:
    token = token_for("ada")
    events = get("/ledger/events", token, limit=3).json()
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert events[0]["action"] == "accounts.company_created"
    assert events[1]["prev_hash"] == events[0]["hash"]
    after = get(
        "/ledger/events", token, after_seq=2, action="accounts.role_assigned"
    ).json()
    assert all(e["seq"] > 2 and e["action"] == "accounts.role_assigned" for e in after)
    assert get("/ledger/events", token, limit=0).status_code == 400
    assert get("/ledger/events", token, limit="many").status_code == 422
    verify = get("/ledger/verify", token).json()
    assert verify["ok"] is True and verify["chain"] == company.ledger_chain


def test_expired_revoked_and_roleless_tokens_stop_working(
    token_for, personas, company
) -> None:
    token = token_for("ada", days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert get("/me", token).status_code == 401
    revoked = token_for("ben")
    services.revoke_api_token(personas["ben"].api_tokens.get(), actor=personas["ben"])
    assert get("/me", revoked).status_code == 401
    gone = token_for("fay")
    assignment = personas["fay"].role_assignments.get(company=company)
    services.end_role(assignment, actor=personas["ivy"], ends_on=assignment.starts_on)
    assert get("/me", gone).status_code == 401


@pytest.mark.parametrize(
    "body",
    ['{"name": "A\\u0000B"}', '{"x": ["ok", {"y": "\\u0000"}]}', '{"a\\u0000": 1}'],
)
def test_nul_characters_are_refused_for_every_endpoint(body, token_for) -> None:
    response = Client().post(
        "/api/v1/committee/organisations",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for('fay')}",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Text may not contain NUL characters."}


def test_nul_characters_are_named_in_production_too(token_for, settings) -> None:
    settings.DEBUG = False
    response = Client().post(
        "/api/v1/committee/organisations",
        '{"name": "A\\u0000B"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for('fay')}",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Text may not contain NUL characters."}


def test_a_body_that_is_not_json_is_still_refused_plainly(token_for) -> None:
    response = Client().post(
        "/api/v1/committee/organisations",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for('fay')}",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Cannot parse request body")


def test_nul_characters_in_a_query_string_are_refused(token_for) -> None:
    response = get("/ledger/events", token_for("ada"), action="accounts.\x00")
    assert response.status_code == 400
    assert response.json() == {"detail": "Text may not contain NUL characters."}
