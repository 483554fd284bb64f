"""Access-checked reads of the complaint register.

A case is found only through the reader's own wrapped key: a case hidden from the
reader and a case that does not exist give the same 404, from the same query.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from oversight.accounts.models import Company, User
from oversight.complaints import conf
from oversight.complaints.models import Case, Category, Channel, DeletionRecord, Status
from oversight.complaints.services import policy_of
from oversight.rules.complaints.deadlines import (
    acknowledgement_due,
    feedback_due,
    reminder_due,
)
from oversight.rules.complaints.policy import ComplaintPolicy
from oversight.rules.complaints.statistics import (
    AGE_BUCKETS,
    OLDEST_BUCKET,
    TOTAL,
    Table,
    age_bucket,
    quarter_of,
    suppress,
    suppressed_median,
)


def cases_for(user: User, company: Company) -> QuerySet[Case]:
    """The cases ``user`` holds a key to, newest first; nothing else is counted."""
    return Case.objects.filter(
        company=company, wraps__holder_tag=conf.holder_tag(user.pk)
    ).order_by("-received_on", "id")


def deadlines_for(
    cases: list[Case], company: Company, as_of: date
) -> list[dict[str, Any]]:
    """Each case with its acknowledgement and feedback deadlines and whether to remind."""
    channel = Channel.objects.filter(company=company).first()
    policy = ComplaintPolicy() if channel is None else policy_of(channel)
    rows = []
    for case in cases:
        ack_due = acknowledgement_due(case.received_on, policy)
        fb_due = feedback_due(case.received_on, policy)
        rows.append(
            {
                "case": case,
                "ack_due": ack_due,
                "feedback_due": fb_due,
                "remind_ack": reminder_due(
                    ack_due, case.acknowledged_on, as_of, policy
                ),
                "remind_feedback": reminder_due(fb_due, case.closed_on, as_of, policy),
            }
        )
    return rows


def get_case_for(user: User, company: Company, case_id: str) -> Case:
    case = cases_for(user, company).filter(pk=case_id[:16]).first()
    if case is None:
        raise Http404("Not found.")
    return case


def statistics_for(user: User, company: Company, as_of: date) -> dict[str, Any]:
    """Counts over the cases the viewer holds (and held, if shredded), suppressed."""
    tag = conf.holder_tag(user.pk)
    cases = list(cases_for(user, company))
    deleted = [
        d
        for d in DeletionRecord.objects.filter(company=company)
        if tag in d.viewer_tags
    ]
    by_quarter: dict[tuple[str, str], int] = {}
    by_status: dict[tuple[str, str], int] = {}
    by_age: dict[tuple[str, str], int] = {}
    ack_days: list[int] = []
    close_days: list[int] = []
    for case in cases:
        q = quarter_of(case.received_on)
        by_quarter[(q, case.category)] = by_quarter.get((q, case.category), 0) + 1
        by_status[("all", case.status)] = by_status.get(("all", case.status), 0) + 1
        if case.closed_on is None:
            bucket = age_bucket(case.received_on, as_of)
            by_age[("open", bucket)] = by_age.get(("open", bucket), 0) + 1
        if case.acknowledged_on:
            ack_days.append((case.acknowledged_on - case.received_on).days)
        if case.closed_on:
            close_days.append((case.closed_on - case.received_on).days)
    for d in deleted:
        key = (d.received_quarter, d.category)
        by_quarter[key] = by_quarter.get(key, 0) + 1
        by_status[("all", "deleted")] = by_status.get(("all", "deleted"), 0) + 1
        if d.acknowledged_days is not None:
            ack_days.append(d.acknowledged_days)
        if d.closed_days is not None:
            close_days.append(d.closed_days)
    quarters = sorted({q for q, _ in by_quarter})
    statuses = [*Status.values, "deleted"]
    buckets = [label for _, label in AGE_BUCKETS] + [OLDEST_BUCKET]
    tables: dict[str, Table] = {
        "quarter": suppress(by_quarter, quarters, Category.values),
        "status": suppress(by_status, ["all"], statuses),
        "age": suppress(by_age, ["open"], buckets),
    }
    return {
        "tables": {name: display(table) for name, table in tables.items()},
        "chart": chart(tables["quarter"]),
        "channel": "web",
        "median_ack_days": suppressed_median(ack_days),
        "median_close_days": suppressed_median(close_days),
    }


def display(table: Table) -> dict[str, Any]:
    """Rows of cells for a template, totals last; ``None`` is a suppressed value."""
    cols = [*table.cols, TOTAL]
    rows = [(r, [table.values[(r, c)] for c in cols]) for r in (*table.rows, TOTAL)]
    return {"cols": cols, "rows": rows}


def chart(table: Table) -> list[dict[str, Any]]:
    """Bars of the quarterly totals (suppressed totals draw no bar)."""
    values = [(r, table.values[(r, TOTAL)]) for r in table.rows]
    top = max((v for _, v in values if v is not None), default=0) or 1
    return [
        {
            "label": r,
            "value": v,
            "width": 0 if v is None else round(300 * v / top),
            "y": 24 * i,
        }
        for i, (r, v) in enumerate(values)
    ]
