"""Who is a member of the committee on a given day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Term:
    """One member's term on the committee, ``start`` to ``end`` inclusive.

    ``end`` is ``None`` while the member is still in office. ``member`` is a stable
    key (a user or director reference); names in messages use it as given.
    """

    member: str
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            msg = f"{self.member}'s term ends ({self.end}) before it starts ({self.start})"
            raise ValueError(msg)

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def members_on(roster: Iterable[Term], day: date) -> frozenset[str]:
    """The members in office on ``day``."""
    return frozenset(term.member for term in roster if term.holds_on(day))


def names(members: Iterable[str]) -> str:
    """A sorted, comma-separated list for messages ("ada, ben"), or "none"."""
    ordered = sorted(members)
    return ", ".join(ordered) if ordered else "none"
