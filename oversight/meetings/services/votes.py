"""Motions, votes, recusals and the voting rules that decide them."""

from __future__ import annotations

from datetime import time
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.ledger.services import record
from oversight.meetings.models import (
    AgendaItem,
    Meeting,
    Minutes,
    Motion,
    Recusal,
    Vote,
    VotingRules,
    WrittenConsent,
)
from oversight.meetings.services.common import (
    member_label,
    present_labels,
    refuse,
    require_open,
    roster,
    rules_for,
)
from oversight.meetings.services.records import _approve_minutes
from oversight.rules.meetings import voting


@transaction.atomic
def put_motion(
    meeting: Meeting,
    *,
    actor: User,
    text: str,
    moved_by: User,
    seconded_by: User | None = None,
    item: AgendaItem | None = None,
    approves_minutes: Minutes | None = None,
) -> Motion:
    """Put a motion; refused when the mover or seconder cannot move or second it."""
    require_open(meeting)
    if approves_minutes is not None:
        if approves_minutes.meeting.company_id != meeting.company_id:
            raise refuse("Those minutes belong to another company.")
        if approves_minutes.meeting.starts_at >= meeting.starts_at:
            raise refuse(
                "Minutes are approved at a later meeting than the one they record."
            )
        if approves_minutes.status == Minutes.Status.APPROVED:
            raise refuse("These minutes are already approved.")
        if approves_minutes.status != Minutes.Status.CIRCULATED:
            raise refuse("Circulate the minutes before putting them to a vote.")
    _quorum, _rule, second_required = rules_for(meeting.company)
    proposal = voting.Motion(
        ref="meetings.motion:new",
        text=text,
        on=meeting.day,
        moved_by=member_label(moved_by),
        seconded_by=member_label(seconded_by) if seconded_by else None,
    )
    refusals = voting.check_second(
        proposal, roster(meeting.company), required=second_required
    )
    if refusals:
        raise refuse(
            "; ".join(r.message for r in refusals).capitalize() + ".", "second"
        )
    conflicts = list(item.conflicts.select_related("member")) if item else []
    for conflict in conflicts:
        if conflict.member in (moved_by, seconded_by):
            raise refuse(
                f"{member_label(conflict.member)} declared a conflict with this item "
                "and cannot move or second a motion on it.",
                "conflict",
            )
    motion = Motion.objects.create(
        meeting=meeting,
        item=item,
        text=text,
        moved_by=moved_by,
        seconded_by=seconded_by,
        approves_minutes=approves_minutes,
    )
    record(
        "meetings.motion_put",
        actor=actor,
        company=meeting.company,
        target=motion,
        data={
            "meeting": meeting.pk,
            "text": text,
            "moved_by": moved_by.email,
            "seconded_by": seconded_by.email if seconded_by else None,
            "recused": [c.member.email for c in conflicts],
        },
    )
    for conflict in conflicts:
        Recusal.objects.create(
            motion=motion,
            member=conflict.member,
            reason=f"Declared conflict: {conflict.reason}",
        )
    return motion


def _require_open_motion(motion: Motion) -> None:
    if motion.outcome != Motion.Outcome.OPEN:
        raise refuse("The vote on this motion is closed.")


@transaction.atomic
def record_recusal(
    motion: Motion, *, actor: User, member: User, reason: str
) -> Recusal:
    """A member stands aside from a motion, with the reason."""
    _require_open_motion(motion)
    if not reason.strip():
        raise refuse("Give the reason for the recusal.")
    label = member_label(member)
    if label not in {
        t.member
        for t in roster(motion.meeting.company)
        if t.holds_on(motion.meeting.day)
    }:
        raise refuse(
            f"{label} is not a member of the committee on {motion.meeting.day.isoformat()} and cannot recuse."
        )
    for role, who in (
        ("moved", motion.moved_by_id),
        ("seconded", motion.seconded_by_id),
    ):
        if who == member.pk:
            raise refuse(f"{label} {role} this motion and cannot recuse from it.")
    if motion.votes.filter(member=member).exists():
        raise refuse(f"{label} has already voted on this motion.")
    if motion.recusals.filter(member=member).exists():
        raise refuse(f"{label} is already recused from this motion.")
    recusal = Recusal.objects.create(
        motion=motion, member=member, reason=reason.strip()
    )
    record(
        "meetings.recusal_recorded",
        actor=actor,
        company=motion.meeting.company,
        target=recusal,
        data={"motion": motion.pk, "member": member.email, "reason": recusal.reason},
    )
    return recusal


@transaction.atomic
def record_vote(motion: Motion, *, actor: User, member: User, choice: str) -> Vote:
    """Record a member's vote; refused unless they may vote on it, and only once."""
    _require_open_motion(motion)
    meeting = motion.meeting
    ballot = voting.Ballot(member_label(member), voting.Choice(choice))
    earlier = [
        voting.Ballot(member_label(v.member), voting.Choice(v.choice))
        for v in motion.votes.select_related("member")
    ]
    refusal = voting.check_ballot(
        ballot,
        roster(meeting.company),
        on=meeting.day,
        present=present_labels(meeting),
        recused={
            member_label(r.member) for r in motion.recusals.select_related("member")
        },
        earlier=earlier,
    )
    if refusal is not None:
        raise refuse(refusal.message[0].upper() + refusal.message[1:] + ".", "vote")
    vote = Vote.objects.create(motion=motion, member=member, choice=ballot.choice.value)
    record(
        "meetings.vote_recorded",
        actor=actor,
        company=meeting.company,
        target=vote,
        data={"motion": motion.pk, "member": member.email, "choice": vote.choice},
    )
    return vote


def tally(motion: Motion, at: time | None = None) -> voting.MotionResult:
    """The outcome the rules give the motion from the record, with the members present
    at ``at`` (the local time of the vote) when given."""
    meeting = motion.meeting
    quorum, rule, second_required = rules_for(meeting.company)
    return voting.decide_motion(
        voting.Motion(
            ref=f"meetings.motion:{motion.pk}",
            text=motion.text,
            on=meeting.day,
            moved_by=member_label(motion.moved_by),
            seconded_by=member_label(motion.seconded_by)
            if motion.seconded_by
            else None,
        ),
        roster(meeting.company),
        present=present_labels(meeting, at),
        ballots=[
            voting.Ballot(member_label(v.member), voting.Choice(v.choice))
            for v in motion.votes.select_related("member")
        ],
        recusals=[
            voting.Recusal(member_label(r.member), r.reason)
            for r in motion.recusals.select_related("member")
        ],
        quorum=quorum,
        rule=rule,
        second_required=second_required,
    )


def _next_resolution_number(company: Company, year: int) -> str:
    prefix = f"R-{year}-"
    used = list(
        Motion.objects.filter(
            meeting__company=company, resolution_number__startswith=prefix
        ).values_list("resolution_number", flat=True)
    ) + list(
        WrittenConsent.objects.filter(
            company=company, resolution_number__startswith=prefix
        ).values_list("resolution_number", flat=True)
    )
    last = max((int(n.removeprefix(prefix)) for n in used), default=0)
    return f"{prefix}{last + 1:03}"


@transaction.atomic
def close_vote(motion: Motion, *, actor: User, at: time | None = None) -> Motion:
    """Close the vote and decide the motion by the rules; refused without a quorum.

    ``at`` is the local time of the vote: the quorum and the votes then count only the
    members who had arrived and not yet left (AC-MTG-06, computed at each vote).

    A carried motion becomes a resolution with a number; a carried motion to approve
    minutes approves and freezes them.
    """
    motion = (
        Motion.objects.select_for_update()
        .select_related("meeting__company")
        .get(pk=motion.pk)
    )
    _require_open_motion(motion)
    result = tally(motion, at)
    if result.outcome is voting.Outcome.REFUSED:
        raise refuse(result.message, "refused")
    if result.outcome is voting.Outcome.NO_QUORUM:
        raise refuse("No quorum: " + result.message, "no_quorum")
    motion.outcome = Motion.Outcome.CARRIED if result.carried else Motion.Outcome.FAILED
    motion.reason = result.message
    motion.rule = f"{result.rule_id}: {result.rule.describe()}; quorum {rules_for(motion.meeting.company)[0].describe()}"
    motion.decided_at = timezone.now()
    motion.voted_at = at
    if result.carried:
        motion.resolution_number = _next_resolution_number(
            motion.meeting.company, motion.meeting.day.year
        )
    motion.save()
    record(
        "meetings.motion_decided",
        actor=actor,
        company=motion.meeting.company,
        target=motion,
        data={
            "outcome": motion.outcome,
            "reason": result.message,
            "rule": motion.rule,
            "for": result.tally.for_,
            "against": result.tally.against,
            "abstain": result.tally.abstain,
            "resolution": motion.resolution_number,
        },
    )
    if result.carried and motion.approves_minutes is not None:
        _approve_minutes(motion.approves_minutes, motion=motion, actor=actor)
    return motion


@transaction.atomic
def set_voting_rules(
    company: Company,
    *,
    actor: User,
    quorum_basis: str,
    quorum_number: int = 0,
    quorum_fraction_numerator: int = 1,
    quorum_fraction_denominator: int = 2,
    recused_count_toward_quorum: bool = True,
    outcome_rule: str = voting.OutcomeRule.VOTES_CAST,
    second_required: bool = True,
) -> VotingRules:
    """Record the quorum and voting rules of the bylaws or charter; used from the next vote."""
    if quorum_fraction_denominator < 1:
        raise refuse("The fraction's denominator must be at least 1.")
    try:
        rule = voting.QuorumRule(
            basis=voting.QuorumBasis(quorum_basis),
            number=quorum_number,
            fraction=Fraction(quorum_fraction_numerator, quorum_fraction_denominator),
            recused_count_toward_quorum=recused_count_toward_quorum,
        )
        outcome = voting.OutcomeRule(outcome_rule)
    except ValueError as error:
        raise refuse(str(error).capitalize() + ".") from error
    row, _ = VotingRules.objects.get_or_create(company=company)
    row.quorum_basis = rule.basis
    row.quorum_number = quorum_number
    row.quorum_fraction_numerator = quorum_fraction_numerator
    row.quorum_fraction_denominator = quorum_fraction_denominator
    row.recused_count_toward_quorum = recused_count_toward_quorum
    row.outcome_rule = outcome
    row.second_required = second_required
    row.save()
    record(
        "meetings.voting_rules_set",
        actor=actor,
        company=company,
        target=row,
        data={
            "quorum": rule.describe(),
            "outcome": outcome.describe(),
            "second_required": second_required,
        },
    )
    return row
