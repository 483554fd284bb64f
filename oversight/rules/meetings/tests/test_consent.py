"""Unanimous written consent: every member in office signs, or it is not adopted."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.rules.core import Verdict
from oversight.rules.meetings.consent import (
    Signature,
    WrittenConsent,
    check_signature,
    check_written_consent,
)
from oversight.rules.meetings.roster import Term

CONSENT = WrittenConsent("meetings.consent:1", "Engage counsel", date(2026, 5, 1))
ROSTER = (
    Term("ada", date(2024, 1, 1)),
    Term("ben", date(2024, 1, 1)),
    Term("kit", date(2024, 1, 1)),
)


def sig(member: str, day: int) -> Signature:
    return Signature(member, date(2026, 5, day))


def test_adopted_when_the_last_member_signs():
    result = check_written_consent(
        CONSENT,
        ROSTER,
        [sig("ada", 2), sig("ben", 3), sig("kit", 5)],
        as_of=date(2026, 5, 31),
    )
    assert (result.adopted, result.adopted_on) == (True, date(2026, 5, 5))
    assert result.message == (
        "Adopted on 2026-05-05: all 3 members in office signed (ada, ben, kit)."
    )
    assert result.rule_id == "AC-MTG-13"
    assert result.as_test_outcome().verdict is Verdict.PASS


def test_not_adopted_while_one_member_has_not_signed():
    result = check_written_consent(
        CONSENT, ROSTER, [sig("ada", 2), sig("ben", 3)], as_of=date(2026, 5, 31)
    )
    assert not result.adopted
    assert result.missing == ("kit",)
    assert result.message == (
        "Not adopted as of 2026-05-31: 2 of 3 members in office signed; waiting for "
        "kit. Written consent needs every member's signature."
    )
    assert result.as_test_outcome().verdict is Verdict.FAIL


@pytest.mark.parametrize(
    ("as_of", "adopted"),
    [(date(2026, 5, 4), False), (date(2026, 5, 5), True)],
)
def test_a_signature_counts_from_its_day(as_of, adopted):
    signatures = [sig("ada", 2), sig("ben", 3), sig("kit", 5)]
    assert (
        check_written_consent(CONSENT, ROSTER, signatures, as_of=as_of).adopted
        is adopted
    )


@pytest.mark.parametrize(
    ("signature", "earlier", "message"),
    [
        (sig("ada", 1), (), None),
        (
            Signature("ada", date(2026, 4, 30)),
            (),
            "ada's signature (2026-04-30) is dated before the consent was circulated",
        ),
        (
            sig("eve", 2),
            (),
            "eve is not a member of the committee on 2026-05-02 and cannot sign",
        ),
        (sig("ada", 3), (sig("ada", 2),), "ada has already signed this consent"),
    ],
)
def test_check_signature(signature, earlier, message):
    refusal = check_signature(signature, CONSENT, ROSTER, earlier=earlier)
    assert (refusal.message if refusal else None) == message


def test_a_refused_signature_does_not_count_and_is_said():
    result = check_written_consent(
        CONSENT,
        ROSTER,
        [sig("ada", 2), sig("ben", 3), sig("eve", 4)],
        as_of=date(2026, 5, 31),
    )
    assert not result.adopted
    assert result.message.endswith(
        "Refused: eve is not a member of the committee on 2026-05-04 and cannot sign."
    )


def test_a_member_who_joins_before_the_last_signature_must_sign_too():
    roster = (*ROSTER, Term("lou", date(2026, 5, 4)))
    signatures = [sig("ada", 2), sig("ben", 3), sig("kit", 5)]
    result = check_written_consent(CONSENT, roster, signatures, as_of=date(2026, 5, 31))
    assert not result.adopted
    assert result.missing == ("lou",)


def test_a_later_change_of_membership_does_not_undo_an_adopted_consent():
    roster = (*ROSTER, Term("lou", date(2026, 6, 1)))
    signatures = [sig("ada", 2), sig("ben", 3), sig("kit", 5)]
    result = check_written_consent(CONSENT, roster, signatures, as_of=date(2026, 7, 1))
    assert (result.adopted, result.adopted_on) == (True, date(2026, 5, 5))


def test_a_member_who_left_before_the_consent_need_not_sign():
    roster = (*ROSTER, Term("lou", date(2024, 1, 1), date(2026, 4, 30)))
    signatures = [sig("ada", 2), sig("ben", 3), sig("kit", 5)]
    assert check_written_consent(
        CONSENT, roster, signatures, as_of=date(2026, 5, 31)
    ).adopted


def test_no_members_no_consent():
    result = check_written_consent(CONSENT, (), [], as_of=date(2026, 5, 31))
    assert not result.adopted
    assert result.message == (
        "Not adopted: the committee has no members in office on 2026-05-31."
    )


@given(
    st.lists(st.sampled_from(["ada", "ben", "kit", "eve"])),
    st.integers(min_value=1, max_value=30),
)
def test_adopted_only_if_every_member_signed(signers, day):
    signatures = [sig(m, i % 28 + 1) for i, m in enumerate(signers)]
    result = check_written_consent(
        CONSENT, ROSTER, signatures, as_of=date(2026, 5, day)
    )
    known = {s.member for s in signatures if s.signed_on <= date(2026, 5, day)}
    assert result.adopted == ({"ada", "ben", "kit"} <= known)
