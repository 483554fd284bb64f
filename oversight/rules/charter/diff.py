"""The difference between two charter versions: section text and obligations."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields

from oversight.rules.charter.model import Charter, Obligation


@dataclass(frozen=True, slots=True)
class SectionChange:
    """A section added, removed or reworded, with a unified diff of its text."""

    id: str
    change: str  # "added" | "removed" | "changed"
    diff: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an obligation kept across versions that changed value."""

    obligation: str
    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class CharterDiff:
    """What changed from ``old_version`` to ``new_version``."""

    old_version: str
    new_version: str
    sections: tuple[SectionChange, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[FieldChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.sections or self.added or self.removed or self.changed)


def _text_diff(old: str, new: str, label: str) -> tuple[str, ...]:
    return tuple(
        line.rstrip("\n")
        for line in difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            fromfile=f"a/{label}",
            tofile=f"b/{label}",
            lineterm="",
        )
    )


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_shown(v)}" for k, v in sorted(value.items()))
    describe = getattr(value, "describe", None)
    return describe() if callable(describe) else str(value)


def diff(old: Charter, new: Charter) -> CharterDiff:
    """Compare two versions of a charter, section by section and duty by duty."""
    old_sections = {s.id: s for s in old.sections}
    new_sections = {s.id: s for s in new.sections}
    sections = []
    for sid, section in old_sections.items():
        if sid not in new_sections:
            sections.append(
                SectionChange(sid, "removed", _text_diff(section.text, "", sid))
            )
        elif (
            new_sections[sid].text != section.text
            or new_sections[sid].title != section.title
        ):
            lines = _text_diff(
                f"# {section.title}\n{section.text}",
                f"# {new_sections[sid].title}\n{new_sections[sid].text}",
                sid,
            )
            sections.append(SectionChange(sid, "changed", lines))
    for sid, section in new_sections.items():
        if sid not in old_sections:
            sections.append(
                SectionChange(sid, "added", _text_diff("", section.text, sid))
            )

    old_obligations = {o.id: o for o in old.obligations}
    new_obligations = {o.id: o for o in new.obligations}
    changed = []
    for oid, before in old_obligations.items():
        after = new_obligations.get(oid)
        if after is None:
            continue
        for spec in fields(Obligation):
            a, b = getattr(before, spec.name), getattr(after, spec.name)
            if a != b:
                changed.append(FieldChange(oid, spec.name, _shown(a), _shown(b)))
    return CharterDiff(
        old_version=old.version,
        new_version=new.version,
        sections=tuple(sections),
        added=tuple(o for o in new_obligations if o not in old_obligations),
        removed=tuple(o for o in old_obligations if o not in new_obligations),
        changed=tuple(changed),
    )
