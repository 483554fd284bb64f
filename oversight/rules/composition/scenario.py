"""Scenario files: a whole company's composition register in one YAML or JSON document.

``parse_scenario(data, lines)`` turns the parsed document (mappings, lists, strings,
numbers, dates) into a :class:`~oversight.rules.composition.facts.Register`, or raises
:class:`ScenarioError` listing *every* problem with its location: a path such as
``directors[2].compensation[0].amount`` and, when the reader supplied it, the line.
Reading the file (YAML with line numbers) belongs to the caller; this module only sees
data. The format is documented in ``docs/composition.md``.

``report_as_dict`` and ``report_as_text`` render a committee evaluation for the command
line; ``exit_code`` maps its status to 0 / 1 / 3 (2 is bad input).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from oversight.rules.composition.committee import (
    EXIT_BAD_INPUT,
    CommitteeReport,
    exit_code,
)
from oversight.rules.composition.facts import (
    AcfeAttribute,
    AcfeDesignation,
    AcfeRoute,
    AuditorRole,
    AuditorRoleKind,
    BoardDetermination,
    CompanyInfo,
    Compensation,
    CompensationKind,
    Direction,
    Director,
    Employment,
    EndReason,
    FamilyMember,
    FsPreparation,
    Interlock,
    LiteracyAttestation,
    Membership,
    Organisation,
    OrgPayment,
    OrgRole,
    OrgRoleKind,
    OtherAuditCommittee,
    PaymentExemption,
    Period,
    Register,
    ServiceCategory,
    ShareHolding,
    Sophistication,
    SophisticationBasis,
    check_day,
    parse_relationship,
    register_problems,
)
from oversight.rules.core import Verdict

__all__ = [
    "EXIT_BAD_INPUT",
    "Problem",
    "ScenarioError",
    "exit_code",
    "parse_scenario",
    "register_as_dict",
    "report_as_dict",
    "report_as_text",
]

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a scenario, and where."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path} (line {self.line})" if self.line else self.path
        return f"{where}: {self.message}"


class ScenarioError(ValueError):
    """The scenario cannot be evaluated; ``problems`` says everything that is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in problems))


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


class _Missing:
    pass


MISSING = _Missing()


class _Reader:
    def __init__(self, lines: Mapping[str, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: str) -> int | None:
        probe = path
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return None

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message, self.line(path)))

    # -- shapes -------------------------------------------------------------

    def mapping(
        self, value: object, path: str, allowed: set[str]
    ) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.fail(
                path or "(document)", f"expected a mapping, got {type(value).__name__}"
            )
            return None
        for key in value:
            if str(key) not in allowed:
                self.fail(
                    _join(path, key),
                    f"unknown field (known: {', '.join(sorted(allowed))})",
                )
        return value

    def items(
        self, obj: Mapping[str, Any], key: str, path: str
    ) -> list[tuple[str, Any]]:
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(_join(path, key), "expected a list")
            return []
        return [(f"{_join(path, key)}[{i}]", v) for i, v in enumerate(value)]

    # -- scalars ------------------------------------------------------------

    def get(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: str,
        convert: Callable[[object, str], Any],
        *,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        where = _join(path, key)
        if key not in obj or obj[key] is None:
            if required:
                self.fail(where, f"missing: {key.replace('_', ' ')} is required")
                return MISSING
            return default
        try:
            return convert(obj[key], where)
        except ValueError as exc:
            self.fail(where, str(exc))
            return MISSING


def _date(value: object, _path: str) -> date:
    if isinstance(value, date):
        return check_day(value)
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return check_day(day)
    raise ValueError(f"expected a date like 2026-03-31, got {value!r}")


def _money(value: object, _path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"expected an amount, got {value!r}")
    try:
        amount = Decimal(str(value).replace(",", "").removeprefix("$"))
    except InvalidOperation:
        raise ValueError(f"expected an amount, got {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"expected an amount, got {value!r}")
    if amount < 0:
        raise ValueError(f"must not be negative ({value})")
    return amount


def _int(value: object, _path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        raise ValueError(f"expected a whole number, got {value!r}")
    return value


def _year(value: object, path: str) -> int:
    year = _int(value, path)
    if not 1900 <= year <= 2200:
        raise ValueError(f"expected a fiscal year like 2026, got {value!r}")
    return year


def _bool(value: object, _path: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _text(value: object, _path: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(f"expected text, got {value!r}")
    return str(value)


def _choice[E: StrEnum](enum: type[E]) -> Callable[[object, str], E]:
    def convert(value: object, _path: str) -> E:
        try:
            return enum(str(value))
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            raise ValueError(f"unknown value {value!r} (one of: {allowed})") from None

    return convert


def _ok(*values: object) -> bool:
    return not any(v is MISSING for v in values)


# ---------------------------------------------------------------------------
# Objects
# ---------------------------------------------------------------------------


def _period(r: _Reader, obj: Mapping[str, Any], path: str) -> Period | None:
    start = r.get(obj, "start", path, _date)
    end = r.get(obj, "end", path, _date, required=False)
    if not _ok(start, end):
        return None
    try:
        return Period(start, end)
    except ValueError as exc:
        r.fail(f"{path}.end", str(exc))
        return None


def _sub_period(
    r: _Reader, obj: Mapping[str, Any], key: str, path: str
) -> Period | None:
    where = f"{path}.{key}"
    value = obj.get(key)
    if value is None:
        r.fail(where, f"missing: {key} is required")
        return None
    inner = r.mapping(value, where, {"start", "end"})
    return _period(r, inner, where) if inner is not None else None


def _employment(r: _Reader, value: object, path: str) -> Employment | None:
    obj = r.mapping(
        value,
        path,
        {"start", "end", "title", "employer", "executive_officer", "interim"},
    )
    if obj is None:
        return None
    period = _period(r, obj, path)
    title = r.get(obj, "title", path, _text, required=False, default="")
    employer = r.get(
        obj, "employer", path, _text, required=False, default="the company"
    )
    execu = r.get(obj, "executive_officer", path, _bool, required=False, default=False)
    interim = r.get(obj, "interim", path, _bool, required=False, default=False)
    if period is None or not _ok(title, employer, execu, interim):
        return None
    return Employment(period, title, employer, execu, interim, path)


def _compensation(r: _Reader, value: object, path: str) -> Compensation | None:
    obj = r.mapping(value, path, {"paid_on", "amount", "kind", "description"})
    if obj is None:
        return None
    paid_on = r.get(obj, "paid_on", path, _date)
    amount = r.get(obj, "amount", path, _money)
    kind = r.get(obj, "kind", path, _choice(CompensationKind))
    text = r.get(obj, "description", path, _text, required=False, default="")
    if not _ok(paid_on, amount, kind, text):
        return None
    return Compensation(paid_on, amount, kind, text, path)


def _role(r: _Reader, value: object, path: str) -> OrgRole | None:
    obj = r.mapping(value, path, {"organisation", "role", "start", "end"})
    if obj is None:
        return None
    org = r.get(obj, "organisation", path, _text)
    role = r.get(obj, "role", path, _choice(OrgRoleKind))
    period = _period(r, obj, path)
    if period is None or not _ok(org, role):
        return None
    return OrgRole(org, role, period, path)


def _auditor(r: _Reader, value: object, path: str) -> AuditorRole | None:
    obj = r.mapping(value, path, {"role", "start", "end", "worked_on_audit", "firm"})
    if obj is None:
        return None
    role = r.get(obj, "role", path, _choice(AuditorRoleKind))
    period = _period(r, obj, path)
    worked = r.get(obj, "worked_on_audit", path, _bool, required=False, default=False)
    firm = r.get(
        obj, "firm", path, _text, required=False, default="the outside auditor"
    )
    if period is None or not _ok(role, worked, firm):
        return None
    return AuditorRole(role, period, worked, firm, path)


def _interlock(r: _Reader, value: object, path: str) -> Interlock | None:
    obj = r.mapping(value, path, {"entity", "executive", "committee", "our_officer"})
    if obj is None:
        return None
    entity = r.get(obj, "entity", path, _text)
    executive = _sub_period(r, obj, "executive", path)
    committee = _sub_period(r, obj, "committee", path)
    officer = r.get(obj, "our_officer", path, _text, required=False, default="")
    if executive is None or committee is None or not _ok(entity, officer):
        return None
    return Interlock(entity, executive, committee, officer, path)


def _many[T](
    r: _Reader,
    obj: Mapping[str, Any],
    key: str,
    path: str,
    build: Callable[[_Reader, object, str], T | None],
) -> tuple[T, ...]:
    built = [build(r, v, p) for p, v in r.items(obj, key, path)]
    return tuple(b for b in built if b is not None)


def _relationship(value: object, _path: str) -> Any:
    return parse_relationship(str(value))


def _family(r: _Reader, value: object, path: str) -> FamilyMember | None:
    obj = r.mapping(
        value,
        path,
        {
            "id",
            "name",
            "relationship",
            "minor",
            "shares_home",
            "employments",
            "compensation",
            "roles",
            "auditor",
            "interlocks",
        },
    )
    if obj is None:
        return None
    ident = r.get(obj, "id", path, _text)
    name = r.get(obj, "name", path, _text)
    rel = r.get(obj, "relationship", path, _relationship)
    minor = r.get(obj, "minor", path, _bool, required=False, default=False)
    home = r.get(obj, "shares_home", path, _bool, required=False, default=False)
    jobs = _many(r, obj, "employments", path, _employment)
    pay = _many(r, obj, "compensation", path, _compensation)
    roles = _many(r, obj, "roles", path, _role)
    auditor = _many(r, obj, "auditor", path, _auditor)
    locks = _many(r, obj, "interlocks", path, _interlock)
    if not _ok(ident, name, rel, minor, home):
        return None
    return FamilyMember(
        ident, name, rel, minor, home, jobs, pay, roles, auditor, locks, path
    )


def _dated[T](
    build: Callable[..., T],
    fields: dict[str, Callable[[object, str], Any]],
    optional: dict[str, Callable[[object, str], Any]],
) -> Callable[[_Reader, object, str], T | None]:
    def read(r: _Reader, value: object, path: str) -> T | None:
        obj = r.mapping(value, path, set(fields) | set(optional))
        if obj is None:
            return None
        got = {k: r.get(obj, k, path, conv) for k, conv in fields.items()}
        got |= {
            k: r.get(obj, k, path, conv, required=False, default=MISSING)
            for k, conv in optional.items()
        }
        if any(v is MISSING for k, v in got.items() if k in fields):
            return None
        if any(
            v is MISSING and k in obj and obj[k] is not None for k, v in got.items()
        ):
            return None
        kwargs = {k: v for k, v in got.items() if v is not MISSING}
        try:
            return build(ref=path, **kwargs)
        except ValueError as exc:
            r.fail(path, str(exc))
            return None

    return read


def _attributes(value: object, path: str) -> frozenset[AcfeAttribute]:
    if value == "all":
        return frozenset(AcfeAttribute)
    if not isinstance(value, list):
        raise ValueError("expected a list of attributes or 'all'")
    convert = _choice(AcfeAttribute)
    return frozenset(convert(v, path) for v in value)


def _routes(value: object, path: str) -> frozenset[AcfeRoute]:
    if not isinstance(value, list):
        raise ValueError("expected a list of routes")
    convert = _choice(AcfeRoute)
    return frozenset(convert(v, path) for v in value)


_holding = _dated(ShareHolding, {"on": _date, "voting_pct": _money}, {})
_literacy = _dated(LiteracyAttestation, {"on": _date, "literate": _bool}, {})
_sophistication = _dated(
    Sophistication,
    {"on": _date, "basis": _choice(SophisticationBasis)},
    {"description": _text},
)
_acfe = _dated(
    AcfeDesignation,
    {"on": _date, "attributes": _attributes, "routes": _routes},
    {"other_experience": _text, "resolution": _text},
)


def _prep(r: _Reader, value: object, path: str) -> FsPreparation | None:
    obj = r.mapping(value, path, {"start", "end", "description"})
    if obj is None:
        return None
    period = _period(r, obj, path)
    text = r.get(obj, "description", path, _text, required=False, default="")
    if period is None or not _ok(text):
        return None
    return FsPreparation(period, text, path)


def _other_ac(r: _Reader, value: object, path: str) -> OtherAuditCommittee | None:
    obj = r.mapping(value, path, {"company", "start", "end"})
    if obj is None:
        return None
    company = r.get(obj, "company", path, _text)
    period = _period(r, obj, path)
    if period is None or not _ok(company):
        return None
    return OtherAuditCommittee(company, period, path)


def _board_period(r: _Reader, value: object, path: str) -> Period | None:
    obj = r.mapping(value, path, {"start", "end"})
    return _period(r, obj, path) if obj is not None else None


DIRECTOR_FIELDS = {
    "id", "name", "board", "employments", "compensation", "family", "roles", "auditor",
    "interlocks", "holdings", "fs_preparation", "literacy", "sophistication", "acfe",
    "other_audit_committees",
}  # fmt: skip


def _director(r: _Reader, value: object, path: str) -> Director | None:
    obj = r.mapping(value, path, DIRECTOR_FIELDS)
    if obj is None:
        return None
    ident = r.get(obj, "id", path, _text)
    name = r.get(obj, "name", path, _text)
    director = Director(
        id=ident if _ok(ident) else "",
        name=name if _ok(name) else "",
        board=_many(r, obj, "board", path, _board_period),
        employments=_many(r, obj, "employments", path, _employment),
        compensation=_many(r, obj, "compensation", path, _compensation),
        family=_many(r, obj, "family", path, _family),
        org_roles=_many(r, obj, "roles", path, _role),
        auditor_roles=_many(r, obj, "auditor", path, _auditor),
        interlocks=_many(r, obj, "interlocks", path, _interlock),
        holdings=_many(r, obj, "holdings", path, _holding),
        fs_preparation=_many(r, obj, "fs_preparation", path, _prep),
        literacy=_many(r, obj, "literacy", path, _literacy),
        sophistication=_many(r, obj, "sophistication", path, _sophistication),
        acfe=_many(r, obj, "acfe", path, _acfe),
        other_audit_committees=_many(r, obj, "other_audit_committees", path, _other_ac),
        ref=path,
    )
    return director if _ok(ident, name) else None


def _revenues(
    r: _Reader, obj: Mapping[str, Any], path: str
) -> tuple[tuple[int, Decimal], ...]:
    where = f"{path}.revenues"
    value = obj.get("revenues")
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        r.fail(
            where, "expected a mapping of fiscal year to consolidated gross revenues"
        )
        return ()
    out: list[tuple[int, Decimal]] = []
    for fy, amount in value.items():
        try:
            out.append((_year(fy, where), _money(amount, where)))
        except ValueError as exc:
            r.fail(f"{where}.{fy}", str(exc))
    return tuple(out)


def _payment(r: _Reader, value: object, path: str) -> OrgPayment | None:
    obj = r.mapping(
        value,
        path,
        {"fiscal_year", "direction", "amount", "category", "paid_on", "exempt"},
    )
    if obj is None:
        return None
    if obj.get("fiscal_year") is None:
        r.fail(
            f"{path}.fiscal_year",
            "missing: every payment needs the fiscal year it belongs to",
        )
        fy: Any = MISSING
    else:
        fy = r.get(obj, "fiscal_year", path, _year)
    direction = r.get(obj, "direction", path, _choice(Direction))
    amount = r.get(obj, "amount", path, _money)
    category = r.get(
        obj,
        "category",
        path,
        _choice(ServiceCategory),
        required=False,
        default=ServiceCategory.OTHER,
    )
    paid_on = r.get(obj, "paid_on", path, _date, required=False)
    exempt = r.get(obj, "exempt", path, _choice(PaymentExemption), required=False)
    if not _ok(fy, direction, amount, category, paid_on, exempt):
        return None
    return OrgPayment(fy, direction, amount, category, paid_on, exempt, path)


def _organisation(r: _Reader, value: object, path: str) -> Organisation | None:
    obj = r.mapping(
        value, path, {"id", "name", "revenues", "payments", "sole_proprietorship"}
    )
    if obj is None:
        return None
    ident = r.get(obj, "id", path, _text)
    name = r.get(obj, "name", path, _text)
    sole = r.get(obj, "sole_proprietorship", path, _bool, required=False, default=False)
    revenues = _revenues(r, obj, path)
    payments = _many(r, obj, "payments", path, _payment)
    if not _ok(ident, name, sole):
        return None
    return Organisation(ident, name, revenues, payments, sole, path)


def _membership(r: _Reader, value: object, path: str) -> Membership | None:
    obj = r.mapping(
        value, path, {"director", "start", "end", "chair", "end_reason", "exception"}
    )
    if obj is None:
        return None
    director = r.get(obj, "director", path, _text)
    period = _period(r, obj, path)
    chair = r.get(obj, "chair", path, _bool, required=False, default=False)
    reason = r.get(obj, "end_reason", path, _choice(EndReason), required=False)
    exception = r.get(obj, "exception", path, _bool, required=False, default=False)
    if period is None or not _ok(director, chair, reason, exception):
        return None
    try:
        return Membership(director, period, chair, reason, exception, path)
    except ValueError as exc:
        r.fail(f"{path}.end_reason", str(exc))
        return None


def _verdicts(value: object, path: str) -> tuple[tuple[str, Verdict], ...]:
    if not isinstance(value, Mapping):
        raise ValueError("expected a mapping of rule id to pass or fail")
    convert = _choice(Verdict)
    return tuple((str(k), convert(v, path)) for k, v in value.items())


def _determination(r: _Reader, value: object, path: str) -> BoardDetermination | None:
    fields = {
        "director",
        "on",
        "resolution",
        "independent",
        "verdicts",
        "subjective_factors",
        "exception_finding",
        "over_boarding_approved",
    }
    obj = r.mapping(value, path, fields)
    if obj is None:
        return None
    director = r.get(obj, "director", path, _text)
    on = r.get(obj, "on", path, _date)
    resolution = r.get(obj, "resolution", path, _text)
    independent = r.get(obj, "independent", path, _bool)
    verdicts = r.get(obj, "verdicts", path, _verdicts, required=False, default=())
    factors = r.get(obj, "subjective_factors", path, _text, required=False, default="")
    exc = r.get(obj, "exception_finding", path, _bool, required=False, default=False)
    boards = r.get(
        obj, "over_boarding_approved", path, _bool, required=False, default=False
    )
    if not _ok(director, on, resolution, independent, verdicts, factors, exc, boards):
        return None
    return BoardDetermination(
        director, on, resolution, independent, verdicts, factors, exc, boards, path
    )


def _fiscal_year_end(value: object, _path: str) -> tuple[int, int]:
    text = str(value)
    try:
        month, day = (int(p) for p in text.split("-"))
        date(2023, month, day)
    except ValueError:
        raise ValueError(
            f"expected a month and day like 12-31, got {value!r}"
        ) from None
    return month, day


def _company(r: _Reader, value: object) -> CompanyInfo | None:
    path = "company"
    fields = {
        "name",
        "fiscal_year_end",
        "listing_date",
        "registration_effective",
        "ipo",
        "annual_meetings",
        "revenues",
        "min_members",
        "max_audit_committees",
        "requires_acfe",
    }
    obj = r.mapping(value, path, fields)
    if obj is None:
        return None
    name = r.get(obj, "name", path, _text)
    fye = r.get(
        obj, "fiscal_year_end", path, _fiscal_year_end, required=False, default=(12, 31)
    )
    listed = r.get(obj, "listing_date", path, _date, required=False)
    effective = r.get(obj, "registration_effective", path, _date, required=False)
    ipo = r.get(obj, "ipo", path, _bool, required=False, default=False)
    meetings: list[date] = []
    for where, item in r.items(obj, "annual_meetings", path):
        try:
            meetings.append(_date(item, where))
        except ValueError as exc:
            r.fail(where, str(exc))
    revenues = _revenues(r, obj, path)
    size = r.get(obj, "min_members", path, _int, required=False, default=3)
    cap = r.get(obj, "max_audit_committees", path, _int, required=False, default=3)
    if "max_audit_committees" in obj and obj["max_audit_committees"] is None:
        cap = None  # explicitly no limit
    acfe = r.get(obj, "requires_acfe", path, _bool, required=False, default=True)
    if not _ok(name, fye, listed, effective, ipo, size, cap, acfe):
        return None
    try:
        return CompanyInfo(
            name,
            fye,
            listed,
            effective,
            ipo,
            tuple(meetings),
            revenues,
            size,
            cap,
            acfe,
            path,
        )
    except ValueError as exc:
        r.fail(path, str(exc))
        return None


def parse_scenario(data: object, lines: Mapping[str, int] | None = None) -> Register:
    """The register a scenario document describes, or :class:`ScenarioError`."""
    r = _Reader(lines or {})
    top = r.mapping(
        data,
        "",
        {
            "version",
            "company",
            "directors",
            "organisations",
            "memberships",
            "determinations",
        },
    )
    if top is None:
        raise ScenarioError(r.problems)
    version = r.get(top, "version", "", _int, required=False, default=FORMAT_VERSION)
    if _ok(version) and version != FORMAT_VERSION:
        r.fail(
            "version",
            f"unsupported version {version} (this reader knows {FORMAT_VERSION})",
        )
    if top.get("company") is None:
        r.fail("company", "missing: company is required")
        company = None
    else:
        company = _company(r, top["company"])
    directors = _many(r, top, "directors", "", _director)
    organisations = _many(r, top, "organisations", "", _organisation)
    memberships = _many(r, top, "memberships", "", _membership)
    determinations = _many(r, top, "determinations", "", _determination)
    if r.problems or company is None:
        raise ScenarioError(r.problems)
    register = Register(company, directors, organisations, memberships, determinations)
    for ref, message in register_problems(register):
        r.fail(ref, message)
    if r.problems:
        raise ScenarioError(r.problems)
    return register


# ---------------------------------------------------------------------------
# Rendering an evaluation
# ---------------------------------------------------------------------------


def report_as_dict(report: CommitteeReport) -> dict[str, Any]:
    """A JSON-ready rendering of a committee evaluation."""
    return {
        "as_of": report.as_of.isoformat(),
        "status": report.status.value,
        "exit_code": exit_code(report.status),
        "cure": (
            {
                "rule": report.cure.rule_id,
                "event": report.cure.event.isoformat(),
                "deadline": report.cure.deadline.isoformat(),
                "reason": report.cure.reason,
                "covers": list(report.cure.covers),
            }
            if report.cure
            else None
        ),
        "committee": [
            {
                "rule": o.rule_id,
                "verdict": o.verdict.value,
                "message": o.message,
                "cites": o.cites,
            }
            for o in report.outcomes
        ],
        "violations": [
            {"rule": v.rule_id, "message": v.message, "directors": list(v.directors)}
            for v in report.violations
        ],
        "members": [
            {
                "director": m.director.id,
                "name": m.director.name,
                "chair": bool(m.membership and m.membership.chair),
                "independent": m.independent,
                "tests": [
                    {
                        "rule": o.rule_id,
                        "verdict": o.verdict.value,
                        "message": o.message,
                        "evidence": [e.ref for e in o.evidence],
                    }
                    for o in m.outcomes
                ],
            }
            for m in report.members
        ],
        "notes": list(report.notes),
    }


_MARK = {
    Verdict.PASS: "pass",
    Verdict.FAIL: "FAIL",
    Verdict.NOT_APPLICABLE: "n/a",
    Verdict.INSUFFICIENT_DATA: "????",
}


def report_as_text(report: CommitteeReport) -> str:
    """A plain-text rendering for people."""
    lines = [
        f"Audit committee as of {report.as_of.isoformat()}: {report.status.value.replace('_', ' ')}"
    ]
    if report.cure is not None:
        lines.append(
            f"  cure period ({report.cure.rule_id}) from {report.cure.event.isoformat()} until {report.cure.deadline.isoformat()}: {report.cure.reason}"
        )
        lines.append("  the company must notify Nasdaq immediately (AC-IND-09)")
    for m in report.members:
        chair = " (chair)" if m.membership and m.membership.chair else ""
        lines.append(f"\n{m.director.name}{chair}")
        for o in m.outcomes:
            lines.append(f"  [{_MARK[o.verdict]}] {o.rule_id}: {o.message}")
    lines.append("\nCommittee")
    for o in report.outcomes:
        lines.append(f"  [{_MARK[o.verdict]}] {o.rule_id}: {o.message}")
    if report.violations:
        lines.append("\nViolations")
        lines.extend(f"  {v.rule_id}: {v.message}" for v in report.violations)
    if report.notes:
        lines.append("\nNotes")
        lines.extend(f"  {n}" for n in report.notes)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Writing a register back out as a scenario document
# ---------------------------------------------------------------------------


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _span(period: Period) -> dict[str, Any]:
    return {"start": _day(period.start), "end": _day(period.end)}


def _person(person: Director | FamilyMember) -> dict[str, Any]:
    return {
        "employments": [
            {
                **_span(e.period),
                "title": e.title,
                "employer": e.employer,
                "executive_officer": e.executive_officer,
                "interim": e.interim,
            }
            for e in person.employments
        ],
        "compensation": [
            {
                "paid_on": _day(c.paid_on),
                "amount": str(c.amount),
                "kind": c.kind.value,
                "description": c.description,
            }
            for c in person.compensation
        ],
        "roles": [
            {"organisation": r.organisation, "role": r.role.value, **_span(r.period)}
            for r in person.org_roles
        ],
        "auditor": [
            {
                "role": a.role.value,
                **_span(a.period),
                "worked_on_audit": a.worked_on_audit,
                "firm": a.firm,
            }
            for a in person.auditor_roles
        ],
        "interlocks": [
            {
                "entity": i.entity,
                "our_officer": i.our_officer,
                "executive": _span(i.executive),
                "committee": _span(i.committee),
            }
            for i in person.interlocks
        ],
    }


def register_as_dict(register: Register) -> dict[str, Any]:
    """The scenario document that ``parse_scenario`` reads back into ``register``."""
    c = register.company
    return {
        "version": FORMAT_VERSION,
        "company": {
            "name": c.name,
            "fiscal_year_end": f"{c.fiscal_year_end[0]:02}-{c.fiscal_year_end[1]:02}",
            "listing_date": _day(c.listing_date),
            "registration_effective": _day(c.registration_effective),
            "ipo": c.ipo,
            "annual_meetings": [_day(d) for d in c.annual_meetings],
            "revenues": {fy: str(amount) for fy, amount in c.revenues},
            "min_members": c.min_members,
            "max_audit_committees": c.max_audit_committees,
            "requires_acfe": c.requires_acfe,
        },
        "organisations": [
            {
                "id": o.id,
                "name": o.name,
                "sole_proprietorship": o.sole_proprietorship,
                "revenues": {fy: str(amount) for fy, amount in o.revenues},
                "payments": [
                    {
                        "fiscal_year": p.fiscal_year,
                        "direction": p.direction.value,
                        "amount": str(p.amount),
                        "category": p.category.value,
                        "paid_on": _day(p.paid_on),
                        "exempt": p.exempt.value if p.exempt else None,
                    }
                    for p in o.payments
                ],
            }
            for o in register.organisations
        ],
        "directors": [
            {
                "id": d.id,
                "name": d.name,
                "board": [_span(p) for p in d.board],
                **_person(d),
                "family": [
                    {
                        "id": f.id,
                        "name": f.name,
                        "relationship": f.relationship.value,
                        "minor": f.minor,
                        "shares_home": f.shares_home,
                        **_person(f),
                    }
                    for f in d.family
                ],
                "holdings": [
                    {"on": _day(h.on), "voting_pct": str(h.voting_pct)}
                    for h in d.holdings
                ],
                "fs_preparation": [
                    {**_span(p.period), "description": p.description}
                    for p in d.fs_preparation
                ],
                "literacy": [
                    {"on": _day(x.on), "literate": x.literate} for x in d.literacy
                ],
                "sophistication": [
                    {
                        "on": _day(s.on),
                        "basis": s.basis.value,
                        "description": s.description,
                    }
                    for s in d.sophistication
                ],
                "acfe": [
                    {
                        "on": _day(a.on),
                        "attributes": sorted(x.value for x in a.attributes),
                        "routes": sorted(x.value for x in a.routes),
                        "other_experience": a.other_experience,
                        "resolution": a.resolution,
                    }
                    for a in d.acfe
                ],
                "other_audit_committees": [
                    {"company": o.company, **_span(o.period)}
                    for o in d.other_audit_committees
                ],
            }
            for d in register.directors
        ],
        "memberships": [
            {
                "director": m.director,
                **_span(m.period),
                "chair": m.chair,
                "end_reason": m.end_reason.value if m.end_reason else None,
                "exception": m.exception,
            }
            for m in register.memberships
        ],
        "determinations": [
            {
                "director": d.director,
                "on": _day(d.on),
                "resolution": d.resolution,
                "independent": d.independent,
                "verdicts": {rule: v.value for rule, v in d.verdicts},
                "subjective_factors": d.subjective_factors,
                "exception_finding": d.exception_finding,
                "over_boarding_approved": d.over_boarding_approved,
            }
            for d in register.determinations
        ],
    }
