"""Action by unanimous written consent between meetings (``AC-MTG-13``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from oversight.rules.core import Evidence, TestOutcome, Verdict
from oversight.rules.meetings.roster import Term, members_on, names
from oversight.rules.meetings.voting import Refusal

CONSENT_RULE_ID = "AC-MTG-13"


@dataclass(frozen=True, slots=True)
class Signature:
    """A member's signature on a written consent, on ``signed_on``."""

    member: str
    signed_on: date


@dataclass(frozen=True, slots=True)
class WrittenConsent:
    """A resolution circulated for signature instead of a vote at a meeting."""

    ref: str
    text: str
    circulated_on: date


@dataclass(frozen=True, slots=True)
class ConsentResult:
    """Whether a written consent is adopted as of a date, and why."""

    rule_id: str
    adopted: bool
    adopted_on: date | None
    message: str
    signed: tuple[str, ...]
    missing: tuple[str, ...]
    refusals: tuple[Refusal, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    def as_test_outcome(self) -> TestOutcome:
        return TestOutcome(
            rule_id=self.rule_id,
            verdict=Verdict.PASS if self.adopted else Verdict.FAIL,
            message=self.message,
            evidence=self.evidence,
        )


def check_signature(
    signature: Signature,
    consent: WrittenConsent,
    roster: Iterable[Term],
    *,
    earlier: Iterable[Signature] = (),
) -> Refusal | None:
    """AC-MTG-13: a signature counts only from a member in office on the day signed,
    once, and not before the consent was circulated. ``None`` when it stands."""
    who = signature.member
    day = signature.signed_on.isoformat()
    if signature.signed_on < consent.circulated_on:
        reason = f"{who}'s signature ({day}) is dated before the consent was circulated"
    elif who not in members_on(roster, signature.signed_on):
        reason = f"{who} is not a member of the committee on {day} and cannot sign"
    elif any(prior.member == who for prior in earlier):
        reason = f"{who} has already signed this consent"
    else:
        return None
    return Refusal(CONSENT_RULE_ID, who, reason)


def check_written_consent(
    consent: WrittenConsent,
    roster: Iterable[Term],
    signatures: Iterable[Signature],
    *,
    as_of: date,
) -> ConsentResult:
    """AC-MTG-13: a written consent is adopted when every member in office has signed.

    DGCL 141(f): "any action required or permitted to be taken at any meeting of the
    board of directors or of any committee thereof may be taken without a meeting if
    all members of the board or committee, as the case may be, consent thereto in
    writing, or by electronic transmission." The consent is adopted on the first day on
    which every member in office that day has signed; a later change of membership does
    not undo it. Signatures dated after ``as_of`` are not yet known. Invalid signatures
    are refused and do not count.
    """
    roster = tuple(roster)
    valid: dict[str, date] = {}
    refusals: list[Refusal] = []
    ordered = sorted(
        (s for s in signatures if s.signed_on <= as_of), key=lambda s: s.signed_on
    )
    for index, signature in enumerate(ordered):
        refusal = check_signature(signature, consent, roster, earlier=ordered[:index])
        if refusal is None:
            valid[signature.member] = signature.signed_on
        else:
            refusals.append(refusal)
    evidence = (
        Evidence(ref=consent.ref, summary=consent.text, on=consent.circulated_on),
    )
    for day in sorted(set(valid.values())):
        in_office = members_on(roster, day)
        if in_office and all(m in valid and valid[m] <= day for m in in_office):
            signed = tuple(sorted(in_office))
            return ConsentResult(
                rule_id=CONSENT_RULE_ID,
                adopted=True,
                adopted_on=day,
                message=(
                    f"Adopted on {day.isoformat()}: all {len(in_office)} members in "
                    f"office signed ({names(in_office)})."
                ),
                signed=signed,
                missing=(),
                refusals=tuple(refusals),
                evidence=evidence,
            )
    in_office = members_on(roster, as_of)
    signed = tuple(sorted(m for m in in_office if m in valid))
    missing = tuple(sorted(in_office - valid.keys()))
    if not in_office:
        message = f"Not adopted: the committee has no members in office on {as_of.isoformat()}."
    else:
        message = (
            f"Not adopted as of {as_of.isoformat()}: {len(signed)} of {len(in_office)} "
            f"members in office signed; waiting for {names(missing)}. Written consent "
            "needs every member's signature."
        )
    if refusals:
        message += " Refused: " + "; ".join(r.message for r in refusals) + "."
    return ConsentResult(
        rule_id=CONSENT_RULE_ID,
        adopted=False,
        adopted_on=None,
        message=message,
        signed=signed,
        missing=missing,
        refusals=tuple(refusals),
        evidence=evidence,
    )
