"""The charter file format (TOML, ``format_version = 1``): load it or refuse it whole.

A charter file that does not load raises :class:`CharterFormatError`, listing every
problem with the field path (``obligations[3].cadence.type``) and the line it is on.
Nothing is half-loaded. ``docs/charter-format.md`` documents the format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from oversight.rules.charter.checks import CHECKS
from oversight.rules.charter.coverage import normalize, split_sentences
from oversight.rules.charter.model import (
    CADENCES,
    ROLES,
    Annually,
    AsNeeded,
    AtLeastPerFiscalYear,
    Cadence,
    Charter,
    EachRegularMeeting,
    Obligation,
    ObligationKind,
    ParamValue,
    Periodically,
    Section,
    WithinDays,
)
from oversight.rules.kinds import BY_NAME

FORMAT_VERSION = 1
_SECTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_OBLIGATION_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a charter file, and where."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path}: {self.message}"


class CharterFormatError(ValueError):
    """A charter file was refused; ``problems`` says what and where."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Locator:
    """Finds the line of a field, since ``tomllib`` keeps no positions."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- ]+?)\s*\]\]?\s*(?:#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*(?:\.|=)")

    def __init__(self, source: str) -> None:
        # (line, table name, array index or None, key or None)
        self.rows: list[tuple[int, str, int | None, str | None]] = []
        counts: dict[str, int] = {}
        table, index = "", None
        in_string: str | None = None
        for number, line in enumerate(source.splitlines(), 1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).strip()
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    table, index = name, counts[name]
                    self.rows.append((number, table, index, None))
                elif name.split(".")[0] == table.split(".")[0] and index is not None:
                    self.rows.append((number, table, index, name.split(".", 1)[-1]))
                else:
                    table, index = name, None
                    self.rows.append((number, table, index, None))
                continue
            key = self._KEY.match(line)
            if key:
                self.rows.append((number, table, index, key.group(1)))
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_string = quote

    def line(
        self, table: str, index: int | None = None, key: str | None = None
    ) -> int | None:
        found = None
        for number, t, i, k in self.rows:
            if t == table and i == index:
                if k is None and found is None:
                    found = number
                if key is not None and k == key:
                    return number
        return found


class _Reader:
    """Checks one parsed document, collecting every problem before deciding."""

    def __init__(self, source: str) -> None:
        self.where = _Locator(source)
        self.problems: list[Problem] = []

    def problem(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def field(
        self,
        table: Mapping[str, Any],
        key: str,
        expected: type | tuple[type, ...],
        *,
        path: str,
        at: tuple[str, int | None],
        required: bool = True,
    ) -> Any:
        line = (
            self.where.line(at[0], at[1], key) if key in table else self.where.line(*at)
        )
        if key not in table:
            if required:
                self.problem(
                    f"{path}.{key}" if path else key, line, "required field is missing"
                )
            return None
        value = table[key]
        if not _is(value, expected):
            self.problem(
                f"{path}.{key}" if path else key,
                line,
                f"expected {_type_name(expected)}, found {_type_name(type(value))}",
            )
            return None
        return value

    def unknown(
        self,
        table: Mapping[str, Any],
        allowed: set[str],
        *,
        path: str,
        at: tuple[str, int | None],
    ) -> None:
        for key in table:
            if key not in allowed:
                where = self.where.line(at[0], at[1], key) or self.where.line(*at)
                self.problem(f"{path}.{key}" if path else key, where, "unknown field")


def _is(value: object, expected: type | tuple[type, ...]) -> bool:
    types = expected if isinstance(expected, tuple) else (expected,)
    for kind in types:
        if kind is int and isinstance(value, bool):
            continue
        if kind is date and isinstance(value, datetime):
            continue
        if isinstance(value, kind):
            return True
    return False


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        bool: "true or false",
        date: "a date (YYYY-MM-DD)",
        list: "an array",
        dict: "a table",
        float: "a number",
        datetime: "a date-time",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


_CHARTER_FIELDS = {
    "company",
    "title",
    "version",
    "adopted_on",
    "approved_by_board_on",
    "board_resolution",
    "source",
}
_SECTION_FIELDS = {"id", "title", "text"}
_OBLIGATION_FIELDS = {
    "id",
    "section",
    "title",
    "clause",
    "kind",
    "cadence",
    "check",
    "params",
    "responsible",
    "remind_days_before",
    "reason",
    "source",
}


def loads(source: str) -> Charter:
    """Parse and validate a charter file's text; raise :class:`CharterFormatError`."""
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise CharterFormatError(
            [
                Problem(
                    "(file)",
                    int(match.group(1)) if match else None,
                    f"not valid TOML: {exc}",
                )
            ]
        ) from exc
    reader = _Reader(source)
    charter = _read(document, reader)
    if reader.problems or charter is None:
        raise CharterFormatError(reader.problems)
    return charter


def load(path: str | Path) -> Charter:
    """Load a charter file from disk."""
    return loads(Path(path).read_text(encoding="utf-8"))


def _read(document: Mapping[str, Any], r: _Reader) -> Charter | None:
    root = ("", None)
    r.unknown(
        document,
        {"format_version", "charter", "sections", "obligations"},
        path="",
        at=root,
    )
    version = r.field(document, "format_version", int, path="", at=root)
    if version is not None and version != FORMAT_VERSION:
        r.problem(
            "format_version",
            r.where.line("", None, "format_version"),
            f"unsupported version {version}; this reader knows {FORMAT_VERSION}",
        )
    head = r.field(document, "charter", dict, path="", at=root)
    meta: dict[str, Any] = {}
    if head is not None:
        at = ("charter", None)
        r.unknown(head, _CHARTER_FIELDS, path="charter", at=at)
        for key, kind, required in (
            ("company", str, True),
            ("version", str, True),
            ("adopted_on", date, True),
            ("title", str, False),
            ("approved_by_board_on", date, False),
            ("board_resolution", str, False),
            ("source", str, False),
        ):
            value = r.field(head, key, kind, path="charter", at=at, required=required)
            if value is not None:
                meta[key] = value
    sections = _read_sections(document, r)
    obligations = _read_obligations(document, r, {s.id: s for s in sections})
    if r.problems:
        return None
    return Charter(
        sections=tuple(sections),
        obligations=tuple(obligations),
        format_version=FORMAT_VERSION,
        **meta,
    )


def _read_sections(document: Mapping[str, Any], r: _Reader) -> list[Section]:
    raw = r.field(document, "sections", list, path="", at=("", None))
    sections: list[Section] = []
    seen: set[str] = set()
    for index, table in enumerate(raw or ()):
        path, at = f"sections[{index}]", ("sections", index)
        if not isinstance(table, dict):
            r.problem(path, r.where.line(*at), "expected a table ([[sections]])")
            continue
        r.unknown(table, _SECTION_FIELDS, path=path, at=at)
        sid = r.field(table, "id", str, path=path, at=at)
        title = r.field(table, "title", str, path=path, at=at)
        text = r.field(table, "text", str, path=path, at=at)
        if sid is not None:
            if not _SECTION_ID.match(sid):
                r.problem(
                    f"{path}.id",
                    r.where.line("sections", index, "id"),
                    f"section id {sid!r} must be lowercase letters, digits and hyphens",
                )
            elif sid in seen:
                r.problem(
                    f"{path}.id",
                    r.where.line("sections", index, "id"),
                    f"duplicate section id {sid!r}",
                )
            seen.add(sid)
        if sid is not None and title is not None and text is not None:
            sections.append(Section(sid, title, text, split_sentences(text)))
    return sections


def _read_obligations(
    document: Mapping[str, Any], r: _Reader, sections: Mapping[str, Section]
) -> list[Obligation]:
    raw = r.field(document, "obligations", list, path="", at=("", None))
    obligations: list[Obligation] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(raw or ()):
        path, at = f"obligations[{index}]", ("obligations", index)
        if not isinstance(table, dict):
            r.problem(path, r.where.line(*at), "expected a table ([[obligations]])")
            continue
        before = len(r.problems)
        obligation = _read_obligation(table, r, path, at, sections)
        if obligation is not None and len(r.problems) == before:
            if obligation.id in seen:
                r.problem(
                    f"{path}.id",
                    r.where.line("obligations", index, "id"),
                    f"duplicate obligation id {obligation.id!r} (first at obligations[{seen[obligation.id]}])",
                )
                continue
            seen[obligation.id] = index
            obligations.append(obligation)
    return obligations


def _line(r: _Reader, at: tuple[str, int | None], key: str) -> int | None:
    return r.where.line(at[0], at[1], key) or r.where.line(*at)


def _read_obligation(
    table: Mapping[str, Any],
    r: _Reader,
    path: str,
    at: tuple[str, int | None],
    sections: Mapping[str, Section],
) -> Obligation | None:
    before = len(r.problems)
    r.unknown(table, _OBLIGATION_FIELDS, path=path, at=at)
    oid = r.field(table, "id", str, path=path, at=at)
    if oid is not None and not _OBLIGATION_ID.match(oid):
        r.problem(
            f"{path}.id",
            _line(r, at, "id"),
            f"obligation id {oid!r} must look like AC-MTG-01",
        )
    section_id = r.field(table, "section", str, path=path, at=at)
    title = r.field(table, "title", str, path=path, at=at)
    clause = r.field(table, "clause", (str, list), path=path, at=at)
    kind_raw = r.field(table, "kind", str, path=path, at=at)
    check = r.field(
        table, "check", str, path=path, at=at, required=kind_raw != "informational"
    )
    responsible = (
        r.field(table, "responsible", list, path=path, at=at, required=False) or []
    )
    remind = r.field(table, "remind_days_before", int, path=path, at=at, required=False)
    reason = r.field(table, "reason", str, path=path, at=at, required=False) or ""
    source = r.field(table, "source", str, path=path, at=at, required=False) or ""
    params_raw = r.field(table, "params", dict, path=path, at=at, required=False) or {}

    kind: ObligationKind | None = None
    if kind_raw is not None:
        try:
            kind = ObligationKind(kind_raw)
        except ValueError:
            r.problem(
                f"{path}.kind",
                _line(r, at, "kind"),
                f"unknown kind {kind_raw!r}; expected one of {', '.join(k.value for k in ObligationKind)}",
            )

    section = None
    if section_id is not None:
        section = sections.get(section_id)
        if section is None:
            r.problem(
                f"{path}.section",
                _line(r, at, "section"),
                f"section {section_id!r} is referenced but not defined in [[sections]]",
            )

    clauses: tuple[str, ...] = ()
    if clause is not None:
        items: tuple[object, ...] = (
            (clause,) if isinstance(clause, str) else tuple(clause)
        )
        clauses = tuple(c for c in items if isinstance(c, str) and c.strip())
        if not items or len(clauses) != len(items):
            r.problem(
                f"{path}.clause",
                _line(r, at, "clause"),
                "expected a non-empty string or array of non-empty strings",
            )
            clauses = ()
        elif section is not None:
            text = normalize(section.text)
            for c in clauses:
                if normalize(c) not in text:
                    r.problem(
                        f"{path}.clause",
                        _line(r, at, "clause"),
                        f"clause {c[:60]!r} is not quoted from section {section.id!r}",
                    )

    for role in responsible:
        if role not in ROLES:
            r.problem(
                f"{path}.responsible",
                _line(r, at, "responsible"),
                f"unknown role {role!r}; expected one of {', '.join(ROLES)}",
            )
    if remind is not None and remind < 0:
        r.problem(
            f"{path}.remind_days_before",
            _line(r, at, "remind_days_before"),
            "must be zero or more days",
        )

    cadence = _read_cadence(table, r, path, at)
    if kind is ObligationKind.INFORMATIONAL:
        check = check or "informational"
        if not reason.strip():
            r.problem(
                f"{path}.reason",
                _line(r, at, "reason"),
                "an informational obligation needs a reason",
            )
    if (
        kind is ObligationKind.TRIGGERED
        and "cadence" in table
        and cadence is not None
        and not isinstance(cadence, (WithinDays, AsNeeded))
    ):
        r.problem(
            f"{path}.cadence",
            _line(r, at, "cadence"),
            "a triggered obligation takes a within_days or as_needed cadence",
        )
    if kind is ObligationKind.RECURRING and "cadence" not in table:
        r.problem(
            f"{path}.cadence",
            _line(r, at, "cadence"),
            "a recurring obligation needs a cadence",
        )

    params: dict[str, ParamValue] = {}
    if check is not None:
        spec = CHECKS.get(check)
        if spec is None:
            r.problem(
                f"{path}.check",
                _line(r, at, "check"),
                f"unknown check {check!r}; expected one of {', '.join(CHECKS)}",
            )
        else:
            cadence_type = cadence.type if cadence is not None else None
            cadence_ok = "cadence" not in table or cadence is not None
            if cadence_ok and cadence_type not in spec.cadences:
                accepted = ", ".join(c or "no cadence" for c in spec.cadences)
                r.problem(
                    f"{path}.cadence",
                    _line(r, at, "cadence" if "cadence" in table else "check"),
                    f"check {check!r} takes {accepted}, not {cadence_type or 'no cadence'}",
                )
            params = _read_params(params_raw, spec.params, r, f"{path}.params", at)

    if len(r.problems) > before:
        return None
    assert oid is not None
    assert section_id is not None
    assert title is not None
    assert kind is not None
    assert check is not None
    return Obligation(
        id=oid,
        section=section_id,
        title=title,
        clauses=clauses,
        kind=kind,
        check=check,
        cadence=cadence,
        params=params,
        responsible=tuple(responsible),
        remind_days_before=30 if remind is None else remind,
        reason=reason,
        source=source,
    )


def _read_cadence(
    table: Mapping[str, Any], r: _Reader, path: str, at: tuple[str, int | None]
) -> Cadence | None:
    if "cadence" not in table:
        return None
    raw = table["cadence"]
    line = _line(r, at, "cadence")
    cpath = f"{path}.cadence"
    if not isinstance(raw, dict):
        r.problem(cpath, line, 'expected a table such as { type = "annually" }')
        return None
    ctype = raw.get("type")
    if ctype not in CADENCES:
        r.problem(
            f"{cpath}.type",
            line,
            f"unknown cadence {ctype!r}; expected one of {', '.join(CADENCES)}",
        )
        return None
    fields: dict[str, tuple[type, bool]] = {
        "at_least_per_fiscal_year": {"n": (int, True)},
        "annually": {"max_gap_months": (int, False)},
        "each_regular_meeting": {},
        "within_days": {"days": (int, True), "trigger_kind": (str, True)},
        "periodically": {"default_per_year": (int, True)},
        "as_needed": {},
    }[ctype]  # type: ignore[assignment]
    values: dict[str, Any] = {}
    ok = True
    for key in raw:
        if key != "type" and key not in fields:
            r.problem(f"{cpath}.{key}", line, f"unknown field for cadence {ctype!r}")
            ok = False
    for key, (kind, required) in fields.items():
        if key not in raw:
            if required:
                r.problem(f"{cpath}.{key}", line, f"cadence {ctype!r} needs {key}")
                ok = False
            continue
        value = raw[key]
        if not _is(value, kind):
            r.problem(
                f"{cpath}.{key}",
                line,
                f"expected {_type_name(kind)}, found {_type_name(type(value))}",
            )
            ok = False
        elif kind is int and value < 1:
            r.problem(f"{cpath}.{key}", line, "must be 1 or more")
            ok = False
        elif key == "trigger_kind" and value not in BY_NAME:
            r.problem(
                f"{cpath}.{key}",
                line,
                f"unknown fact kind {value!r} (see oversight/rules/kinds.py)",
            )
            ok = False
        else:
            values[key] = value
    if not ok:
        return None
    builders: dict[str, Any] = {
        "at_least_per_fiscal_year": AtLeastPerFiscalYear,
        "annually": Annually,
        "each_regular_meeting": EachRegularMeeting,
        "within_days": WithinDays,
        "periodically": Periodically,
        "as_needed": AsNeeded,
    }
    cadence: Cadence = builders[ctype](**values)
    return cadence


def _read_params(
    raw: Mapping[str, Any],
    spec: Mapping[str, Any],
    r: _Reader,
    path: str,
    at: tuple[str, int | None],
) -> dict[str, ParamValue]:
    line = _line(r, at, "params")
    params: dict[str, ParamValue] = {}
    for key in raw:
        if key not in spec:
            r.problem(
                f"{path}.{key}",
                line,
                f"unknown parameter; this check takes {', '.join(spec) or 'none'}",
            )
    for key, param in spec.items():
        if key not in raw:
            if param.required:
                r.problem(f"{path}.{key}", line, "required parameter is missing")
            continue
        value = raw[key]
        if param.type == "kinds":
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, str) for v in value)
            ):
                r.problem(
                    f"{path}.{key}", line, "expected a non-empty array of fact kinds"
                )
                continue
            for v in value:
                if v not in BY_NAME:
                    r.problem(
                        f"{path}.{key}",
                        line,
                        f"unknown fact kind {v!r} (see oversight/rules/kinds.py)",
                    )
            params[key] = tuple(value)
        elif param.type == "kind":
            if not isinstance(value, str) or value not in BY_NAME:
                r.problem(
                    f"{path}.{key}",
                    line,
                    f"unknown fact kind {value!r} (see oversight/rules/kinds.py)",
                )
                continue
            params[key] = value
        elif param.type == "int":
            if not _is(value, int) or value < 0:
                r.problem(f"{path}.{key}", line, "expected a whole number, 0 or more")
                continue
            params[key] = value
        elif param.type == "str":
            if not isinstance(value, str):
                r.problem(f"{path}.{key}", line, "expected a string")
                continue
            params[key] = value
        else:  # "where": a table of scalar attribute values
            if not isinstance(value, dict) or not all(
                _is(v, (str, int, bool)) for v in value.values()
            ):
                r.problem(
                    f"{path}.{key}",
                    line,
                    "expected a table of strings, integers or booleans",
                )
                continue
            params[key] = dict(value)
    return params
