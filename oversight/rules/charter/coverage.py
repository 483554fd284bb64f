"""Charter coverage: every sentence of every section maps to an obligation.

A sentence is covered when an obligation quotes a clause inside it (or quotes the
whole sentence within a longer clause). Informational obligations cover sentences
too, with the reason no check is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oversight.rules.charter.model import Charter, ObligationKind, Sentence

_MARKER = re.compile(r"^(?:[-*\u2022]|\d+[.)])\s+")
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"\u201c])")
_ABBREVIATIONS = (
    "Inc.",
    "Co.",
    "Corp.",
    "Ltd.",
    "No.",
    "e.g.",
    "i.e.",
    "etc.",
    "vs.",
    "U.S.",
    "Mr.",
    "Ms.",
    "Dr.",
    "Sec.",
)


def normalize(text: str) -> str:
    """Text compared for quoting: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


def _units(text: str) -> list[str]:
    """Paragraphs and list items, in order; a list marker starts a new unit."""
    units: list[str] = []
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        marker = _MARKER.match(line)
        if not line or marker:
            if current:
                units.append(" ".join(current))
            current = []
        if marker:
            line = line[marker.end() :]
        if line:
            current.append(line)
    if current:
        units.append(" ".join(current))
    return units


def _split(unit: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(unit):
        head = unit[start : match.start()]
        if head.endswith(_ABBREVIATIONS):
            continue
        parts.append(head)
        start = match.end()
    parts.append(unit[start:])
    return [p.strip() for p in parts if p.strip()]


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences and list items of a section's text, numbered from 1."""
    pieces = [sentence for unit in _units(text) for sentence in _split(unit)]
    return tuple(Sentence(index, piece) for index, piece in enumerate(pieces, 1))


def quotes(clause: str, sentence: str) -> bool:
    """True when ``clause`` lies within ``sentence`` or contains all of it."""
    c, s = normalize(clause), normalize(sentence)
    return c in s or s in c


@dataclass(frozen=True, slots=True)
class SentenceCoverage:
    """One sentence and what became of it."""

    section: str
    index: int
    text: str
    obligations: tuple[
        str, ...
    ]  # ids of obligations quoting it (informational included)
    informational: tuple[
        str, ...
    ]  # reasons, when only informational obligations cover it

    @property
    def covered(self) -> bool:
        return bool(self.obligations)


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Coverage of a charter: every sentence, and the share mapped to an obligation."""

    company: str
    version: str
    rows: tuple[SentenceCoverage, ...]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.covered)

    @property
    def percent(self) -> float:
        return 100.0 if not self.rows else round(100.0 * self.covered / self.total, 1)

    @property
    def uncovered(self) -> tuple[SentenceCoverage, ...]:
        return tuple(row for row in self.rows if not row.covered)


def coverage(charter: Charter) -> CoverageReport:
    """Map every sentence of ``charter`` to the obligations that quote it."""
    rows = []
    for section in charter.sections:
        own = [o for o in charter.obligations if o.section == section.id]
        for sentence in section.sentences:
            hits = [o for o in own if any(quotes(c, sentence.text) for c in o.clauses)]
            duties = [o for o in hits if o.kind is not ObligationKind.INFORMATIONAL]
            reasons = () if duties else tuple(o.reason for o in hits)
            rows.append(
                SentenceCoverage(
                    section.id,
                    sentence.index,
                    sentence.text,
                    tuple(o.id for o in hits),
                    reasons,
                )
            )
    return CoverageReport(charter.company, charter.version, tuple(rows))
