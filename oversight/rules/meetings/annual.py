"""The proposed annual calendar of regular meetings (``AC-MTG-14``, serving ``AC-MTG-01``).

Given the fiscal year, the company's filing dates and the charter's recurring duties,
propose the regular meetings of a fiscal year and what each one covers: one meeting
shortly before each 10-Q and the 10-K, at least ``min_meetings`` (four, per the
charter) in all, the yearly items at the last meeting of the year, and the proxy items
at the last meeting before the proxy is filed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

ANNUAL_CALENDAR_RULE_ID = "AC-MTG-14"


class FilingKind(StrEnum):
    """A periodic filing the committee prepares for."""

    QUARTERLY = "10-Q"
    ANNUAL = "10-K"
    PROXY = "proxy"


class ItemType(StrEnum):
    """What an agenda item is for."""

    FINANCIAL_STATEMENTS = "financial_statements"
    AUDITOR_COMMUNICATIONS = "auditor_communications"
    PREAPPROVALS_REPORT = "preapprovals_report"
    COMPLAINTS_REPORT = "complaints_report"
    FINDINGS_FOLLOW_UP = "findings_follow_up"
    EXECUTIVE_SESSION = "executive_session"
    EVALUATION = "evaluation"
    CHARTER_REVIEW = "charter_review"
    OTHER = "other"


class Counterpart(StrEnum):
    """Whom an executive session is held with."""

    MANAGEMENT = "management"
    INTERNAL_AUDIT = "internal_audit"
    AUDITOR = "auditor"
    MEMBERS_ONLY = "members_only"


class Cadence(StrEnum):
    """How often a recurring duty comes to the committee."""

    EACH_MEETING = "each_meeting"
    BEFORE_PERIODIC_REPORT = "before_periodic_report"  # before each 10-Q and the 10-K
    BEFORE_ANNUAL_REPORT = "before_annual_report"  # before the 10-K
    BEFORE_PROXY = "before_proxy"
    ANNUAL = "annual"  # once a fiscal year, at its last regular meeting


@dataclass(frozen=True, slots=True)
class FiscalCalendar:
    """The company's fiscal year, named by the calendar year in which it ends."""

    year_end_month: int = 12
    year_end_day: int = 31

    def __post_init__(self) -> None:
        try:
            date(2001, self.year_end_month, self.year_end_day)  # a non-leap year
        except ValueError as error:
            msg = f"not a fiscal year end: {self.year_end_month}/{self.year_end_day}"
            raise ValueError(msg) from error

    def end_of(self, fiscal_year: int) -> date:
        return date(fiscal_year, self.year_end_month, self.year_end_day)

    def start_of(self, fiscal_year: int) -> date:
        return self.end_of(fiscal_year - 1) + timedelta(days=1)

    def fiscal_year_of(self, day: date) -> int:
        return day.year if day <= self.end_of(day.year) else day.year + 1


@dataclass(frozen=True, slots=True)
class Filing:
    """A filing the company makes, on ``filed_on`` (the planned or actual date)."""

    kind: FilingKind
    filed_on: date
    period_end: date | None = None

    def describe(self) -> str:
        if self.period_end is None:
            return f"{self.kind} filed {self.filed_on.isoformat()}"
        return f"{self.kind} for {self.period_end.isoformat()}, filed {self.filed_on.isoformat()}"


@dataclass(frozen=True, slots=True)
class Duty:
    """A recurring charter duty and the agenda item that serves it."""

    obligation_id: str
    item_type: ItemType
    title: str
    cadence: Cadence
    counterpart: Counterpart | None = None


@dataclass(frozen=True, slots=True)
class ProposedItem:
    """An agenda item the calendar proposes, with the obligations it serves."""

    item_type: ItemType
    title: str
    obligation_ids: tuple[str, ...]
    counterpart: Counterpart | None = None


@dataclass(frozen=True, slots=True)
class ProposedMeeting:
    """A regular meeting the calendar proposes, with why it is there."""

    on: date
    purpose: str
    filings: tuple[Filing, ...]
    items: tuple[ProposedItem, ...]

    def item_types(self) -> frozenset[ItemType]:
        return frozenset(item.item_type for item in self.items)


@dataclass(frozen=True, slots=True)
class ProposedCalendar:
    """The proposed regular meetings of one fiscal year."""

    rule_id: str
    fiscal_year: int
    starts_on: date
    ends_on: date
    meetings: tuple[ProposedMeeting, ...]
    message: str


DEFAULT_DUTIES: tuple[Duty, ...] = (
    Duty("AC-PRE-02", ItemType.PREAPPROVALS_REPORT, "Pre-approvals granted by delegates", Cadence.EACH_MEETING),
    Duty("AC-WB-01", ItemType.COMPLAINTS_REPORT, "Complaints received and their treatment", Cadence.EACH_MEETING),
    Duty("AC-FIN-05", ItemType.FINDINGS_FOLLOW_UP, "Audit findings and remediation follow-up", Cadence.EACH_MEETING),
    Duty("AC-FIN-03", ItemType.FINANCIAL_STATEMENTS, "Financial statements and earnings release", Cadence.BEFORE_PERIODIC_REPORT),
    Duty("AC-COM-15", ItemType.AUDITOR_COMMUNICATIONS, "Auditor's review communications", Cadence.BEFORE_PERIODIC_REPORT),
    Duty("AC-MTG-02", ItemType.EXECUTIVE_SESSION, "Executive session with management", Cadence.BEFORE_PERIODIC_REPORT, Counterpart.MANAGEMENT),
    Duty("AC-MTG-02", ItemType.EXECUTIVE_SESSION, "Executive session with the internal auditor", Cadence.BEFORE_PERIODIC_REPORT, Counterpart.INTERNAL_AUDIT),
    Duty("AC-MTG-02", ItemType.EXECUTIVE_SESSION, "Executive session with the independent auditor", Cadence.BEFORE_PERIODIC_REPORT, Counterpart.AUDITOR),
    Duty("AC-MTG-02", ItemType.EXECUTIVE_SESSION, "Executive session of members only", Cadence.EACH_MEETING, Counterpart.MEMBERS_ONLY),
    Duty("AC-FIN-01", ItemType.FINANCIAL_STATEMENTS, "Annual audited financial statements", Cadence.BEFORE_ANNUAL_REPORT),
    Duty("AC-COM-10", ItemType.AUDITOR_COMMUNICATIONS, "Required communications of the audit (AS 1301)", Cadence.BEFORE_ANNUAL_REPORT),
    Duty("AC-FIN-02", ItemType.OTHER, "Audit committee report for the proxy", Cadence.BEFORE_PROXY),
    Duty("AC-AUD-03", ItemType.EVALUATION, "Evaluation of the independent auditor", Cadence.ANNUAL),
    Duty("AC-MTG-04", ItemType.EVALUATION, "Committee self-evaluation", Cadence.ANNUAL),
    Duty("AC-CHR-02", ItemType.CHARTER_REVIEW, "Review of the charter's adequacy", Cadence.ANNUAL),
)  # fmt: skip
"""The recurring duties of the first charter, after the rule catalogue's Appendix F."""


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _nearest_weekday(day: date) -> date:
    """Saturday moves back to Friday, Sunday on to Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _meeting_day(filed_on: date, lead_days: int, starts_on: date) -> date:
    """A weekday ``lead_days`` or more before the filing, kept inside the year."""
    day = _weekday_on_or_before(filed_on - timedelta(days=lead_days))
    if day < starts_on:
        day = min(_weekday_on_or_after(starts_on), filed_on)
    return day


def _fill_days(
    days: Sequence[date], starts_on: date, ends_on: date, needed: int
) -> list[date]:
    """Weekdays for ``needed`` more meetings, spread evenly through the longest gaps.

    Each new meeting goes to the gap whose pieces would stay longest; a gap given
    ``n`` meetings is cut in ``n + 1`` equal pieces. With at most 24 meetings a year
    every piece is over a week long, so moving to the nearest weekday stays inside it.
    """
    points = [starts_on - timedelta(days=1), *days, ends_on + timedelta(days=1)]
    gaps = list(itertools.pairwise(points))
    counts = [0] * len(gaps)
    for _ in range(max(0, needed)):
        widest = max(
            range(len(gaps)),
            key=lambda i: (gaps[i][1] - gaps[i][0]) / (counts[i] + 1),
        )
        counts[widest] += 1
    return [
        _nearest_weekday(after + (before - after) * step / (count + 1))
        for (after, before), count in zip(gaps, counts, strict=True)
        for step in range(1, count + 1)
    ]


def propose_calendar(
    fiscal: FiscalCalendar,
    fiscal_year: int,
    filings: Iterable[Filing],
    duties: Sequence[Duty] = DEFAULT_DUTIES,
    *,
    lead_days: int = 7,
    min_meetings: int = 4,
) -> ProposedCalendar:
    """AC-MTG-14: propose the regular meetings of a fiscal year, serving AC-MTG-01.

    Charter, Meetings: "The Audit Committee shall meet at least four times each year
    and at such other times as it deems necessary to fulfill its responsibilities."
    Each 10-Q and 10-K filed during the fiscal year gets a meeting on the last weekday
    at least ``lead_days`` before it; when that leaves fewer than ``min_meetings``,
    meetings are added in the middle of the longest gaps. Duties are placed by their
    cadence; a proxy with no meeting before it in the year gets its own meeting.
    """
    if lead_days < 0 or not 1 <= min_meetings <= 24:
        msg = "lead_days must be 0 or more and min_meetings between 1 and 24"
        raise ValueError(msg)
    starts_on, ends_on = fiscal.start_of(fiscal_year), fiscal.end_of(fiscal_year)
    in_year = sorted(
        (f for f in filings if starts_on <= f.filed_on <= ends_on),
        key=lambda f: (f.filed_on, f.kind),
    )
    by_day: dict[date, list[Filing]] = {}
    purposes: dict[date, str] = {}
    for filing in in_year:
        if filing.kind is FilingKind.PROXY:
            continue
        day = _meeting_day(filing.filed_on, lead_days, starts_on)
        by_day.setdefault(day, []).append(filing)
        purposes[day] = "Before the " + " and ".join(f.describe() for f in by_day[day])
    proxy_days: set[date] = set()
    for filing in in_year:
        if filing.kind is not FilingKind.PROXY:
            continue
        earlier = [day for day in by_day if day < filing.filed_on]
        if earlier:
            day = max(earlier)
        else:
            day = _meeting_day(filing.filed_on, lead_days, starts_on)
            by_day.setdefault(day, [])
            purposes.setdefault(day, "Before the " + filing.describe())
        by_day[day].append(filing)
        proxy_days.add(day)
    added = 0
    for day in _fill_days(
        sorted(by_day), starts_on, ends_on, min_meetings - len(by_day)
    ):
        by_day[day] = []
        purposes[day] = f"Regular meeting, to meet at least {min_meetings} times a year"
        added += 1
    days = sorted(by_day)
    meetings = tuple(
        ProposedMeeting(
            on=day,
            purpose=purposes[day],
            filings=tuple(by_day[day]),
            items=_items_for(day, by_day[day], duties, last=day == days[-1]),
        )
        for day in days
    )
    return ProposedCalendar(
        rule_id=ANNUAL_CALENDAR_RULE_ID,
        fiscal_year=fiscal_year,
        starts_on=starts_on,
        ends_on=ends_on,
        meetings=meetings,
        message=_summary(
            fiscal_year, starts_on, ends_on, meetings, added, min_meetings
        ),
    )


def _items_for(
    day: date, filings: Sequence[Filing], duties: Sequence[Duty], *, last: bool
) -> tuple[ProposedItem, ...]:
    kinds = {f.kind for f in filings}
    applies = {
        Cadence.EACH_MEETING: True,
        Cadence.BEFORE_PERIODIC_REPORT: bool(
            kinds & {FilingKind.QUARTERLY, FilingKind.ANNUAL}
        ),
        Cadence.BEFORE_ANNUAL_REPORT: FilingKind.ANNUAL in kinds,
        Cadence.BEFORE_PROXY: FilingKind.PROXY in kinds,
        Cadence.ANNUAL: last,
    }
    items: dict[tuple[ItemType, str, Counterpart | None], list[str]] = {}
    for duty in duties:
        if applies[duty.cadence]:
            ids = items.setdefault((duty.item_type, duty.title, duty.counterpart), [])
            if duty.obligation_id not in ids:
                ids.append(duty.obligation_id)
    return tuple(
        ProposedItem(item_type=t, title=title, obligation_ids=tuple(ids), counterpart=c)
        for (t, title, c), ids in items.items()
    )


def _summary(
    fiscal_year: int,
    starts_on: date,
    ends_on: date,
    meetings: Sequence[ProposedMeeting],
    added: int,
    min_meetings: int,
) -> str:
    quarterly = sum(
        1 for m in meetings for f in m.filings if f.kind is FilingKind.QUARTERLY
    )
    annual = sum(1 for m in meetings for f in m.filings if f.kind is FilingKind.ANNUAL)
    parts = [
        f"FY{fiscal_year} ({starts_on.isoformat()} to {ends_on.isoformat()}): "
        f"{len(meetings)} regular meetings proposed",
        f"one before each of {quarterly} 10-Q and {annual} 10-K filings",
    ]
    if added:
        parts.append(f"{added} added to reach at least {min_meetings} a year")
    return "; ".join(parts) + "."
