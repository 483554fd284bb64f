"""Shared vocabulary of the rules engine: facts in, results with reasons out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

Scalar = str | int | float | bool | None


class Status(StrEnum):
    """Where an obligation stands as of a date."""

    MET = "met"
    DUE_SOON = "due_soon"
    MISSED = "missed"
    NOT_YET_DUE = "not_yet_due"
    NOT_APPLICABLE = "not_applicable"
    INSUFFICIENT_DATA = "insufficient_data"


class Verdict(StrEnum):
    """The outcome of one test of a rule (independence, pre-approval, quorum...)."""

    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    INSUFFICIENT_DATA = "insufficient_data"


@dataclass(frozen=True, slots=True)
class Evidence:
    """A record a result relied on, named so a person can open it."""

    ref: str  # stable record reference, "<app>.<model>:<pk>" or a scenario key
    summary: str
    on: date | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing the committee's records say happened (an event) or held (a state).

    ``occurred_on`` is when it took effect (valid time); ``recorded_at`` is when it was
    entered (transaction time, timezone-aware). A state holds from ``occurred_on`` to
    ``until`` inclusive (``None``: still holds). ``attrs`` is never mutated.
    """

    kind: str
    ref: str
    occurred_on: date
    recorded_at: datetime
    summary: str = ""
    until: date | None = None
    attrs: Mapping[str, Scalar] = field(default_factory=dict)

    def as_evidence(self) -> Evidence:
        return Evidence(
            ref=self.ref, summary=self.summary or self.kind, on=self.occurred_on
        )

    def known_at(self, moment: datetime) -> bool:
        """True when the record had been entered by ``moment``."""
        return self.recorded_at <= moment


@dataclass(frozen=True, slots=True)
class Result:
    """Where one obligation stands, and why."""

    rule_id: str
    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """The verdict of one test (``AC-IND-02``, ``AC-PRE-03``...), with its reason."""

    __test__ = False  # not a pytest test class

    rule_id: str
    verdict: Verdict
    message: str
    evidence: tuple[Evidence, ...] = ()
    cites: str = ""
