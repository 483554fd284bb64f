"""Quorum, eligibility and motion outcomes at every boundary."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.rules.core import Verdict
from oversight.rules.meetings.roster import Term, members_on, names
from oversight.rules.meetings.voting import (
    Ballot,
    Choice,
    Motion,
    Outcome,
    OutcomeRule,
    QuorumBasis,
    QuorumRule,
    Recusal,
    Tally,
    check_ballot,
    check_quorum,
    check_second,
    decide_motion,
    eligible_voters,
)

DAY = date(2026, 3, 12)
FOUR = ("ada", "ben", "kit", "lou")
ROSTER = tuple(Term(m, date(2024, 1, 1)) for m in FOUR)
F, A, X = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN


def motion(moved_by: str = "ada", seconded_by: str | None = "ben") -> Motion:
    return Motion(
        ref="meetings.motion:1",
        text="Approve the Q4 financial statements",
        on=DAY,
        moved_by=moved_by,
        seconded_by=seconded_by,
    )


def ballots(*choices: Choice) -> tuple[Ballot, ...]:
    return tuple(Ballot(member, c) for member, c in zip(FOUR, choices, strict=False))


# --- roster ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 12, 31), frozenset()),
        (date(2026, 1, 1), {"ada"}),
        (date(2026, 6, 30), {"ada"}),
        (date(2026, 7, 1), frozenset()),
    ],
)
def test_a_term_holds_from_its_first_to_its_last_day(day, expected):
    roster = (Term("ada", date(2026, 1, 1), date(2026, 6, 30)),)
    assert members_on(roster, day) == expected


def test_a_term_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="ends"):
        Term("ada", date(2026, 2, 1), date(2026, 1, 31))


def test_names_lists_members_or_says_none():
    assert names(["ben", "ada"]) == "ada, ben"
    assert names([]) == "none"


def test_eligible_voters_are_members_on_the_day_minus_recusals():
    roster = (*ROSTER, Term("eve", date(2026, 4, 1)))
    assert eligible_voters(roster, on=DAY, recused={"ben"}) == {"ada", "kit", "lou"}


# --- quorum ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "members", "required"),
    [
        (QuorumRule(), 1, 1),
        (QuorumRule(), 2, 2),
        (QuorumRule(), 3, 2),
        (QuorumRule(), 4, 3),
        (QuorumRule(), 5, 3),
        (QuorumRule(), 0, 1),
        (QuorumRule(QuorumBasis.NUMBER, number=2), 5, 2),
        (QuorumRule(QuorumBasis.NUMBER, number=6), 5, 6),
        (QuorumRule(QuorumBasis.FRACTION, fraction=Fraction(1, 2)), 4, 2),
        (QuorumRule(QuorumBasis.FRACTION, fraction=Fraction(1, 2)), 5, 3),
        (QuorumRule(QuorumBasis.FRACTION, fraction=Fraction(2, 3)), 3, 2),
        (QuorumRule(QuorumBasis.FRACTION, fraction=Fraction(2, 3)), 4, 3),
        (QuorumRule(QuorumBasis.FRACTION, fraction=Fraction(1)), 4, 4),
        (QuorumRule(QuorumBasis.FRACTION, fraction=Fraction(1, 3)), 0, 1),
    ],
)
def test_quorum_required(rule, members, required):
    assert rule.required(members) == required


@pytest.mark.parametrize(
    "kwargs",
    [
        {"basis": QuorumBasis.NUMBER, "number": 0},
        {"basis": QuorumBasis.FRACTION, "fraction": Fraction(0)},
        {"basis": QuorumBasis.FRACTION, "fraction": Fraction(3, 2)},
    ],
)
def test_a_quorum_rule_that_cannot_work_is_refused(kwargs):
    with pytest.raises(ValueError, match="quorum"):
        QuorumRule(**kwargs)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (QuorumRule(), "a majority of the members"),
        (QuorumRule(QuorumBasis.NUMBER, number=2), "2 members"),
        (
            QuorumRule(QuorumBasis.FRACTION, fraction=Fraction(1, 3)),
            "at least 1/3 of the members",
        ),
        (
            QuorumRule(recused_count_toward_quorum=False),
            "a majority of the members, recused members not counted",
        ),
    ],
)
def test_quorum_rule_describes_itself(rule, words):
    assert rule.describe() == words


@pytest.mark.parametrize(
    ("present", "met", "message"),
    [
        (FOUR, True, "4 of 4 members present; quorum is 3"),
        (FOUR[:3], True, "3 of 4 members present; quorum is 3"),
        (FOUR[:2], False, "2 of 4 members present; quorum is 3: no quorum"),
        ((), False, "0 of 4 members present; quorum is 3: no quorum"),
        (
            ("ada", "ben", "eve", "dev"),
            False,
            "2 of 4 members present; quorum is 3: no quorum",
        ),
    ],
)
def test_quorum_counts_members_present_on_the_day(present, met, message):
    result = check_quorum(ROSTER, present, on=DAY)
    assert (result.met, result.message, result.rule_id) == (met, message, "AC-MTG-06")


def test_quorum_uses_the_membership_on_the_meeting_date():
    roster = (*ROSTER[:3], Term("lou", date(2024, 1, 1), date(2026, 3, 11)))
    result = check_quorum(roster, ("ada", "ben"), on=DAY)
    assert (result.members, result.required, result.met) == (3, 2, True)


def test_no_members_in_office_means_no_quorum():
    result = check_quorum((), (), on=DAY)
    assert result.met is False
    assert result.message == "0 of 0 members present; quorum is 1: no quorum"


@pytest.mark.parametrize(
    ("counted", "met", "message"),
    [
        (True, True, "3 of 4 members present; quorum is 3"),
        (
            False,
            False,
            "3 of 4 members present (1 recused, not counted toward the quorum); "
            "quorum is 3: no quorum",
        ),
    ],
)
def test_recused_members_count_toward_quorum_per_the_rule(counted, met, message):
    rule = QuorumRule(recused_count_toward_quorum=counted)
    result = check_quorum(ROSTER, FOUR[:3], on=DAY, rule=rule, recused={"ben"})
    assert (result.met, result.message) == (met, message)


# --- refusals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ballot", "recused", "earlier", "message"),
    [
        (Ballot("ada", F), (), (), None),
        (
            Ballot("eve", F),
            (),
            (),
            "eve is not a member of the committee on 2026-03-12 and cannot vote",
        ),
        (
            Ballot("ben", F),
            ("ben",),
            (),
            "ben is recused from this motion and cannot vote",
        ),
        (Ballot("lou", F), (), (), "lou is not recorded as present and cannot vote"),
        (
            Ballot("ada", A),
            (),
            (Ballot("ada", F),),
            "ada has already voted on this motion; a second vote is refused",
        ),
        (Ballot("ben", F), (), (Ballot("ada", F),), None),
    ],
)
def test_check_ballot(ballot, recused, earlier, message):
    refusal = check_ballot(
        ballot, ROSTER, on=DAY, present=FOUR[:3], recused=recused, earlier=earlier
    )
    if message is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert (refusal.rule_id, refusal.message) == ("AC-MTG-10", message)


def test_a_former_member_cannot_vote_after_their_term():
    roster = (Term("ben", date(2024, 1, 1), date(2026, 3, 11)),)
    refusal = check_ballot(Ballot("ben", F), roster, on=DAY, present={"ben"})
    assert refusal is not None
    assert "not a member of the committee on 2026-03-12" in refusal.message


@pytest.mark.parametrize(
    ("moved", "seconded", "required", "recused", "messages"),
    [
        ("ada", "ben", True, (), []),
        ("ada", None, False, (), []),
        ("ada", None, True, (), ["the motion has no second, and a second is required"]),
        ("ada", "ada", True, (), ["ada cannot second their own motion"]),
        (
            "ada",
            "eve",
            True,
            (),
            [
                "the motion is seconded by eve, who is not a member of the committee on 2026-03-12"
            ],
        ),
        (
            "eve",
            "ben",
            True,
            (),
            [
                "the motion is moved by eve, who is not a member of the committee on 2026-03-12"
            ],
        ),
        (
            "ada",
            "ben",
            True,
            ("ben",),
            ["the motion is seconded by ben, who is recused from it"],
        ),
    ],
)
def test_check_second(moved, seconded, required, recused, messages):
    refusals = check_second(
        motion(moved, seconded), ROSTER, required=required, recused=recused
    )
    assert [r.message for r in refusals] == messages
    assert all(r.rule_id == "AC-MTG-12" for r in refusals)


def test_refusals_come_before_quorum_and_are_all_said():
    result = decide_motion(
        motion(seconded_by=None),
        ROSTER,
        present=("ada",),
        ballots=(Ballot("ada", F), Ballot("ada", F), Ballot("eve", F)),
    )
    assert result.outcome is Outcome.REFUSED
    assert result.message == (
        "Refused: the motion has no second, and a second is required; "
        "ada has already voted on this motion; a second vote is refused; "
        "eve is not a member of the committee on 2026-03-12 and cannot vote."
    )
    assert result.as_test_outcome().verdict is Verdict.FAIL


def test_a_recusal_by_a_non_member_is_refused():
    result = decide_motion(
        motion(),
        ROSTER,
        present=FOUR,
        ballots=ballots(F, F, F),
        recusals=(Recusal("eve", "not hers to recuse"),),
    )
    assert result.outcome is Outcome.REFUSED
    assert "eve is not a member and cannot recuse" in result.message


# --- outcomes ----------------------------------------------------------------


def test_the_reason_reads_like_the_minutes():
    result = decide_motion(motion(), ROSTER, present=FOUR[:3], ballots=ballots(F, F, A))
    assert result.outcome is Outcome.CARRIED
    assert result.message == (
        "3 of 4 members present; quorum is 3; 2 for, 1 against, 0 abstain: "
        "carried by a majority of votes cast."
    )
    assert result.rule_id == "AC-MTG-11"
    assert result.carried
    assert result.as_test_outcome().verdict is Verdict.PASS
    assert result.evidence[0].ref == "meetings.motion:1"


def test_no_quorum_is_said_plainly_whatever_the_votes():
    result = decide_motion(motion(), ROSTER, present=FOUR[:2], ballots=ballots(F, F))
    assert result.outcome is Outcome.NO_QUORUM
    assert result.message == (
        "2 of 4 members present; quorum is 3: no quorum; "
        "no vote can be taken without a quorum."
    )
    assert not result.carried


# Four members, all present unless the row says otherwise; ballots in FOUR order.
@pytest.mark.parametrize(
    ("rule", "choices", "present", "outcome", "needs"),
    [
        # majority of votes cast: abstentions do not count
        (OutcomeRule.VOTES_CAST, (F, F, A, A), 4, Outcome.FAILED, "more votes for than against"),
        (OutcomeRule.VOTES_CAST, (F, A, X, X), 4, Outcome.FAILED, "more votes for than against"),
        (OutcomeRule.VOTES_CAST, (F, X, X, X), 4, Outcome.CARRIED, ""),
        (OutcomeRule.VOTES_CAST, (X, X, X, X), 4, Outcome.FAILED, "more votes for than against"),
        (OutcomeRule.VOTES_CAST, (), 4, Outcome.FAILED, "more votes for than against"),
        (OutcomeRule.VOTES_CAST, (F, F, A), 3, Outcome.CARRIED, ""),
        # majority of members present: an abstention counts as not for
        (OutcomeRule.PRESENT, (F, F, X, X), 4, Outcome.FAILED, "3 votes for, a majority of the 4 eligible members present"),
        (OutcomeRule.PRESENT, (F, F, F, X), 4, Outcome.CARRIED, ""),
        (OutcomeRule.PRESENT, (F, F, X), 3, Outcome.CARRIED, ""),
        (OutcomeRule.PRESENT, (F, X, X), 3, Outcome.FAILED, "2 votes for, a majority of the 3 eligible members present"),
        # majority of all members: absent members count against
        (OutcomeRule.MEMBERS, (F, F, X), 3, Outcome.FAILED, "3 votes for, a majority of the 4 eligible members"),
        (OutcomeRule.MEMBERS, (F, F, F), 3, Outcome.CARRIED, ""),
        # two-thirds of votes cast: exactly two-thirds carries
        (OutcomeRule.TWO_THIRDS, (F, F, A, X), 4, Outcome.CARRIED, ""),
        (OutcomeRule.TWO_THIRDS, (F, F, A, A), 4, Outcome.FAILED, "at least two-thirds of the votes cast to be for"),
        (OutcomeRule.TWO_THIRDS, (F, F, F, A), 4, Outcome.CARRIED, ""),
        (OutcomeRule.TWO_THIRDS, (X, X, X, X), 4, Outcome.FAILED, "at least two-thirds of the votes cast to be for"),
        # unanimous: every eligible member present votes for
        (OutcomeRule.UNANIMOUS, (F, F, F, F), 4, Outcome.CARRIED, ""),
        (OutcomeRule.UNANIMOUS, (F, F, F, X), 4, Outcome.FAILED, "all 4 eligible members present to vote for"),
        (OutcomeRule.UNANIMOUS, (F, F, F), 4, Outcome.FAILED, "all 4 eligible members present to vote for"),
        (OutcomeRule.UNANIMOUS, (F, F, F), 3, Outcome.CARRIED, ""),
    ],
)  # fmt: skip
def test_outcome_rules(rule, choices, present, outcome, needs):
    result = decide_motion(
        motion(), ROSTER, present=FOUR[:present], ballots=ballots(*choices), rule=rule
    )
    assert result.outcome is outcome, result.message
    if outcome is Outcome.CARRIED:
        assert result.message.endswith(f"carried by {rule.describe()}.")
    else:
        assert result.message.endswith(f"not carried; it needs {needs}.")


def test_recused_members_are_named_with_their_reasons_and_leave_the_denominator():
    result = decide_motion(
        motion(moved_by="ada", seconded_by="kit"),
        ROSTER,
        present=FOUR,
        ballots=(Ballot("ada", F), Ballot("kit", F), Ballot("lou", X)),
        recusals=(Recusal("ben", "related to the vendor"),),
        rule=OutcomeRule.PRESENT,
    )
    assert result.outcome is Outcome.CARRIED
    assert result.message == (
        "4 of 4 members present; quorum is 3; recused: ben (related to the vendor); "
        "2 for, 0 against, 1 abstain: carried by a majority of the members present."
    )


def test_nothing_carries_unanimously_when_every_member_present_is_recused():
    result = decide_motion(
        motion(moved_by="lou", seconded_by=None),
        ROSTER,
        present=FOUR[:3],
        ballots=(),
        recusals=tuple(Recusal(m, "interested") for m in FOUR[:3]),
        rule=OutcomeRule.UNANIMOUS,
        second_required=False,
    )
    assert result.outcome is Outcome.FAILED
    assert result.message.endswith(
        "it needs all 0 eligible members present to vote for."
    )


def test_quorum_is_computed_from_present_members_with_recusals_not_counted():
    result = decide_motion(
        motion(moved_by="ada", seconded_by="kit"),
        ROSTER,
        present=FOUR[:3],
        ballots=(Ballot("ada", F), Ballot("kit", F)),
        recusals=(Recusal("ben", "interested"),),
        quorum=QuorumRule(recused_count_toward_quorum=False),
    )
    assert result.outcome is Outcome.NO_QUORUM


def test_tally_describes_itself():
    assert Tally(2, 1, 0).describe() == "2 for, 1 against, 0 abstain"


# --- properties --------------------------------------------------------------

MEMBERS = tuple(f"m{i}" for i in range(9))
choices = st.sampled_from(list(Choice))


@st.composite
def meetings(
    draw: st.DrawFn,
) -> tuple[tuple[Term, ...], tuple[str, ...], tuple[Ballot, ...]]:
    size = draw(st.integers(min_value=1, max_value=len(MEMBERS)))
    roster = tuple(Term(m, date(2024, 1, 1)) for m in MEMBERS[:size])
    present = tuple(draw(st.sets(st.sampled_from(MEMBERS[:size]))))
    voters = draw(st.permutations(present))
    count = draw(st.integers(min_value=0, max_value=len(voters)))
    cast = tuple(Ballot(m, draw(choices)) for m in voters[:count])
    return roster, present, cast


def _decide(roster, present, cast, rule=OutcomeRule.VOTES_CAST):
    return decide_motion(
        motion(moved_by=roster[0].member, seconded_by=None),
        roster,
        present=present,
        ballots=cast,
        rule=rule,
        second_required=False,
    )


@given(meetings(), st.data())
def test_an_added_abstention_never_defeats_a_carried_motion(meeting, data):
    roster, present, cast = meeting
    before = _decide(roster, present, cast)
    not_voted = sorted({t.member for t in roster} - {b.member for b in cast})
    if before.outcome is not Outcome.CARRIED or not not_voted:
        return
    who = data.draw(st.sampled_from(not_voted))
    after = _decide(roster, (*present, who), (*cast, Ballot(who, X)))
    assert after.outcome is Outcome.CARRIED


@given(meetings(), st.sampled_from(list(OutcomeRule)))
def test_a_carried_motion_always_had_a_quorum_and_more_for_than_against(meeting, rule):
    roster, present, cast = meeting
    result = _decide(roster, present, cast, rule=rule)
    if result.outcome is Outcome.CARRIED:
        assert result.quorum.met
        assert result.tally.for_ > result.tally.against


@given(meetings())
def test_stricter_rules_never_carry_what_a_majority_of_votes_cast_rejects(meeting):
    roster, present, cast = meeting
    loose = _decide(roster, present, cast)
    for rule in (OutcomeRule.PRESENT, OutcomeRule.MEMBERS, OutcomeRule.UNANIMOUS):
        if _decide(roster, present, cast, rule=rule).carried:
            assert loose.carried


@given(meetings())
def test_no_quorum_exactly_when_fewer_present_than_required(meeting):
    roster, present, cast = meeting
    result = _decide(roster, present, cast)
    assert (result.outcome is Outcome.NO_QUORUM) == (
        len(present) < len(roster) // 2 + 1
    )
