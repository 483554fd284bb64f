"""Required communications for a fiscal year, as of a date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from oversight.rules.auditor.common import FiscalYear
from oversight.rules.auditor.communications import (
    Affirmation,
    Communication,
    CommunicationKind,
    communications_status,
    independence_status,
    pre_engagement_status,
    qc_report_status,
)
from oversight.rules.core import Status

FY = FiscalYear(2026)
QC = Communication(
    "qc-26",
    CommunicationKind.QC_REPORT,
    2026,
    received_on=date(2026, 4, 20),
    document_ref="doc-1",
    reviewed_on=date(2026, 5, 12),
    meeting_ref="mtg-2",
)
IND = Communication(
    "ind-26",
    CommunicationKind.INDEPENDENCE_ANNUAL,
    2026,
    received_on=date(2026, 10, 30),
    reviewed_on=date(2026, 11, 10),
    affirmation=Affirmation.INDEPENDENT,
)
PRE = Communication(
    "pre-26",
    CommunicationKind.INDEPENDENCE_PRE_ENGAGEMENT,
    2026,
    received_on=date(2026, 2, 1),
    reviewed_on=date(2026, 2, 10),
)


@pytest.mark.parametrize(
    ("comms", "as_of", "status"),
    [
        ([QC], date(2026, 5, 12), Status.MET),
        ([QC], date(2026, 5, 11), Status.NOT_YET_DUE),  # received, review to come
        ([], date(2026, 12, 1), Status.DUE_SOON),  # 30 days before year end
        ([], date(2026, 11, 30), Status.NOT_YET_DUE),
        ([], date(2026, 12, 31), Status.DUE_SOON),  # the last day
        ([], date(2027, 1, 1), Status.MISSED),  # the day after
        ([replace(QC, reviewed_on=None)], date(2027, 1, 1), Status.MISSED),
        ([replace(QC, fiscal_year=2025)], date(2027, 1, 1), Status.MISSED),
        ([QC], date(2026, 4, 19), Status.NOT_YET_DUE),  # not yet received
    ],
)
def test_qc_report_status(
    comms: list[Communication], as_of: date, status: Status
) -> None:
    result = qc_report_status(FY, comms, as_of=as_of)
    assert result.rule_id == "AC-AUD-04"
    assert result.status is status
    assert result.due_on == date(2026, 12, 31)


def test_qc_report_received_not_reviewed_says_so() -> None:
    result = qc_report_status(
        FY, [replace(QC, reviewed_on=None)], as_of=date(2026, 6, 1)
    )
    assert "not yet reviewed" in result.message
    assert result.evidence[0].ref == "qc-26"


@pytest.mark.parametrize(
    ("comm", "as_of", "status", "message"),
    [
        (IND, date(2026, 11, 10), Status.MET, "affirmed its independence"),
        (
            replace(IND, affirmation=Affirmation.EXCEPT_FOR),
            date(2026, 11, 10),
            Status.MET,
            "except for",
        ),
        (
            replace(IND, affirmation=None),
            date(2026, 12, 5),
            Status.DUE_SOON,
            "no written",
        ),
        (IND, date(2026, 11, 9), Status.NOT_YET_DUE, "not yet discussed"),
        (replace(IND, reviewed_on=None), date(2027, 1, 5), Status.MISSED, "not yet"),
    ],
)
def test_independence_status(
    comm: Communication, as_of: date, status: Status, message: str
) -> None:
    result = independence_status(FY, [comm], as_of=as_of)
    assert result.rule_id == "AC-COM-01"
    assert result.status is status
    assert message in result.message


def test_independence_due_before_the_audit_report() -> None:
    result = independence_status(
        FY, [], as_of=date(2027, 2, 1), due_on=date(2027, 2, 25)
    )
    assert result.status is Status.DUE_SOON
    assert "No written independence communication" in result.message


@pytest.mark.parametrize(
    ("comms", "first", "accepted_on", "as_of", "status"),
    [
        ([PRE], False, None, date(2026, 6, 1), Status.NOT_APPLICABLE),
        ([PRE], True, date(2026, 2, 10), date(2026, 6, 1), Status.MET),
        ([PRE], True, date(2026, 2, 9), date(2026, 6, 1), Status.MISSED),
        ([PRE], True, None, date(2026, 2, 10), Status.MET),
        ([PRE], True, None, date(2026, 2, 5), Status.NOT_YET_DUE),
        ([], True, None, date(2026, 2, 5), Status.NOT_YET_DUE),
        ([], True, date(2026, 3, 1), date(2026, 3, 1), Status.MISSED),
        ([], True, date(2026, 3, 1), date(2026, 2, 28), Status.NOT_YET_DUE),
    ],
)
def test_pre_engagement_status(
    comms: list[Communication],
    first: bool,
    accepted_on: date | None,
    as_of: date,
    status: Status,
) -> None:
    result = pre_engagement_status(
        FY, comms, as_of=as_of, first_engagement=first, accepted_on=accepted_on
    )
    assert result.rule_id == "AC-COM-02"
    assert result.status is status


def test_communications_status_lists_the_three() -> None:
    results = communications_status(
        FY, [QC, IND, PRE], as_of=date(2026, 12, 1), first_engagement=True
    )
    assert [r.rule_id for r in results] == ["AC-AUD-04", "AC-COM-01", "AC-COM-02"]
    assert [r.status for r in results] == [Status.MET] * 3


def test_kind_labels() -> None:
    assert CommunicationKind.QC_REPORT.label.startswith("Quality-control")
    assert CommunicationKind.INDEPENDENCE_ANNUAL.rule_id == "AC-COM-01"
