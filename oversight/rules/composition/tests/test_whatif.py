"""What-if changes return a new evaluation and never touch the register they start from."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oversight.rules.composition.committee import CommitteeStatus
from oversight.rules.composition.facts import (
    Direction,
    Organisation,
    OrgRole,
    OrgRoleKind,
    Period,
    ServiceCategory,
)
from oversight.rules.composition.tests.builders import (
    AS_OF,
    D,
    director,
    register,
    seat,
)
from oversight.rules.composition.whatif import (
    appoint,
    could_appoint,
    pay,
    resign,
    what_if_paid,
    what_if_resigns,
)
from oversight.rules.core import Verdict


def test_could_appoint_an_independent_director() -> None:
    reg = register(director("kit"))
    before = reg.memberships
    result = could_appoint(reg, "kit", AS_OF)
    assert reg.memberships == before
    assert result.candidate is not None
    assert result.candidate.independent
    assert [m.director.id for m in result.after.members] == ["ada", "ben", "hal", "kit"]
    assert result.after.status is CommitteeStatus.COMPLIANT
    assert result.change == "appoint Kit on 2026-03-31"


def test_could_appoint_the_cfo_says_why_not() -> None:
    result = could_appoint(register(), "cleo", AS_OF)
    assert result.candidate is not None
    assert not result.candidate.independent
    assert result.candidate.outcome("AC-IND-01").verdict is Verdict.FAIL
    assert result.after.status is CommitteeStatus.NON_COMPLIANT
    assert result.before.status is CommitteeStatus.COMPLIANT


def test_appointing_a_sitting_member_is_refused() -> None:
    with pytest.raises(ValueError, match="already sits"):
        appoint(register(), "ben", AS_OF)
    with pytest.raises(KeyError):
        appoint(register(), "eve", AS_OF)


def test_appointing_before_a_later_seat_ends_the_day_before() -> None:
    reg = register(
        director("kit"),
        memberships=(
            seat("ada", chair=True),
            seat("ben"),
            seat("hal"),
            seat("kit", D("2026-06-01")),
        ),
    )
    after = appoint(reg, "kit", D("2026-01-01"))
    new = next(m for m in after.memberships if m.ref == "what-if:appointment")
    assert new.period == Period(D("2026-01-01"), D("2026-05-31"))


def test_appointing_a_new_chair_keeps_the_old_chair_as_member() -> None:
    reg = register(director("kit"))
    after = appoint(reg, "kit", AS_OF, chair=True)
    on = after.memberships_on(AS_OF)
    assert sorted((m.director, m.chair) for m in on) == [
        ("ada", False),
        ("ben", False),
        ("hal", False),
        ("kit", True),
    ]


def test_what_if_a_member_resigns() -> None:
    reg = register()
    result = what_if_resigns(reg, "hal", D("2026-04-30"))
    assert result.as_of == D("2026-05-01")
    assert result.before.status is CommitteeStatus.COMPLIANT
    assert result.after.status is CommitteeStatus.IN_CURE
    assert result.after.deadline == D(
        "2026-10-28"
    )  # annual meeting 2026-06-11 is within 180 days
    assert reg.membership_of("hal", D("2026-05-01")) is not None


def test_resigning_a_non_member_is_refused() -> None:
    with pytest.raises(ValueError, match="does not sit"):
        resign(register(), "cleo", AS_OF)


def acme() -> Organisation:
    return Organisation(
        "acme", "Acme Fictional Supply", revenues=((2026, Decimal(1_000_000)),)
    )


def test_what_if_the_company_pays_a_directors_firm() -> None:
    ben = director(
        "ben",
        org_roles=(
            OrgRole("acme", OrgRoleKind.EXECUTIVE_OFFICER, Period(D("2015-01-01"))),
        ),
    )
    reg = register(ben, organisations=(acme(),))
    under = what_if_paid(
        reg, "acme", Decimal(200_000), 2026, AS_OF, category=ServiceCategory.GOODS
    )
    assert under.after.status is CommitteeStatus.COMPLIANT
    over = what_if_paid(
        reg, "acme", Decimal(200_001), 2026, AS_OF, category=ServiceCategory.GOODS
    )
    assert over.after.member("ben").outcome("AC-IND-04").verdict is Verdict.FAIL
    assert (
        over.after.status is CommitteeStatus.IN_CURE
    )  # ben was independent until today
    assert reg.organisation("acme") == acme()
    assert "pays Acme Fictional Supply $200,001 in FY2026" in over.change
    back = what_if_paid(
        reg, "acme", Decimal(1), 2026, AS_OF, direction=Direction.TO_COMPANY
    )
    assert "is paid by" in back.change


def test_paying_an_unknown_organisation_is_refused() -> None:
    with pytest.raises(KeyError):
        pay(register(), "nobody", Decimal(1), 2026)
    with pytest.raises(ValueError, match="fiscal year"):
        pay(
            register(organisations=(acme(),)),
            "acme",
            Decimal(1),
            2026,
            paid_on=D("2025-01-01"),
        )
