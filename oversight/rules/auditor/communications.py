"""Required auditor communications for a fiscal year and where each stands as of a date.

AC-AUD-04 the annual quality-control / inspection report, received and reviewed;
AC-COM-01 the annual written independence communication (PCAOB Rule 3526(b)), received and
discussed, with the firm's affirmation; AC-COM-02 the pre-engagement communication (Rule
3526(a)) before the firm accepts a first engagement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from oversight.rules.auditor.common import FiscalYear
from oversight.rules.core import Evidence, Result, Status

DUE_SOON_DAYS = 30


class CommunicationKind(StrEnum):
    QC_REPORT = "qc_report"
    INDEPENDENCE_ANNUAL = "independence_annual"
    INDEPENDENCE_PRE_ENGAGEMENT = "independence_pre_engagement"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def rule_id(self) -> str:
        return RULE_IDS[self]


LABELS: dict[CommunicationKind, str] = {
    CommunicationKind.QC_REPORT: "Quality-control and inspection report",
    CommunicationKind.INDEPENDENCE_ANNUAL: "Annual written independence communication",
    CommunicationKind.INDEPENDENCE_PRE_ENGAGEMENT: "Pre-engagement independence communication",
}
RULE_IDS: dict[CommunicationKind, str] = {
    CommunicationKind.QC_REPORT: "AC-AUD-04",
    CommunicationKind.INDEPENDENCE_ANNUAL: "AC-COM-01",
    CommunicationKind.INDEPENDENCE_PRE_ENGAGEMENT: "AC-COM-02",
}


class Affirmation(StrEnum):
    """The firm's written affirmation of independence (Rule 3526(b)(3))."""

    INDEPENDENT = "independent"
    EXCEPT_FOR = "except_for"  # independent except for identified violations


@dataclass(frozen=True, slots=True)
class Communication:
    """A communication received from the auditor, and the meeting that reviewed it."""

    ref: str
    kind: CommunicationKind
    fiscal_year: int
    received_on: date
    document_ref: str = ""
    reviewed_on: date | None = None  # the meeting that reviewed or discussed it
    meeting_ref: str | None = None
    affirmation: Affirmation | None = None

    def evidence(self) -> Evidence:
        return Evidence(self.ref, self.kind.label, self.received_on)

    def reviewed_by(self, day: date) -> bool:
        return self.reviewed_on is not None and self.reviewed_on <= day


def _timing(due: date, as_of: date, soon_days: int) -> Status:
    if as_of > due:
        return Status.MISSED
    if as_of >= due - timedelta(days=soon_days):
        return Status.DUE_SOON
    return Status.NOT_YET_DUE


def _latest(
    comms: Iterable[Communication], kind: CommunicationKind, year: int, as_of: date
) -> Communication | None:
    found = [
        c
        for c in comms
        if c.kind is kind and c.fiscal_year == year and c.received_on <= as_of
    ]
    return max(found, key=lambda c: (c.received_on, c.ref), default=None)


def qc_report_status(
    fiscal_year: FiscalYear,
    comms: Iterable[Communication],
    *,
    as_of: date,
    soon_days: int = DUE_SOON_DAYS,
) -> Result:
    """AC-AUD-04: the QC / inspection report, received and reviewed, once a fiscal year.

    Charter: "at least annually, receive and review a report by the independent registered
    public accounting firm describing their internal quality-control procedures and any
    material issues raised by the most recent internal quality-control review, peer review
    or [PCAOB] review ... within the preceding five years".
    """
    kind = CommunicationKind.QC_REPORT
    due = fiscal_year.ends_on
    found = _latest(comms, kind, fiscal_year.year, as_of)
    if found is not None and found.reviewed_by(as_of):
        assert found.reviewed_on is not None
        return Result(
            kind.rule_id,
            Status.MET,
            f"Received on {found.received_on.isoformat()} and reviewed on "
            f"{found.reviewed_on.isoformat()}.",
            (found.evidence(),),
            due,
        )
    status = _timing(due, as_of, soon_days)
    if found is not None:
        return Result(
            kind.rule_id,
            status,
            f"Received on {found.received_on.isoformat()}; not yet reviewed at a meeting "
            f"(due by {due.isoformat()}).",
            (found.evidence(),),
            due,
        )
    return Result(
        kind.rule_id,
        status,
        f"No QC or inspection report for FY{fiscal_year.year} yet (due by {due.isoformat()}).",
        (),
        due,
    )


def independence_status(
    fiscal_year: FiscalYear,
    comms: Iterable[Communication],
    *,
    as_of: date,
    due_on: date | None = None,
    soon_days: int = DUE_SOON_DAYS,
) -> Result:
    """AC-COM-01: the annual written independence communication, received and discussed.

    Charter: "At least annually, engage in a dialogue with the independent registered public
    accounting firm and consider their independence ... and obtain and review a report ...
    describing all the relationships between them and the Company." PCAOB Rule 3526(b).
    ``due_on`` defaults to the fiscal year end; pass the audit report date when known.
    """
    kind = CommunicationKind.INDEPENDENCE_ANNUAL
    due = due_on or fiscal_year.ends_on
    found = _latest(comms, kind, fiscal_year.year, as_of)
    if found is not None and found.reviewed_by(as_of) and found.affirmation is not None:
        assert found.reviewed_on is not None
        text = (
            f"Received on {found.received_on.isoformat()} and discussed on "
            f"{found.reviewed_on.isoformat()}"
        )
        if found.affirmation is Affirmation.EXCEPT_FOR:
            text += (
                "; the firm affirmed independence except for identified violations, which "
                "the committee must resolve (AC-COM-03)."
            )
        else:
            text += "; the firm affirmed its independence."
        return Result(kind.rule_id, Status.MET, text, (found.evidence(),), due)
    status = _timing(due, as_of, soon_days)
    if found is not None:
        missing = []
        if not found.reviewed_by(as_of):
            missing.append("not yet discussed at a meeting")
        if found.affirmation is None:
            missing.append("no written affirmation of independence")
        return Result(
            kind.rule_id,
            status,
            f"Received on {found.received_on.isoformat()}; "
            + "; ".join(missing)
            + f" (due by {due.isoformat()}).",
            (found.evidence(),),
            due,
        )
    return Result(
        kind.rule_id,
        status,
        f"No written independence communication for FY{fiscal_year.year} yet "
        f"(due by {due.isoformat()}).",
        (),
        due,
    )


def pre_engagement_status(
    fiscal_year: FiscalYear,
    comms: Iterable[Communication],
    *,
    as_of: date,
    first_engagement: bool,
    accepted_on: date | None,
) -> Result:
    """AC-COM-02: before accepting a first engagement, the written relationships, discussed.

    PCAOB Rule 3526(a): before accepting an initial engagement the firm describes in writing
    its relationships with the company, discusses their effects on independence with the
    audit committee, and documents the discussion.
    """
    kind = CommunicationKind.INDEPENDENCE_PRE_ENGAGEMENT
    if not first_engagement:
        return Result(
            kind.rule_id,
            Status.NOT_APPLICABLE,
            f"FY{fiscal_year.year} is not the firm's first engagement.",
        )
    found = _latest(comms, kind, fiscal_year.year, as_of)
    in_time = found is not None and (
        accepted_on is None
        or (found.received_on <= accepted_on and found.reviewed_by(accepted_on))
    )
    if found is not None and in_time and found.reviewed_by(as_of):
        assert found.reviewed_on is not None
        return Result(
            kind.rule_id,
            Status.MET,
            f"Received on {found.received_on.isoformat()} and discussed on "
            f"{found.reviewed_on.isoformat()}, before the engagement was accepted.",
            (found.evidence(),),
            accepted_on,
        )
    if accepted_on is not None and accepted_on <= as_of:
        return Result(
            kind.rule_id,
            Status.MISSED,
            f"The engagement was accepted on {accepted_on.isoformat()} without the "
            "pre-engagement communication received and discussed first.",
            (found.evidence(),) if found is not None else (),
            accepted_on,
        )
    return Result(
        kind.rule_id,
        Status.NOT_YET_DUE,
        "Required before the firm accepts its first engagement"
        + (" (received, not yet discussed)." if found is not None else "."),
        (found.evidence(),) if found is not None else (),
        accepted_on,
    )


def communications_status(
    fiscal_year: FiscalYear,
    comms: Iterable[Communication],
    *,
    as_of: date,
    first_engagement: bool = False,
    accepted_on: date | None = None,
    independence_due_on: date | None = None,
) -> tuple[Result, ...]:
    """The year's required communications (AC-AUD-04, AC-COM-01, AC-COM-02) as of a date."""
    items = tuple(comms)
    return (
        qc_report_status(fiscal_year, items, as_of=as_of),
        independence_status(
            fiscal_year, items, as_of=as_of, due_on=independence_due_on
        ),
        pre_engagement_status(
            fiscal_year,
            items,
            as_of=as_of,
            first_engagement=first_engagement,
            accepted_on=accepted_on,
        ),
    )
