"""The composition API: 401 without a token, 403 without the right, 4xx on bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from oversight.accounts.services import create_api_token
from oversight.committee import models as m
from oversight.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db
API = "/api/v1/committee"


@pytest.fixture
def api(committee, personas):
    def make(name: str) -> Any:
        secret = create_api_token(
            actor=personas[name], company=committee, name="t", days=1
        ).secret
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


ENDPOINTS = [
    # (method, path, body, allowed, refused)
    ("get", "/status", None, "hal", "cleo"),
    ("get", "/timeline", None, "ben", "dev"),
    ("get", "/directors", None, "fay", "gus"),
    ("get", "/disclosure", None, "ada", "hal"),
    (
        "post",
        "/whatif",
        {"change": "resign", "director": "BEN", "on": "TODAY"},
        "ben",
        "hal",
    ),
]


def _fill(body: Any, director: Any, today: Any) -> Any:
    if body is None:
        return None
    return {
        k: (
            director("Ben").pk
            if v == "BEN"
            else today.isoformat()
            if v == "TODAY"
            else v
        )
        for k, v in body.items()
    }


@pytest.mark.parametrize(("method", "path", "body", "allowed", "refused"), ENDPOINTS)
def test_read_matrix(
    api, method, path, body, allowed, refused, director, today
) -> None:
    data = _fill(body, director, today)
    kwargs = {"data": data, "content_type": "application/json"} if data else {}
    assert getattr(Client(), method)(API + path, **kwargs).status_code == 401
    assert getattr(api(refused), method)(API + path, **kwargs).status_code == 403
    client = api(allowed)
    before = LedgerEvent.objects.count()
    response = getattr(client, method)(API + path, **kwargs)
    assert response.status_code == 200, response.content
    assert LedgerEvent.objects.count() == before  # reads and what-ifs save nothing


def test_status_as_of(api, today) -> None:
    data = (
        api("ada")
        .get(f"{API}/status", {"as_of": (today - timedelta(days=170)).isoformat()})
        .json()
    )
    assert data["status"] == "compliant_in_cure_period"
    assert data["cure"]["rule"] == "AC-CURE-02"
    assert api("ada").get(f"{API}/status", {"as_of": "yesterday"}).status_code == 422


def test_whatif_appoint_and_pay(api, director, today, committee) -> None:
    client = api("ada")
    appoint = client.post(
        f"{API}/whatif",
        {"change": "appoint", "director": director("Hal").pk, "on": today.isoformat()},
        content_type="application/json",
    )
    assert appoint.status_code == 200
    assert appoint.json()["candidate"]
    org = m.Organisation.objects.get(company=committee)
    fy = today.year + (1 if (today.month, today.day) > (12, 31) else 0)
    pay = client.post(
        f"{API}/whatif",
        {
            "change": "pay",
            "organisation": org.pk,
            "amount": "900000",
            "fiscal_year": fy,
            "on": today.isoformat(),
        },
        content_type="application/json",
    )
    assert pay.status_code == 200
    ben = next(
        mm for mm in pay.json()["after"]["members"] if mm["name"] == "Ben Member"
    )
    assert {t["rule"]: t["verdict"] for t in ben["tests"]}["AC-IND-04"] == "fail"


@pytest.mark.parametrize(
    "body",
    [
        {"change": "teleport", "on": "2026-01-01"},
        {"change": "appoint", "on": "2026-01-01"},
        {"change": "pay", "on": "2026-01-01", "organisation": 1},
        {
            "change": "pay",
            "on": "2026-01-01",
            "organisation": 999999,
            "amount": "1",
            "fiscal_year": 2026,
        },
        {
            "change": "pay",
            "on": "2026-01-01",
            "organisation": 1,
            "amount": "-1",
            "fiscal_year": 2026,
        },
        {"change": "resign", "on": "2026-01-01", "director": 999999},
    ],
)
def test_whatif_bad_input_is_a_4xx(api, body) -> None:
    response = api("ada").post(f"{API}/whatif", body, content_type="application/json")
    assert response.status_code == 400, response.content


def test_write_endpoints(api, director, today, committee) -> None:
    fay, ben = api("fay"), api("ben")
    body = {"name": "Mo Candidate (fictional)", "board_start": "2026-01-01"}
    assert (
        ben.post(f"{API}/directors", body, content_type="application/json").status_code
        == 403
    )
    created = fay.post(f"{API}/directors", body, content_type="application/json")
    assert created.status_code == 201
    mo = created.json()["id"]
    assert (
        fay.post(f"{API}/directors", body, content_type="application/json").status_code
        == 400
    )  # the same name
    fact = {
        "kind": "compensation",
        "values": {"paid_on": "2026-02-01", "amount": "130000", "kind": "consulting"},
    }
    assert (
        fay.post(
            f"{API}/directors/{mo}/facts", fact, content_type="application/json"
        ).status_code
        == 201
    )
    bad = {
        "kind": "compensation",
        "values": {"paid_on": "2026-02-01", "amount": "-1", "kind": "consulting"},
    }
    assert (
        fay.post(
            f"{API}/directors/{mo}/facts", bad, content_type="application/json"
        ).status_code
        == 400
    )
    garbled = {
        "kind": "compensation",
        "values": {"paid_on": "soon", "amount": "1", "kind": "consulting"},
    }
    assert (
        fay.post(
            f"{API}/directors/{mo}/facts", garbled, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        fay.post(
            f"{API}/directors/{mo}/facts",
            {"kind": "gossip", "values": {}},
            content_type="application/json",
        ).status_code
        == 400
    )
    assert (
        fay.post(
            f"{API}/directors/{mo}/facts",
            {
                "kind": "literacy",
                "values": {"on": "2026-01-01", "literate": True},
                "family_member": 999,
            },
            content_type="application/json",
        ).status_code
        == 400
    )
    det = {
        "director": mo,
        "on": "2026-02-02",
        "resolution": "BR-9",
        "independent": False,
        "verdicts": {"AC-IND-02": "fail"},
    }
    made = fay.post(f"{API}/determinations", det, content_type="application/json")
    assert made.status_code == 201
    assert len(made.json()["content_hash"]) == 64
    seat = fay.post(
        f"{API}/memberships",
        {"director": mo, "starts_on": today.isoformat()},
        content_type="application/json",
    )
    assert seat.status_code == 201
    assert (
        fay.post(
            f"{API}/memberships",
            {"director": mo, "starts_on": today.isoformat()},
            content_type="application/json",
        ).status_code
        == 400
    )
    end = fay.post(
        f"{API}/memberships/{seat.json()['id']}/end",
        {"ends_on": today.isoformat(), "reason": "removal"},
        content_type="application/json",
    )
    assert end.status_code == 200
    assert (
        fay.post(
            f"{API}/memberships/999999/end",
            {"ends_on": today.isoformat(), "reason": "removal"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        fay.post(
            f"{API}/determinations",
            {**det, "director": 999999},
            content_type="application/json",
        ).status_code
        == 400
    )
    timeline = fay.get(f"{API}/timeline").json()
    assert any(mo in s["members"] for s in timeline)


def test_openapi_documents_the_committee_endpoints(committee) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {
        f"{API}/status",
        f"{API}/whatif",
        f"{API}/determinations",
        f"{API}/directors/{{pk}}/facts",
    } <= set(paths)


def test_register_endpoints(api, director, committee) -> None:
    fay, post = api("fay"), "application/json"
    assert (
        api("ben").put(f"{API}/listing", {"ipo": False}, content_type=post).status_code
        == 403
    )
    assert (
        fay.put(f"{API}/listing", {"ipo": True}, content_type=post).status_code == 400
    )
    assert (
        fay.put(
            f"{API}/listing",
            {"listing_date": "2016-05-02", "max_audit_committees": None},
            content_type=post,
        ).status_code
        == 200
    )
    assert (
        fay.post(
            f"{API}/annual-meetings", {"held_on": "2030-06-10"}, content_type=post
        ).status_code
        == 201
    )
    assert (
        fay.post(
            f"{API}/annual-meetings", {"held_on": "2030-06-10"}, content_type=post
        ).status_code
        == 400
    )
    assert (
        fay.post(
            f"{API}/revenues",
            {"fiscal_year": 2030, "amount": "1000"},
            content_type=post,
        ).status_code
        == 201
    )
    assert (
        fay.post(
            f"{API}/revenues", {"fiscal_year": 2030, "amount": "-1"}, content_type=post
        ).status_code
        == 400
    )
    org = fay.post(
        f"{API}/organisations", {"name": "Globex Fictional"}, content_type=post
    )
    assert org.status_code == 201
    pk = org.json()["id"]
    assert (
        fay.post(
            f"{API}/organisations/{pk}/revenues",
            {"fiscal_year": 2026, "amount": "5000000"},
            content_type=post,
        ).status_code
        == 201
    )
    pay = {
        "fiscal_year": 2026,
        "direction": "to_organisation",
        "amount": "1000",
        "category": "goods",
    }
    assert (
        fay.post(
            f"{API}/organisations/{pk}/payments", pay, content_type=post
        ).status_code
        == 201
    )
    assert (
        fay.post(
            f"{API}/organisations/{pk}/payments",
            {**pay, "fiscal_year": None},
            content_type=post,
        ).status_code
        == 400
    )
    assert (
        fay.post(
            f"{API}/organisations/{pk}/payments",
            {**pay, "amount": "-3"},
            content_type=post,
        ).status_code
        == 400
    )
    assert (
        fay.post(
            f"{API}/organisations/999999/payments", pay, content_type=post
        ).status_code
        == 400
    )
    ben = director("Ben").pk
    assert (
        fay.post(
            f"{API}/directors/{ben}/family",
            {"name": "Bo", "relationship": "spouse"},
            content_type=post,
        ).status_code
        == 201
    )
    assert (
        fay.post(
            f"{API}/directors/{ben}/family",
            {"name": "Cy", "relationship": "cousin"},
            content_type=post,
        ).status_code
        == 400
    )
    assert m.FamilyMember.objects.filter(director_id=ben).count() == 1


def test_far_dates_are_a_4xx_not_a_crash(api, director) -> None:
    client = api("ada")
    assert client.get(f"{API}/status", {"as_of": "9999-12-31"}).status_code == 422
    body = {"change": "resign", "director": director("Ben").pk, "on": "9999-12-30"}
    assert (
        client.post(f"{API}/whatif", body, content_type="application/json").status_code
        == 422
    )
    fact = {"kind": "literacy", "values": {"on": "9999-12-31", "literate": True}}
    assert (
        api("fay")
        .post(
            f"{API}/directors/{director('Ben').pk}/facts",
            fact,
            content_type="application/json",
        )
        .status_code
        == 400
    )


WRITES = [
    ("post", "/directors", {"name": "X", "board_start": "2026-01-01"}),
    (
        "post",
        "/directors/1/facts",
        {"kind": "literacy", "values": {"on": "2026-01-01", "literate": True}},
    ),
    ("post", "/directors/1/family", {"name": "Bo", "relationship": "spouse"}),
    ("post", "/memberships", {"director": 1, "starts_on": "2026-01-01"}),
    ("post", "/memberships/1/end", {"ends_on": "2026-01-01", "reason": "death"}),
    (
        "post",
        "/determinations",
        {"director": 1, "on": "2026-01-01", "resolution": "R", "independent": True},
    ),
    ("put", "/listing", {"ipo": False}),
    ("post", "/annual-meetings", {"held_on": "2031-01-01"}),
    ("post", "/revenues", {"fiscal_year": 2031, "amount": "1"}),
    ("post", "/organisations", {"name": "Y"}),
    ("post", "/organisations/1/revenues", {"fiscal_year": 2031, "amount": "1"}),
    (
        "post",
        "/organisations/1/payments",
        {"fiscal_year": 2031, "direction": "to_company", "amount": "1"},
    ),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_write_matrix(api, method, path, body) -> None:
    ben = api("ben")  # a member: reads, never writes the register
    before = LedgerEvent.objects.count()
    assert (
        getattr(Client(), method)(
            API + path, body, content_type="application/json"
        ).status_code
        == 401
    )
    assert (
        getattr(ben, method)(
            API + path, body, content_type="application/json"
        ).status_code
        == 403
    )
    assert LedgerEvent.objects.count() == before
