"""Permission matrices for every compliance page and endpoint, and what they show."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from oversight.accounts.models import Company, User
from oversight.accounts.services import create_api_token
from oversight.compliance.models import EvaluationRun, Evidence
from oversight.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


PAGES = [
    # (url, allowed persona, insider refused)
    ("/compliance/", "hal", "dev"),
    ("/compliance/obligations/AC-MTG-01/", "cleo", "ivy"),
    ("/compliance/evidence/", "gus", "dev"),
    ("/compliance/planner/", "ben", "cleo"),
    ("/compliance/runs/", "ben", "ivy"),
]


@pytest.mark.parametrize(("url", "allowed", "refused"), PAGES)
def test_page_matrix(url, allowed, refused, charter, client_for):
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert client_for(refused).get(url).status_code == 403
    response = client_for(allowed).get(url)
    assert response.status_code == 200
    assert b"One Stop Systems" in response.content


def test_an_outsider_never_sees_the_companys_obligations(charter, client_for):
    # eve chairs Northwind, which has no charter: nothing of One Stop Systems shows
    assert (
        client_for("eve").get("/compliance/obligations/AC-MTG-01/").status_code == 404
    )
    page = client_for("eve").get("/compliance/")
    assert b"No charter is in force" in page.content
    assert b"AC-MTG-01" not in page.content


def test_dashboard_shows_every_duty_by_quarter(charter, record, client_for):
    record("meeting.held", "2026-02-12")
    content = client_for("ada").get("/compliance/").content.decode()
    assert "every quarter of FY2026" in content or "each quarter of FY2026" in content
    assert "1 of 4 meetings held in FY2026" in content
    assert "AC-PRE-06" in content  # missed: no pre-approval policy on record
    assert "Due in the next 90 days" in content
    assert "Store a reproducible run" in content
    assert (
        "Store a reproducible run"
        not in client_for("ben").get("/compliance/").content.decode()
    )


def test_dashboard_as_of_and_as_known_at(charter, record, client_for):
    record("meeting.held", "2026-02-12")
    then = (
        client_for("ada")
        .get("/compliance/?as_of=2026-06-30&known_at=2026-11-19T00:00")
        .content.decode()
    )
    assert "0 of 4 meetings held in FY2026" in then
    assert client_for("ada").get("/compliance/?as_of=someday").status_code == 400


def test_home_dashboard_has_the_charter_panel(charter, client_for):
    content = client_for("ben").get(reverse("dashboard")).content.decode()
    assert "The charter, today" in content
    assert "Every duty by quarter" in content


def test_home_panel_without_a_charter_points_to_import(company, personas, client_for):
    assert (
        "Import the committee"
        in client_for("ada").get(reverse("dashboard")).content.decode()
    )


def test_obligation_drill_down_shows_evidence_and_history(charter, record, client_for):
    record("charter.reviewed", "2026-03-02", note="Reviewed; no change needed.")
    content = (
        client_for("ben").get("/compliance/obligations/AC-CHR-02/").content.decode()
    )
    assert "annually evaluate the adequacy of its charter." in content
    assert "Reviewed; no change needed." in content
    assert "FY2025" in content
    assert (
        client_for("ben").get("/compliance/obligations/AC-NOPE-99/").status_code == 404
    )


def test_recording_evidence_through_the_page(charter, client_for):
    url = "/compliance/evidence/"
    assert (
        client_for("cleo")
        .post(url, {"kind": "meeting.held", "occurred_on": "2026-02-12"})
        .status_code
        == 403
    )
    # eve records for her own company (Northwind), never for One Stop Systems
    client_for("eve").post(url, {"kind": "meeting.held", "occurred_on": "2026-02-12"})
    assert not Evidence.objects.filter(company__slug="one-stop-systems").exists()
    before = LedgerEvent.objects.count()
    response = client_for("fay").post(
        url,
        {"kind": "meeting.held", "occurred_on": "2026-02-12", "meeting": "February"},
    )
    assert response.status_code == 302
    assert Evidence.objects.get(company__slug="one-stop-systems").kind == "meeting.held"
    assert LedgerEvent.objects.count() == before + 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            {"kind": "meeting.held", "occurred_on": "2026-12-12", "holds": "on"},
            "future",
        ),
        ({"kind": "nope", "occurred_on": "2026-02-12"}, "Select a valid choice"),
        ({"kind": "meeting.held", "occurred_on": "soon"}, "Enter a valid date"),
    ],
)
def test_bad_evidence_is_a_form_error_and_nothing_is_saved(
    data, words, charter, client_for
):
    response = client_for("fay").post("/compliance/evidence/", data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert Evidence.objects.count() == 0


def test_evidence_list_query_count(
    charter, record, client_for, django_assert_max_num_queries
):
    for day in ("2026-02-12", "2026-05-14", "2026-08-13"):
        record("meeting.held", day)
    client = client_for("ada")
    with django_assert_max_num_queries(14):
        client.get("/compliance/evidence/")


def test_planner_places_duties_and_answers_what_if(charter, record, client_for):
    for day in ("2026-02-12", "2026-05-14", "2026-08-13"):
        record("meeting.held", day)
    record("session.management", "2026-05-14")
    record("session.internal_audit", "2026-05-14")
    url = "/compliance/planner/?meetings=2026-12-10&skip_on=2026-12-10&skip_kind=session.auditor"
    content = client_for("ben").get(url).content.decode()
    assert "Meeting on 10 Dec 2026" in content
    assert (
        "If the meeting on 10 Dec 2026 holds no executive session with the independent auditor, AC-MTG-02 is missed for FY2026"
        in content
    )
    assert (
        client_for("ben").get("/compliance/planner/?meetings=tomorrow").status_code
        == 400
    )


def test_runs_matrix(charter, client_for):
    url = reverse("compliance:run")
    assert (
        Client()
        .post(url, {"as_of": "2026-06-30"})["Location"]
        .startswith(reverse("accounts:login"))
    )
    assert client_for("ben").post(url, {"as_of": "2026-06-30"}).status_code == 403
    before = LedgerEvent.objects.count()
    assert client_for("ada").post(url, {"as_of": "2026-06-30"}).status_code == 302
    assert EvaluationRun.objects.count() == 1
    assert LedgerEvent.objects.count() == before + 1
    page = client_for("ada").get(reverse("compliance:runs")).content.decode()
    assert EvaluationRun.objects.get().facts_digest[:16] in page
    bad = client_for("ada").post(url, {"as_of": "2010-01-01"}, follow=True)
    assert "No charter is in force" in bad.content.decode()
    assert (
        "Give the date" in client_for("ada").post(url, {}, follow=True).content.decode()
    )


# ---------------------------------------------------------------- API


def _api(personas: dict[str, User], company: Company, who: str) -> Client:
    issued = create_api_token(actor=personas[who], company=company, name="t", days=1)
    return Client(headers={"Authorization": f"Bearer {issued.secret}"})


def test_api_evaluation(charter, record, personas, company, other_company):
    record("meeting.held", "2026-02-12")
    assert Client().get("/api/v1/compliance/evaluation").status_code == 401
    client = _api(personas, company, "ben")
    data = client.get("/api/v1/compliance/evaluation?as_of=2026-06-30").json()
    assert (data["fiscal_year"], data["charter_version"]) == (2026, "as received")
    row = next(r for r in data["results"] if r["obligation"] == "AC-MTG-01")
    assert (
        row["message"]
        == "1 of 4 meetings held in FY2026; 3 more are due by 31 Dec 2026"
    )
    known = client.get(
        "/api/v1/compliance/evaluation?as_of=2026-06-30&known_at=2026-11-19T00:00:00%2B00:00"
    ).json()
    assert (
        next(r for r in known["results"] if r["obligation"] == "AC-MTG-01")["evidence"]
        == []
    )
    assert (
        client.get("/api/v1/compliance/evaluation?as_of=2010-01-01").status_code == 404
    )
    assert (
        client.get(
            "/api/v1/compliance/evaluation?as_of=2026-06-30&known_at=2026-11-19T00:00:00"
        ).status_code
        == 400
    )
    assert (
        client.get(
            "/api/v1/compliance/evaluation?as_of=2026-06-30&fiscal_year=2031"
        ).status_code
        == 400
    )
    assert client.get("/api/v1/compliance/evaluation?as_of=nope").status_code in (
        400,
        422,
    )
    assert (
        _api(personas, company, "dev").get("/api/v1/compliance/evaluation").status_code
        == 403
    )
    assert (
        _api(personas, other_company, "eve")
        .get("/api/v1/compliance/evaluation")
        .status_code
        == 404
    )


def test_api_runs(charter, personas, company):
    ada = _api(personas, company, "ada")
    created = ada.post(
        "/api/v1/compliance/runs",
        {"as_of": "2026-06-30"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["charter_version"] == "as received"
    assert [r["id"] for r in ada.get("/api/v1/compliance/runs").json()] == [
        created.json()["id"]
    ]
    ben = _api(personas, company, "ben")
    assert (
        ben.post(
            "/api/v1/compliance/runs",
            {"as_of": "2026-06-30"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        _api(personas, company, "ivy").get("/api/v1/compliance/runs").status_code == 403
    )


def test_choosing_how_often_periodically_means(charter, client_for, company):
    url = reverse("compliance:set-cadence", args=["AC-MTG-02"])
    assert (
        Client()
        .post(url, {"per_year": 2})["Location"]
        .startswith(reverse("accounts:login"))
    )
    assert client_for("ben").post(url, {"per_year": 2}).status_code == 403
    page = client_for("ada").get("/compliance/obligations/AC-MTG-02/").content.decode()
    assert "the committee's number is <strong>1</strong>" in page
    before = LedgerEvent.objects.count()
    assert client_for("ada").post(url, {"per_year": 4}).status_code == 302
    assert LedgerEvent.objects.count() == before + 1
    page = client_for("ada").get("/compliance/obligations/AC-MTG-02/").content.decode()
    assert "the committee's number is <strong>4</strong>" in page
    assert "0 of 4 executive sessions with management held" in page
    refused = client_for("ada").post(
        reverse("compliance:set-cadence", args=["AC-MTG-01"]),
        {"per_year": 2},
        follow=True,
    )
    assert "Only a &#x27;periodically&#x27; obligation" in refused.content.decode()
    assert (
        "Choose a whole number"
        in client_for("ada")
        .post(url, {"per_year": "often"}, follow=True)
        .content.decode()
    )
    assert LedgerEvent.objects.count() == before + 1


def test_evidence_documents_are_served_only_to_readers(charter, record, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    row = record(
        "auditor.qc_report_reviewed",
        "2026-08-12",
        document=SimpleUploadedFile("qc.pdf", b"%PDF qc"),
    )
    url = reverse("compliance:document", args=[row.pk])
    assert Client().get(url)["Location"].startswith(reverse("accounts:login"))
    assert client_for("eve").get(url).status_code == 404
    assert client_for("dev").get(url).status_code == 403
    response = client_for("ben").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF qc"
    assert 'filename="qc.pdf"' in response["Content-Disposition"]
    plain = record("meeting.held", "2026-02-12")
    assert (
        client_for("ben")
        .get(reverse("compliance:document", args=[plain.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("rows", [1, 40])
def test_dashboard_query_count_does_not_grow_with_evidence(
    rows, charter, record, client_for, django_assert_max_num_queries
):
    for index in range(rows):
        record("meeting.held", f"2026-{1 + index % 10:02}-{1 + index // 10:02}")
    client = client_for("ada")
    with django_assert_max_num_queries(16):
        assert client.get("/compliance/").status_code == 200


def test_dashboard_answers_htmx_with_the_board_only(charter, client_for):
    partial = client_for("ada").get(
        "/compliance/?as_of=2026-06-30", headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    content = partial.content.decode()
    assert "as of 30 Jun 2026" in content
    assert "<html" not in content
