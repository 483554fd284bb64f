"""Audit partner rotation, the EQR cooling-off, and hires from the audit firm.

AC-ROT-01: the lead and the concurring (engagement quality review) partner serve at most
five consecutive years in either capacity, then stay off those roles for five years.
AC-ROT-02: every other audit partner serves at most seven consecutive years, then two off.
AC-ROT-04: the reviewer was not the engagement partner on either of the two prior audits.
AC-EMP-01: a former audit-team member takes a financial reporting oversight role only after
a one-year cooling-off.

Counting (a conservative reading, documented in docs/auditors.md): years are fiscal years
of the engagement. A break shorter than the time-out does not restart the count: the years
on either side of it belong to one run, and the break itself is not counted as service.
Only a break at least as long as the time-out starts a new run. For AC-ROT-02 every year as
an audit partner counts, including years as lead or reviewer (they are audit partners too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from oversight.rules.auditor.common import one_year_before
from oversight.rules.core import Evidence, TestOutcome, Verdict


class PartnerRole(StrEnum):
    """A partner's role on the engagement for a fiscal year."""

    LEAD = "lead"  # engagement partner
    EQR = "eqr"  # engagement quality reviewer, the concurring partner
    OTHER = "other"  # other audit partner (incl. lead partners of large subsidiaries)


LEAD_EQR = frozenset({PartnerRole.LEAD, PartnerRole.EQR})


@dataclass(frozen=True, slots=True)
class Limit:
    rule_id: str
    years_on: int
    years_off: int
    roles: frozenset[PartnerRole]
    label: str
    cite: str


LEAD_LIMIT = Limit(
    "AC-ROT-01",
    5,
    5,
    LEAD_EQR,
    "lead or reviewing partner",
    "Exchange Act §10A(j); Reg S-X 2-01(c)(6)(i)(A)(1), (B)(1)",
)
OTHER_LIMIT = Limit(
    "AC-ROT-02",
    7,
    2,
    frozenset(PartnerRole),
    "audit partner",
    "Reg S-X 2-01(c)(6)(i)(A)(2), (B)(2)",
)


@dataclass(frozen=True, slots=True)
class Assignment:
    """A partner on the engagement in a role for a fiscal year."""

    person: str
    fiscal_year: int
    role: PartnerRole


def run_length(years: Iterable[int], year: int, years_off: int) -> int:
    """Years served in the current run ending at ``year`` (``year`` itself included).

    A gap of ``years_off`` or more years starts a new run; a shorter gap does not, and its
    years are not counted. Years after ``year`` are ignored.
    """
    count, last = 0, None
    for served in sorted({y for y in years if y <= year}):
        if last is not None and served - last - 1 >= years_off:
            count = 0
        count += 1
        last = served
    return count


def _years(assignments: Iterable[Assignment], person: str, limit: Limit) -> list[int]:
    return [
        a.fiscal_year
        for a in assignments
        if a.person == person and a.role in limit.roles
    ]


def check_rotation(
    assignments: Iterable[Assignment], fiscal_year: int
) -> tuple[TestOutcome, ...]:
    """AC-ROT-01, AC-ROT-02 and AC-ROT-04 for every partner on the engagement in a year.

    Reg S-X 2-01(c)(6): an accountant is not independent if any audit partner performs lead
    or concurring services for more than five consecutive years (then a five-year time-out),
    or other audit-partner services for more than seven (then two). AS 1220: the reviewer
    may not have been the engagement partner on either of the two preceding audits.
    """
    everyone = tuple(assignments)
    outcomes: list[TestOutcome] = []
    for a in sorted(
        (a for a in everyone if a.fiscal_year == fiscal_year),
        key=lambda a: (a.role, a.person),
    ):
        ev = (Evidence(f"partner:{a.person}:{a.fiscal_year}", f"{a.person}, {a.role}"),)
        limits = (LEAD_LIMIT, OTHER_LIMIT) if a.role in LEAD_EQR else (OTHER_LIMIT,)
        for limit in limits:
            served = run_length(
                _years(everyone, a.person, limit), fiscal_year, limit.years_off
            )
            if served > limit.years_on:
                verdict, text = (
                    Verdict.FAIL,
                    f"{a.person} is in consecutive year {served} as {limit.label} in "
                    f"FY{fiscal_year}; the limit is {limit.years_on}, then {limit.years_off} "
                    "years off.",
                )
            else:
                verdict, text = (
                    Verdict.PASS,
                    f"{a.person}: year {served} of at most {limit.years_on} as "
                    f"{limit.label} in FY{fiscal_year}.",
                )
            outcomes.append(TestOutcome(limit.rule_id, verdict, text, ev, limit.cite))
        if a.role is PartnerRole.EQR:
            outcomes.append(_check_eqr_cooling_off(everyone, a, ev))
    return tuple(outcomes)


def _check_eqr_cooling_off(
    everyone: tuple[Assignment, ...], eqr: Assignment, ev: tuple[Evidence, ...]
) -> TestOutcome:
    prior = sorted(
        a.fiscal_year
        for a in everyone
        if a.person == eqr.person
        and a.role is PartnerRole.LEAD
        and eqr.fiscal_year - 2 <= a.fiscal_year < eqr.fiscal_year
    )
    cite = "PCAOB AS 1220"
    if prior:
        return TestOutcome(
            "AC-ROT-04",
            Verdict.FAIL,
            f"{eqr.person} reviews FY{eqr.fiscal_year} but was the engagement partner in "
            + ", ".join(f"FY{y}" for y in prior)
            + "; two years must pass.",
            ev,
            cite,
        )
    return TestOutcome(
        "AC-ROT-04",
        Verdict.PASS,
        f"{eqr.person} was not the engagement partner in FY{eqr.fiscal_year - 2} or "
        f"FY{eqr.fiscal_year - 1}.",
        ev,
        cite,
    )


@dataclass(frozen=True, slots=True)
class Forecast:
    """When a partner serving now must rotate off, and when they may return."""

    person: str
    role: PartnerRole
    fiscal_year: int
    years_served: int  # in the binding run, including ``fiscal_year``
    last_year: int  # the last fiscal year they may serve in the role
    off_from: int  # the first fiscal year they must be off
    may_return_in: int  # the first fiscal year they may serve again
    rule_id: str

    @property
    def must_rotate_after_this_year(self) -> bool:
        return self.last_year <= self.fiscal_year


def forecast(
    assignments: Iterable[Assignment], fiscal_year: int
) -> tuple[Forecast, ...]:
    """For every partner serving in ``fiscal_year``, the binding rotation limit.

    A lead or reviewer is bound by the earlier of AC-ROT-01 (5/5, lead and reviewer years
    together) and AC-ROT-02 (7/2, all partner years); other partners by AC-ROT-02. Assumes
    continuous service from ``fiscal_year`` on.
    """
    everyone = tuple(assignments)
    out: list[Forecast] = []
    for a in sorted(
        (a for a in everyone if a.fiscal_year == fiscal_year),
        key=lambda a: (a.role, a.person),
    ):
        limits = (LEAD_LIMIT, OTHER_LIMIT) if a.role in LEAD_EQR else (OTHER_LIMIT,)
        candidates = []
        for limit in limits:
            served = run_length(
                _years(everyone, a.person, limit), fiscal_year, limit.years_off
            )
            last = fiscal_year + limit.years_on - served
            candidates.append(
                Forecast(
                    a.person,
                    a.role,
                    fiscal_year,
                    served,
                    last,
                    last + 1,
                    last + 1 + limit.years_off,
                    limit.rule_id,
                )
            )
        out.append(min(candidates, key=lambda f: (f.last_year, -f.may_return_in)))
    return tuple(sorted(out, key=lambda f: (f.last_year, f.person)))


# AC-EMP-01 ---------------------------------------------------------------------------


class HireException(StrEnum):
    """Exceptions the committee may record for a hire within the cooling-off."""

    EMERGENCY = "emergency"  # an emergency or unusual situation, in investors' interest
    BUSINESS_COMBINATION = (
        "business_combination"  # not made in contemplation of the hire
    )


@dataclass(frozen=True, slots=True)
class TeamService:
    """A stretch of work on the audit engagement team by the person hired."""

    from_date: date
    to_date: date
    role: PartnerRole | None = None  # LEAD / EQR always count; others need > 10 hours
    hours: int = 0


@dataclass(frozen=True, slots=True)
class Hire:
    """A person joining the company from the audit firm."""

    ref: str
    person: str
    role_title: str
    financial_reporting_oversight_role: bool
    from_audit_firm: bool
    starts_on: date
    team_service: tuple[TeamService, ...] = ()
    exception: HireException | None = None
    exception_recorded_on: date | None = None  # the committee's finding


HOURS_DISREGARDED = 10


def procedures_start_after_10k(filed_on: date) -> date:
    """Audit procedures for a period are treated as starting the day after the prior 10-K."""
    return filed_on + timedelta(days=1)


def check_cooling_off(hire: Hire, *, procedures_started_on: date) -> TestOutcome:
    """AC-EMP-01: the one-year cooling-off before a former team member takes an FROR.

    Exchange Act §10A(l); Reg S-X 2-01(c)(2)(iii)(B): the auditor is not independent if a
    former member of the audit engagement team takes a financial reporting oversight role,
    unless they were not a team member "during the one year period preceding the date that
    audit procedures commenced for the fiscal period that included the date of initial
    employment". ``procedures_started_on`` is that date for the period containing
    ``hire.starts_on``. Team members other than the lead and the reviewer who worked 10
    hours or fewer are disregarded.
    """
    cite = "Exchange Act §10A(l); Reg S-X 2-01(c)(2)(iii)(B)"
    ev = (Evidence(hire.ref, f"{hire.person}, {hire.role_title}", hire.starts_on),)
    if not hire.from_audit_firm or not hire.financial_reporting_oversight_role:
        why = (
            "does not come from the audit firm"
            if not hire.from_audit_firm
            else "is not a financial reporting oversight role"
        )
        return TestOutcome(
            "AC-EMP-01",
            Verdict.NOT_APPLICABLE,
            f"The hire of {hire.person} as {hire.role_title} {why}.",
            ev,
            cite,
        )
    window_start = one_year_before(procedures_started_on)
    window_end = procedures_started_on - timedelta(days=1)
    counted = [
        s
        for s in hire.team_service
        if s.from_date <= window_end
        and s.to_date >= window_start
        and (s.role in LEAD_EQR or s.hours > HOURS_DISREGARDED)
    ]
    window = f"{window_start.isoformat()} to {window_end.isoformat()}"
    if not counted:
        return TestOutcome(
            "AC-EMP-01",
            Verdict.PASS,
            f"{hire.person} was not on the audit team (as lead, reviewer or for more than "
            f"{HOURS_DISREGARDED} hours) in the cooling-off window {window}.",
            ev,
            cite,
        )
    if hire.exception is not None and hire.exception_recorded_on is not None:
        return TestOutcome(
            "AC-EMP-01",
            Verdict.PASS,
            f"{hire.person} was on the audit team in the window {window}, but the committee "
            f"recorded the {hire.exception.value.replace('_', ' ')} exception on "
            f"{hire.exception_recorded_on.isoformat()}.",
            ev,
            cite,
        )
    last = max(s.to_date for s in counted)
    return TestOutcome(
        "AC-EMP-01",
        Verdict.FAIL,
        f"{hire.person} was on the audit team until {last.isoformat()}, within the "
        f"cooling-off window {window}; the hire as {hire.role_title} impairs the auditor's "
        "independence unless the committee records an exception.",
        ev,
        cite,
    )
