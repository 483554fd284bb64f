"""The committee as of a date: composition rules, cure periods, phase-in, timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from oversight.rules.composition.committee import (
    CommitteeStatus,
    evaluate_committee,
    exit_code,
    membership_timeline,
)
from oversight.rules.composition.facts import (
    AcfeAttribute,
    AcfeDesignation,
    AcfeRoute,
    BoardDetermination,
    Compensation,
    CompensationKind,
    Director,
    Employment,
    EndReason,
    FamilyMember,
    Membership,
    OtherAuditCommittee,
    Period,
    Register,
    Relationship,
    Sophistication,
    SophisticationBasis,
)
from oversight.rules.composition.tests.builders import (
    AS_OF,
    D,
    company,
    determination,
    director,
    expert,
    register,
    seat,
    usd,
)
from oversight.rules.core import Verdict

OK, CURE, BAD = (
    CommitteeStatus.COMPLIANT,
    CommitteeStatus.IN_CURE,
    CommitteeStatus.NON_COMPLIANT,
)


def ended(
    ident: str,
    last_day: str,
    reason: EndReason = EndReason.RESIGNATION,
    *,
    chair: bool = False,
) -> Membership:
    return Membership(
        ident,
        Period(D("2020-01-01"), D(last_day)),
        chair=chair,
        end_reason=reason,
        ref=f"seat.{ident}",
    )


def three_with(
    *seats: object, meetings: tuple[date, ...] | None = None, **kw: object
) -> Register:
    info = company(annual_meetings=meetings) if meetings is not None else company()
    return register(memberships=seats, company_info=info, **kw)  # type: ignore[arg-type]


def test_a_compliant_committee() -> None:
    report = evaluate_committee(register(), AS_OF)
    assert report.status is OK
    assert exit_code(report.status) == 0
    assert report.chair == "ada"
    assert [m.director.id for m in report.members] == ["ada", "ben", "hal"]
    assert report.violations == ()
    assert report.deadline is None
    assert {o.rule_id: o.verdict for o in report.outcomes} == {
        "AC-MEM-01": Verdict.PASS,
        "AC-MEM-02": Verdict.PASS,
        "AC-MEM-03": Verdict.PASS,
        "AC-MEM-04": Verdict.PASS,
        "AC-MEM-05": Verdict.PASS,
        "AC-MEM-06": Verdict.PASS,
        "AC-MEM-07": Verdict.PASS,
        "AC-MEM-08": Verdict.NOT_APPLICABLE,
        "AC-MEM-09": Verdict.PASS,
    }
    assert report.member("ben").independent


def test_two_members_from_the_start_is_not_curable() -> None:
    report = evaluate_committee(
        register(memberships=(seat("ada", chair=True), seat("ben"))), AS_OF
    )
    assert report.status is BAD
    assert exit_code(report.status) == 3
    assert [v.rule_id for v in report.violations] == ["AC-MEM-01"]
    assert "2 member(s)" in report.outcome("AC-MEM-01").message


# ---------------------------------------------------------------- AC-CURE-02


@pytest.mark.parametrize(
    ("meeting", "deadline"),
    [
        (
            "2026-02-28",
            "2026-02-28",
        ),  # meeting exactly 180 days after the event: 180 days
        ("2026-03-01", "2026-03-01"),  # 181 days after: the meeting
        ("2026-08-01", "2026-08-01"),  # the meeting, before a year
        ("2026-12-01", "2026-09-01"),  # a year, before the meeting
        (None, "2026-09-01"),  # no meeting scheduled: a year
    ],
)
def test_one_vacancy_cure_deadline(meeting: str | None, deadline: str) -> None:
    # hal's last day is 2025-08-31; the committee is short from 2025-09-01
    meetings = (D(meeting),) if meeting else ()
    reg = three_with(
        seat("ada", chair=True),
        seat("ben"),
        ended("hal", "2025-08-31"),
        meetings=meetings,
    )
    report = evaluate_committee(reg, D("2025-10-01"))
    assert report.status is CURE
    assert exit_code(report.status) == 1
    assert report.cure is not None
    assert report.cure.rule_id == "AC-CURE-02"
    assert report.cure.event == D("2025-09-01")
    assert report.deadline == D(deadline)
    assert "Hal's last day was 2025-08-31" in report.cure.reason


def test_the_180_day_edge_is_180_days_from_the_event() -> None:
    event = D("2025-09-01")
    assert event + timedelta(days=180) == D("2026-02-28")


@pytest.mark.parametrize(
    ("as_of", "status"), [("2026-02-28", CURE), ("2026-03-01", BAD)]
)
def test_the_last_day_of_a_cure_period(as_of: str, status: CommitteeStatus) -> None:
    reg = three_with(
        seat("ada", chair=True),
        seat("ben"),
        ended("hal", "2025-08-31"),
        meetings=(D("2026-02-20"),),
    )
    report = evaluate_committee(reg, D(as_of))
    assert report.status is status
    if status is BAD:
        assert any("ended on 2026-02-28" in n for n in report.notes)


def test_two_vacancies_are_not_curable() -> None:
    reg = three_with(
        seat("ada", chair=True), ended("ben", "2026-01-31"), ended("hal", "2026-01-31")
    )
    assert evaluate_committee(reg, AS_OF).status is BAD


def test_a_vacancy_filled_ends_the_cure() -> None:
    reg = register(
        director("kit"),
        memberships=(
            seat("ada", chair=True),
            seat("ben"),
            ended("hal", "2026-01-31"),
            seat("kit", D("2026-03-01")),
        ),
    )
    assert evaluate_committee(reg, D("2026-02-15")).status is CURE
    assert evaluate_committee(reg, D("2026-03-01")).status is OK


def test_the_only_expert_leaving_is_a_curable_vacancy() -> None:
    reg = register(
        director("kit"),
        memberships=(
            ended("ada", "2026-01-31", chair=True),
            seat("ben"),
            seat("hal"),
            seat("kit"),
        ),
    )
    report = evaluate_committee(reg, AS_OF)
    assert [v.rule_id for v in report.violations] == ["AC-MEM-06", "AC-MEM-07"]
    assert report.status is CURE
    assert report.cure is not None
    assert report.cure.covers == ("AC-MEM-06", "AC-MEM-07")


def test_a_replacement_on_the_next_day_is_not_a_vacancy() -> None:
    reg = register(
        director("kit"),
        memberships=(
            ended("ada", "2026-01-31", chair=True),
            seat("ben"),
            seat("hal"),
            seat("kit", D("2026-02-01")),
        ),
    )
    assert evaluate_committee(reg, AS_OF).status is BAD


# ---------------------------------------------------------------- AC-CURE-01


def spouse_becomes_officer(on: str) -> FamilyMember:
    job = Employment(Period(D(on)), "COO", executive_officer=True, ref="spouse.job")
    return FamilyMember("ben-spouse", "Bo", Relationship.SPOUSE, employments=(job,))


@pytest.mark.parametrize(
    ("meeting", "deadline"),
    [
        (
            "2026-03-01",
            "2026-03-01",
        ),  # no 180-day proviso for independence loss (FAQ 94)
        ("2026-06-11", "2026-06-11"),
        ("2027-03-01", "2027-02-01"),  # a year from the event comes first
    ],
)
def test_independence_loss_cure_deadline(meeting: str, deadline: str) -> None:
    ben = director("ben", family=(spouse_becomes_officer("2026-02-01"),))
    reg = register(ben, company_info=company(annual_meetings=(D(meeting),)))
    report = evaluate_committee(reg, D("2026-02-15"))
    assert report.status is CURE
    assert report.cure is not None
    assert report.cure.rule_id == "AC-CURE-01"
    assert report.cure.event == D("2026-02-01")
    assert report.deadline == D(deadline)
    assert report.violations[0].directors == ("ben",)


def test_a_member_never_independent_has_no_cure() -> None:
    ben = director("ben", family=(spouse_becomes_officer("2010-01-01"),))
    assert evaluate_committee(register(ben), AS_OF).status is BAD


def test_no_second_concurrent_cure_period() -> None:
    ben = director("ben", family=(spouse_becomes_officer("2026-02-01"),))
    reg = register(
        ben,
        memberships=(seat("ada", chair=True), seat("ben"), ended("hal", "2026-02-28")),
    )
    report = evaluate_committee(reg, D("2026-03-15"))
    assert report.status is BAD
    assert any("no second concurrent cure period" in n for n in report.notes)


def test_a_later_cure_after_an_earlier_one_was_resolved() -> None:
    ben = director("ben", family=(spouse_becomes_officer("2026-02-01"),))
    reg = register(
        ben,
        director("kit"),
        memberships=(
            seat("ada", chair=True),
            seat("ben"),
            ended("hal", "2025-03-31"),
            seat("kit", D("2025-05-01")),
        ),
    )
    report = evaluate_committee(reg, D("2026-02-15"))
    assert report.status is CURE
    assert report.cure is not None
    assert report.cure.rule_id == "AC-CURE-01"


# ---------------------------------------------------------------- AC-MEM-02 determinations


def test_independence_needs_a_board_determination() -> None:
    dets = (determination("ada"), determination("hal"))
    report = evaluate_committee(register(determinations=dets), AS_OF)
    assert report.status is BAD
    assert report.member("ben").nasdaq_independent.verdict is Verdict.INSUFFICIENT_DATA
    assert "has not determined" in report.member("ben").nasdaq_independent.message


@pytest.mark.parametrize(
    "det",
    [
        determination("ben", independent=False),
        determination("ben", verdicts=(("AC-IND-04", Verdict.FAIL),)),
    ],
)
def test_the_board_can_find_a_director_not_independent(det: object) -> None:
    dets = (determination("ada"), det, determination("hal"))
    report = evaluate_committee(register(determinations=dets), D("2020-06-01"))  # type: ignore[arg-type]
    assert report.member("ben").nasdaq_independent.verdict is Verdict.FAIL


def test_a_stale_determination_is_noted() -> None:
    report = evaluate_committee(register(), AS_OF)
    assert any("more than a year old" in n for n in report.notes)
    fresh = register(
        determinations=tuple(
            determination(i, D("2026-01-10")) for i in ("ada", "ben", "hal")
        )
    )
    assert not evaluate_committee(fresh, AS_OF).notes


def test_a_member_who_left_the_board_fails() -> None:
    ben = director("ben", board=(Period(D("2019-01-01"), D("2026-01-31")),))
    report = evaluate_committee(register(ben), AS_OF)
    assert (
        "is not a director on 2026-03-31"
        in report.member("ben").nasdaq_independent.message
    )


def test_an_executive_officer_cannot_sit() -> None:
    reg = register(memberships=(seat("ada", chair=True), seat("ben"), seat("cleo")))
    report = evaluate_committee(reg, AS_OF)
    assert report.status is BAD
    rules = {v.rule_id for v in report.violations}
    assert {"AC-MEM-02", "AC-MEM-03"} <= rules
    assert {v.rule_id: v.directors for v in report.violations}["AC-MEM-03"] == ("cleo",)


# ---------------------------------------------------------------- qualifications


def test_literacy_is_required_from_day_one() -> None:
    ben = director("ben", literacy=())
    report = evaluate_committee(register(ben), AS_OF)
    assert report.status is BAD
    assert report.outcome("AC-MEM-05").verdict is Verdict.INSUFFICIENT_DATA
    hal = director(
        "hal", literacy=(replace(director("hal").literacy[0], literate=False),)
    )
    assert (
        evaluate_committee(register(hal), AS_OF).outcome("AC-MEM-05").verdict
        is Verdict.FAIL
    )


def test_an_expert_is_sophisticated_faq_90() -> None:
    ada = replace(expert("ada"), sophistication=())
    report = evaluate_committee(register(ada), AS_OF)
    assert report.outcome("AC-MEM-06").verdict is Verdict.PASS
    assert "FAQ 90" in report.outcome("AC-MEM-06").message


def test_sophistication_without_expertise() -> None:
    ada = director(
        "ada",
        sophistication=(
            Sophistication(
                D("2019-01-01"), SophisticationBasis.ACCOUNTING_CERTIFICATION
            ),
        ),
    )
    report = evaluate_committee(register(ada), AS_OF)
    assert report.outcome("AC-MEM-06").verdict is Verdict.PASS
    assert report.outcome("AC-MEM-07").verdict is Verdict.FAIL
    assert report.status is BAD
    relaxed = register(ada, company_info=company(requires_acfe=False))
    assert (
        evaluate_committee(relaxed, AS_OF).outcome("AC-MEM-07").verdict
        is Verdict.NOT_APPLICABLE
    )


@pytest.mark.parametrize("missing", list(AcfeAttribute))
def test_an_expert_needs_all_five_attributes(missing: AcfeAttribute) -> None:
    partial = AcfeDesignation(
        D("2019-12-01"),
        frozenset(AcfeAttribute) - {missing},
        frozenset({AcfeRoute.SUPERVISING}),
    )
    ada = replace(expert("ada"), acfe=(partial,))
    outcome = evaluate_committee(register(ada), AS_OF).member("ada").acfe
    assert outcome.verdict is Verdict.FAIL
    assert missing.value.replace("_", " ") in outcome.message


def test_an_expert_needs_a_route() -> None:
    routeless = AcfeDesignation(D("2019-12-01"), frozenset(AcfeAttribute), frozenset())
    ada = replace(expert("ada"), acfe=(routeless,))
    assert (
        "no route"
        in evaluate_committee(register(ada), AS_OF).member("ada").acfe.message
    )


# ---------------------------------------------------------------- AC-MEM-08


def former_consultant(**kw: object) -> Director:
    base: dict[str, object] = {
        "compensation": (
            Compensation(D("2025-06-01"), usd(150_000), CompensationKind.CONSULTING),
        )
    }
    base.update(kw)
    return director("kit", **base)


def exception_register(
    *,
    gus_seat: Membership | None = None,
    det: BoardDetermination | None = None,
    kit: Director | None = None,
) -> Register:
    return register(
        kit or former_consultant(),
        memberships=(
            seat("ada", chair=True),
            seat("hal"),
            gus_seat or seat("kit", D("2025-07-01"), exception=True),
        ),
        determinations=(
            determination("ada"),
            determination("hal"),
            det
            or determination(
                "kit", D("2025-06-20"), independent=False, exception_finding=True
            ),
        ),
    )


@pytest.mark.parametrize(("as_of", "status"), [("2027-07-01", OK), ("2027-07-02", BAD)])
def test_exception_for_two_years_at_most(as_of: str, status: CommitteeStatus) -> None:
    report = evaluate_committee(exception_register(), D(as_of))
    assert report.status is status, report.violations
    if status is OK:
        assert report.member("kit").seated_by_exception
        assert report.outcome("AC-MEM-08").verdict is Verdict.PASS
    else:
        assert (
            "past the two-year limit of 2027-07-01"
            in report.outcome("AC-MEM-08").message
        )


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        (
            {"gus_seat": seat("kit", D("2025-07-01"), exception=True, chair=True)},
            "chairs the committee",
        ),
        (
            {"det": determination("kit", D("2025-06-20"), independent=False)},
            "no board finding",
        ),
        (
            {
                "kit": former_consultant(
                    compensation=(
                        Compensation(
                            D("2025-06-01"), usd(150_000), CompensationKind.CONSULTING
                        ),
                        Compensation(
                            D("2025-08-01"), usd(1_000), CompensationKind.CONSULTING
                        ),
                    )
                )
            },
            "does not meet Rule 10A-3",
        ),
        (
            {"kit": former_consultant(family=(spouse_becomes_officer("2024-01-01"),))},
            "Family Member of an executive officer",
        ),
        (
            {
                "kit": former_consultant(
                    employments=(Employment(Period(D("2024-01-01")), "adviser"),)
                )
            },
            "current employee",
        ),
    ],
)
def test_exception_conditions(kw: dict[str, Any], reason: str) -> None:
    report = evaluate_committee(exception_register(**kw), D("2026-01-15"))
    assert report.status is BAD
    assert reason in report.outcome("AC-MEM-08").message


def test_at_most_one_member_under_the_exception() -> None:
    lou = director(
        "lou",
        compensation=(
            Compensation(D("2025-06-01"), usd(150_000), CompensationKind.BONUS),
        ),
    )
    reg = register(
        former_consultant(),
        lou,
        memberships=(
            seat("ada", chair=True),
            seat("kit", D("2025-07-01"), exception=True),
            seat("lou", D("2025-07-01"), exception=True),
        ),
        determinations=(
            determination("ada"),
            determination(
                "kit", D("2025-06-20"), independent=False, exception_finding=True
            ),
            determination(
                "lou", D("2025-06-20"), independent=False, exception_finding=True
            ),
        ),
    )
    report = evaluate_committee(reg, D("2026-01-15"))
    assert (
        "2 members are seated under the exception"
        in report.outcome("AC-MEM-08").message
    )
    assert report.status is BAD


def test_only_members_who_need_the_exception_count_against_its_limit() -> None:
    reg = register(
        former_consultant(),
        memberships=(
            seat("ada", chair=True),
            seat("ben", exception=True),
            seat("kit", D("2025-07-01"), exception=True),
        ),
        determinations=(
            determination("ada"),
            determination("ben"),
            determination(
                "kit", D("2025-06-20"), independent=False, exception_finding=True
            ),
        ),
    )
    report = evaluate_committee(reg, D("2026-01-15"))
    assert report.member("kit").seated_by_exception
    assert report.status is OK


def test_exception_flag_on_an_independent_member_changes_nothing() -> None:
    reg = register(
        memberships=(seat("ada", chair=True), seat("ben", exception=True), seat("hal"))
    )
    report = evaluate_committee(reg, AS_OF)
    assert not report.member("ben").seated_by_exception
    assert report.member("ben").independent


# ---------------------------------------------------------------- AC-MEM-09


def seats_elsewhere(n: int) -> tuple[OtherAuditCommittee, ...]:
    return tuple(
        OtherAuditCommittee(f"Other Fictional {i}", Period(D("2020-01-01")))
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("others", "approved", "verdict"),
    [(2, False, Verdict.PASS), (3, False, Verdict.FAIL), (3, True, Verdict.PASS)],
)
def test_over_boarding(others: int, approved: bool, verdict: Verdict) -> None:
    ben = director("ben", other_audit_committees=seats_elsewhere(others))
    dets = (
        determination("ada"),
        determination("ben", over_boarding_approved=approved),
        determination("hal"),
    )
    report = evaluate_committee(register(ben, determinations=dets), AS_OF)
    assert report.outcome("AC-MEM-09").verdict is verdict
    unlimited = register(
        ben, determinations=dets, company_info=company(max_audit_committees=None)
    )
    assert (
        evaluate_committee(unlimited, AS_OF).outcome("AC-MEM-09").verdict
        is Verdict.PASS
    )


# ---------------------------------------------------------------- AC-CURE-03


LISTED = D("2026-01-10")
EFFECTIVE = D("2026-01-08")


def new_listing(*seats: object, extra: tuple[object, ...] = ()) -> Register:
    info = company(ipo=True, listing_date=LISTED, registration_effective=EFFECTIVE)
    return register(*extra, memberships=seats, company_info=info)  # type: ignore[arg-type]


CLEO = seat("cleo", LISTED)  # not independent: the CFO
ADA = seat("ada", LISTED, chair=True)


@pytest.mark.parametrize(
    ("as_of", "seats", "status"),
    [
        ("2026-01-09", (), OK),  # not yet listed
        ("2026-01-10", (ADA,), OK),  # one member at listing
        ("2026-04-10", (ADA,), OK),  # listing + 90 days
        ("2026-04-11", (ADA,), BAD),  # two members needed
        ("2026-04-11", (ADA, seat("ben", LISTED)), OK),
        ("2026-04-11", (ADA, seat("ben", LISTED), CLEO), OK),  # a majority independent
        (
            "2026-04-08",
            (ADA, CLEO),
            OK,
        ),  # effectiveness + 90 days: one independent is enough
        ("2026-04-09", (ADA, CLEO), BAD),  # now a majority of two is two
        (
            "2027-01-10",
            (ADA, seat("ben", LISTED)),
            OK,
        ),  # a year after listing: two suffice
        ("2027-01-11", (ADA, seat("ben", LISTED)), BAD),  # then three
        (
            "2027-01-08",
            (ADA, seat("ben", LISTED), CLEO),
            OK,
        ),  # a year after effectiveness
        ("2027-01-09", (ADA, seat("ben", LISTED), CLEO), BAD),  # then all independent
    ],
)
def test_new_listing_phase_in(
    as_of: str, seats: tuple[object, ...], status: CommitteeStatus
) -> None:
    report = evaluate_committee(new_listing(*seats), D(as_of))
    assert report.status is status, [v.message for v in report.violations]


def test_phase_in_is_explained() -> None:
    report = evaluate_committee(new_listing(ADA, CLEO), D("2026-02-01"))
    assert (
        "phase-in: one independent member until 2026-04-08"
        in report.outcome("AC-MEM-02").message
    )
    assert (
        "phase-in: one member until 2026-04-10" in report.outcome("AC-MEM-01").message
    )


# ---------------------------------------------------------------- timeline


def test_membership_timeline() -> None:
    reg = register(
        director("kit"),
        memberships=(
            seat("ada", chair=True),
            seat("ben"),
            ended("hal", "2026-01-31"),
            seat("kit", D("2026-03-01")),
        ),
    )
    timeline = membership_timeline(reg)
    assert [(s.start, s.end, s.members) for s in timeline] == [
        (D("2020-01-01"), D("2026-01-31"), ("ada", "ben", "hal")),
        (D("2026-02-01"), D("2026-02-28"), ("ada", "ben")),
        (D("2026-03-01"), None, ("ada", "ben", "kit")),
    ]
    assert timeline[1].left == (("hal", "resignation"),)
    assert timeline[2].joined == ("kit",)
    assert all(s.chair == "ada" for s in timeline)
