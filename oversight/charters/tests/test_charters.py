"""Charter versions: import, approval, the version in force, pages, CLI and API."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from oversight.accounts.models import Company, User
from oversight.accounts.services import create_api_token
from oversight.charters import queries, services
from oversight.charters.models import CharterVersion
from oversight.ledger.models import LedgerEvent
from oversight.rules.charter.format import CharterFormatError

pytestmark = pytest.mark.django_db


def amended(source: str, label: str, adopted: str = "2027-02-01") -> str:
    return (
        source.replace('version = "as received"', f'version = "{label}"')
        .replace("adopted_on = 2018-01-31", f"adopted_on = {adopted}")
        .replace(
            "meet at least four times each year", "meet at least five times each year"
        )
        .replace("n = 4 }", "n = 5 }")
    )


def test_import_stores_the_text_and_records_it(company, personas, oss_source):
    before = LedgerEvent.objects.count()
    version = services.import_charter(company, actor=personas["fay"], source=oss_source)
    assert (version.label, version.effective_from, version.obligation_count) == (
        "as received",
        date(2018, 1, 31),
        30,
    )
    assert version.obligations[0]["id"] == "AC-CHR-01"
    assert LedgerEvent.objects.count() == before + 1
    event = LedgerEvent.objects.latest("pk")
    assert event.action == "charters.version_imported"
    assert event.data["sha256"] == version.sha256
    assert queries.parsed(version).company == "One Stop Systems, Inc."


def test_a_refused_file_imports_nothing(company, personas, oss_source):
    before = (CharterVersion.objects.count(), LedgerEvent.objects.count())
    bad = oss_source.replace('type = "periodically"', 'type = "now and then"')
    with pytest.raises(CharterFormatError) as caught:
        services.import_charter(company, actor=personas["fay"], source=bad)
    assert "unknown cadence 'now and then'" in str(caught.value)
    assert (CharterVersion.objects.count(), LedgerEvent.objects.count()) == before


def test_a_label_or_effective_date_is_taken_once(
    company, personas, oss_source, oss_version
):
    with pytest.raises(ValidationError, match="already imported"):
        services.import_charter(company, actor=personas["fay"], source=oss_source)
    with pytest.raises(ValidationError, match="already takes effect"):
        services.import_charter(
            company,
            actor=personas["fay"],
            source=amended(oss_source, "v2"),
            effective_from=date(2018, 1, 31),
        )


def test_the_version_in_force_on_any_date(company, personas, oss_source, oss_version):
    newer = services.import_charter(
        company, actor=personas["fay"], source=amended(oss_source, "2027")
    )
    assert queries.version_in_force(company, date(2017, 12, 31)) is None
    assert queries.version_in_force(company, date(2018, 1, 31)) == oss_version
    assert queries.version_in_force(company, date(2027, 1, 31)) == oss_version
    assert queries.version_in_force(company, date(2027, 2, 1)) == newer


def test_the_list_answers_which_version_was_in_force(
    company, personas, oss_source, oss_version, client_for
):
    services.import_charter(
        company, actor=personas["fay"], source=amended(oss_source, "2027")
    )
    client = client_for("ben")
    assert (
        "In force on 31 Jan 2027: <a"
        in client.get("/charters/?on=2027-01-31").content.decode()
    )
    assert (
        "version as received" in client.get("/charters/?on=2027-01-31").content.decode()
    )
    assert "version 2027" in client.get("/charters/?on=2027-02-01").content.decode()
    assert (
        "No charter version was in force on 1 Jan 2000"
        in client.get("/charters/?on=2000-01-01").content.decode()
    )


def test_board_approval_is_recorded_once(oss_version, personas):
    with pytest.raises(ValidationError):
        services.approve_version(
            oss_version,
            actor=personas["ada"],
            approved_on=date(2017, 1, 1),
            resolution="R1",
        )
    services.approve_version(
        oss_version,
        actor=personas["ada"],
        approved_on=date(2018, 2, 1),
        resolution="R1",
    )
    assert LedgerEvent.objects.latest("pk").action == "charters.version_approved"
    oss_version.refresh_from_db()
    assert oss_version.is_approved()
    assert oss_version.is_effective_on(date(2018, 1, 31))
    with pytest.raises(ValidationError, match="already recorded"):
        services.approve_version(
            oss_version,
            actor=personas["ada"],
            approved_on=date(2018, 2, 1),
            resolution="R2",
        )


def test_approval_cannot_be_in_the_future(oss_version, personas):
    with pytest.raises(ValidationError):
        services.approve_version(
            oss_version,
            actor=personas["ada"],
            approved_on=date(2999, 1, 1),
            resolution="R",
        )


# ---------------------------------------------------------------- pages: permission matrix

PAGES = [
    # (url name, needs a version pk, allowed persona, insider refused)
    ("charters:list", False, "ben", "ivy"),
    ("charters:detail", True, "dev", "ivy"),
    ("charters:coverage", True, "hal", "ivy"),
    ("charters:import", False, "fay", "ben"),
]


def _url(name: str, needs_pk: bool, version: CharterVersion) -> str:
    return reverse(name, args=[version.pk]) if needs_pk else reverse(name)


@pytest.mark.parametrize(("name", "needs_pk", "allowed", "refused"), PAGES)
def test_page_matrix(name, needs_pk, allowed, refused, oss_version, client_for):
    url = _url(name, needs_pk, oss_version)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert client_for(refused).get(url).status_code == 403
    response = client_for(allowed).get(url)
    assert response.status_code == 200
    assert b"One Stop Systems" in response.content


@pytest.mark.parametrize("name", ["charters:detail", "charters:coverage"])
def test_an_outsider_gets_404_for_a_version(name, oss_version, client_for):
    assert (
        client_for("eve").get(reverse(name, args=[oss_version.pk])).status_code == 404
    )


def test_the_coverage_page_lists_every_sentence(oss_version, client_for):
    content = (
        client_for("ada")
        .get(reverse("charters:coverage", args=[oss_version.pk]))
        .content.decode()
    )
    assert "<strong>100.0%</strong>" in content
    assert "AC-MTG-02" in content
    assert "not covered" not in content


def test_list_page_query_count(oss_version, client_for, django_assert_max_num_queries):
    client = client_for("ada")
    with django_assert_max_num_queries(12):
        client.get(reverse("charters:list"))


def test_importing_through_the_page(company, oss_source, client_for):
    before = LedgerEvent.objects.count()
    upload = SimpleUploadedFile(
        "charter.toml", oss_source.encode(), content_type="application/toml"
    )
    response = client_for("fay").post(reverse("charters:import"), {"file": upload})
    version = CharterVersion.objects.get(company=company)
    assert response.status_code == 302
    assert response["Location"] == reverse("charters:detail", args=[version.pk])
    assert LedgerEvent.objects.count() == before + 1


def test_a_refused_upload_shows_each_problem_with_its_line(
    company, oss_source, client_for
):
    bad = oss_source.replace(
        'check = "count_per_fiscal_year"', 'check = "count_vibes"', 1
    )
    before = LedgerEvent.objects.count()
    response = client_for("fay").post(reverse("charters:import"), {"source": bad})
    assert response.status_code == 400
    content = response.content.decode()
    line = next(
        i for i, text in enumerate(bad.splitlines(), 1) if "count_vibes" in text
    )
    assert f'href="#source-line-{line}">line {line}</a>' in content
    assert "unknown check &#x27;count_vibes&#x27;" in content
    assert CharterVersion.objects.count() == 0
    assert LedgerEvent.objects.count() == before


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "Upload a charter file or paste its text."),
        ({"source": "x", "effective_from": "soon"}, "Enter a valid date"),
    ],
)
def test_an_empty_or_malformed_import_is_a_form_error(data, words, client_for):
    response = client_for("fay").post(reverse("charters:import"), data)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_an_upload_that_is_not_text_is_refused(client_for):
    upload = SimpleUploadedFile(
        "charter.toml", b"\xff\xfe\x00bad", content_type="application/toml"
    )
    response = client_for("fay").post(reverse("charters:import"), {"file": upload})
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()


def test_a_second_import_of_the_same_label_is_a_form_error(
    oss_version, oss_source, client_for
):
    response = client_for("fay").post(
        reverse("charters:import"), {"source": oss_source}
    )
    assert response.status_code == 400
    assert "already imported" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("eve", 404), ("ben", 403)])
def test_approve_matrix_refusals(who, status, oss_version, client_for):
    url = reverse("charters:approve", args=[oss_version.pk])
    assert (
        client_for(who)
        .post(url, {"approved_on": "2018-02-01", "resolution": "R"})
        .status_code
        == status
    )
    oss_version.refresh_from_db()
    assert oss_version.approved_by_board_on is None


def test_approve_through_the_page(oss_version, client_for):
    url = reverse("charters:approve", args=[oss_version.pk])
    assert Client().post(url, {})["Location"].startswith(reverse("accounts:login"))
    before = LedgerEvent.objects.count()
    response = client_for("ada").post(
        url, {"approved_on": "2018-02-01", "resolution": "Board resolution 7"}
    )
    assert response.status_code == 302
    oss_version.refresh_from_db()
    assert (oss_version.approved_by_board_on, oss_version.board_resolution) == (
        date(2018, 2, 1),
        "Board resolution 7",
    )
    assert LedgerEvent.objects.count() == before + 1
    again = client_for("ada").post(
        url, {"approved_on": "2018-02-01", "resolution": "x"}, follow=True
    )
    assert "already recorded" in again.content.decode()
    assert LedgerEvent.objects.count() == before + 1
    bad = client_for("ada").post(url, {"approved_on": "never"}, follow=True)
    assert "Give the approval date" in bad.content.decode()


def test_diff_page(company, personas, oss_source, oss_version, client_for):
    newer = services.import_charter(
        company, actor=personas["fay"], source=amended(oss_source, "2027")
    )
    url = reverse("charters:diff") + f"?old={oss_version.pk}&new={newer.pk}"
    content = client_for("ben").get(url).content.decode()
    assert "five times" in content
    assert "AC-MTG-01" in content
    assert client_for("ben").get(reverse("charters:diff") + "?old=x").status_code == 400
    assert client_for("eve").get(url).status_code == 404


# ---------------------------------------------------------------- CLI

LIBRARY_FILE = "oversight/charters/library/one-stop-systems.toml"


def test_cli_coverage_of_a_file_is_100_percent(capsys):
    call_command("charter", "coverage", LIBRARY_FILE)
    out = capsys.readouterr().out
    assert out.strip().endswith("coverage: 100.0% (27 of 27 sentences)")
    assert "meetings 2: The Audit Committee shall periodically meet separately" in out


def test_cli_import_show_and_diff(company, personas, oss_source, tmp_path, capsys):
    call_command(
        "charter",
        "import",
        LIBRARY_FILE,
        "--company",
        company.slug,
        "--as",
        "fay@oss.example",
    )
    assert CharterVersion.objects.get(company=company).imported_by == personas["fay"]
    newer = tmp_path / "v2.toml"
    newer.write_text(amended(oss_source, "2027"))
    call_command(
        "charter",
        "import",
        str(newer),
        "--company",
        company.slug,
        "--effective-from",
        "2027-03-01",
    )
    capsys.readouterr()
    call_command("charter", "show", "2027", "--company", company.slug, "--json")
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == "2027"
    call_command("charter", "diff", "as received", "2027", "--company", company.slug)
    out = capsys.readouterr().out
    assert (
        "~ AC-MTG-01.cadence: at least 4 per fiscal year -> at least 5 per fiscal year"
        in out
    )
    call_command("charter", "coverage", "2027", "--company", company.slug, "--json")
    assert json.loads(capsys.readouterr().out)["percent"] == 100.0


def test_cli_dry_run_and_refusals(company, oss_source, tmp_path, capsys):
    call_command(
        "charter", "import", LIBRARY_FILE, "--company", company.slug, "--dry-run"
    )
    assert "valid: One Stop Systems, Inc." in capsys.readouterr().out
    assert CharterVersion.objects.count() == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(
        oss_source.replace('section = "meetings"', 'section = "gatherings"', 1)
    )
    with pytest.raises(CommandError) as refused:
        call_command("charter", "import", str(bad), "--company", company.slug)
    assert refused.value.returncode == 2
    assert "section 'gatherings' is referenced but not defined" in str(refused.value)
    assert CharterVersion.objects.count() == 0


@pytest.mark.parametrize(
    "args",
    [
        ["import", "missing.toml", "--company", "one-stop-systems"],
        ["import", LIBRARY_FILE, "--company", "nope"],
        [
            "import",
            LIBRARY_FILE,
            "--company",
            "one-stop-systems",
            "--as",
            "nobody@oss.example",
        ],
        [
            "import",
            LIBRARY_FILE,
            "--company",
            "one-stop-systems",
            "--effective-from",
            "soon",
        ],
        ["show", "v9", "--company", "one-stop-systems"],
        ["show", "missing.toml"],
    ],
)
def test_cli_bad_input_exits_2(args, company):
    with pytest.raises(CommandError) as refused:
        call_command("charter", *args)
    assert refused.value.returncode == 2


# ---------------------------------------------------------------- API


def _api(personas: dict[str, User], company: Company, who: str) -> Client:
    issued = create_api_token(actor=personas[who], company=company, name="t", days=1)
    return Client(headers={"Authorization": f"Bearer {issued.secret}"})


def test_api_versions_and_coverage(oss_version, personas, company):
    assert Client().get("/api/v1/charters/versions").status_code == 401
    client = _api(personas, company, "ben")
    rows = client.get("/api/v1/charters/versions").json()
    assert [r["label"] for r in rows] == ["as received"]
    detail = client.get(f"/api/v1/charters/versions/{oss_version.pk}").json()
    assert detail["obligations"][1]["id"] == "AC-MEM-01"
    cov = client.get(f"/api/v1/charters/versions/{oss_version.pk}/coverage").json()
    assert (cov["percent"], cov["total"]) == (100.0, 27)
    assert client.get("/api/v1/charters/versions/999999").status_code == 404
    assert (
        client.get("/api/v1/charters/in-force?on=2020-01-01").json()["label"]
        == "as received"
    )
    assert client.get("/api/v1/charters/in-force?on=2000-01-01").status_code == 404
    refused = _api(personas, company, "ivy").get("/api/v1/charters/versions")
    assert refused.status_code == 403


def test_api_hides_other_companies_versions(oss_version, personas, other_company):
    client = _api(personas, other_company, "eve")
    assert client.get(f"/api/v1/charters/versions/{oss_version.pk}").status_code == 404


def test_charter_roles_are_the_products_roles():
    from oversight.accounts.models import Role
    from oversight.rules.charter.model import ROLES

    assert set(ROLES) <= set(Role.values)


def test_a_charter_for_another_company_loads_and_evaluates(
    other_company, personas, capsys
):
    from oversight.charters.demo import LIBRARY

    source = (LIBRARY / "nasdaq-generic.toml").read_text(encoding="utf-8")
    services.import_charter(other_company, actor=personas["eve"], source=source)
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "check_charter",
            "--company",
            other_company.slug,
            "--as-of",
            "2026-06-30",
            "--json",
        )
    assert (
        exit_.value.code == 1
    )  # nothing recorded yet: the pre-approval policy is missing
    data = json.loads(capsys.readouterr().out)
    assert (data["fiscal_year"], data["charter"]) == (2026, "2026-1")  # June year end
    assert len(data["results"]) == 24
