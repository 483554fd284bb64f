"""Director independence: Nasdaq Rule 5605(a)(2), SEC Rule 10A-3(b)(1), Nasdaq 5605(c)(2)(A)(iii).

One function per test. Each takes the register, the director and the day the test is
made (``as_of``), and returns a :class:`~oversight.rules.core.TestOutcome` naming the
rule, the facts used, and the arithmetic in words. Look-backs are measured back from
``as_of``: "the past three years" covers ``as_of`` minus three years to ``as_of``,
both days included. Facts dated after ``as_of`` are never read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oversight.rules.composition.facts import (
    ADVISORY_SERVICES,
    ONE_DAY,
    AuditorRoleKind,
    Compensation,
    CompensationKind,
    Direction,
    Director,
    Employment,
    FamilyMember,
    OrgPayment,
    OrgRoleKind,
    Period,
    Register,
    Relationship,
    add_years,
    usd,
)
from oversight.rules.core import Evidence, TestOutcome, Verdict

LOOKBACK_YEARS = 3
COMPENSATION_LIMIT = Decimal("120000")  # 5605(a)(2)(B): "more than $120,000"
BUSINESS_FLOOR = Decimal("200000")  # 5605(a)(2)(D): "$200,000, whichever is more"
BUSINESS_PCT = Decimal("0.05")  # 5605(a)(2)(D): "5% of the recipient's ... revenues"
AFFILIATE_SAFE_HARBOUR_PCT = Decimal("10")  # Rule 10A-3(e)(1)(ii)

NASDAQ_EXCLUDED_KINDS = frozenset(
    {
        CompensationKind.BOARD_FEES,
        CompensationKind.COMMITTEE_FEES,
        CompensationKind.TAX_QUALIFIED_RETIREMENT,
        CompensationKind.NON_DISCRETIONARY,
    }
)
RULE_10A3_EXCLUDED_KINDS = frozenset(
    {
        CompensationKind.BOARD_FEES,
        CompensationKind.COMMITTEE_FEES,
        CompensationKind.TAX_QUALIFIED_RETIREMENT,
        CompensationKind.DEFERRED_PRIOR_SERVICE,
    }
)
EMPLOYEE_PAY_KINDS = frozenset({CompensationKind.SALARY, CompensationKind.BONUS})
BUSINESS_ROLES = frozenset(
    {
        OrgRoleKind.PARTNER,
        OrgRoleKind.CONTROLLING_SHAREHOLDER,
        OrgRoleKind.EXECUTIVE_OFFICER,
    }
)
OWNER_ROLES = BUSINESS_ROLES | {OrgRoleKind.MANAGING_MEMBER}
ADVISORY_ENTITY_ROLES = frozenset(
    {OrgRoleKind.PARTNER, OrgRoleKind.MANAGING_MEMBER, OrgRoleKind.EXECUTIVE_OFFICER}
)

NASDAQ = "Nasdaq Rule 5605(a)(2)"


def lookback_start(as_of: date, years: int = LOOKBACK_YEARS) -> date:
    """The first day of a look-back of ``years`` ending on ``as_of``."""
    return add_years(as_of, -years)


def _ev(ref: str, summary: str, on: date | None = None) -> Evidence:
    return Evidence(ref=ref or "register", summary=summary, on=on)


def _outcome(
    rule_id: str,
    verdict: Verdict,
    message: str,
    evidence: list[Evidence] | tuple[Evidence, ...] = (),
    cites: str = NASDAQ,
) -> TestOutcome:
    return TestOutcome(
        rule_id=rule_id,
        verdict=verdict,
        message=message,
        evidence=tuple(evidence),
        cites=cites,
    )


def _people(director: Director) -> Iterator[tuple[str, Director | FamilyMember]]:
    """The director and each Family Member, with a label for messages."""
    yield director.name, director
    for member in director.family:
        yield (
            f"{member.name} ({member.relationship.value.replace('_', '-')} of {director.name})",
            member,
        )


# ---------------------------------------------------------------------------
# Nasdaq 5605(a)(2)(A)-(G)
# ---------------------------------------------------------------------------


def _interim_carve_out(job: Employment, as_of: date) -> bool:
    return (
        job.interim
        and job.period.end is not None
        and job.period.end < as_of
        and job.period.end < add_years(job.period.start, 1)
    )


def check_employment(
    register: Register, director: Director, as_of: date
) -> TestOutcome:
    """AC-IND-01. Nasdaq 5605(a)(2)(A): a director "who is, or at any time during the past
    three years was, employed by the Company" is not independent. An ended interim
    executive stint of under one year may be disregarded (IM-5605).
    """
    start = lookback_start(as_of)
    hits: list[Employment] = []
    carved: list[Employment] = []
    for job in director.employments:
        if job.period.start > as_of or not job.period.overlaps(start, as_of):
            continue
        (carved if _interim_carve_out(job, as_of) else hits).append(job)
    if hits:
        job = hits[0]
        when = "is employed" if job.period.contains(as_of) else "was employed"
        return _outcome(
            "AC-IND-01",
            Verdict.FAIL,
            f"{director.name} {when} by {job.employer} as {job.title or 'an employee'} "
            f"({job.period.describe()}), within the three years "
            f"{start.isoformat()}..{as_of.isoformat()}",
            [
                _ev(j.ref, f"employment {j.period.describe()}", j.period.start)
                for j in hits
            ],
        )
    if carved:
        job = carved[0]
        return _outcome(
            "AC-IND-01",
            Verdict.PASS,
            f"{director.name}'s interim service as {job.title or 'an executive'} "
            f"({job.period.describe()}) lasted under one year and has ended, so it is "
            "disregarded (the board should note it)",
            [
                _ev(
                    job.ref,
                    f"interim employment {job.period.describe()}",
                    job.period.start,
                )
            ],
        )
    return _outcome(
        "AC-IND-01",
        Verdict.PASS,
        f"{director.name} was not employed by the company group between "
        f"{start.isoformat()} and {as_of.isoformat()}",
    )


@dataclass(frozen=True, slots=True)
class _Paid:
    on: date
    amount: Decimal
    who: str
    what: str
    ref: str


def _sole_proprietor_payments(
    register: Register, holder: Director | FamilyMember, who: str, as_of: date
) -> Iterator[_Paid]:
    for role in holder.org_roles:
        org = register.organisation(role.organisation)
        if org is None or not org.sole_proprietorship or role.role not in OWNER_ROLES:
            continue
        for p in org.payments:
            if p.direction is not Direction.TO_ORGANISATION or p.exempt is not None:
                continue
            on = p.paid_on or register.company.fiscal_year_last_day(p.fiscal_year)
            if on <= as_of and role.period.contains(on):
                yield _Paid(
                    on,
                    p.amount,
                    who,
                    f"paid to {org.name} (sole proprietorship)",
                    p.ref,
                )


def _nasdaq_compensation(
    register: Register, director: Director, as_of: date
) -> tuple[list[_Paid], list[tuple[Compensation, str]]]:
    counted: list[_Paid] = []
    excluded: list[tuple[Compensation, str]] = []
    for who, person in _people(director):
        for c in person.compensation:
            if c.paid_on > as_of:
                continue
            if c.kind in NASDAQ_EXCLUDED_KINDS:
                excluded.append((c, c.kind.value.replace("_", " ")))
                continue
            if isinstance(person, FamilyMember) and c.kind in EMPLOYEE_PAY_KINDS:
                job = person.employment_on(c.paid_on)
                if job is not None and not job.executive_officer:
                    excluded.append(
                        (c, "pay to a Family Member who is a non-executive employee")
                    )
                    continue
            counted.append(
                _Paid(c.paid_on, c.amount, who, c.kind.value.replace("_", " "), c.ref)
            )
        counted.extend(_sole_proprietor_payments(register, person, who, as_of))
    return counted, excluded


def check_compensation(
    register: Register, director: Director, as_of: date
) -> TestOutcome:
    """AC-IND-02. Nasdaq 5605(a)(2)(B): not independent if the director or a Family Member
    "accepted any compensation from the Company in excess of $120,000 during any period of
    twelve consecutive months within the three years preceding the determination", other
    than board or committee fees, pay to a Family Member who is a non-executive employee,
    and tax-qualified retirement or non-discretionary compensation. A sole proprietor's
    fees are the director's compensation (Nasdaq FAQ 140).
    """
    start = lookback_start(as_of)
    paid, excluded = _nasdaq_compensation(register, director, as_of)
    paid = sorted((p for p in paid if p.on >= start), key=lambda p: p.on)
    best_total = Decimal(0)
    best: list[_Paid] = []
    best_window = (start, start)
    # two pointers over the payments in date order: the window [first, first + 1 year)
    total, last = Decimal(0), 0
    for i, first in enumerate(paid):
        window_end = add_years(first.on, 1) - ONE_DAY
        while last < len(paid) and paid[last].on <= window_end:
            total += paid[last].amount
            last += 1
        if total > best_total:
            best_total, best, best_window = total, paid[i:last], (first.on, window_end)
        total -= first.amount
    evidence = [_ev(p.ref, f"{usd(p.amount)} {p.what} to {p.who}", p.on) for p in best]
    note = ""
    kept = [c for c, _ in excluded if c.paid_on >= start]
    if kept:
        total_excluded = sum((c.amount for c in kept), Decimal(0))
        note = f"; {usd(total_excluded)} excluded ({', '.join(sorted({w for c, w in excluded if c.paid_on >= start}))})"
    window = f"{best_window[0].isoformat()}..{best_window[1].isoformat()}"
    if best_total > COMPENSATION_LIMIT:
        return _outcome(
            "AC-IND-02",
            Verdict.FAIL,
            f"{usd(best_total)} paid {window} exceeds {usd(COMPENSATION_LIMIT)}{note}",
            evidence,
        )
    if best:
        message = (
            f"the most paid in twelve consecutive months is {usd(best_total)} ({window}), "
            f"which does not exceed {usd(COMPENSATION_LIMIT)}{note}"
        )
    else:
        message = (
            f"no counted compensation to {director.name} or a Family Member between "
            f"{start.isoformat()} and {as_of.isoformat()}{note}"
        )
    return _outcome("AC-IND-02", Verdict.PASS, message, evidence)


def check_family_executive(
    register: Register, director: Director, as_of: date
) -> TestOutcome:
    """AC-IND-03. Nasdaq 5605(a)(2)(C): not independent if a Family Member "is, or at any
    time during the past three years was, employed by the Company as an executive officer".
    """
    start = lookback_start(as_of)
    for member in director.family:
        for job in member.employments:
            if (
                job.executive_officer
                and job.period.start <= as_of
                and job.period.overlaps(start, as_of)
            ):
                return _outcome(
                    "AC-IND-03",
                    Verdict.FAIL,
                    f"{member.name}, {director.name}'s {member.relationship.value.replace('_', '-')}, "
                    f"was an executive officer of {job.employer} ({job.period.describe()}) "
                    f"within {start.isoformat()}..{as_of.isoformat()}",
                    [
                        _ev(
                            job.ref,
                            f"{member.name} executive officer {job.period.describe()}",
                            job.period.start,
                        )
                    ],
                )
    return _outcome(
        "AC-IND-03",
        Verdict.PASS,
        f"no Family Member of {director.name} was an executive officer of the company "
        f"group between {start.isoformat()} and {as_of.isoformat()}",
    )


def _counted_payment(register: Register, p: OrgPayment, as_of: date) -> bool:
    if p.exempt is not None:
        return False
    if p.paid_on is not None:
        return p.paid_on <= as_of
    return register.company.fiscal_year_first_day(p.fiscal_year) <= as_of


def check_business_relationship(
    register: Register, director: Director, as_of: date
) -> TestOutcome:
    """AC-IND-04. Nasdaq 5605(a)(2)(D): not independent if the director or a Family Member
    is "a partner in, or a controlling Shareholder or an Executive Officer of, any
    organization to which the Company made, or from which the Company received, payments
    for property or services in the current or any of the past three fiscal years that
    exceed 5% of the recipient's consolidated gross revenues for that year, or $200,000,
    whichever is more", other than payments arising solely from investments in the
    Company's securities or under non-discretionary charitable matching programs. Only a
    role held today counts (Nasdaq FAQ 138).
    """
    current = register.company.fiscal_year_of(as_of)
    years = range(current - LOOKBACK_YEARS, current + 1)
    evidence: list[Evidence] = []
    unknown: list[str] = []
    tested: list[str] = []
    for who, person in _people(director):
        for role in person.org_roles:
            if role.role not in BUSINESS_ROLES or not role.period.contains(as_of):
                continue
            org = register.organisation(role.organisation)
            if org is None or org.sole_proprietorship:
                continue  # a sole proprietor's fees are compensation (AC-IND-02)
            tested.append(org.name)
            for fy in years:
                for direction in Direction:
                    payments = [
                        p
                        for p in org.payments
                        if p.fiscal_year == fy
                        and p.direction is direction
                        and _counted_payment(register, p, as_of)
                    ]
                    if not payments:
                        continue
                    total = sum((p.amount for p in payments), Decimal(0))
                    to_org = direction is Direction.TO_ORGANISATION
                    recipient = org.name if to_org else register.company.name
                    revenue = (
                        org.revenue(fy) if to_org else register.company.revenue(fy)
                    )
                    flow = (
                        f"the company paid {org.name}"
                        if to_org
                        else f"{org.name} paid the company"
                    )
                    ev = [
                        _ev(
                            p.ref,
                            f"{usd(p.amount)} FY{p.fiscal_year} {direction.value}",
                            p.paid_on,
                        )
                        for p in payments
                    ]
                    if revenue is None:
                        if total > BUSINESS_FLOOR:
                            unknown.append(
                                f"{flow} {usd(total)} in FY{fy}, above {usd(BUSINESS_FLOOR)}, "
                                f"but {recipient}'s FY{fy} consolidated gross revenues are not recorded"
                            )
                            evidence.extend(ev)
                        continue
                    five_pct = (revenue * BUSINESS_PCT).quantize(Decimal("0.01"))
                    threshold = max(five_pct, BUSINESS_FLOOR)
                    basis = (
                        f"5% of {recipient}'s FY{fy} revenues of {usd(revenue)}"
                        if five_pct >= BUSINESS_FLOOR
                        else f"the {usd(BUSINESS_FLOOR)} floor (5% of {usd(revenue)} is {usd(five_pct)})"
                    )
                    if total > threshold:
                        return _outcome(
                            "AC-IND-04",
                            Verdict.FAIL,
                            f"{who} is {role.role.value.replace('_', ' ')} of {org.name}; "
                            f"{flow} {usd(total)} in FY{fy}, which exceeds {usd(threshold)} "
                            f"({basis})",
                            [
                                _ev(
                                    role.ref,
                                    f"{who}: {role.role.value} of {org.name} {role.period.describe()}",
                                    role.period.start,
                                ),
                                *ev,
                            ],
                        )
                    evidence.extend(ev)
    if unknown:
        return _outcome(
            "AC-IND-04",
            Verdict.INSUFFICIENT_DATA,
            "; ".join(unknown),
            evidence,
        )
    if not tested:
        return _outcome(
            "AC-IND-04",
            Verdict.PASS,
            f"neither {director.name} nor a Family Member is currently a partner, "
            "controlling shareholder or executive officer of an organisation doing "
            "business with the company",
        )
    return _outcome(
        "AC-IND-04",
        Verdict.PASS,
        f"payments with {', '.join(sorted(set(tested)))} in FY{years[0]}..FY{years[-1]} "
        f"stay within the greater of 5% of the recipient's revenues and {usd(BUSINESS_FLOOR)}",
        evidence,
    )


def check_interlock(register: Register, director: Director, as_of: date) -> TestOutcome:
    """AC-IND-05. Nasdaq 5605(a)(2)(E): not independent if the director or a Family Member
    "is employed as an executive officer of another entity where at any time during the
    past three years any of the executive officers of the Company serve on the
    compensation committee of such other entity".
    """
    start = lookback_start(as_of)
    for who, person in _people(director):
        for lock in person.interlocks:
            both = Period(
                max(lock.executive.start, lock.committee.start),
                None,
            )
            ends = [
                e for e in (lock.executive.end, lock.committee.end) if e is not None
            ]
            end = min(ends) if ends else None
            if both.start > as_of or (end is not None and end < both.start):
                continue
            if end is None or end >= start:
                officer = lock.our_officer or "an executive officer of the company"
                return _outcome(
                    "AC-IND-05",
                    Verdict.FAIL,
                    f"{who} was an executive officer of {lock.entity} while {officer} sat on "
                    f"its compensation committee ({both.start.isoformat()}.."
                    f"{end.isoformat() if end else 'present'}), within "
                    f"{start.isoformat()}..{as_of.isoformat()}",
                    [_ev(lock.ref, f"interlock with {lock.entity}", both.start)],
                )
    return _outcome(
        "AC-IND-05",
        Verdict.PASS,
        f"no compensation-committee interlock for {director.name} or a Family Member "
        f"between {start.isoformat()} and {as_of.isoformat()}",
    )


def check_auditor(register: Register, director: Director, as_of: date) -> TestOutcome:
    """AC-IND-06. Nasdaq 5605(a)(2)(F): not independent if the director or a Family Member
    "is a current partner of the Company's outside auditor, or was a partner or employee of
    the Company's outside auditor who worked on the Company's audit at any time during any
    of the past three years".
    """
    start = lookback_start(as_of)
    for who, person in _people(director):
        for role in person.auditor_roles:
            if role.period.start > as_of:
                continue
            ev = [
                _ev(
                    role.ref,
                    f"{who}: {role.role.value} of {role.firm} {role.period.describe()}",
                    role.period.start,
                )
            ]
            if role.role is AuditorRoleKind.PARTNER and role.period.contains(as_of):
                return _outcome(
                    "AC-IND-06",
                    Verdict.FAIL,
                    f"{who} is a current partner of {role.firm} ({role.period.describe()})",
                    ev,
                )
            if role.worked_on_audit and role.period.overlaps(start, as_of):
                return _outcome(
                    "AC-IND-06",
                    Verdict.FAIL,
                    f"{who} was a {role.role.value} of {role.firm} who worked on the "
                    f"company's audit ({role.period.describe()}), within "
                    f"{start.isoformat()}..{as_of.isoformat()}",
                    ev,
                )
    return _outcome(
        "AC-IND-06",
        Verdict.PASS,
        f"neither {director.name} nor a Family Member is a current partner of the outside "
        f"auditor or worked on the company's audit between {start.isoformat()} and "
        f"{as_of.isoformat()}",
    )


def check_investment_company(
    register: Register, director: Director, as_of: date
) -> TestOutcome:
    """AC-IND-07. Nasdaq 5605(a)(2)(G) applies only to investment companies."""
    return _outcome(
        "AC-IND-07",
        Verdict.NOT_APPLICABLE,
        "the company is not a registered investment company",
    )


# ---------------------------------------------------------------------------
# Rule 10A-3(b)(1) and 5605(c)(2)(A)(iii)
# ---------------------------------------------------------------------------


def _indirect_recipient(member: FamilyMember) -> bool:
    """Rule 10A-3(e)(8): a spouse, a minor child or stepchild, or a child or stepchild
    sharing the member's home."""
    if member.relationship is Relationship.SPOUSE:
        return True
    return member.relationship is Relationship.CHILD and (
        member.minor or member.shares_home
    )


def _payment_span(register: Register, p: OrgPayment) -> Period:
    if p.paid_on is not None:
        return Period(p.paid_on, p.paid_on)
    return Period(
        register.company.fiscal_year_first_day(p.fiscal_year),
        register.company.fiscal_year_last_day(p.fiscal_year),
    )


def check_compensatory_fee(
    register: Register,
    director: Director,
    as_of: date,
    service_start: date | None = None,
) -> TestOutcome:
    """AC-IND-10. Rule 10A-3(b)(1)(ii)(A): a member may not "accept directly or indirectly
    any consulting, advisory, or other compensatory fee from the issuer or any subsidiary",
    other than for board or committee service (fixed retirement or deferred pay for prior
    service is allowed). Indirect acceptance covers a spouse, a minor child or stepchild, a
    child or stepchild sharing the home, and an entity where the member is a partner,
    member, managing director or executive officer that provides accounting, consulting,
    legal, investment banking or financial advisory services to the company. Any amount.
    The prohibition applies while the person serves (no look-back); ``service_start`` is
    the first day of service (``as_of`` for a candidate).
    """
    start = service_start or as_of
    found: list[tuple[str, Evidence]] = []
    people: list[tuple[str, Director | FamilyMember]] = [(director.name, director)]
    people += [
        (f"{m.name} ({m.relationship.value})", m)
        for m in director.family
        if _indirect_recipient(m)
    ]
    for who, person in people:
        for c in person.compensation:
            if start <= c.paid_on <= as_of and c.kind not in RULE_10A3_EXCLUDED_KINDS:
                found.append(
                    (
                        f"{usd(c.amount)} {c.kind.value.replace('_', ' ')} paid to {who} on {c.paid_on.isoformat()}",
                        _ev(c.ref, f"{usd(c.amount)} {c.kind.value}", c.paid_on),
                    )
                )
    for role in director.org_roles:
        if role.role not in ADVISORY_ENTITY_ROLES:
            continue
        org = register.organisation(role.organisation)
        if org is None:
            continue
        for p in org.payments:
            if (
                p.direction is not Direction.TO_ORGANISATION
                or p.category not in ADVISORY_SERVICES
                or p.exempt is not None
            ):
                continue
            span = _payment_span(register, p)
            if span.start > as_of or not span.overlaps(start, as_of):
                continue
            if not role.period.overlaps_period(span):
                continue
            found.append(
                (
                    f"{usd(p.amount)} for {p.category.value.replace('_', ' ')} services paid to "
                    f"{org.name} (FY{p.fiscal_year}), where {director.name} is "
                    f"{role.role.value.replace('_', ' ')}",
                    _ev(p.ref, f"{usd(p.amount)} to {org.name}", p.paid_on),
                )
            )
    if found:
        return _outcome(
            "AC-IND-10",
            Verdict.FAIL,
            "compensatory fee (any amount disqualifies): "
            + "; ".join(f for f, _ in found),
            [e for _, e in found],
            cites="SEC Rule 10A-3(b)(1)(ii)(A)",
        )
    return _outcome(
        "AC-IND-10",
        Verdict.PASS,
        f"no consulting, advisory or other compensatory fee, direct or indirect, to "
        f"{director.name} between {start.isoformat()} and {as_of.isoformat()} "
        "other than for board and committee service",
        cites="SEC Rule 10A-3(b)(1)(ii)(A)",
    )


def check_affiliate(register: Register, director: Director, as_of: date) -> TestOutcome:
    """AC-IND-11. Rule 10A-3(b)(1)(ii)(B): a member may not be "an affiliated person of the
    issuer or any subsidiary". Safe harbour (10A-3(e)(1)(ii)): a person who owns no more
    than 10% of any class of voting equity and is not an executive officer is deemed not
    to control the issuer. Above 10% the board must decide on the facts.
    """
    cites = "SEC Rule 10A-3(b)(1)(ii)(B), (e)(1)"
    job = director.employment_on(as_of)
    if job is not None and job.executive_officer:
        return _outcome(
            "AC-IND-11",
            Verdict.FAIL,
            f"{director.name} is an executive officer of {job.employer} "
            f"({job.period.describe()}) and so an affiliated person",
            [
                _ev(
                    job.ref,
                    f"executive officer {job.period.describe()}",
                    job.period.start,
                )
            ],
            cites,
        )
    holding = director.holding_on(as_of)
    if holding is None or holding.voting_pct <= AFFILIATE_SAFE_HARBOUR_PCT:
        pct = (
            "no voting equity recorded"
            if holding is None
            else f"{holding.voting_pct}% of the voting equity"
        )
        return _outcome(
            "AC-IND-11",
            Verdict.PASS,
            f"{director.name} holds {pct}, not above the 10% safe harbour, and is not an "
            "executive officer",
            [_ev(holding.ref, f"{holding.voting_pct}% voting", holding.on)]
            if holding
            else [],
            cites,
        )
    ev = _ev(holding.ref, f"{holding.voting_pct}% voting", holding.on)
    det = register.determination_for(director.id, as_of)
    board = det.verdict_for("AC-IND-11") if det else None
    if det is not None and board in (Verdict.PASS, Verdict.FAIL):
        said = "is not" if board is Verdict.PASS else "is"
        return _outcome(
            "AC-IND-11",
            board,
            f"{director.name} holds {holding.voting_pct}% of the voting equity, above the 10% "
            f"safe harbour; the board determined on {det.on.isoformat()} ({det.resolution}) "
            f"that {director.name} {said} an affiliated person",
            [ev, _ev(det.ref, f"determination {det.resolution}", det.on)],
            cites,
        )
    return _outcome(
        "AC-IND-11",
        Verdict.INSUFFICIENT_DATA,
        f"{director.name} holds {holding.voting_pct}% of the voting equity, above the 10% "
        "safe harbour; the board has not determined whether this makes them an affiliated person",
        [ev],
        cites,
    )


def check_fs_preparation(
    register: Register, director: Director, as_of: date
) -> TestOutcome:
    """AC-MEM-04. Nasdaq 5605(c)(2)(A)(iii): each member must "not have participated in the
    preparation of the financial statements of the Company or any current subsidiary of the
    Company at any time during the past three years".
    """
    cites = "Nasdaq Rule 5605(c)(2)(A)(iii)"
    start = lookback_start(as_of)
    for prep in director.fs_preparation:
        if prep.period.start <= as_of and prep.period.overlaps(start, as_of):
            return _outcome(
                "AC-MEM-04",
                Verdict.FAIL,
                f"{director.name} took part in preparing the financial statements "
                f"({prep.description or 'participation'} {prep.period.describe()}), within "
                f"{start.isoformat()}..{as_of.isoformat()}",
                [
                    _ev(
                        prep.ref,
                        f"financial statement preparation {prep.period.describe()}",
                        prep.period.start,
                    )
                ],
                cites,
            )
    return _outcome(
        "AC-MEM-04",
        Verdict.PASS,
        f"{director.name} did not take part in preparing the financial statements between "
        f"{start.isoformat()} and {as_of.isoformat()}",
        cites=cites,
    )


Check = Callable[[Register, Director, date], TestOutcome]

NASDAQ_TESTS: tuple[Check, ...] = (
    check_employment,
    check_compensation,
    check_family_executive,
    check_business_relationship,
    check_interlock,
    check_auditor,
    check_investment_company,
)


@dataclass(frozen=True, slots=True)
class IndependenceReport:
    """All independence tests for one director on one day."""

    director: Director
    as_of: date
    nasdaq: tuple[TestOutcome, ...]
    rule_10a3: tuple[TestOutcome, ...]
    fs_preparation: TestOutcome

    @property
    def outcomes(self) -> tuple[TestOutcome, ...]:
        return (*self.nasdaq, *self.rule_10a3, self.fs_preparation)

    @property
    def passes_nasdaq_tests(self) -> bool:
        return all(
            o.verdict in (Verdict.PASS, Verdict.NOT_APPLICABLE) for o in self.nasdaq
        )

    @property
    def meets_10a3(self) -> bool:
        return all(o.verdict is Verdict.PASS for o in self.rule_10a3)

    def outcome(self, rule_id: str) -> TestOutcome:
        return next(o for o in self.outcomes if o.rule_id == rule_id)


def assess_director(
    register: Register,
    director: Director,
    as_of: date,
    service_start: date | None = None,
) -> IndependenceReport:
    """Run every independence test for ``director`` as of ``as_of``."""
    return IndependenceReport(
        director=director,
        as_of=as_of,
        nasdaq=tuple(test(register, director, as_of) for test in NASDAQ_TESTS),
        rule_10a3=(
            check_compensatory_fee(register, director, as_of, service_start),
            check_affiliate(register, director, as_of),
        ),
        fs_preparation=check_fs_preparation(register, director, as_of),
    )


__all__ = [
    "BUSINESS_FLOOR",
    "COMPENSATION_LIMIT",
    "NASDAQ_TESTS",
    "IndependenceReport",
    "assess_director",
    "check_affiliate",
    "check_auditor",
    "check_business_relationship",
    "check_compensation",
    "check_compensatory_fee",
    "check_employment",
    "check_family_executive",
    "check_fs_preparation",
    "check_interlock",
    "check_investment_company",
    "lookback_start",
]
