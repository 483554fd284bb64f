"""The complaint register's facts for the charter engine (AC-WB-01).

Facts name no case: their reference is the register, because the engine's results are
read by directors a case may be hidden from. Dates are those of the register.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time

from oversight.accounts.models import Company
from oversight.complaints.models import Case, Channel, DeletionRecord
from oversight.complaints.services import policy_of
from oversight.rules.complaints.deadlines import acknowledgement_due, feedback_due
from oversight.rules.complaints.obligation import (
    ACKNOWLEDGED,
    OVERDUE,
    PUBLISHED,
    REGISTER,
    RETENTION,
    TREATED,
)
from oversight.rules.complaints.retention import keep_until
from oversight.rules.core import Fact


def _recorded(day: date, company: Company) -> datetime:
    zone = zoneinfo.ZoneInfo(company.time_zone)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def collect_facts(company: Company, *, as_of: date) -> list[Fact]:
    channel = Channel.objects.filter(company=company).first()
    if channel is None or channel.published_on is None:
        return []
    policy = policy_of(channel)
    facts = [
        Fact(
            kind=PUBLISHED,
            ref=REGISTER,
            occurred_on=channel.published_on,
            recorded_at=_recorded(channel.published_on, company),
            summary="The complaint procedure is published and open.",
            until=channel.closed_on,
        )
    ]
    for case in Case.objects.filter(company=company, received_on__lte=as_of):
        ack_due = acknowledgement_due(case.received_on, policy)
        fb_due = feedback_due(case.received_on, policy)
        if case.acknowledged_on and case.acknowledged_on <= as_of:
            facts.append(
                _event(
                    ACKNOWLEDGED,
                    case.acknowledged_on,
                    company,
                    late=case.acknowledged_on > ack_due,
                )
            )
        elif as_of > ack_due:
            facts.append(_event(OVERDUE, ack_due, company))
        if case.closed_on and case.closed_on <= as_of:
            facts.append(
                _event(TREATED, case.closed_on, company, late=case.closed_on > fb_due)
            )
        elif as_of > fb_due:
            facts.append(_event(OVERDUE, fb_due, company))
        if (
            case.closed_on
            and not case.legal_hold
            and as_of > keep_until(case.closed_on, policy)
        ):
            facts.append(_event(RETENTION, as_of, company, overdue=True))
    for deletion in DeletionRecord.objects.filter(
        company=company, deleted_on__lte=as_of
    ):
        facts.append(_event(RETENTION, deletion.deleted_on, company, overdue=False))
    return facts


def _event(kind: str, on: date, company: Company, **attrs: bool) -> Fact:
    return Fact(
        kind=kind,
        ref=REGISTER,
        occurred_on=on,
        recorded_at=_recorded(on, company),
        summary=kind,
        until=None,
        attrs=dict(attrs),
    )
