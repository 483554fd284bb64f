"""Quorum, eligibility to vote and motion outcomes, decided by configured rules.

The charter says nothing about quorum or majorities; the company's bylaws do, and the
common default (Delaware, DGCL 141(b), applied to committees by 141(c)) is that a
majority of the members is a quorum and the vote of a majority of those present at a
meeting with a quorum is the act of the committee. Both are parameters here, so the
rule in force is recorded with every result.

Eligible voters on a motion are the members in office on the meeting date, minus those
recused from it. Every denominator below is taken over eligible voters: "all members"
means all members in office not recused, "members present" means members present and
not recused.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from oversight.rules.core import Evidence, TestOutcome, Verdict
from oversight.rules.meetings.roster import Term, members_on

QUORUM_RULE_ID = "AC-MTG-06"
ELIGIBILITY_RULE_ID = "AC-MTG-10"
OUTCOME_RULE_ID = "AC-MTG-11"
SECOND_RULE_ID = "AC-MTG-12"


class QuorumBasis(StrEnum):
    """How many members make a quorum."""

    MAJORITY = "majority"  # more than half of the members in office
    NUMBER = "number"  # a fixed number of members
    FRACTION = "fraction"  # at least a fraction of the members in office


@dataclass(frozen=True, slots=True)
class QuorumRule:
    """The quorum rule in force (bylaws or charter), ``AC-MTG-06``.

    ``recused_count_toward_quorum``: whether a member who is present but recused from
    the motion still counts as present for the quorum. ``True`` (the default) follows
    DGCL 144(b), under which interested directors "may be counted in determining the
    presence of a quorum"; ``False`` follows bylaws that count only disinterested
    members. Either way, the number required is computed from all members in office.
    """

    basis: QuorumBasis = QuorumBasis.MAJORITY
    number: int = 0
    fraction: Fraction = Fraction(1, 2)
    recused_count_toward_quorum: bool = True

    def __post_init__(self) -> None:
        if self.basis is QuorumBasis.NUMBER and self.number < 1:
            msg = "a quorum of a fixed number needs a number of at least 1"
            raise ValueError(msg)
        if self.basis is QuorumBasis.FRACTION and not 0 < self.fraction <= 1:
            msg = "a quorum fraction must be more than 0 and at most 1"
            raise ValueError(msg)

    def required(self, members: int) -> int:
        """Members that must be present, out of ``members`` in office (at least 1)."""
        if self.basis is QuorumBasis.NUMBER:
            return self.number
        if self.basis is QuorumBasis.FRACTION:
            share = self.fraction * members
            return max(1, math.ceil(share))
        return members // 2 + 1

    def describe(self) -> str:
        if self.basis is QuorumBasis.NUMBER:
            rule = f"{self.number} members"
        elif self.basis is QuorumBasis.FRACTION:
            rule = f"at least {self.fraction} of the members"
        else:
            rule = "a majority of the members"
        if not self.recused_count_toward_quorum:
            rule += ", recused members not counted"
        return rule


class Choice(StrEnum):
    """A member's vote on a motion."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class OutcomeRule(StrEnum):
    """How many votes carry a motion (``AC-MTG-11``).

    - ``votes_cast``: more votes for than against; abstentions are not votes cast.
    - ``present``: more than half of the eligible members present vote for; an
      abstention (or not voting) counts the same as a vote against.
    - ``members``: more than half of all eligible members vote for; abstentions and
      absences count against.
    - ``two_thirds``: at least two-thirds of the votes cast are for; abstentions are
      not votes cast.
    - ``unanimous``: every eligible member present votes for; one abstention or
      one vote against defeats it.
    """

    VOTES_CAST = "votes_cast"
    PRESENT = "present"
    MEMBERS = "members"
    TWO_THIRDS = "two_thirds"
    UNANIMOUS = "unanimous"

    def describe(self) -> str:
        return _OUTCOME_WORDS[self]


_OUTCOME_WORDS: dict[OutcomeRule, str] = {
    OutcomeRule.VOTES_CAST: "a majority of votes cast",
    OutcomeRule.PRESENT: "a majority of the members present",
    OutcomeRule.MEMBERS: "a majority of all members",
    OutcomeRule.TWO_THIRDS: "two-thirds of votes cast",
    OutcomeRule.UNANIMOUS: "the unanimous vote of the members present",
}


class Outcome(StrEnum):
    """What happened to a motion."""

    CARRIED = "carried"
    FAILED = "failed"
    NO_QUORUM = "no_quorum"
    REFUSED = "refused"  # the record itself is invalid (see the refusals)


@dataclass(frozen=True, slots=True)
class Ballot:
    """One member's vote on one motion."""

    member: str
    choice: Choice


@dataclass(frozen=True, slots=True)
class Recusal:
    """A member stands aside from one motion, with the reason."""

    member: str
    reason: str


@dataclass(frozen=True, slots=True)
class Motion:
    """A motion put to the committee at a meeting on ``on``."""

    ref: str
    text: str
    on: date
    moved_by: str
    seconded_by: str | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """A record that cannot stand, and why (a vote, a second, a signature)."""

    rule_id: str
    member: str
    message: str


@dataclass(frozen=True, slots=True)
class QuorumResult:
    """Whether a quorum was present, ``AC-MTG-06``."""

    rule_id: str
    met: bool
    members: int
    present: int
    required: int
    message: str


@dataclass(frozen=True, slots=True)
class Tally:
    """Votes counted on a motion."""

    for_: int = 0
    against: int = 0
    abstain: int = 0

    def describe(self) -> str:
        return f"{self.for_} for, {self.against} against, {self.abstain} abstain"


@dataclass(frozen=True, slots=True)
class MotionResult:
    """The outcome of a motion, with the quorum, the count and the reason in words."""

    rule_id: str
    outcome: Outcome
    message: str
    quorum: QuorumResult
    tally: Tally
    rule: OutcomeRule
    refusals: tuple[Refusal, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @property
    def carried(self) -> bool:
        return self.outcome is Outcome.CARRIED

    def as_test_outcome(self) -> TestOutcome:
        """The result in the engine's shared vocabulary (carried = pass)."""
        verdict = Verdict.PASS if self.carried else Verdict.FAIL
        return TestOutcome(
            rule_id=self.rule_id,
            verdict=verdict,
            message=self.message,
            evidence=self.evidence,
        )


def check_quorum(
    roster: Iterable[Term],
    present: Collection[str],
    *,
    on: date,
    rule: QuorumRule = QuorumRule(),
    recused: Collection[str] = (),
) -> QuorumResult:
    """AC-MTG-06: a quorum is present.

    Rule catalogue: "quorum = majority of members (configurable per bylaws)". Only
    members in office on ``on`` count; guests and former members do not. Members in
    ``recused`` count as present or not per ``rule.recused_count_toward_quorum``.
    """
    members = members_on(roster, on)
    here = members & frozenset(present)
    not_counted: frozenset[str] = frozenset()
    if not rule.recused_count_toward_quorum:
        not_counted = here & frozenset(recused)
    counted = len(here - not_counted)
    required = rule.required(len(members))
    met = len(members) > 0 and counted >= required
    message = f"{len(here)} of {len(members)} members present"
    if not_counted:
        message += f" ({len(not_counted)} recused, not counted toward the quorum)"
    message += f"; quorum is {required}"
    if not met:
        message += ": no quorum"
    return QuorumResult(
        rule_id=QUORUM_RULE_ID,
        met=met,
        members=len(members),
        present=counted,
        required=required,
        message=message,
    )


def check_second(
    motion: Motion,
    roster: Iterable[Term],
    *,
    required: bool = True,
    recused: Collection[str] = (),
) -> tuple[Refusal, ...]:
    """AC-MTG-12: a motion is moved by a member and, when required, seconded by another.

    Robert's Rules (RONR 4:9) require most motions to be seconded; many committees
    waive it, so ``required`` is a parameter. A mover or seconder must be a member in
    office on the meeting date and not recused from the motion.
    """
    members = members_on(roster, motion.on)
    refusals: list[Refusal] = []
    for role, who in (("moved", motion.moved_by), ("seconded", motion.seconded_by)):
        if who is None:
            continue
        if who not in members:
            refusals.append(
                Refusal(
                    SECOND_RULE_ID,
                    who,
                    f"the motion is {role} by {who}, who is not a member "
                    f"of the committee on {motion.on.isoformat()}",
                )
            )
        elif who in recused:
            refusals.append(
                Refusal(
                    SECOND_RULE_ID,
                    who,
                    f"the motion is {role} by {who}, who is recused from it",
                )
            )
    if motion.seconded_by is None:
        if required:
            refusals.append(
                Refusal(
                    SECOND_RULE_ID,
                    motion.moved_by,
                    "the motion has no second, and a second is required",
                )
            )
    elif motion.seconded_by == motion.moved_by:
        refusals.append(
            Refusal(
                SECOND_RULE_ID,
                motion.seconded_by,
                f"{motion.moved_by} cannot second their own motion",
            )
        )
    return tuple(refusals)


def check_ballot(
    ballot: Ballot,
    roster: Iterable[Term],
    *,
    on: date,
    present: Collection[str],
    recused: Collection[str] = (),
    earlier: Iterable[Ballot] = (),
) -> Refusal | None:
    """AC-MTG-10: the voter may vote on this motion, once.

    A vote counts only from a member in office on the meeting date (the membership
    register, not today's roster), recorded present (in person or remotely), not
    recused, and only once per motion. Returns ``None`` when the vote stands.
    """
    who = ballot.member
    if who not in members_on(roster, on):
        reason = f"is not a member of the committee on {on.isoformat()}"
    elif who in recused:
        reason = "is recused from this motion"
    elif who not in present:
        reason = "is not recorded as present"
    elif any(prior.member == who for prior in earlier):
        return Refusal(
            ELIGIBILITY_RULE_ID,
            who,
            f"{who} has already voted on this motion; a second vote is refused",
        )
    else:
        return None
    return Refusal(ELIGIBILITY_RULE_ID, who, f"{who} {reason} and cannot vote")


def _carried(rule: OutcomeRule, tally: Tally, *, eligible: int, here: int) -> bool:
    cast = tally.for_ + tally.against
    if rule is OutcomeRule.VOTES_CAST:
        return tally.for_ > tally.against
    if rule is OutcomeRule.PRESENT:
        return 2 * tally.for_ > here
    if rule is OutcomeRule.MEMBERS:
        return 2 * tally.for_ > eligible
    if rule is OutcomeRule.TWO_THIRDS:
        return tally.for_ > 0 and 3 * tally.for_ >= 2 * cast
    return here > 0 and tally.for_ == here


def decide_motion(
    motion: Motion,
    roster: Iterable[Term],
    *,
    present: Collection[str],
    ballots: Iterable[Ballot],
    recusals: Iterable[Recusal] = (),
    quorum: QuorumRule = QuorumRule(),
    rule: OutcomeRule = OutcomeRule.VOTES_CAST,
    second_required: bool = True,
) -> MotionResult:
    """AC-MTG-11: a motion carries by the configured rule, at a meeting with a quorum.

    DGCL 141(b): "The vote of the majority of the directors present at a meeting at
    which a quorum is present shall be the act of the board of directors unless the
    certificate of incorporation or the bylaws shall require a vote of a greater
    number." The rule and the quorum are parameters; the refusals of AC-MTG-10 and
    AC-MTG-12 come first (an invalid record has no outcome), then the quorum, counted
    from the members present at this vote, then the count.
    """
    roster = tuple(roster)
    ballots = tuple(ballots)
    recusals = tuple(recusals)
    recused = frozenset(r.member for r in recusals)
    members = members_on(roster, motion.on)
    refusals = list(
        check_second(motion, roster, required=second_required, recused=recused)
    )
    for index, ballot in enumerate(ballots):
        refusal = check_ballot(
            ballot,
            roster,
            on=motion.on,
            present=present,
            recused=recused,
            earlier=ballots[:index],
        )
        if refusal is not None:
            refusals.append(refusal)
    refusals.extend(
        Refusal(ELIGIBILITY_RULE_ID, who, f"{who} is not a member and cannot recuse")
        for who in sorted(recused - members)
    )
    quorum_result = check_quorum(
        roster, present, on=motion.on, rule=quorum, recused=recused
    )
    tally = Tally(
        for_=sum(1 for b in ballots if b.choice is Choice.FOR),
        against=sum(1 for b in ballots if b.choice is Choice.AGAINST),
        abstain=sum(1 for b in ballots if b.choice is Choice.ABSTAIN),
    )
    evidence = (Evidence(ref=motion.ref, summary=motion.text, on=motion.on),)

    def result(outcome: Outcome, message: str) -> MotionResult:
        return MotionResult(
            rule_id=OUTCOME_RULE_ID,
            outcome=outcome,
            message=message,
            quorum=quorum_result,
            tally=tally,
            rule=rule,
            refusals=tuple(refusals),
            evidence=evidence,
        )

    if refusals:
        reasons = "; ".join(r.message for r in refusals)
        return result(Outcome.REFUSED, f"Refused: {reasons}.")
    if not quorum_result.met:
        return result(
            Outcome.NO_QUORUM,
            f"{quorum_result.message}; no vote can be taken without a quorum.",
        )
    here = members & frozenset(present)
    eligible_here = len(here - recused)
    eligible = len(members - recused)
    counted = f"{quorum_result.message}; "
    if recusals:
        counted += "recused: " + "; ".join(
            f"{r.member} ({r.reason})" for r in sorted(recusals, key=_by_member)
        )
        counted += "; "
    counted += tally.describe()
    if _carried(rule, tally, eligible=eligible, here=eligible_here):
        return result(Outcome.CARRIED, f"{counted}: carried by {rule.describe()}.")
    return result(
        Outcome.FAILED,
        f"{counted}: not carried; it needs {_needed(rule, eligible, eligible_here)}.",
    )


def _by_member(recusal: Recusal) -> str:
    return recusal.member


def _needed(rule: OutcomeRule, eligible: int, here: int) -> str:
    if rule is OutcomeRule.VOTES_CAST:
        return "more votes for than against"
    if rule is OutcomeRule.PRESENT:
        return f"{here // 2 + 1} votes for, a majority of the {here} eligible members present"
    if rule is OutcomeRule.MEMBERS:
        return f"{eligible // 2 + 1} votes for, a majority of the {eligible} eligible members"
    if rule is OutcomeRule.TWO_THIRDS:
        return "at least two-thirds of the votes cast to be for"
    return f"all {here} eligible members present to vote for"


def eligible_voters(
    roster: Iterable[Term], *, on: date, recused: Collection[str] = ()
) -> frozenset[str]:
    """AC-MTG-10: the members in office on ``on``, minus the recused."""
    return members_on(roster, on) - frozenset(recused)


__all__ = [
    "Ballot",
    "Choice",
    "Motion",
    "MotionResult",
    "Outcome",
    "OutcomeRule",
    "QuorumBasis",
    "QuorumResult",
    "QuorumRule",
    "Recusal",
    "Refusal",
    "Tally",
    "check_ballot",
    "check_quorum",
    "check_second",
    "decide_motion",
    "eligible_voters",
]
