"""The demo company's auditor: a fictional firm, five years of engagements, two years of fees
and a year of service requests. Built through the services; idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from oversight.accounts.models import Company, User
from oversight.auditors import convert, services
from oversight.auditors import models as m

FIRM_ID = "4242"
D = Decimal
TAX_STEPS = {name: True for name in services.STEP_FIELDS if name.startswith("tax_")}
ICFR_STEPS = {name: True for name in services.STEP_FIELDS if name.startswith("icfr_")}


def populate(company: Company, personas: dict[str, User], *, today: date) -> None:
    """Add the auditor's share of the demo year; nothing if it is already there."""
    if m.Firm.objects.filter(company=company, pcaob_id=FIRM_ID).exists():
        return
    ada, ben, cleo, fay = (personas[n] for n in ("ada", "ben", "cleo", "fay"))
    year = convert.fiscal_year_of(company, today)
    firm = services.create_firm(
        company,
        actor=fay,
        name="Auditwright & Partners LLP",
        pcaob_id=FIRM_ID,
        users=[personas["dev"]],
    )
    engagements: dict[int, m.Engagement] = {}
    for offset, fee in (
        (4, "900000"),
        (3, "960000"),
        (2, "1020000"),
        (1, "1080000"),
        (0, "1150000"),
    ):
        fy = convert.fiscal_year(company, year - offset)
        e = services.create_engagement(
            firm,
            actor=fay,
            fiscal_year=fy.year,
            starts_on=fy.starts_on,
            ends_on=None if offset == 0 else fy.ends_on,
            appointed_on=fy.starts_on - timedelta(days=50),
            appointed_at=f"Committee meeting of {fy.starts_on - timedelta(days=50):%d %B %Y}",
            scope=(
                f"Integrated audit of the FY{fy.year} consolidated financial statements and of "
                "internal control over financial reporting; reviews of the quarterly statements."
            ),
            agreed_audit_fee=D(fee),
        )
        engagements[fy.year] = e
        services.record_fee(
            e,
            actor=cleo,
            category="audit",
            amount=D(fee),
            description=f"FY{fy.year} integrated audit and quarterly reviews",
            estimated=offset == 0,
            approval=e.approvals.get(),
            rendered_on=fy.starts_on,
        )
        for person, role, first in (
            ("Dev Auditwright", "lead", 3),
            ("Kit Reviewer", "eqr", 1),
            ("Lou Partner", "other", 4),
        ):
            if offset <= first:
                services.add_partner(e, actor=fay, person=person, role=role)
    _previous_year(company, engagements[year - 1], ada, ben, cleo, fay, today)
    _current_year(company, engagements, ada, ben, cleo, fay, today)


def _previous_year(
    company: Company,
    e: m.Engagement,
    ada: User,
    ben: User,
    cleo: User,
    fay: User,
    today: date,
) -> None:
    fy = convert.fiscal_year(company, e.fiscal_year)
    vote_on = fy.starts_on + timedelta(days=40)
    for description, category, fee in (
        (
            "Audit of the employee 401(k) plan for the prior plan year",
            "audit_related",
            "38000",
        ),
        ("Review of the federal and state income tax returns", "tax", "61000"),
    ):
        row = services.submit_request(
            e,
            actor=cleo,
            description=description,
            category=category,
            fee_estimate=D(fee),
            requested_on=vote_on - timedelta(days=7),
            starts_on=vote_on + timedelta(days=14),
            is_tax=category == "tax",
        )
        if category == "tax":
            services.record_steps(row, actor=fay, **TAX_STEPS)
        approval = services.approve_request(
            row,
            actor=ada,
            kind="committee",
            approved_on=vote_on,
            meeting=f"Committee meeting of {vote_on:%d %B %Y}",
        )
        services.record_fee(
            e,
            actor=cleo,
            category=category,
            amount=D(fee),
            description=description,
            approval=approval,
            rendered_on=vote_on + timedelta(days=30),
        )
    found = min(fy.ends_on + timedelta(days=20), today)
    approval = services.approve_de_minimis(
        e,
        actor=ada,
        description="Online accounting research tool, found without pre-approval",
        category="all_other",
        amount=D("1000"),
        not_recognised_at_engagement=True,
        brought_to_committee_on=found,
        approved_on=found,
        meeting=f"Committee meeting of {found:%d %B %Y}",
    )
    services.record_fee(
        e,
        actor=cleo,
        category="all_other",
        amount=D("1000"),
        description="Online accounting research tool",
        de_minimis=True,
        approval=approval,
        rendered_on=fy.starts_on + timedelta(days=100),
    )
    services.record_audit_completion(
        e, actor=fay, completed_on=min(fy.ends_on + timedelta(days=55), today)
    )
    for kind, title, received, affirmation in (
        (
            "qc_report",
            "Firm quality-control and PCAOB inspection report",
            fy.starts_on + timedelta(days=110),
            "",
        ),
        (
            "independence_annual",
            "Rule 3526(b) independence letter",
            fy.ends_on - timedelta(days=45),
            "independent",
        ),
    ):
        comm = services.record_communication(
            e,
            actor=fay,
            kind=kind,
            title=title,
            received_on=received,
            affirmation=affirmation,
        )
        services.review_communication(
            comm,
            actor=fay,
            reviewed_on=received + timedelta(days=10),
            reviewed_at="Committee meeting",
        )
    answers = {code: (4, "") for code, _ in m.QUESTIONS}
    services.answer_evaluation(e, actor=ada, answers=answers)
    services.answer_evaluation(
        e, actor=ben, answers={**answers, "fees": (3, "Tax fees rose.")}
    )
    services.record_evaluation_result(
        e,
        actor=ada,
        result="retain",
        summary="The committee recommends retaining the firm.",
        recorded_on=fy.ends_on - timedelta(days=55),
    )


def _current_year(
    company: Company,
    engagements: dict[int, m.Engagement],
    ada: User,
    ben: User,
    cleo: User,
    fay: User,
    today: date,
) -> None:
    year = convert.fiscal_year_of(company, today)
    current = engagements[year]
    m0, m1, m2 = (today - timedelta(days=d) for d in (290, 200, 110))

    def engagement_for(day: date) -> m.Engagement:
        return engagements.get(convert.fiscal_year_of(company, day), current)

    policy = services.draft_policy(
        company,
        actor=fay,
        statement=(
            "The committee pre-approves the services below in general, each up to its cap and "
            "for twelve months. Any other service needs a specific approval by the committee "
            "or its chair, who reports each decision at the next meeting."
        ),
        delegates=[ada],
    )
    items = {
        code: services.add_policy_item(
            policy,
            actor=fay,
            code=code,
            service=service,
            category=cat,
            fee_cap=D(cap),
            starts_on=m0,
        )
        for code, service, cat, cap in (
            ("AR-1", "Audit of the employee 401(k) plan", "audit_related", "40000"),
            (
                "TX-1",
                "Review of the federal and state income tax returns",
                "tax",
                "60000",
            ),
            (
                "AO-1",
                "Subscription to the firm's accounting research tool",
                "all_other",
                "3000",
            ),
        )
    }
    services.adopt_policy(
        policy,
        actor=fay,
        adopted_on=m0,
        adopted_at=f"Committee meeting of {m0:%d %B %Y}",
        votes_for=3,
        votes_against=0,
    )

    def ask(
        description: str,
        category: str,
        fee: str,
        asked: date,
        lead: int = 14,
        **extra: object,
    ) -> m.ServiceRequest:
        return services.submit_request(
            engagement_for(asked + timedelta(days=lead)),
            actor=cleo,
            description=description,
            category=category,
            fee_estimate=D(fee),
            requested_on=asked,
            starts_on=asked + timedelta(days=lead),
            **extra,
        )

    plan = ask(
        "Audit of the employee 401(k) plan for the plan year",
        "audit_related",
        "32000",
        m0 + timedelta(days=10),
        policy_item=items["AR-1"],
    )
    tax = ask(
        "Review of the federal and state income tax returns",
        "tax",
        "45000",
        m0 + timedelta(days=30),
        policy_item=items["TX-1"],
        is_tax=True,
    )
    services.record_steps(tax, actor=fay, **TAX_STEPS)
    royalties = ask(
        "Agreed-upon procedures on royalty reports from licensees",
        "audit_related",
        "12000",
        m1 - timedelta(days=20),
    )
    services.approve_request(
        royalties, actor=ada, kind="delegate", approved_on=m1 - timedelta(days=18)
    )
    ask(
        "Valuation of the acquired customer relationships",
        "all_other",
        "75000",
        m1 + timedelta(days=5),
        nature="A3",
    )
    readiness = ask(
        "Readiness assessment of controls documentation at the new subsidiary",
        "all_other",
        "18000",
        m2 - timedelta(days=20),
        lead=30,
        icfr_related=True,
    )
    services.record_steps(readiness, actor=fay, **ICFR_STEPS)
    services.approve_request(
        readiness,
        actor=ben,
        kind="committee",
        approved_on=m2,
        meeting=f"Committee meeting of {m2:%d %B %Y}",
    )
    tool = ask(
        "Subscription to the firm's accounting research tool",
        "all_other",
        "2400",
        today - timedelta(days=15),
        policy_item=items["AO-1"],
    )
    comfort = ask(
        "Comfort letter and consent for the shelf registration statement",
        "audit",
        "85000",
        today - timedelta(days=10),
    )
    services.approve_request(
        comfort, actor=ada, kind="delegate", approved_on=today - timedelta(days=8)
    )
    ask(
        "Transfer pricing documentation review for the German subsidiary",
        "tax",
        "22000",
        today - timedelta(days=5),
        is_tax=True,
    )
    for row, amount, rendered in (
        (plan, "32000", m0 + timedelta(days=40)),
        (tax, "46500", m0 + timedelta(days=90)),  # above its approval: an alert
        (royalties, "12000", m1),
        (readiness, "18000", m2 + timedelta(days=20)),
        (tool, "2400", today - timedelta(days=1)),
    ):
        services.record_fee(
            row.engagement,
            actor=cleo,
            category=row.category,
            amount=D(amount),
            description=row.description,
            approval=row.approval,
            rendered_on=rendered,
        )
    qc = services.record_communication(
        current,
        actor=fay,
        kind="qc_report",
        title="Firm quality-control and PCAOB inspection report",
        received_on=m1 - timedelta(days=12),
    )
    services.review_communication(
        qc, actor=fay, reviewed_on=m1, reviewed_at=f"Committee meeting of {m1:%d %B %Y}"
    )
    services.record_communication(
        current,
        actor=fay,
        kind="required_report",
        title="Audit strategy and significant risks (AS 1301)",
        received_on=m2 - timedelta(days=5),
    )
    services.record_ratification(
        current,
        actor=fay,
        voted_on=m1 + timedelta(days=14),
        votes_for=18_450_000,
        votes_against=212_000,
        abstentions=31_000,
    )
    services.record_hire(
        current.firm,
        actor=cleo,
        person="Former audit senior",
        role_title="Assistant Controller",
        financial_reporting_oversight_role=True,
        starts_on=today - timedelta(days=60),
        prior_10k_filed_on=convert.fiscal_year(company, year).starts_on
        + timedelta(days=58),
        team_from=convert.fiscal_year(company, year - 3).starts_on,
        team_to=convert.fiscal_year(company, year - 2).starts_on,
        team_role="",
        team_hours=600,
    )
    _report_at_next_meetings(company, fay, today)


def _report_at_next_meetings(company: Company, fay: User, today: date) -> None:
    """Each general or delegate approval reported at the first meeting after it, if held."""
    committee = convert.committee(company, on=today)
    due: dict[date, list[m.Approval]] = {}
    for approval in m.Approval.objects.filter(
        company=company, reported_on__isnull=True, kind__in=["policy", "delegate"]
    ):
        meeting = committee.next_meeting_after(approval.approved_on)
        if meeting is not None and meeting <= today:
            due.setdefault(meeting, []).append(approval)
    for day, approvals in sorted(due.items()):
        services.mark_reported(
            approvals,
            actor=fay,
            reported_on=day,
            reported_at=f"Committee meeting of {day:%d %B %Y}",
        )
