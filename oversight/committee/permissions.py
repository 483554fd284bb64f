"""Who may do what with the composition register (rows of the permission table)."""

from __future__ import annotations

from oversight.accounts.models import Role, User
from oversight.committee.models import QuestionnaireResponse

READERS = frozenset({Role.CHAIR, Role.MEMBER, Role.SECRETARY, Role.BOARD_OBSERVER})
KEEPERS = frozenset({Role.CHAIR, Role.SECRETARY})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the committee as of a date, its timeline, directors' facts and verdicts
    "committee.view": READERS,
    # directors, facts, organisations, memberships, the listing profile
    "committee.manage": KEEPERS,
    # what-if evaluations (nothing is saved)
    "committee.whatif": frozenset({Role.CHAIR, Role.MEMBER, Role.SECRETARY}),
    "committee.questionnaire_issue": frozenset({Role.SECRETARY}),
    # a director answers their own questionnaire (see can_answer)
    "committee.questionnaire_answer": frozenset(
        {Role.CHAIR, Role.MEMBER, Role.BOARD_OBSERVER, Role.MANAGEMENT, Role.SECRETARY}
    ),
    "committee.determine": KEEPERS,
    "committee.disclosure": frozenset({Role.CHAIR, Role.MEMBER, Role.SECRETARY}),
}


def can_answer(user: User, response: QuestionnaireResponse) -> bool:
    """Only the director the questionnaire was sent to answers it, and only once."""
    return response.director.user_id == user.pk and response.submitted_at is None
