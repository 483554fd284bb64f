"""Partner rotation, the EQR cooling-off, forecasts, and the hiring cooling-off."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from oversight.rules.auditor.rotation import (
    Assignment,
    Hire,
    HireException,
    PartnerRole,
    TeamService,
    check_cooling_off,
    check_rotation,
    forecast,
    procedures_start_after_10k,
    run_length,
)
from oversight.rules.core import Verdict

LEAD, EQR, OTHER = PartnerRole.LEAD, PartnerRole.EQR, PartnerRole.OTHER


def served(person: str, role: PartnerRole, *years: int) -> list[Assignment]:
    return [Assignment(person, year, role) for year in years]


def verdicts(assignments: list[Assignment], year: int, rule_id: str) -> list[Verdict]:
    return [
        o.verdict for o in check_rotation(assignments, year) if o.rule_id == rule_id
    ]


@pytest.mark.parametrize(
    ("years", "year", "off", "expected"),
    [
        ([2020, 2021, 2022, 2023, 2024], 2024, 5, 5),
        ([2020, 2021, 2022, 2023, 2024, 2025], 2025, 5, 6),
        ([2020, 2021, 2022, 2023, 2024, 2029], 2029, 5, 6),  # back after 4 off
        ([2020, 2021, 2022, 2023, 2024, 2030], 2030, 5, 1),  # back after 5 off
        ([2020, 2022], 2022, 2, 2),  # a one-year break does not restart (7/2)
        ([2020, 2023], 2023, 2, 1),  # a two-year break does
        ([2020, 2021, 2026], 2021, 5, 2),  # later years ignored
        ([], 2024, 5, 0),
    ],
)
def test_run_length(years: list[int], year: int, off: int, expected: int) -> None:
    assert run_length(years, year, off) == expected


@pytest.mark.parametrize(
    ("years", "year", "verdict"),
    [
        (range(2020, 2025), 2024, Verdict.PASS),  # 5th year
        (range(2020, 2026), 2025, Verdict.FAIL),  # 6th year
    ],
)
def test_lead_partner_fifth_year_passes_and_sixth_fails(
    years: range, year: int, verdict: Verdict
) -> None:
    assert verdicts(served("dev", LEAD, *years), year, "AC-ROT-01") == [verdict]


def test_lead_and_reviewer_years_count_together() -> None:
    history = served("dev", EQR, 2020, 2021) + served(
        "dev", LEAD, 2022, 2023, 2024, 2025
    )
    assert verdicts(history, 2025, "AC-ROT-01") == [Verdict.FAIL]
    assert verdicts(history, 2024, "AC-ROT-01") == [Verdict.PASS]


@pytest.mark.parametrize(
    ("return_year", "verdict"),
    [(2029, Verdict.FAIL), (2030, Verdict.PASS)],  # after 4 years off / after 5
)
def test_lead_returning_after_four_years_off_fails_after_five_passes(
    return_year: int, verdict: Verdict
) -> None:
    history = served("dev", LEAD, *range(2020, 2025)) + served("dev", LEAD, return_year)
    assert verdicts(history, return_year, "AC-ROT-01") == [verdict]


@pytest.mark.parametrize(
    ("years", "year", "verdict"),
    [
        (range(2018, 2025), 2024, Verdict.PASS),  # 7th year
        (range(2018, 2026), 2025, Verdict.FAIL),  # 8th year
        ([*range(2018, 2025), 2026], 2026, Verdict.FAIL),  # back after 1 off
        ([*range(2018, 2025), 2027], 2027, Verdict.PASS),  # back after 2 off
    ],
)
def test_other_audit_partner_seven_on_two_off(
    years: list[int], year: int, verdict: Verdict
) -> None:
    history = served("gus", OTHER, *years)
    assert verdicts(history, year, "AC-ROT-02") == [verdict]
    assert verdicts(history, year, "AC-ROT-01") == []


def test_years_as_other_partner_count_towards_seven_for_a_lead() -> None:
    history = served("dev", OTHER, 2018, 2019, 2020) + served(
        "dev", LEAD, 2021, 2022, 2023, 2024, 2025
    )
    assert verdicts(history, 2025, "AC-ROT-01") == [Verdict.PASS]
    assert verdicts(history, 2025, "AC-ROT-02") == [Verdict.FAIL]


@pytest.mark.parametrize(
    ("lead_years", "verdict"),
    [([2024], Verdict.FAIL), ([2023], Verdict.FAIL), ([2022], Verdict.PASS)],
)
def test_reviewer_was_not_the_engagement_partner_in_the_two_prior_years(
    lead_years: list[int], verdict: Verdict
) -> None:
    history = served("dev", LEAD, *lead_years) + served("dev", EQR, 2025)
    assert verdicts(history, 2025, "AC-ROT-04") == [verdict]


def test_rotation_checks_only_partners_serving_that_year() -> None:
    history = served("dev", LEAD, 2024) + served("gus", OTHER, 2025)
    outcomes = check_rotation(history, 2025)
    assert {o.rule_id for o in outcomes} == {"AC-ROT-02"}
    assert "gus" in outcomes[0].message


def test_forecast_for_each_role() -> None:
    history = (
        served("dev", LEAD, 2023, 2024, 2025)
        + served("gus", OTHER, *range(2020, 2026))
        + served("hal", EQR, 2025)
    )
    by_person = {f.person: f for f in forecast(history, 2025)}
    dev = by_person["dev"]
    assert (dev.years_served, dev.last_year, dev.off_from, dev.may_return_in) == (
        3,
        2027,
        2028,
        2033,
    )
    assert dev.rule_id == "AC-ROT-01"
    gus = by_person["gus"]
    assert (gus.years_served, gus.last_year, gus.may_return_in) == (6, 2026, 2029)
    assert gus.rule_id == "AC-ROT-02"
    assert by_person["hal"].last_year == 2029
    assert [f.person for f in forecast(history, 2025)] == ["gus", "dev", "hal"]


def test_forecast_takes_the_earlier_limit_for_a_lead_with_partner_years() -> None:
    history = served("dev", OTHER, *range(2018, 2022)) + served(
        "dev", LEAD, 2022, 2023, 2024
    )
    (only,) = forecast(history, 2024)
    assert only.rule_id == "AC-ROT-02"
    assert only.last_year == 2024
    assert only.must_rotate_after_this_year


def test_forecast_in_the_final_year() -> None:
    (only,) = forecast(served("dev", LEAD, *range(2021, 2026)), 2025)
    assert only.last_year == 2025
    assert only.must_rotate_after_this_year
    assert only.may_return_in == 2031


# AC-EMP-01 ---------------------------------------------------------------------------

START = date(2026, 3, 1)  # procedures for FY2026 start the day after the FY2025 10-K


def hire(**changes: object) -> Hire:
    base = Hire(
        ref="hire-1",
        person="hal",
        role_title="Controller",
        financial_reporting_oversight_role=True,
        from_audit_firm=True,
        starts_on=date(2026, 9, 1),
        team_service=(
            TeamService(date(2024, 3, 1), date(2025, 2, 28), PartnerRole.OTHER, 400),
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_procedures_start_the_day_after_the_10k() -> None:
    assert procedures_start_after_10k(date(2026, 2, 28)) == START


@pytest.mark.parametrize(
    ("last_day_on_team", "verdict"),
    [
        (date(2025, 2, 28), Verdict.PASS),  # the day before the window opens
        (date(2025, 3, 1), Verdict.FAIL),  # the window's first day
        (date(2026, 2, 28), Verdict.FAIL),  # the window's last day
    ],
)
def test_cooling_off_window_edges(last_day_on_team: date, verdict: Verdict) -> None:
    team = (TeamService(date(2024, 3, 1), last_day_on_team, PartnerRole.OTHER, 400),)
    outcome = check_cooling_off(hire(team_service=team), procedures_started_on=START)
    assert outcome.rule_id == "AC-EMP-01"
    assert outcome.verdict is verdict


def test_service_starting_on_the_procedures_day_is_outside_the_window() -> None:
    team = (TeamService(START, date(2026, 6, 30), PartnerRole.OTHER, 400),)
    outcome = check_cooling_off(hire(team_service=team), procedures_started_on=START)
    assert outcome.verdict is Verdict.PASS


@pytest.mark.parametrize(
    ("role", "hours", "verdict"),
    [
        (PartnerRole.OTHER, 10, Verdict.PASS),  # 10 hours or fewer: disregarded
        (PartnerRole.OTHER, 11, Verdict.FAIL),
        (None, 11, Verdict.FAIL),  # staff, not a partner
        (PartnerRole.LEAD, 2, Verdict.FAIL),  # lead always counts
        (PartnerRole.EQR, 0, Verdict.FAIL),  # reviewer always counts
    ],
)
def test_hours_threshold_and_lead_or_reviewer(
    role: PartnerRole | None, hours: int, verdict: Verdict
) -> None:
    team = (TeamService(date(2025, 6, 1), date(2025, 9, 30), role, hours),)
    outcome = check_cooling_off(hire(team_service=team), procedures_started_on=START)
    assert outcome.verdict is verdict


@pytest.mark.parametrize("exception", list(HireException))
def test_recorded_exception_lifts_the_cooling_off(exception: HireException) -> None:
    team = (TeamService(date(2025, 6, 1), date(2025, 9, 30), PartnerRole.LEAD, 500),)
    outcome = check_cooling_off(
        hire(
            team_service=team,
            exception=exception,
            exception_recorded_on=date(2026, 8, 20),
        ),
        procedures_started_on=START,
    )
    assert outcome.verdict is Verdict.PASS
    assert exception.value.replace("_", " ") in outcome.message


def test_exception_not_recorded_by_the_committee_does_not_count() -> None:
    team = (TeamService(date(2025, 6, 1), date(2025, 9, 30), PartnerRole.LEAD, 500),)
    outcome = check_cooling_off(
        hire(team_service=team, exception=HireException.EMERGENCY),
        procedures_started_on=START,
    )
    assert outcome.verdict is Verdict.FAIL


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"financial_reporting_oversight_role": False}, "not a financial reporting"),
        ({"from_audit_firm": False}, "does not come from the audit firm"),
    ],
)
def test_cooling_off_applies_only_to_fror_hires_from_the_firm(
    changes: dict[str, object], message: str
) -> None:
    outcome = check_cooling_off(hire(**changes), procedures_started_on=START)
    assert outcome.verdict is Verdict.NOT_APPLICABLE
    assert message in outcome.message


def test_window_from_a_leap_day() -> None:
    team = (TeamService(date(2023, 1, 1), date(2023, 2, 27), PartnerRole.OTHER, 50),)
    outcome = check_cooling_off(
        hire(team_service=team), procedures_started_on=date(2024, 2, 29)
    )
    assert outcome.verdict is Verdict.PASS
    assert "2023-02-28 to 2024-02-28" in outcome.message
