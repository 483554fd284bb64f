"""A charter version as data: its sections, and the obligations drawn from them.

Fiscal-year settings and the company's time zone are not part of a charter: they are
company settings, passed to the engine as a :class:`~.calendar.FiscalCalendar`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import ClassVar

ParamValue = str | int | bool | tuple[str, ...] | Mapping[str, str | int | bool]

#: The roles a charter may name as responsible (``accounts`` roles, by value).
ROLES: tuple[str, ...] = (
    "chair",
    "member",
    "secretary",
    "management",
    "internal_audit",
    "auditor",
    "board_observer",
)


class ObligationKind(StrEnum):
    """How an obligation arises."""

    RECURRING = "recurring"  # falls due again each period
    CONTINUOUS = "continuous"  # must hold on every day
    TRIGGERED = "triggered"  # arises from an event
    INFORMATIONAL = "informational"  # states purpose or authority; nothing to check


@dataclass(frozen=True, slots=True)
class AtLeastPerFiscalYear:
    """At least ``n`` occurrences in each fiscal year."""

    type: ClassVar[str] = "at_least_per_fiscal_year"
    n: int

    def describe(self) -> str:
        return f"at least {self.n} per fiscal year"


@dataclass(frozen=True, slots=True)
class Annually:
    """At least once in each fiscal year, and never more than ``max_gap_months`` apart."""

    type: ClassVar[str] = "annually"
    max_gap_months: int = 15

    def describe(self) -> str:
        return f"annually (at most {self.max_gap_months} months apart)"


@dataclass(frozen=True, slots=True)
class EachRegularMeeting:
    """Once for every regular meeting of the committee."""

    type: ClassVar[str] = "each_regular_meeting"

    def describe(self) -> str:
        return "at each regular meeting"


@dataclass(frozen=True, slots=True)
class WithinDays:
    """Within ``days`` days of each fact of ``trigger_kind``."""

    type: ClassVar[str] = "within_days"
    days: int
    trigger_kind: str

    def describe(self) -> str:
        return f"within {self.days} days of each {self.trigger_kind}"


@dataclass(frozen=True, slots=True)
class Periodically:
    """ "Periodically": a number per fiscal year the committee chooses (settings), with a default."""

    type: ClassVar[str] = "periodically"
    default_per_year: int

    def describe(self) -> str:
        return f"periodically (default {self.default_per_year} per fiscal year)"


@dataclass(frozen=True, slots=True)
class AsNeeded:
    """When the committee judges it necessary: recorded when it happens, never due."""

    type: ClassVar[str] = "as_needed"

    def describe(self) -> str:
        return "as the committee deems necessary"


Cadence = (
    AtLeastPerFiscalYear
    | Annually
    | EachRegularMeeting
    | WithinDays
    | Periodically
    | AsNeeded
)

CADENCES: dict[str, type[Cadence]] = {
    cls.type: cls
    for cls in (
        AtLeastPerFiscalYear,
        Annually,
        EachRegularMeeting,
        WithinDays,
        Periodically,
        AsNeeded,
    )
}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence or list item of a section, in reading order."""

    index: int
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the charter as adopted, with its text split into sentences."""

    id: str
    title: str
    text: str
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True, slots=True)
class Obligation:
    """A duty drawn from a clause of the charter, and how the engine decides it."""

    id: str
    section: str
    title: str
    clauses: tuple[str, ...]
    kind: ObligationKind
    check: str
    cadence: Cadence | None = None
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    responsible: tuple[str, ...] = ()
    remind_days_before: int = 30
    reason: str = ""  # why an informational clause needs no check
    source: str = ""  # the rule or regulation behind it (rules.md id, statute)

    def per_year(self, overrides: Mapping[str, int]) -> int:
        """How many occurrences each fiscal year this obligation asks for."""
        cadence = self.cadence
        if isinstance(cadence, AtLeastPerFiscalYear):
            return cadence.n
        if isinstance(cadence, Periodically):
            return overrides.get(self.id, cadence.default_per_year)
        return 1


@dataclass(frozen=True, slots=True)
class Charter:
    """One version of a committee's charter."""

    company: str
    version: str
    adopted_on: date
    sections: tuple[Section, ...]
    obligations: tuple[Obligation, ...]
    title: str = "Audit Committee Charter"
    approved_by_board_on: date | None = None
    board_resolution: str = ""
    source: str = ""
    format_version: int = 1

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def obligation(self, obligation_id: str) -> Obligation:
        for obligation in self.obligations:
            if obligation.id == obligation_id:
                return obligation
        raise KeyError(obligation_id)
