"""What if...? Changes to a register evaluated without touching the original.

Each transformation returns a new :class:`Register` (the facts are frozen, so the input
cannot change); ``what_if`` evaluates the committee before and after on the same day.
A change that would make the register inconsistent (appointing someone already seated,
a resignation of a non-member) raises ``ValueError`` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from oversight.rules.composition.committee import (
    CommitteeReport,
    MemberReport,
    assess_member,
    evaluate_committee,
)
from oversight.rules.composition.facts import (
    ONE_DAY,
    Direction,
    EndReason,
    Membership,
    OrgPayment,
    Period,
    Register,
    ServiceCategory,
    register_problems,
)


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The committee on ``as_of`` as recorded and as it would be after ``change``."""

    change: str
    as_of: date
    before: CommitteeReport
    after: CommitteeReport
    candidate: MemberReport | None = None


def _checked(register: Register) -> Register:
    problems = register_problems(register)
    if problems:
        raise ValueError("; ".join(message for _, message in problems))
    return register


def appoint(
    register: Register,
    director_id: str,
    on: date,
    *,
    chair: bool = False,
    exception: bool = False,
) -> Register:
    """The register with ``director_id`` seated on the committee from ``on``."""
    director = register.director(director_id)  # KeyError: not a director
    if register.membership_of(director_id, on) is not None:
        raise ValueError(
            f"{director.name} already sits on the committee on {on.isoformat()}"
        )
    later = [
        m.period.start
        for m in register.memberships
        if m.director == director_id and m.period.start > on
    ]
    seat = Membership(
        director_id,
        Period(on, min(later) - ONE_DAY if later else None),
        chair=chair,
        end_reason=EndReason.TERM_END if later else None,
        exception=exception,
        ref="what-if:appointment",
    )
    memberships = register.memberships
    if chair:
        memberships = tuple(
            _end(m, on - ONE_DAY, EndReason.TERM_END)
            if m.chair and m.period.contains(on) and m.period.start < on
            else m
            for m in memberships
        )
        memberships += tuple(
            replace(m, period=Period(on, m.period.end), ref=m.ref, chair=False)
            for m in register.memberships
            if m.chair and m.period.contains(on) and m.period.start < on
        )
    return _checked(replace(register, memberships=(*memberships, seat)))


def _end(m: Membership, last_day: date, reason: EndReason) -> Membership:
    return replace(m, period=Period(m.period.start, last_day), end_reason=reason)


def resign(
    register: Register,
    director_id: str,
    last_day: date,
    *,
    reason: EndReason = EndReason.RESIGNATION,
) -> Register:
    """The register with ``director_id``'s seat ending on ``last_day``."""
    seat = register.membership_of(director_id, last_day)
    if seat is None:
        name = register.director(director_id).name
        raise ValueError(
            f"{name} does not sit on the committee on {last_day.isoformat()}"
        )
    memberships = tuple(
        _end(m, last_day, reason) if m is seat else m for m in register.memberships
    )
    return _checked(replace(register, memberships=memberships))


def pay(
    register: Register,
    organisation_id: str,
    amount: Decimal,
    fiscal_year: int,
    *,
    direction: Direction = Direction.TO_ORGANISATION,
    category: ServiceCategory = ServiceCategory.OTHER,
    paid_on: date | None = None,
) -> Register:
    """The register with one more payment between the company and an organisation."""
    org = register.organisation(organisation_id)
    if org is None:
        raise KeyError(organisation_id)
    payment = OrgPayment(
        fiscal_year, direction, amount, category, paid_on, ref="what-if:payment"
    )
    changed = replace(org, payments=(*org.payments, payment))
    organisations = tuple(changed if o is org else o for o in register.organisations)
    return _checked(replace(register, organisations=organisations))


def could_appoint(
    register: Register, director_id: str, on: date, *, chair: bool = False
) -> WhatIf:
    """Could ``director_id`` join the committee on ``on``? Their verdicts and the
    committee's standing afterwards."""
    after = appoint(register, director_id, on, chair=chair)
    director = register.director(director_id)
    candidate = assess_member(after, director, on, after.membership_of(director_id, on))
    return WhatIf(
        f"appoint {director.name} on {on.isoformat()}",
        on,
        evaluate_committee(register, on),
        evaluate_committee(after, on),
        candidate,
    )


def what_if_resigns(
    register: Register, director_id: str, last_day: date, as_of: date | None = None
) -> WhatIf:
    """The committee the day after ``director_id``'s last day (or on ``as_of``)."""
    after = resign(register, director_id, last_day)
    day = as_of or last_day + ONE_DAY
    name = register.director(director_id).name
    return WhatIf(
        f"{name} resigns, last day {last_day.isoformat()}",
        day,
        evaluate_committee(register, day),
        evaluate_committee(after, day),
    )


def what_if_paid(
    register: Register,
    organisation_id: str,
    amount: Decimal,
    fiscal_year: int,
    as_of: date,
    *,
    direction: Direction = Direction.TO_ORGANISATION,
    category: ServiceCategory = ServiceCategory.OTHER,
    paid_on: date | None = None,
) -> WhatIf:
    """The committee on ``as_of`` if the company paid (or was paid by) an organisation."""
    after = pay(
        register,
        organisation_id,
        amount,
        fiscal_year,
        direction=direction,
        category=category,
        paid_on=paid_on,
    )
    org = register.organisation(organisation_id)
    assert org is not None
    flow = "pays" if direction is Direction.TO_ORGANISATION else "is paid by"
    return WhatIf(
        f"the company {flow} {org.name} ${amount:,} in FY{fiscal_year}",
        as_of,
        evaluate_committee(register, as_of),
        evaluate_committee(after, as_of),
    )
