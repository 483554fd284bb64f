"""How the composition rules scale: committee size, payment history, and the cure scan.

Prints each case's time as a ratio of a baseline (a three-member committee with a
year of board fees) measured in the same run. Run: ``make bench`` or
``.venv/bin/python bench/bench_composition.py``.
"""

from __future__ import annotations

import timeit
from datetime import date, timedelta
from decimal import Decimal

from oversight.rules.composition.committee import evaluate_committee
from oversight.rules.composition.facts import (
    BoardDetermination,
    CompanyInfo,
    Compensation,
    CompensationKind,
    Direction,
    Director,
    Employment,
    FamilyMember,
    LiteracyAttestation,
    Membership,
    Organisation,
    OrgPayment,
    OrgRole,
    OrgRoleKind,
    Period,
    Register,
    Relationship,
)

AS_OF = date(2026, 3, 31)


def build(
    members: int,
    payments_per_member: int,
    *,
    lost_independence: bool = False,
    kind: CompensationKind = CompensationKind.BOARD_FEES,
) -> Register:
    directors, seats, dets, orgs = [], [], [], []
    for i in range(members):
        ident = f"d{i}"
        pay = tuple(
            Compensation(
                AS_OF - timedelta(days=7 * k),
                Decimal(100 + k),
                kind,
            )
            for k in range(payments_per_member)
        )
        family: tuple[FamilyMember, ...] = ()
        if lost_independence and i == 0:
            job = Employment(Period(AS_OF - timedelta(days=30)), executive_officer=True)
            family = (FamilyMember("f", "F", Relationship.SPOUSE, employments=(job,)),)
        orgs.append(
            Organisation(
                f"o{i}",
                f"Org {i}",
                revenues=tuple((fy, Decimal(9_000_000)) for fy in range(2022, 2027)),
                payments=tuple(
                    OrgPayment(2022 + k % 5, Direction.TO_ORGANISATION, Decimal(10_000))
                    for k in range(payments_per_member)
                ),
            )
        )
        directors.append(
            Director(
                ident,
                ident,
                board=(Period(date(2015, 1, 1)),),
                compensation=pay,
                family=family,
                org_roles=(
                    OrgRole(
                        f"o{i}", OrgRoleKind.EXECUTIVE_OFFICER, Period(date(2015, 1, 1))
                    ),
                ),
                literacy=(LiteracyAttestation(date(2019, 1, 1), True),),
            )
        )
        seats.append(Membership(ident, Period(date(2020, 1, 1)), chair=i == 0))
        dets.append(BoardDetermination(ident, date(2025, 12, 1), "BR", True))
    company = CompanyInfo("Bench Fictional Corp", annual_meetings=(date(2026, 6, 11),))
    return Register(company, tuple(directors), tuple(orgs), tuple(seats), tuple(dets))


def measure(register: Register, number: int = 20) -> float:
    return (
        min(
            timeit.repeat(
                lambda: evaluate_committee(register, AS_OF), number=number, repeat=3
            )
        )
        / number
    )


def main() -> None:
    baseline = measure(build(3, 52))
    cases = {
        "3 members, 1 year of weekly fees (baseline)": build(3, 52),
        "3 members, 3 years of weekly fees": build(3, 156),
        "3 members, 3 years of weekly counted pay": build(
            3, 156, kind=CompensationKind.NON_DISCRETIONARY
        ),
        "9 members, 1 year of weekly fees": build(9, 52),
        "3 members, one lost independence (cure scan)": build(
            3, 52, lost_independence=True
        ),
    }
    print(f"baseline: {baseline * 1000:.2f} ms per evaluation")
    for name, register in cases.items():
        print(f"{name:<48} {measure(register) / baseline:6.2f}x")


if __name__ == "__main__":
    main()
