"""``oversight composition check FILE --as-of DATE [--json]``: exit codes and locations."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from oversight.committee.scenario_files import read_scenario
from oversight.rules.composition.scenario import ScenarioError

EXAMPLE = (
    Path(__file__).resolve().parents[3]
    / "docs"
    / "examples"
    / "composition-scenario.yaml"
)


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("composition", "check", *args, stdout=out, stderr=err)
    return int(exited.value.code or 0), out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("as_of", "code", "status"),
    [
        ("2026-01-15", 0, "compliant"),  # all three serve
        ("2026-03-31", 1, "compliant in cure period"),  # Hal left 2026-01-31
        ("2026-07-31", 1, "compliant in cure period"),  # 180 days from 2026-02-01
        ("2026-08-01", 3, "non compliant"),  # the cure period is over
    ],
)
def test_exit_codes(as_of: str, code: int, status: str) -> None:
    exit_code, out, _ = run(str(EXAMPLE), "--as-of", as_of)
    assert exit_code == code
    assert out.startswith(f"Audit committee as of {as_of}: {status}")


def test_json_output() -> None:
    code, out, _ = run(str(EXAMPLE), "--as-of", "2026-03-31", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["status"] == "compliant_in_cure_period"
    assert data["cure"]["deadline"] == "2026-07-31"
    ben = next(m for m in data["members"] if m["director"] == "ben")
    assert {t["rule"] for t in ben["tests"]} >= {
        "AC-IND-01",
        "AC-IND-02",
        "AC-IND-04",
        "AC-IND-10",
        "AC-IND-11",
        "AC-MEM-04",
    }


def test_bad_input_names_the_line(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace("amount: 45000", "amount: -45000")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    code, out, err = run(str(bad), "--as-of", "2026-03-31")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "-45000" in row)
    assert code == 2
    assert out == ""
    assert (
        f"directors[1].compensation[0].amount (line {line}): must not be negative"
        in err
    )


def test_bad_input_as_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "company": {"name": "X"},
                "memberships": [{"director": "nobody", "start": "2020-01-01"}],
            }
        )
    )
    code, out, _ = run(str(bad), "--as-of", "2026-03-31", "--json")
    assert code == 2
    data = json.loads(out)
    assert data["status"] == "bad_input"
    assert (
        "memberships[0] (line 1): membership for unknown director 'nobody'"
        in data["errors"][0]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "31/03/2026"], "--as-of: expected a date"),
        (["--as-of", "2026-03-31", "missing.yaml"], "cannot read the file"),
    ],
)
def test_bad_arguments(args: list[str], message: str) -> None:
    file = [a for a in args if a.endswith(".yaml")] or [str(EXAMPLE)]
    flags = [a for a in args if not a.endswith(".yaml")]
    code, _, err = run(file[0], *flags)
    assert code == 2
    assert message in err


def test_invalid_yaml_has_a_line() -> None:
    with pytest.raises(ScenarioError) as caught:
        read_scenario("company:\n  name: [unclosed\n")
    assert caught.value.problems[0].line is not None
    assert "not valid YAML or JSON" in caught.value.problems[0].message


def test_empty_document() -> None:
    with pytest.raises(ScenarioError) as caught:
        read_scenario("")
    assert caught.value.problems[0].path == "(document)"


def test_yaml_keys_named_on_and_yes_stay_text() -> None:
    register = read_scenario(
        "company: {name: X}\ndirectors:\n  - id: yes\n    name: 'no'\n    literacy: [{on: 2020-01-01, literate: true}]\n"
    )
    director = register.director("yes")
    assert director.literacy[0].literate is True


def test_far_dates_are_bad_input(tmp_path: Path) -> None:
    code, _, err = run(str(EXAMPLE), "--as-of", "9999-12-31")
    assert code == 2
    assert "--as-of" in err
    far = tmp_path / "far.yaml"
    far.write_text(EXAMPLE.read_text().replace("2026-01-31", "9999-12-31"))
    code, _, err = run(str(far), "--as-of", "2026-03-31")
    assert code == 2
    assert "must fall between 1900 and 2200" in err


@pytest.mark.django_db
def test_export_then_check_gives_the_same_answer(
    committee, today, tmp_path: Path
) -> None:
    from django.core.management.base import CommandError

    from oversight.committee import queries

    out = StringIO()
    call_command("composition", "export", "--company", committee.slug, stdout=out)
    exported = tmp_path / "register.yaml"
    exported.write_text(out.getvalue())
    code, text, _ = run(str(exported), "--as-of", today.isoformat(), "--json")
    expected = queries.committee_report(committee, today)
    assert code == 0
    assert json.loads(text)["status"] == expected.status.value
    json_out = StringIO()
    call_command(
        "composition", "export", "--company", committee.slug, "--json", stdout=json_out
    )
    assert json.loads(json_out.getvalue())["company"]["name"] == committee.name
    with pytest.raises(CommandError, match="No company"):
        call_command("composition", "export", "--company", "nowhere", stdout=StringIO())
