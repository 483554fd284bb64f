"""The remaining edges: odd shapes in scenario files, facts that refuse to exist."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from oversight.rules.composition.committee import CureCase, evaluate_committee
from oversight.rules.composition.facts import (
    CompanyInfo,
    Compensation,
    CompensationKind,
    Direction,
    EndReason,
    Membership,
    Organisation,
    OrgPayment,
    OrgRole,
    OrgRoleKind,
    PaymentExemption,
    Period,
    Sophistication,
    SophisticationBasis,
    register_problems,
)
from oversight.rules.composition.independence import (
    check_compensation,
    check_compensatory_fee,
)
from oversight.rules.composition.scenario import (
    ScenarioError,
    parse_scenario,
    report_as_text,
)
from oversight.rules.composition.tests.builders import (
    AS_OF,
    D,
    director,
    register,
    seat,
)
from oversight.rules.composition.tests.test_scenario import SCENARIO
from oversight.rules.core import Verdict


def test_cure_case_running_on() -> None:
    case = CureCase("AC-CURE-02", D("2026-01-01"), D("2026-06-30"), "x", ("AC-MEM-01",))
    assert case.running_on(D("2026-06-30"))
    assert not case.running_on(D("2026-07-01"))


@pytest.mark.parametrize(
    "build",
    [
        lambda: Compensation(D("2026-01-01"), Decimal(-1), CompensationKind.BONUS),
        lambda: OrgPayment(2026, Direction.TO_COMPANY, Decimal(-1)),
        lambda: Organisation("o", "O", revenues=((2026, Decimal(-1)),)),
        lambda: Sophistication(D("2026-01-01"), SophisticationBasis.OTHER_COMPARABLE),
        lambda: CompanyInfo("X", ipo=True),
        lambda: CompanyInfo("X", min_members=0),
        lambda: CompanyInfo("X", revenues=((2026, Decimal(-1)),)),
        lambda: Membership("ada", Period(D("2026-01-01"), D("2026-02-01"))),
        lambda: Membership("ada", Period(D("2026-01-01")), end_reason=EndReason.DEATH),
    ],
)
def test_impossible_facts_refuse_to_exist(build: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (each names its own reason)
        build()


def test_duplicate_director_ids_are_a_problem() -> None:
    reg = register(directors=(director("ben"), director("ben")))
    assert any("used twice" in message for _, message in register_problems(reg))


def test_insufficient_data_keeps_independence_unproven() -> None:
    ben = director(
        "ben",
        org_roles=(OrgRole("acme", OrgRoleKind.PARTNER, Period(D("2010-01-01"))),),
    )
    acme = Organisation(
        "acme",
        "Acme",
        payments=(OrgPayment(2025, Direction.TO_ORGANISATION, Decimal(300_000)),),
    )
    report = evaluate_committee(register(ben, organisations=(acme,)), AS_OF)
    assert report.member("ben").nasdaq_independent.verdict is Verdict.INSUFFICIENT_DATA
    assert (
        "revenues are not recorded" in report.member("ben").nasdaq_independent.message
    )


def test_an_empty_committee() -> None:
    report = evaluate_committee(register(memberships=()), AS_OF)
    assert report.outcome("AC-MEM-02").verdict is Verdict.NOT_APPLICABLE
    assert report.outcome("AC-MEM-01").verdict is Verdict.FAIL
    assert report.chair is None


def test_two_vacancies_on_different_days_are_not_curable() -> None:
    ended = [
        Membership(
            i, Period(D("2020-01-01"), D(last)), end_reason=EndReason.RESIGNATION
        )
        for i, last in (("ben", "2026-01-31"), ("hal", "2026-02-28"))
    ]
    reg = register(memberships=(seat("ada", chair=True), *ended))
    assert evaluate_committee(reg, AS_OF).status.value == "non_compliant"


def test_sole_proprietor_roles_that_do_not_count() -> None:
    practice = Organisation(
        "law",
        "Law Office",
        payments=(
            OrgPayment(2025, Direction.TO_COMPANY, Decimal(500_000)),
            OrgPayment(
                2025,
                Direction.TO_ORGANISATION,
                Decimal(500_000),
                exempt=PaymentExemption.CHARITABLE_MATCH,
            ),
        ),
        sole_proprietorship=True,
    )
    shop = Organisation(
        "shop",
        "Shop",
        payments=(OrgPayment(2025, Direction.TO_ORGANISATION, Decimal(500_000)),),
    )
    ben = director(
        "ben",
        org_roles=(
            OrgRole("law", OrgRoleKind.PARTNER, Period(D("2010-01-01"))),
            OrgRole("law", OrgRoleKind.LIMITED_PARTNER, Period(D("2010-01-01"))),
            OrgRole("shop", OrgRoleKind.PARTNER, Period(D("2010-01-01"))),
            OrgRole("nowhere", OrgRoleKind.PARTNER, Period(D("2010-01-01"))),
        ),
    )
    reg = register(ben, organisations=(practice, shop))
    assert check_compensation(reg, ben, AS_OF).verdict is Verdict.PASS
    assert (
        check_compensatory_fee(reg, ben, AS_OF, D("2020-01-01")).verdict is Verdict.PASS
    )


def _data() -> dict[str, Any]:
    return copy.deepcopy(SCENARIO)


def _at(data: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    node: Any = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return data


LISTS = [
    ["directors", 1, "employments"], ["directors", 1, "compensation"], ["directors", 1, "roles"],
    ["directors", 1, "auditor"], ["directors", 1, "interlocks"], ["directors", 1, "holdings"],
    ["directors", 1, "fs_preparation"], ["directors", 1, "literacy"], ["directors", 1, "sophistication"],
    ["directors", 1, "acfe"], ["directors", 1, "other_audit_committees"], ["directors", 1, "family"],
    ["directors", 1, "board"], ["organisations"], ["organisations", 0, "payments"], ["memberships"],
    ["determinations"],
]  # fmt: skip


@pytest.mark.parametrize("path", LISTS)
def test_every_list_refuses_a_non_mapping_item(path: list[Any]) -> None:
    data = _at(_data(), path, [7])
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    where = ".".join(str(p) for p in path).replace(".1.", "[1].").replace(".0.", "[0].")
    assert any(
        p.path == f"{where}[0]" and "expected a mapping" in p.message
        for p in caught.value.problems
    ), caught.value.problems


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (
            ["directors", 1, "interlocks"],
            [{"entity": "G", "committee": {"start": "2020-01-01"}}],
            "executive is required",
        ),
        (
            ["directors", 1, "interlocks"],
            [{"entity": "G", "executive": 3, "committee": {"start": "2020-01-01"}}],
            "expected a mapping",
        ),
        (
            ["directors", 1, "acfe"],
            [{"on": "2020-01-01", "attributes": "some", "routes": []}],
            "list of attributes",
        ),
        (
            ["directors", 1, "acfe"],
            [{"on": "2020-01-01", "attributes": [], "routes": "any"}],
            "list of routes",
        ),
        (
            ["directors", 1, "literacy"],
            [{"on": "2020-01-01", "literate": "yes"}],
            "true or false",
        ),
        (["directors", 1, "name"], ["Ben"], "expected text"),
        (["determinations", 0, "verdicts"], ["AC-IND-01"], "mapping of rule id"),
        (
            ["organisations", 0, "payments"],
            [{"fiscal_year": 1066, "direction": "to_company", "amount": 1}],
            "fiscal year like 2026",
        ),
        (
            ["organisations", 0, "payments"],
            [{"fiscal_year": "20x6", "direction": "to_company", "amount": 1}],
            "whole number",
        ),
        (["organisations", 0, "sole_proprietorship"], "no", "true or false"),
        (
            ["directors", 1, "family"],
            [{"id": "x", "name": "X", "relationship": "spouse", "minor": "no"}],
            "true or false",
        ),
        (
            ["directors", 1, "employments"],
            [{"start": "2020-01-01", "interim": 1}],
            "true or false",
        ),
        (
            ["directors", 1, "compensation"],
            [
                {
                    "paid_on": "2020-01-01",
                    "amount": 1,
                    "kind": "bonus",
                    "description": 1.5,
                }
            ],
            "expected text",
        ),
        (
            ["directors", 1, "roles"],
            [{"organisation": "acme", "role": "boss", "start": "2020-01-01"}],
            "unknown value",
        ),
        (
            ["directors", 1, "auditor"],
            [{"role": "partner", "start": "2020-01-01", "worked_on_audit": "y"}],
            "true or false",
        ),
        (
            ["directors", 1, "fs_preparation"],
            [{"start": "2020-01-01", "description": []}],
            "expected text",
        ),
        (
            ["directors", 1, "other_audit_committees"],
            [{"start": "2020-01-01"}],
            "company is required",
        ),
        (
            ["memberships"],
            [{"director": "ada", "start": "2020-01-01", "chair": "y"}],
            "true or false",
        ),
        (
            ["determinations"],
            [
                {
                    "director": "ada",
                    "on": "2020-01-01",
                    "resolution": "R",
                    "independent": True,
                    "exception_finding": 1,
                }
            ],
            "true or false",
        ),
        (["company", "listing_date"], "soon", "expected a date"),
    ],
)
def test_field_shapes(path: list[Any], value: Any, fragment: str) -> None:
    data = _at(_data(), path, value)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert any(fragment in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_whole_numbers_as_text_and_no_version() -> None:
    data = _data()
    del data["version"]
    data["organisations"][0]["payments"][0]["fiscal_year"] = "2025"
    data["company"]["min_members"] = "3"
    assert parse_scenario(data).organisations[0].payments[0].fiscal_year == 2025


def test_text_report_of_a_compliant_committee() -> None:
    text = report_as_text(evaluate_committee(register(), AS_OF))
    assert "Violations" not in text
    assert "cure period" not in text
    assert date(2026, 3, 31).isoformat() in text


def test_register_change_days_include_seats_meetings_and_facts() -> None:
    from oversight.rules.composition.committee import register_change_days

    reg = register(
        memberships=(
            seat("ada", chair=True),
            seat("ben"),
            Membership(
                "hal",
                Period(D("2020-01-01"), D("2026-01-31")),
                end_reason=EndReason.RESIGNATION,
            ),
        )
    )
    days = register_change_days(reg, D("2025-04-01"), D("2026-03-31"))
    assert D("2026-02-01") in days  # the day after hal's last day
    assert D("2025-06-13") in days  # the day after an annual meeting
    assert days == sorted(days)
    assert all(D("2025-04-01") < d <= D("2026-03-31") for d in days)


def test_far_dates_refuse_to_exist() -> None:
    from oversight.rules.composition.facts import check_day

    with pytest.raises(ValueError, match="between 1900 and 2200"):
        Period(D("2020-01-01"), date(9999, 1, 1))
    with pytest.raises(ValueError, match="between 1900 and 2200"):
        check_day(date(1899, 12, 31))


def test_a_determination_needs_its_resolution() -> None:
    from oversight.rules.composition.facts import BoardDetermination

    with pytest.raises(ValueError, match="resolution"):
        BoardDetermination("ben", D("2026-01-01"), "", True)


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (["directors", 1, "compensation"], None, None),  # an empty list written as null
        (
            ["directors", 1, "literacy"],
            [{"on": date(2020, 1, 1), "literate": True}],
            None,
        ),  # a YAML date
        (
            ["directors", 1, "literacy"],
            [{"on": date(1800, 1, 1), "literate": True}],
            "between 1900 and 2200",
        ),
        (
            ["directors", 1, "holdings"],
            [{"on": "2020-01-01", "voting_pct": "lots"}],
            "expected an amount",
        ),
        (["company"], [1], "expected a mapping"),
        (
            ["directors", 1, "literacy"],
            [{"on": 20200101, "literate": True}],
            "expected a date",
        ),
        (
            ["directors", 1, "sophistication"],
            [{"on": "2020-01-01", "basis": "cfo", "description": [1]}],
            "expected text",
        ),
    ],
)
def test_more_shapes(path: list[Any], value: Any, fragment: str | None) -> None:
    data = _at(_data(), path, value)
    if fragment is None:
        parse_scenario(data)
        return
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert any(fragment in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_a_sole_proprietors_later_fee_is_not_yet_compensation() -> None:
    practice = Organisation(
        "law",
        "Law Office",
        payments=(
            OrgPayment(
                2026,
                Direction.TO_ORGANISATION,
                Decimal(500_000),
                paid_on=D("2026-06-01"),
            ),
        ),
        sole_proprietorship=True,
    )
    ben = director(
        "ben", org_roles=(OrgRole("law", OrgRoleKind.PARTNER, Period(D("2010-01-01"))),)
    )
    assert (
        check_compensation(register(ben, organisations=(practice,)), ben, AS_OF).verdict
        is Verdict.PASS
    )
