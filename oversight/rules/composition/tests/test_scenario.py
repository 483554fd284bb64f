"""Scenario documents: a full register in, every error located, the report out."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from oversight.rules.composition.committee import CommitteeStatus, evaluate_committee
from oversight.rules.composition.facts import Relationship
from oversight.rules.composition.scenario import (
    EXIT_BAD_INPUT,
    Problem,
    ScenarioError,
    exit_code,
    parse_scenario,
    report_as_dict,
    report_as_text,
)

SCENARIO: dict[str, Any] = {
    "version": 1,
    "company": {
        "name": "Example Fictional Corp",
        "fiscal_year_end": "12-31",
        "listing_date": "2015-05-01",
        "annual_meetings": ["2026-06-11"],
        "revenues": {"2025": 50_000_000},
    },
    "organisations": [
        {
            "id": "acme",
            "name": "Acme Fictional Supply",
            "revenues": {"2025": 3_000_000},
            "payments": [
                {
                    "fiscal_year": 2025,
                    "direction": "to_organisation",
                    "amount": 150_000,
                    "category": "goods",
                }
            ],
        }
    ],
    "directors": [
        {
            "id": "ada",
            "name": "Ada",
            "board": [{"start": "2019-01-01"}],
            "literacy": [{"on": "2019-12-01", "literate": True}],
            "sophistication": [{"on": "2019-12-01", "basis": "cfo"}],
            "acfe": [
                {
                    "on": "2019-12-01",
                    "attributes": "all",
                    "routes": ["education_and_experience"],
                }
            ],
        },
        {
            "id": "ben",
            "name": "Ben",
            "board": [{"start": "2019-01-01"}],
            "literacy": [{"on": "2019-12-01", "literate": True}],
            "roles": [
                {
                    "organisation": "acme",
                    "role": "executive_officer",
                    "start": "2018-01-01",
                }
            ],
            "compensation": [
                {"paid_on": "2025-03-01", "amount": "45000", "kind": "board_fees"}
            ],
            "family": [{"id": "bo", "name": "Bo", "relationship": "spouse"}],
        },
        {
            "id": "hal",
            "name": "Hal",
            "board": [{"start": "2019-01-01"}],
            "literacy": [{"on": "2019-12-01", "literate": True}],
            "holdings": [{"on": "2025-01-01", "voting_pct": 2.5}],
        },
    ],
    "memberships": [
        {"director": "ada", "start": "2020-01-01", "chair": True},
        {"director": "ben", "start": "2020-01-01"},
        {
            "director": "hal",
            "start": "2020-01-01",
            "end": "2026-01-31",
            "end_reason": "resignation",
        },
    ],
    "determinations": [
        {
            "director": d,
            "on": "2025-12-10",
            "resolution": f"BR-2025-{d}",
            "independent": True,
            "verdicts": {"AC-IND-04": "pass"},
        }
        for d in ("ada", "ben", "hal")
    ],
}


def scenario(**edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(SCENARIO)
    data.update(edit)
    return data


def problems(data: object, lines: dict[str, int] | None = None) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, lines)
    return list(caught.value.problems)


def test_a_scenario_parses_and_evaluates() -> None:
    register = parse_scenario(json.loads(json.dumps(SCENARIO)))
    assert [d.id for d in register.directors] == ["ada", "ben", "hal"]
    assert register.director("ben").family[0].relationship is Relationship.SPOUSE
    report = evaluate_committee(register, date(2026, 3, 31))
    assert report.status is CommitteeStatus.IN_CURE
    assert report.deadline == date(2026, 7, 31)  # meeting within 180 days of 2026-02-01
    assert exit_code(report.status) == 1
    assert (
        report.member("ben").outcome("AC-IND-04").evidence[0].ref
        == "organisations[0].payments[0]"
    )


def test_the_json_report() -> None:
    report = evaluate_committee(parse_scenario(SCENARIO), date(2026, 3, 31))
    out = report_as_dict(report)
    json.dumps(out)  # serialisable
    assert out["status"] == "compliant_in_cure_period"
    assert out["exit_code"] == 1
    assert out["cure"]["deadline"] == "2026-07-31"
    assert out["violations"][0]["rule"] == "AC-MEM-01"
    ben = next(m for m in out["members"] if m["director"] == "ben")
    assert {t["rule"]: t["verdict"] for t in ben["tests"]}["AC-IND-04"] == "pass"


def test_the_text_report() -> None:
    text = report_as_text(
        evaluate_committee(parse_scenario(SCENARIO), date(2026, 3, 31))
    )
    assert "compliant in cure period" in text
    assert "until 2026-07-31" in text
    assert "notify Nasdaq" in text
    assert "[pass] AC-IND-02" in text
    assert "Violations" in text


def test_bad_input_exit_code_is_two() -> None:
    assert EXIT_BAD_INPUT == 2


def test_a_document_that_is_not_a_mapping() -> None:
    [problem] = problems([1, 2])
    assert problem.path == "(document)"


def with_director_field(index: int, key: str, value: Any) -> dict[str, Any]:
    data = scenario()
    data["directors"][index][key] = value
    return data


@pytest.mark.parametrize(
    ("data", "path", "fragment"),
    [
        (
            with_director_field(
                1,
                "compensation",
                [{"paid_on": "2025-03-01", "amount": -5, "kind": "bonus"}],
            ),
            "directors[1].compensation[0].amount",
            "must not be negative",
        ),
        (
            with_director_field(
                1, "board", [{"start": "2019-01-01", "end": "2018-01-01"}]
            ),
            "directors[1].board[0].end",
            "before it starts",
        ),
        (
            with_director_field(
                1, "family", [{"id": "x", "name": "Xo", "relationship": "cousin"}]
            ),
            "directors[1].family[0].relationship",
            "unknown relationship 'cousin'",
        ),
        (
            with_director_field(
                1,
                "compensation",
                [{"paid_on": "2025-13-01", "amount": 5, "kind": "bonus"}],
            ),
            "directors[1].compensation[0].paid_on",
            "expected a date",
        ),
        (
            with_director_field(
                1,
                "compensation",
                [{"paid_on": "2025-03-01", "amount": 5, "kind": "gift"}],
            ),
            "directors[1].compensation[0].kind",
            "unknown value 'gift'",
        ),
        (
            with_director_field(1, "nickname", "B"),
            "directors[1].nickname",
            "unknown field",
        ),
        (
            with_director_field(
                1, "holdings", [{"on": "2025-01-01", "voting_pct": 101}]
            ),
            "directors[1].holdings[0]",
            "cannot exceed 100",
        ),
        (
            with_director_field(
                0,
                "acfe",
                [
                    {
                        "on": "2025-01-01",
                        "attributes": "all",
                        "routes": ["other_relevant_experience"],
                    }
                ],
            ),
            "directors[0].acfe[0]",
            "must be described",
        ),
    ],
)
def test_director_errors_are_located(
    data: dict[str, Any], path: str, fragment: str
) -> None:
    found = problems(data)
    assert any(p.path == path and fragment in p.message for p in found), found


def test_a_payment_without_a_fiscal_year() -> None:
    data = scenario()
    del data["organisations"][0]["payments"][0]["fiscal_year"]
    [problem] = problems(data)
    assert problem.path == "organisations[0].payments[0].fiscal_year"
    assert "fiscal year" in problem.message


def test_a_payment_dated_outside_its_fiscal_year() -> None:
    data = scenario()
    data["organisations"][0]["payments"][0]["paid_on"] = "2024-12-31"
    [problem] = problems(data)
    assert problem.path == "organisations[0].payments[0]"
    assert "fiscal year 2024, not 2025" in problem.message


def test_overlapping_memberships_of_the_same_person() -> None:
    data = scenario()
    data["memberships"].append({"director": "ben", "start": "2024-01-01"})
    [problem] = problems(data)
    assert problem.path == "memberships[3]"
    assert "overlaps ben's membership 2020-01-01..present" in problem.message


def test_a_determination_for_someone_who_is_not_a_director() -> None:
    data = scenario()
    data["determinations"].append(
        {
            "director": "eve",
            "on": "2025-01-01",
            "resolution": "BR-x",
            "independent": True,
        }
    )
    [problem] = problems(data)
    assert problem.path == "determinations[3]"
    assert "'eve', who is not a director" in problem.message


def test_a_determination_after_leaving_the_board() -> None:
    data = with_director_field(
        2, "board", [{"start": "2019-01-01", "end": "2025-01-01"}]
    )
    data["memberships"][2]["end"] = "2025-01-01"
    found = problems(data)
    assert any(
        p.path == "determinations[2]" and "not a director or nominee" in p.message
        for p in found
    )


@pytest.mark.parametrize(
    ("edit", "path", "fragment"),
    [
        (
            {"memberships": [{"director": "zed", "start": "2020-01-01"}]},
            "memberships[0]",
            "unknown director 'zed'",
        ),
        (
            {
                "memberships": [
                    {"director": "ada", "start": "2020-01-01", "end": "2021-01-01"}
                ]
            },
            "memberships[0].end_reason",
            "needs the reason it ended",
        ),
        (
            {
                "memberships": [
                    {"director": "ada", "start": "2020-01-01", "end_reason": "death"}
                ]
            },
            "memberships[0].end_reason",
            "needs an end date",
        ),
        (
            {
                "memberships": [
                    {
                        "director": "ada",
                        "start": "2020-01-01",
                        "end": "2021-01-01",
                        "end_reason": "boredom",
                    }
                ]
            },
            "memberships[0].end_reason",
            "unknown value",
        ),
        ({"version": 2}, "version", "unsupported version"),
        ({"company": None}, "company", "company is required"),
        ({"directors": {"ada": {}}}, "directors", "expected a list"),
        ({"directors": ["ada"]}, "directors[0]", "expected a mapping"),
        ({"extra": 1}, "extra", "unknown field"),
    ],
)
def test_structure_errors(edit: dict[str, Any], path: str, fragment: str) -> None:
    found = problems(scenario(**edit))
    assert any(p.path == path and fragment in p.message for p in found), found


@pytest.mark.parametrize(
    ("field", "value", "path", "fragment"),
    [
        ("fiscal_year_end", "02-30", "company.fiscal_year_end", "month and day"),
        ("revenues", {"2025": -1}, "company.revenues.2025", "must not be negative"),
        ("revenues", [1], "company.revenues", "expected a mapping"),
        ("annual_meetings", ["soon"], "company.annual_meetings[0]", "expected a date"),
        ("ipo", True, "company", "listing and effectiveness dates"),
        ("min_members", "three", "company.min_members", "whole number"),
    ],
)
def test_company_errors(field: str, value: Any, path: str, fragment: str) -> None:
    data = scenario()
    data["company"][field] = value
    found = problems(data)
    assert any(p.path == path and fragment in p.message for p in found), found


def test_unknown_organisation_in_a_role() -> None:
    data = with_director_field(
        1,
        "roles",
        [{"organisation": "nobody", "role": "partner", "start": "2020-01-01"}],
    )
    [problem] = problems(data)
    assert problem.path == "directors[1].roles[0]"


def test_every_problem_is_reported_at_once_with_lines() -> None:
    data = with_director_field(
        1, "compensation", [{"paid_on": "2025-03-01", "amount": -5, "kind": "bonus"}]
    )
    data["memberships"][0]["start"] = "someday"
    lines = {
        "directors[1].compensation[0]": 40,
        "directors[1].compensation[0].amount": 42,
        "memberships[0]": 90,
    }
    found = problems(data, lines)
    assert [(p.path, p.line) for p in found] == [
        ("directors[1].compensation[0].amount", 42),
        ("memberships[0].start", 90),  # the nearest located parent
    ]
    assert (
        str(found[0])
        == "directors[1].compensation[0].amount (line 42): must not be negative (-5)"
    )


@pytest.mark.parametrize("amount", [True, "lots", "NaN", [1]])
def test_amounts_must_be_numbers(amount: Any) -> None:
    data = with_director_field(
        1,
        "compensation",
        [{"paid_on": "2025-03-01", "amount": amount, "kind": "bonus"}],
    )
    assert problems(data)[0].path == "directors[1].compensation[0].amount"


def test_amounts_accept_dollar_strings_and_dates_accept_date_objects() -> None:
    data = with_director_field(
        1,
        "compensation",
        [{"paid_on": date(2025, 3, 1), "amount": "$1,500.50", "kind": "bonus"}],
    )
    register = parse_scenario(data)
    assert str(register.director("ben").compensation[0].amount) == "1500.50"


def test_a_scenario_of_everything() -> None:
    """Every section of the format parses into the register."""
    data = scenario()
    data["company"].update(
        {"max_audit_committees": None, "requires_acfe": False, "min_members": 3}
    )
    data["organisations"].append(
        {"id": "law", "name": "Law Office", "sole_proprietorship": True, "payments": [
            {"fiscal_year": 2025, "direction": "to_company", "amount": 1, "paid_on": "2025-02-01", "exempt": "investment_in_company_securities"}]}
    )  # fmt: skip
    data["directors"][1].update(
        {
            "employments": [
                {
                    "start": "2010-01-01",
                    "end": "2012-01-01",
                    "title": "CEO",
                    "employer": "Sub",
                    "executive_officer": True,
                    "interim": True,
                }
            ],
            "auditor": [
                {
                    "role": "employee",
                    "start": "2000-01-01",
                    "end": "2001-01-01",
                    "worked_on_audit": True,
                    "firm": "Audit Co",
                }
            ],
            "interlocks": [
                {
                    "entity": "Globex",
                    "executive": {"start": "2001-01-01", "end": "2002-01-01"},
                    "committee": {"start": "2001-01-01"},
                    "our_officer": "Cleo",
                }
            ],
            "fs_preparation": [
                {"start": "2001-01-01", "end": "2002-01-01", "description": "close"}
            ],
            "other_audit_committees": [
                {"company": "Other Fictional", "start": "2020-01-01"}
            ],
            "sophistication": [
                {
                    "on": "2019-01-01",
                    "basis": "other_comparable",
                    "description": "fund manager",
                }
            ],
        }
    )
    data["directors"][1]["family"][0].update(
        {
            "minor": False,
            "shares_home": True,
            "employments": [],
            "compensation": [],
            "roles": [],
            "auditor": [],
            "interlocks": [],
        }
    )
    data["determinations"][0].update(
        {
            "subjective_factors": "none",
            "exception_finding": False,
            "over_boarding_approved": True,
        }
    )
    register = parse_scenario(data)
    ben = register.director("ben")
    assert ben.interlocks[0].committee.end is None
    assert ben.employments[0].interim
    assert register.company.max_audit_committees is None
    assert register.organisation("law") is not None
