"""The demo company's recorded evidence: last fiscal year in full and this one so far.

Four quarterly meetings a year, each covering its share of the charter's duties, as a
committee secretary would record them until the registers supply their own records.
This year's review of the charter is left for the year's last weeks, so the dashboard
shows something due.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.accounts.queries import company_today
from oversight.compliance import services
from oversight.compliance.facts import calendar_for
from oversight.compliance.models import Evidence
from oversight.rules.charter.calendar import add_months

# (months after the year's start, kinds recorded at that quarter's meeting)
MEETINGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            "fs.annual_reviewed",
            "auditor.required_reports_received",
            "session.auditor",
            "session.management",
        ),
    ),
    (
        4,
        (
            "auditor.appointed",
            "auditor.compensation_approved",
            "auditor.evaluated",
            "audit.plan_reviewed",
            "session.internal_audit",
            "findings.reviewed",
            "findings.remediation_followed_up",
            "auditor.service_approved",
        ),
    ),
    (
        7,
        (
            "auditor.qc_report_reviewed",
            "auditor.independence_discussed",
            "findings.remediation_followed_up",
            "advisors.funding_confirmed",
            "auditor.policy_adopted",
        ),
    ),
    (10, ("evaluation.self_completed", "charter.reviewed", "session.auditor")),
)
STATES = (
    "composition.size",
    "composition.independence",
    "composition.literacy",
    "composition.expertise",
    "complaints.procedures_published",
)


def _record(
    company: Company,
    actor: User,
    kind: str,
    on: date,
    *,
    meeting: str = "",
    note: str = "",
) -> None:
    if Evidence.objects.filter(company=company, kind=kind, occurred_on=on).exists():
        return
    row = services.record_evidence(
        company, actor=actor, kind=kind, occurred_on=on, meeting=meeting, note=note
    )
    entered = datetime.combine(on + timedelta(days=2), time(17), tzinfo=UTC)
    Evidence.objects.filter(pk=row.pk).update(recorded_at=min(entered, timezone.now()))


def populate(company: Company, personas: dict[str, User], *, today: date) -> None:
    fay = personas["fay"]
    today = min(today, company_today(company))
    calendar = calendar_for(company)
    current = calendar.fiscal_year(today)
    for kind in STATES:
        _record(
            company,
            fay,
            kind,
            calendar.year_start(current - 1),
            note="Recorded from the board's annual determinations.",
        )
    for year in (current - 1, current):
        start = calendar.year_start(year)
        for months, kinds in MEETINGS:
            day = add_months(start, months) + timedelta(days=11)
            if day > today:
                break
            name = f"Committee meeting {day.isoformat()}"
            _record(
                company,
                fay,
                "meeting.held",
                day,
                meeting=name,
                note="Quorum present; minutes on file.",
            )
            report = day + timedelta(days=9)
            if report <= today:
                _record(
                    company,
                    personas["ada"],
                    "board.report_delivered",
                    report,
                    meeting=name,
                    note="The chair reported the committee's activities to the board.",
                )
            for kind in kinds:
                if year == current and kind == "charter.reviewed":
                    continue  # left for the year's last weeks
                _record(company, fay, kind, day, meeting=name)
            if months == 4 and day + timedelta(days=20) <= today:
                _record(
                    company,
                    fay,
                    "auditor.ratified",
                    day + timedelta(days=20),
                    note="The annual meeting of stockholders ratified the auditor.",
                )
