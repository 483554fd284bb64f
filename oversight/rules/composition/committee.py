"""The audit committee as of any date: members, verdicts, violations, cure periods.

``evaluate_committee(register, as_of)`` is the one entry point: it assesses every member
(independence, qualifications), applies the composition rules of Nasdaq 5605(c)(2) and
SEC Rule 10A-3, the newly-listed phase-in of Nasdaq 5615(b)(1), and the cure periods of
Nasdaq 5605(c)(4), and says whether the committee is compliant, compliant only within a
cure period (with its deadline), or non-compliant.

A membership's ``end`` is the member's last day; an event that puts the committee out of
compliance is dated by the first day it is out of compliance (the day after a departing
member's last day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, timedelta
from enum import StrEnum

from oversight.rules.composition.facts import (
    ONE_DAY,
    AcfeDesignation,
    BoardDetermination,
    Director,
    Membership,
    Register,
    add_years,
)
from oversight.rules.composition.independence import (
    NASDAQ_TESTS,
    IndependenceReport,
    assess_director,
    check_affiliate,
    check_compensatory_fee,
)
from oversight.rules.core import Evidence, TestOutcome, Verdict

PHASE_IN_FIRST_STEP = timedelta(days=90)  # Nasdaq 5615(b)(1), Rule 10A-3(b)(1)(iv)(A)
VACANCY_SHORT_WINDOW = timedelta(days=180)  # Nasdaq 5605(c)(4)(B)
EXCEPTION_YEARS = 2  # Nasdaq 5605(c)(2)(B)
STALE_DETERMINATION_YEARS = 1  # practice: determinations refreshed each proxy cycle
CURE_LOOKBACK = timedelta(days=400)  # a cure period never lasts more than a year

LISTING = "Nasdaq Rule 5605(c)(2)(A)"
_NO_ACFE = AcfeDesignation(date.min, frozenset(), frozenset())
CURABLE_BY_VACANCY = frozenset({"AC-MEM-01", "AC-MEM-06", "AC-MEM-07"})
CURABLE_BY_LOSS = frozenset({"AC-MEM-02", "AC-MEM-03"})


class CommitteeStatus(StrEnum):
    COMPLIANT = "compliant"
    IN_CURE = "compliant_in_cure_period"
    NON_COMPLIANT = "non_compliant"


EXIT_CODES: dict[CommitteeStatus, int] = {
    CommitteeStatus.COMPLIANT: 0,
    CommitteeStatus.IN_CURE: 1,
    CommitteeStatus.NON_COMPLIANT: 3,
}
EXIT_BAD_INPUT = 2


def exit_code(status: CommitteeStatus) -> int:
    """0 compliant, 1 compliant only within a cure period, 3 non-compliant (2 is bad input)."""
    return EXIT_CODES[status]


def _ok(verdict: Verdict) -> bool:
    return verdict in (Verdict.PASS, Verdict.NOT_APPLICABLE)


@dataclass(frozen=True, slots=True)
class MemberReport:
    """One member (or a candidate) on one day: every test and every qualification."""

    director: Director
    membership: Membership | None
    independence: IndependenceReport
    determination: BoardDetermination | None
    nasdaq_independent: TestOutcome  # AC-MEM-02 for this member
    rule_10a3: TestOutcome  # AC-MEM-03 for this member
    literacy: TestOutcome  # AC-MEM-05
    sophistication: TestOutcome  # AC-MEM-06 (this member's contribution)
    acfe: TestOutcome  # AC-MEM-07 (this member's contribution)
    boards: TestOutcome  # AC-MEM-09
    exception: TestOutcome | None  # AC-MEM-08 when seated under the exception

    @property
    def relies_on_exception(self) -> bool:
        """Flagged as seated under the exception, and not independent without it."""
        return self.exception is not None and not _ok(self.nasdaq_independent.verdict)

    @property
    def seated_by_exception(self) -> bool:
        return (
            not _ok(self.nasdaq_independent.verdict)
            and self.exception is not None
            and self.exception.verdict is Verdict.PASS
        )

    @property
    def independent(self) -> bool:
        """Meets Nasdaq independence (or sits under a valid exception) and Rule 10A-3."""
        return (
            _ok(self.nasdaq_independent.verdict) or self.seated_by_exception
        ) and _ok(self.rule_10a3.verdict)

    @property
    def outcomes(self) -> tuple[TestOutcome, ...]:
        extra = (self.exception,) if self.exception is not None else ()
        return (
            *self.independence.outcomes,
            self.nasdaq_independent,
            self.rule_10a3,
            self.literacy,
            self.sophistication,
            self.acfe,
            self.boards,
            *extra,
        )

    def outcome(self, rule_id: str) -> TestOutcome:
        return next(o for o in self.outcomes if o.rule_id == rule_id)


@dataclass(frozen=True, slots=True)
class Violation:
    rule_id: str
    message: str
    directors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CureCase:
    """A cure period the committee is relying on."""

    rule_id: str  # AC-CURE-01 (independence loss) or AC-CURE-02 (one vacancy)
    event: date
    deadline: date
    reason: str
    covers: tuple[str, ...]  # the rule ids it excuses

    def running_on(self, day: date) -> bool:
        return self.event <= day <= self.deadline


@dataclass(frozen=True, slots=True)
class CommitteeReport:
    """Where the committee stands on ``as_of``."""

    as_of: date
    members: tuple[MemberReport, ...]
    outcomes: tuple[TestOutcome, ...]
    violations: tuple[Violation, ...]
    cure: CureCase | None
    status: CommitteeStatus
    notes: tuple[str, ...] = ()

    @property
    def deadline(self) -> date | None:
        return (
            self.cure.deadline
            if self.status is CommitteeStatus.IN_CURE and self.cure
            else None
        )

    @property
    def chair(self) -> str | None:
        return next(
            (
                m.director.id
                for m in self.members
                if m.membership and m.membership.chair
            ),
            None,
        )

    def outcome(self, rule_id: str) -> TestOutcome:
        return next(o for o in self.outcomes if o.rule_id == rule_id)

    def member(self, director_id: str) -> MemberReport:
        return next(m for m in self.members if m.director.id == director_id)


# ---------------------------------------------------------------------------
# One member
# ---------------------------------------------------------------------------


def _ev(ref: str, summary: str, on: date | None = None) -> Evidence:
    return Evidence(ref=ref or "register", summary=summary, on=on)


def _mem02(
    register: Register, director: Director, nasdaq: tuple[TestOutcome, ...], as_of: date
) -> tuple[TestOutcome, BoardDetermination | None]:
    """AC-MEM-02. Nasdaq 5605(c)(2)(A)(i): each member must "be an Independent Director as
    defined under Rule 5605(a)(2)": a director the board has affirmatively determined to
    have no relationship that would interfere with independent judgment, and who fails
    none of the bright-line tests.
    """
    rid = "AC-MEM-02"
    det = register.determination_for(director.id, as_of)
    if not director.on_board(as_of):
        return TestOutcome(
            rid,
            Verdict.FAIL,
            f"{director.name} is not a director on {as_of.isoformat()}",
            cites=LISTING,
        ), det
    failed = [o for o in nasdaq if o.verdict is Verdict.FAIL]
    unknown = [o for o in nasdaq if o.verdict is Verdict.INSUFFICIENT_DATA]
    evidence = tuple(e for o in failed + unknown for e in o.evidence)
    if failed:
        return TestOutcome(
            rid,
            Verdict.FAIL,
            f"{director.name} is not independent: "
            + "; ".join(f"{o.rule_id} {o.message}" for o in failed),
            evidence,
            LISTING,
        ), det
    if det is None:
        return TestOutcome(
            rid,
            Verdict.INSUFFICIENT_DATA,
            f"the board has not determined {director.name}'s independence "
            f"on or before {as_of.isoformat()}",
            evidence,
            LISTING,
        ), det
    det_ev = _ev(det.ref, f"board determination {det.resolution}", det.on)
    board_fails = [r for r, v in det.verdicts if v is Verdict.FAIL]
    if not det.independent or board_fails:
        because = f" (tests failed: {', '.join(board_fails)})" if board_fails else ""
        return TestOutcome(
            rid,
            Verdict.FAIL,
            f"the board determined on {det.on.isoformat()} ({det.resolution}) that "
            f"{director.name} is not independent{because}",
            (det_ev,),
            LISTING,
        ), det
    if unknown:
        return TestOutcome(
            rid,
            Verdict.INSUFFICIENT_DATA,
            "; ".join(f"{o.rule_id} {o.message}" for o in unknown),
            evidence,
            LISTING,
        ), det
    return TestOutcome(
        rid,
        Verdict.PASS,
        f"{director.name} passes tests AC-IND-01..07 and the board determined them "
        f"independent on {det.on.isoformat()} ({det.resolution})",
        (det_ev,),
        LISTING,
    ), det


def _mem03(director: Director, rule_10a3: tuple[TestOutcome, ...]) -> TestOutcome:
    """AC-MEM-03. Nasdaq 5605(c)(2)(A)(ii): each member must "meet the criteria for
    independence set forth in Rule 10A-3(b)(1)" (no compensatory fee; not an affiliate).
    """
    bad = [o for o in rule_10a3 if o.verdict is not Verdict.PASS]
    if not bad:
        return TestOutcome(
            "AC-MEM-03",
            Verdict.PASS,
            f"{director.name} meets Rule 10A-3(b)(1): no compensatory fee, not an affiliate",
            cites="SEC Rule 10A-3(b)(1)",
        )
    verdict = (
        Verdict.FAIL
        if any(o.verdict is Verdict.FAIL for o in bad)
        else Verdict.INSUFFICIENT_DATA
    )
    return TestOutcome(
        "AC-MEM-03",
        verdict,
        f"{director.name} does not meet Rule 10A-3(b)(1): "
        + "; ".join(f"{o.rule_id} {o.message}" for o in bad),
        tuple(e for o in bad for e in o.evidence),
        "SEC Rule 10A-3(b)(1)",
    )


def _literacy(director: Director, as_of: date) -> TestOutcome:
    """AC-MEM-05. Nasdaq 5605(c)(2)(A)(iv): each member must "be able to read and
    understand fundamental financial statements" (no grace period on Nasdaq).
    """
    att = director.literacy_on(as_of)
    cites = "Nasdaq Rule 5605(c)(2)(A)(iv)"
    if att is None:
        return TestOutcome(
            "AC-MEM-05",
            Verdict.INSUFFICIENT_DATA,
            f"no finding that {director.name} can read financial statements on or before {as_of.isoformat()}",
            cites=cites,
        )
    ev = (_ev(att.ref, "financial literacy finding", att.on),)
    if att.literate:
        return TestOutcome(
            "AC-MEM-05",
            Verdict.PASS,
            f"{director.name} was found able to read and understand financial statements on {att.on.isoformat()}",
            ev,
            cites,
        )
    return TestOutcome(
        "AC-MEM-05",
        Verdict.FAIL,
        f"{director.name} was found on {att.on.isoformat()} unable to read and understand financial statements",
        ev,
        cites,
    )


def _acfe(director: Director, as_of: date) -> TestOutcome:
    """AC-MEM-07 (per member). Item 407(d)(5): an audit committee financial expert has
    all five attributes, acquired through at least one of the four routes."""
    cites = "Reg S-K Item 407(d)(5)"
    d = director.acfe_on(as_of)
    if d is None:
        return TestOutcome(
            "AC-MEM-07",
            Verdict.NOT_APPLICABLE,
            f"{director.name} is not designated an audit committee financial expert",
            cites=cites,
        )
    ev = (_ev(d.ref, f"ACFE designation {d.resolution}".strip(), d.on),)
    if d.qualifies:
        routes = ", ".join(sorted(r.value.replace("_", " ") for r in d.routes))
        return TestOutcome(
            "AC-MEM-07",
            Verdict.PASS,
            f"{director.name} was designated an audit committee financial expert on "
            f"{d.on.isoformat()} with all five attributes, acquired through {routes}",
            ev,
            cites,
        )
    gaps = [a.value.replace("_", " ") for a in d.missing]
    if not d.routes:
        gaps.append("no route by which the attributes were acquired")
    return TestOutcome(
        "AC-MEM-07",
        Verdict.FAIL,
        f"{director.name}'s designation of {d.on.isoformat()} lacks: {'; '.join(gaps)}",
        ev,
        cites,
    )


def _sophistication(director: Director, as_of: date, acfe: TestOutcome) -> TestOutcome:
    """AC-MEM-06 (per member). Nasdaq 5605(c)(2)(A): "past employment experience in finance
    or accounting, requisite professional certification in accounting, or any other
    comparable experience or background"; an ACFE qualifies (Nasdaq FAQ 90)."""
    cites = "Nasdaq Rule 5605(c)(2)(A); Nasdaq FAQ 90"
    s = director.sophistication_on(as_of)
    if s is not None:
        return TestOutcome(
            "AC-MEM-06",
            Verdict.PASS,
            f"{director.name} is financially sophisticated ({s.basis.value.replace('_', ' ')}"
            f"{': ' + s.description if s.description else ''})",
            (_ev(s.ref, "financial sophistication", s.on),),
            cites,
        )
    if acfe.verdict is Verdict.PASS:
        return TestOutcome(
            "AC-MEM-06",
            Verdict.PASS,
            f"{director.name} is an audit committee financial expert, so financially sophisticated (FAQ 90)",
            acfe.evidence,
            cites,
        )
    return TestOutcome(
        "AC-MEM-06",
        Verdict.NOT_APPLICABLE,
        f"no basis of financial sophistication recorded for {director.name}",
        cites=cites,
    )


def _boards(register: Register, director: Director, as_of: date) -> TestOutcome:
    """AC-MEM-09 (charter). A member may not sit on more than three public-company audit
    committees (ours included) unless the board determines it does not impair service."""
    cap = register.company.max_audit_committees
    if cap is None:
        return TestOutcome(
            "AC-MEM-09",
            Verdict.NOT_APPLICABLE,
            "the charter sets no limit on audit committee seats",
            cites="charter",
        )
    others = [o for o in director.other_audit_committees if o.period.contains(as_of)]
    seats = len(others) + 1
    if seats <= cap:
        return TestOutcome(
            "AC-MEM-09",
            Verdict.PASS,
            f"{director.name} sits on {seats} audit committee(s), within {cap}",
            cites="charter",
        )
    det = register.determination_for(director.id, as_of)
    ev = tuple(
        _ev(o.ref, f"audit committee of {o.company}", o.period.start) for o in others
    )
    if det is not None and det.over_boarding_approved:
        return TestOutcome(
            "AC-MEM-09",
            Verdict.PASS,
            f"{director.name} sits on {seats} audit committees, more than {cap}; the board "
            f"determined on {det.on.isoformat()} ({det.resolution}) that this does not impair service",
            (*ev, _ev(det.ref, "board determination", det.on)),
            "charter",
        )
    return TestOutcome(
        "AC-MEM-09",
        Verdict.FAIL,
        f"{director.name} sits on {seats} audit committees, more than {cap}, without a "
        "board determination that this does not impair service",
        ev,
        "charter",
    )


def _exception(
    register: Register,
    director: Director,
    membership: Membership,
    report: IndependenceReport,
    as_of: date,
    seated_under_exception: int,
) -> TestOutcome:
    """AC-MEM-08. Nasdaq 5605(c)(2)(B): "one director who is not independent ... and is
    not a current officer or employee or a Family Member of an executive officer" may be
    appointed "under exceptional and limited circumstances" if the board determines it is
    required by the best interests of the company; the member must meet Rule 10A-3(b)(1),
    may serve no more than two years, and may not chair the committee.
    """
    cites = "Nasdaq Rule 5605(c)(2)(B)"
    problems: list[str] = []
    if seated_under_exception > 1:
        problems.append(
            f"{seated_under_exception} members are seated under the exception, at most one may be"
        )
    limit = add_years(membership.period.start, EXCEPTION_YEARS)
    if as_of > limit:
        problems.append(
            f"seated since {membership.period.start.isoformat()}, past the two-year limit of {limit.isoformat()}"
        )
    if membership.chair:
        problems.append(
            "chairs the committee, which a member under the exception may not"
        )
    if not report.meets_10a3:
        problems.append("does not meet Rule 10A-3(b)(1)")
    job = director.employment_on(as_of)
    if job is not None:
        problems.append(
            f"is a current {'officer' if job.executive_officer else 'employee'} of {job.employer}"
        )
    relatives = [f.name for f in director.family if f.executive_officer_on(as_of)]
    if relatives:
        problems.append(
            f"is a Family Member of an executive officer ({', '.join(relatives)})"
        )
    det = register.determination_for(director.id, as_of)
    if det is None or not det.exception_finding:
        problems.append(
            "no board finding that the appointment is required by the best interests of the company"
        )
    ev = (
        _ev(
            membership.ref,
            f"membership {membership.period.describe()} under the exception",
            membership.period.start,
        ),
    )
    if problems:
        return TestOutcome(
            "AC-MEM-08",
            Verdict.FAIL,
            f"{director.name} cannot sit under the exception: " + "; ".join(problems),
            ev,
            cites,
        )
    assert det is not None
    return TestOutcome(
        "AC-MEM-08",
        Verdict.PASS,
        f"{director.name} sits under the exceptional-and-limited-circumstances exception "
        f"(board finding {det.resolution} of {det.on.isoformat()}) until at most {limit.isoformat()}; "
        "the proxy must disclose the relationship and the reasons",
        (*ev, _ev(det.ref, "best-interests finding", det.on)),
        cites,
    )


def assess_member(
    register: Register,
    director: Director,
    as_of: date,
    membership: Membership | None = None,
    seated_under_exception: int = 0,
) -> MemberReport:
    """Every test and qualification for one director, as a member seated by ``membership``
    (or as a candidate, when ``membership`` is ``None``)."""
    start = membership.period.start if membership else as_of
    report = assess_director(register, director, as_of, service_start=start)
    mem02, det = _mem02(register, director, report.nasdaq, as_of)
    acfe = _acfe(director, as_of)
    exc = (
        _exception(
            register, director, membership, report, as_of, seated_under_exception
        )
        if membership is not None and membership.exception
        else None
    )
    return MemberReport(
        director=director,
        membership=membership,
        independence=report,
        determination=det,
        nasdaq_independent=mem02,
        rule_10a3=_mem03(director, report.rule_10a3),
        literacy=_literacy(director, as_of),
        sophistication=_sophistication(director, as_of, acfe),
        acfe=acfe,
        boards=_boards(register, director, as_of),
        exception=exc,
    )


def _members(register: Register, as_of: date) -> tuple[MemberReport, ...]:
    seats = sorted(
        register.memberships_on(as_of), key=lambda m: (not m.chair, m.director)
    )
    flagged = sum(1 for m in seats if m.exception)
    reports = tuple(
        assess_member(register, register.director(m.director), as_of, m, flagged)
        for m in seats
    )
    # only a member who is not independent relies on the exception
    relying = sum(1 for r in reports if r.relies_on_exception)
    if relying == flagged:
        return reports
    return tuple(
        assess_member(register, register.director(m.director), as_of, m, relying)
        for m in seats
    )


# ---------------------------------------------------------------------------
# Phase-in for a new listing (AC-CURE-03)
# ---------------------------------------------------------------------------


def required_size(register: Register, as_of: date) -> tuple[int, str]:
    """AC-CURE-03 (size): one member at listing, two within 90 days, three within a year."""
    company = register.company
    full = company.min_members
    if company.ipo and company.listing_date is not None:
        listed = company.listing_date
        if as_of <= listed + PHASE_IN_FIRST_STEP:
            return (
                min(1, full),
                f"phase-in: one member until {(listed + PHASE_IN_FIRST_STEP).isoformat()}",
            )
        if as_of <= add_years(listed, 1):
            return min(
                2, full
            ), f"phase-in: two members until {add_years(listed, 1).isoformat()}"
    return full, f"at least {full} members"


def required_independent(
    register: Register, as_of: date, size: int
) -> tuple[int, str] | None:
    """AC-CURE-03 (independence): one at listing, a majority within 90 days of
    effectiveness, all within one year. ``None`` once the phase-in is over."""
    company = register.company
    if not company.ipo or company.registration_effective is None:
        return None
    effective = company.registration_effective
    if as_of <= effective + PHASE_IN_FIRST_STEP:
        return (
            1,
            f"phase-in: one independent member until {(effective + PHASE_IN_FIRST_STEP).isoformat()}",
        )
    if as_of <= add_years(effective, 1):
        return (
            size // 2 + 1,
            f"phase-in: a majority independent until {add_years(effective, 1).isoformat()}",
        )
    return None


# ---------------------------------------------------------------------------
# The committee
# ---------------------------------------------------------------------------


def _size(
    register: Register, members: tuple[MemberReport, ...], as_of: date
) -> TestOutcome:
    """AC-MEM-01. Nasdaq 5605(c)(2)(A): "an audit committee of at least three members"."""
    need, why = required_size(register, as_of)
    have = len(members)
    verdict = Verdict.PASS if have >= need else Verdict.FAIL
    names = ", ".join(m.director.name for m in members) or "nobody"
    return TestOutcome(
        "AC-MEM-01",
        verdict,
        f"{have} member(s) ({names}); {why}",
        tuple(
            _ev(
                m.membership.ref, f"member {m.director.name}", m.membership.period.start
            )
            for m in members
            if m.membership
        ),
        LISTING,
    )


def _all(
    rule_id: str,
    members: tuple[MemberReport, ...],
    pick: Callable[[MemberReport], TestOutcome],
    what: str,
    cites: str,
) -> TestOutcome:
    bad = [pick(m) for m in members if not _ok(pick(m).verdict)]
    if not members:
        return TestOutcome(
            rule_id, Verdict.NOT_APPLICABLE, "the committee has no members", cites=cites
        )
    if not bad:
        return TestOutcome(
            rule_id,
            Verdict.PASS,
            f"every member {what}",
            tuple(e for m in members for e in pick(m).evidence),
            cites,
        )
    verdict = (
        Verdict.FAIL
        if any(o.verdict is Verdict.FAIL for o in bad)
        else Verdict.INSUFFICIENT_DATA
    )
    return TestOutcome(
        rule_id,
        verdict,
        "; ".join(o.message for o in bad),
        tuple(e for o in bad for e in o.evidence),
        cites,
    )


def _any(
    rule_id: str,
    members: tuple[MemberReport, ...],
    pick: Callable[[MemberReport], TestOutcome],
    what: str,
    cites: str,
) -> TestOutcome:
    good = [pick(m) for m in members if pick(m).verdict is Verdict.PASS]
    if good:
        return TestOutcome(
            rule_id,
            Verdict.PASS,
            "; ".join(o.message for o in good),
            tuple(e for o in good for e in o.evidence),
            cites,
        )
    return TestOutcome(rule_id, Verdict.FAIL, f"no member {what}", cites=cites)


def _independence(
    register: Register, members: tuple[MemberReport, ...], as_of: date
) -> tuple[TestOutcome, TestOutcome, list[str]]:
    notes: list[str] = []
    mem02 = _all(
        "AC-MEM-02",
        members,
        lambda m: (
            m.nasdaq_independent
            if not m.seated_by_exception
            else m.exception or m.nasdaq_independent
        ),
        "is an independent director",
        LISTING,
    )
    mem03 = _all(
        "AC-MEM-03",
        members,
        lambda m: m.rule_10a3,
        "meets Rule 10A-3(b)(1)",
        "SEC Rule 10A-3(b)(1)",
    )
    phase = required_independent(register, as_of, len(members))
    if phase is not None and (
        mem02.verdict is not Verdict.PASS or mem03.verdict is not Verdict.PASS
    ):
        need, why = phase
        have = sum(1 for m in members if m.independent)
        verdict = Verdict.PASS if have >= need else Verdict.FAIL
        message = f"{have} of {len(members)} member(s) independent; {why}"
        notes.append(message)
        mem02 = TestOutcome(
            "AC-MEM-02", verdict, message, mem02.evidence, "Nasdaq Rule 5615(b)(1)"
        )
        mem03 = TestOutcome(
            "AC-MEM-03", verdict, message, mem03.evidence, "SEC Rule 10A-3(b)(1)(iv)(A)"
        )
    return mem02, mem03, notes


def _composition(
    register: Register, members: tuple[MemberReport, ...], as_of: date
) -> tuple[tuple[TestOutcome, ...], list[str]]:
    mem02, mem03, notes = _independence(register, members, as_of)
    acfe = _any(
        "AC-MEM-07",
        members,
        lambda m: m.acfe,
        "is an audit committee financial expert",
        "Reg S-K Item 407(d)(5)",
    )
    if not register.company.requires_acfe and acfe.verdict is not Verdict.PASS:
        acfe = TestOutcome(
            "AC-MEM-07",
            Verdict.NOT_APPLICABLE,
            "no member is an audit committee financial expert; the proxy must say so and why",
            cites="Reg S-K Item 407(d)(5)",
        )
    under = tuple(m for m in members if m.relies_on_exception)
    exception = (
        _all(
            "AC-MEM-08",
            under,
            lambda m: m.exception or m.nasdaq_independent,
            "seated under the exception meets its conditions",
            "Nasdaq Rule 5605(c)(2)(B)",
        )
        if under
        else TestOutcome(
            "AC-MEM-08",
            Verdict.NOT_APPLICABLE,
            "no member sits under the exceptional-and-limited-circumstances exception",
            cites="Nasdaq Rule 5605(c)(2)(B)",
        )
    )
    outcomes = (
        _size(register, members, as_of),
        mem02,
        mem03,
        _all(
            "AC-MEM-04",
            members,
            lambda m: m.independence.fs_preparation,
            "stayed out of preparing the financial statements for three years",
            "Nasdaq Rule 5605(c)(2)(A)(iii)",
        ),
        _all(
            "AC-MEM-05",
            members,
            lambda m: m.literacy,
            "can read and understand financial statements",
            "Nasdaq Rule 5605(c)(2)(A)(iv)",
        ),
        _any(
            "AC-MEM-06",
            members,
            lambda m: m.sophistication,
            "is financially sophisticated",
            "Nasdaq Rule 5605(c)(2)(A)",
        ),
        acfe,
        exception,
        _all(
            "AC-MEM-09",
            members,
            lambda m: m.boards,
            "is within the limit on audit committee seats",
            "charter",
        ),
    )
    for m in members:
        det = m.determination
        if det is not None and add_years(det.on, STALE_DETERMINATION_YEARS) < as_of:
            notes.append(
                f"{m.director.name}'s independence determination of {det.on.isoformat()} is more than a year old"
            )
    return outcomes, notes


def _rule_holds(register: Register, rule_id: str, day: date) -> bool:
    """Whether a vacancy-curable rule (size, sophistication, expert) held on ``day``."""
    seats = register.memberships_on(day)
    if rule_id == "AC-MEM-01":
        need, _ = required_size(register, day)
        return len(seats) >= need
    directors = [register.director(m.director) for m in seats]
    experts = any((d.acfe_on(day) or _NO_ACFE).qualifies for d in directors)
    if rule_id == "AC-MEM-06":
        return experts or any(d.sophistication_on(day) is not None for d in directors)
    return experts or not register.company.requires_acfe


def _last_day(holds: Callable[[date], bool], before: date, floor: date) -> date | None:
    """The latest day in ``floor..before`` on which ``holds`` is true (scanning back)."""
    day = before
    while day >= floor:
        if holds(day):
            return day
        day -= ONE_DAY
    return None


def _dates_in(value: object) -> Iterator[date]:
    """Every date held anywhere in a fact (recursively)."""
    if isinstance(value, date):
        yield value
    elif isinstance(value, tuple | frozenset):
        for item in value:
            yield from _dates_in(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _dates_in(getattr(value, f.name))


def _change_days(
    register: Register, director: Director, floor: date, before: date
) -> list[date]:
    """Every day on which one of ``director``'s independence verdicts could change.

    A test's verdict moves only when a fact begins or ends, when a 12-month window or a
    one-year interim limit passes, when a fact leaves a three-year look-back, or when a
    fiscal year begins; between those days it is constant.
    """
    facts = [director, *register.organisations]
    facts += [d for d in register.determinations if d.director == director.id]
    company = register.company
    years = range(floor.year - 4, before.year + 3)
    seen = [*_dates_in(tuple(facts))]
    seen += [company.fiscal_year_last_day(fy) for fy in years]
    days: set[date] = {company.fiscal_year_first_day(fy) for fy in years}
    for x in seen:
        for y in (x, add_years(x, 1), add_years(x, 3)):
            # two days after: 29 February falls back a day in add_years
            days.update((y, y + ONE_DAY, y + 2 * ONE_DAY))
    return sorted((d for d in days if floor < d <= before), reverse=True)


def register_change_days(register: Register, floor: date, before: date) -> list[date]:
    """Days in ``floor+1..before`` on which the committee's standing could change, oldest
    first: any director's verdict, a seat beginning or ending, an annual meeting passing."""
    days: set[date] = set()
    for director in register.directors:
        days.update(_change_days(register, director, floor, before))
    for seat in register.memberships:
        days.add(seat.period.start)
        if seat.period.end is not None:
            days.add(seat.period.end + ONE_DAY)
            days.add(add_years(seat.period.start, EXCEPTION_YEARS) + ONE_DAY)
    days.update(m + ONE_DAY for m in register.company.annual_meetings)
    return sorted(d for d in days if floor < d <= before)


def _last_passing_day(
    holds: Callable[[date], bool], boundaries: list[date], floor: date
) -> date | None:
    """The latest day before the newest boundary on which ``holds`` is true, given that
    ``holds`` is constant between consecutive ``boundaries`` (newest first)."""
    for boundary in boundaries:
        if holds(boundary - ONE_DAY):
            return boundary - ONE_DAY
    return None


def _loss_deadline(register: Register, event: date) -> date:
    """AC-CURE-01: the earlier of the next annual meeting and one year from the event."""
    year = add_years(event, 1)
    meeting = register.company.next_annual_meeting(event)
    return min(year, meeting) if meeting else year


def _vacancy_deadline(register: Register, event: date) -> date:
    """AC-CURE-02: 180 days from the event when the next annual meeting falls within 180
    days of it; otherwise the earlier of the next annual meeting and one year."""
    meeting = register.company.next_annual_meeting(event)
    if meeting is not None and meeting <= event + VACANCY_SHORT_WINDOW:
        return event + VACANCY_SHORT_WINDOW
    return _loss_deadline(register, event)


def _loss_cases(
    register: Register, members: tuple[MemberReport, ...], rule_id: str, as_of: date
) -> list[CureCase] | None:
    """AC-CURE-01 for each member failing ``rule_id``; ``None`` if one cannot be cured."""
    cases: list[CureCase] = []
    for m in members:
        outcome = m.nasdaq_independent if rule_id == "AC-MEM-02" else m.rule_10a3
        if _ok(outcome.verdict) or (rule_id == "AC-MEM-02" and m.seated_by_exception):
            continue
        seat = m.membership
        assert seat is not None
        director = m.director

        def was_independent(
            day: date, director: Director = director, seat: Membership = seat
        ) -> bool:
            # only the tests the rule needs: this runs once per day a verdict may change
            if rule_id == "AC-MEM-02":
                nasdaq = tuple(test(register, director, day) for test in NASDAQ_TESTS)
                return _ok(_mem02(register, director, nasdaq, day)[0].verdict)
            fees = check_compensatory_fee(register, director, day, seat.period.start)
            affiliate = check_affiliate(register, director, day)
            return _ok(_mem03(director, (fees, affiliate)).verdict)

        floor = max(seat.period.start, as_of - CURE_LOOKBACK)
        last = _last_passing_day(
            was_independent, _change_days(register, director, floor, as_of), floor
        )
        if last is None:
            return None
        event = last + ONE_DAY
        cases.append(
            CureCase(
                "AC-CURE-01",
                event,
                _loss_deadline(register, event),
                f"{director.name} ceased to meet {rule_id} on {event.isoformat()}",
                (rule_id,),
            )
        )
    return cases


def _vacancy_case(
    register: Register, members: tuple[MemberReport, ...], rule_id: str, as_of: date
) -> CureCase | None:
    """AC-CURE-02 when ``rule_id`` fails because exactly one member left."""
    last = _last_day(
        lambda d: _rule_holds(register, rule_id, d),
        as_of - ONE_DAY,
        as_of - CURE_LOOKBACK,
    )
    if last is None:
        return None
    left = [m for m in register.memberships if m.period.end == last]
    joined = [m for m in register.memberships if m.period.start == last + ONE_DAY]
    if len(left) != 1 or joined:
        return None
    if rule_id == "AC-MEM-01":
        need, _ = required_size(register, as_of)
        if len(members) != need - 1:
            return None
    event = last + ONE_DAY
    who = register.director(left[0].director).name
    return CureCase(
        "AC-CURE-02",
        event,
        _vacancy_deadline(register, event),
        f"one vacancy: {who}'s last day was {last.isoformat()} ({left[0].end_reason or 'ended'})",
        (rule_id,),
    )


def _cure(
    register: Register,
    members: tuple[MemberReport, ...],
    violations: tuple[Violation, ...],
    as_of: date,
) -> tuple[CureCase | None, list[str]]:
    notes: list[str] = []
    cases: list[CureCase] = []
    for v in violations:
        if v.rule_id in CURABLE_BY_LOSS:
            found = _loss_cases(register, members, v.rule_id, as_of)
            if found is None:
                return None, notes
            cases.extend(found)
        elif v.rule_id in CURABLE_BY_VACANCY:
            case = _vacancy_case(register, members, v.rule_id, as_of)
            if case is None:
                return None, notes
            cases.append(case)
        else:
            return None, notes
    if (
        not cases
    ):  # pragma: no cover (each curable violation yields a case or returns above)
        return None, notes
    first = min(c.event for c in cases)
    later = [c for c in cases if c.event != first]
    same = [c for c in cases if c.event == first]
    case = CureCase(
        same[0].rule_id if len({c.rule_id for c in same}) == 1 else "AC-CURE-01",
        first,
        min(c.deadline for c in same),
        "; ".join(dict.fromkeys(c.reason for c in same)),
        tuple(dict.fromkeys(r for c in same for r in c.covers)),
    )
    if later:
        notes.append(
            f"a second event on {later[0].event.isoformat()} ({later[0].reason}) came while the "
            f"company was already relying on the cure period that began {first.isoformat()}: "
            "no second concurrent cure period"
        )
        return None, notes
    if as_of > case.deadline:
        notes.append(
            f"the cure period that began {first.isoformat()} ended on {case.deadline.isoformat()}"
        )
        return None, notes
    return case, notes


def evaluate_committee(register: Register, as_of: date) -> CommitteeReport:
    """The committee on ``as_of``: members, verdicts, violations and any cure period."""
    members = _members(register, as_of)
    listed = register.company.listing_date
    if listed is not None and as_of < listed:
        outcomes = tuple(
            TestOutcome(
                r, Verdict.NOT_APPLICABLE, f"the company lists on {listed.isoformat()}"
            )
            for r in (
                "AC-MEM-01",
                "AC-MEM-02",
                "AC-MEM-03",
                "AC-MEM-04",
                "AC-MEM-05",
                "AC-MEM-06",
                "AC-MEM-07",
                "AC-MEM-08",
                "AC-MEM-09",
            )
        )
        return CommitteeReport(
            as_of,
            members,
            outcomes,
            (),
            None,
            CommitteeStatus.COMPLIANT,
            (f"not listed until {listed.isoformat()}",),
        )
    outcomes, notes = _composition(register, members, as_of)
    violations = tuple(
        Violation(
            o.rule_id,
            o.message,
            tuple(m.director.id for m in members if _member_fails(m, o.rule_id)),
        )
        for o in outcomes
        if not _ok(o.verdict)
    )
    if not violations:
        return CommitteeReport(
            as_of, members, outcomes, (), None, CommitteeStatus.COMPLIANT, tuple(notes)
        )
    cure, cure_notes = _cure(register, members, violations, as_of)
    status = (
        CommitteeStatus.IN_CURE if cure is not None else CommitteeStatus.NON_COMPLIANT
    )
    return CommitteeReport(
        as_of, members, outcomes, violations, cure, status, tuple(notes + cure_notes)
    )


def _member_fails(member: MemberReport, rule_id: str) -> bool:
    if rule_id in ("AC-MEM-01", "AC-MEM-06", "AC-MEM-07"):
        return False  # a committee-wide shortfall, not one member's
    if rule_id == "AC-MEM-02":
        return not (
            _ok(member.nasdaq_independent.verdict) or member.seated_by_exception
        )
    if rule_id == "AC-MEM-08":
        return member.relies_on_exception and not member.seated_by_exception
    return not _ok(member.outcome(rule_id).verdict)


# ---------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineSegment:
    """The committee's membership from ``start`` to ``end`` (inclusive; ``None``: today)."""

    start: date
    end: date | None
    members: tuple[str, ...]
    chair: str | None
    joined: tuple[str, ...]
    # (director id, end reason) for those whose last day was the day before
    left: tuple[tuple[str, str], ...]


def membership_timeline(register: Register) -> tuple[TimelineSegment, ...]:
    """Every change of the committee's membership, oldest first."""
    points = sorted(
        {m.period.start for m in register.memberships}
        | {
            m.period.end + ONE_DAY
            for m in register.memberships
            if m.period.end is not None
        }
    )
    segments: list[TimelineSegment] = []
    for i, start in enumerate(points):
        end = points[i + 1] - ONE_DAY if i + 1 < len(points) else None
        seats = sorted(register.memberships_on(start), key=lambda m: m.director)
        segments.append(
            TimelineSegment(
                start=start,
                end=end,
                members=tuple(m.director for m in seats),
                chair=next((m.director for m in seats if m.chair), None),
                joined=tuple(
                    sorted(
                        m.director
                        for m in register.memberships
                        if m.period.start == start
                    )
                ),
                left=tuple(
                    sorted(
                        (m.director, str(m.end_reason or ""))
                        for m in register.memberships
                        if m.period.end is not None and m.period.end + ONE_DAY == start
                    )
                ),
            )
        )
    return tuple(segments)
