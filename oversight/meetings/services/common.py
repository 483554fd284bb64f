"""The committee on a date and its rules, as the services read them."""

from __future__ import annotations

import hashlib
from datetime import date, time
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db.models import Q

from oversight.accounts.models import Company, Role, RoleAssignment, User
from oversight.meetings.models import (
    Meeting,
    VotingRules,
)
from oversight.rules.meetings import voting
from oversight.rules.meetings.roster import Term

MEMBER_ROLES = (Role.CHAIR, Role.MEMBER)


def member_label(user: User) -> str:
    """How a person is named in the rules' messages."""
    return user.get_full_name()


def roster(company: Company) -> tuple[Term, ...]:
    """The committee's membership terms (chair and member roles) as the rules read them."""
    rows = (
        RoleAssignment.objects.filter(company=company, role__in=MEMBER_ROLES)
        .select_related("user")
        .order_by("starts_on", "pk")
    )
    return tuple(Term(member_label(r.user), r.starts_on, r.ends_on) for r in rows)


def members_on(company: Company, day: date) -> list[User]:
    """The committee members in office on ``day``."""
    return list(
        User.objects.filter(
            role_assignments__company=company,
            role_assignments__role__in=MEMBER_ROLES,
            role_assignments__starts_on__lte=day,
        )
        .filter(
            Q(role_assignments__ends_on__isnull=True)
            | Q(role_assignments__ends_on__gte=day)
        )
        .distinct()
        .order_by("full_name")
    )


def rules_for(company: Company) -> tuple[voting.QuorumRule, voting.OutcomeRule, bool]:
    """The company's quorum rule, outcome rule and whether a second is required."""
    row = VotingRules.objects.filter(company=company).first() or VotingRules(
        company=company
    )
    quorum = voting.QuorumRule(
        basis=voting.QuorumBasis(row.quorum_basis),
        number=row.quorum_number,
        fraction=Fraction(
            row.quorum_fraction_numerator, row.quorum_fraction_denominator or 1
        ),
        recused_count_toward_quorum=row.recused_count_toward_quorum,
    )
    return quorum, voting.OutcomeRule(row.outcome_rule), row.second_required


def present_labels(meeting: Meeting, at: time | None = None) -> frozenset[str]:
    """The members recorded present; at ``at`` (local time), only those who had arrived
    and not yet left."""
    return frozenset(
        member_label(a.user)
        for a in meeting.attendance.select_related("user")
        if a.user is not None and a.present and a.present_at(at)
    )


def refuse(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


def require_open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise refuse("This meeting was cancelled; nothing more can be recorded on it.")


def attendee_emails(meeting: Meeting) -> list[str]:
    return sorted(
        a.user.email
        for a in meeting.attendance.select_related("user")
        if a.user is not None and a.user.is_active
    )


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
