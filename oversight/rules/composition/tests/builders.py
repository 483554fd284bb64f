"""Small factories for composition tests: a fictional company and its directors.

ada chairs the committee and is its financial expert, ben and hal are independent
members, cleo is the CFO (a director who is an executive officer).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from oversight.rules.composition.facts import (
    AcfeAttribute,
    AcfeDesignation,
    AcfeRoute,
    BoardDetermination,
    CompanyInfo,
    Director,
    Employment,
    LiteracyAttestation,
    Membership,
    Organisation,
    Period,
    Register,
    Sophistication,
    SophisticationBasis,
)

D = date.fromisoformat
SEATED = D("2020-01-01")
DETERMINED = D("2019-12-15")
AS_OF = D("2026-03-31")


def usd(value: int | str) -> Decimal:
    return Decimal(str(value))


def company(**changes: object) -> CompanyInfo:
    base = CompanyInfo(
        name="Example Fictional Corp",
        annual_meetings=(D("2025-06-12"), D("2026-06-11"), D("2027-06-10")),
        revenues=(
            (2023, usd(40_000_000)),
            (2024, usd(45_000_000)),
            (2025, usd(50_000_000)),
            (2026, usd(52_000_000)),
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def director(ident: str, **changes: object) -> Director:
    base = Director(
        id=ident,
        name=ident.capitalize(),
        board=(Period(D("2019-01-01")),),
        literacy=(LiteracyAttestation(D("2019-12-01"), True, ref=f"{ident}.literacy"),),
        ref=ident,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def expert(ident: str = "ada", **changes: object) -> Director:
    return director(
        ident,
        sophistication=(
            Sophistication(
                D("2019-12-01"), SophisticationBasis.CFO, ref=f"{ident}.soph"
            ),
        ),
        acfe=(
            AcfeDesignation(
                D("2019-12-01"),
                frozenset(AcfeAttribute),
                frozenset({AcfeRoute.EDUCATION_AND_EXPERIENCE}),
                resolution="BR-2019-12",
                ref=f"{ident}.acfe",
            ),
        ),
        **changes,
    )


def cfo() -> Director:
    return director(
        "cleo",
        employments=(
            Employment(
                Period(D("2018-01-01")), "CFO", executive_officer=True, ref="cleo.job"
            ),
        ),
    )


def determination(
    ident: str, on: date = DETERMINED, **changes: object
) -> BoardDetermination:
    base = BoardDetermination(ident, on, f"BR-{ident}", True, ref=f"det.{ident}")
    return replace(base, **changes)  # type: ignore[arg-type]


def seat(ident: str, start: date = SEATED, **changes: object) -> Membership:
    return replace(Membership(ident, Period(start), ref=f"seat.{ident}"), **changes)  # type: ignore[arg-type]


def register(
    *extra_directors: Director,
    directors: tuple[Director, ...] | None = None,
    organisations: tuple[Organisation, ...] = (),
    memberships: tuple[Membership, ...] | None = None,
    determinations: tuple[BoardDetermination, ...] | None = None,
    company_info: CompanyInfo | None = None,
) -> Register:
    """A compliant committee (ada chair and expert, ben, hal), unless told otherwise."""
    people = (
        directors
        if directors is not None
        else (expert("ada"), director("ben"), director("hal"), cfo())
    )
    people = (
        tuple(p for p in people if p.id not in {e.id for e in extra_directors})
        + extra_directors
    )
    return Register(
        company=company_info or company(),
        directors=people,
        organisations=organisations,
        memberships=memberships
        if memberships is not None
        else (seat("ada", chair=True), seat("ben"), seat("hal")),
        determinations=determinations
        if determinations is not None
        else tuple(determination(p.id) for p in people if p.id != "cleo"),
    )
