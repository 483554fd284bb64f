"""AC-WB-01: the complaint procedures exist, are open, and are followed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from oversight.rules.core import Evidence, Fact, Result, Status

RULE_ID = "AC-WB-01"
LOOKBACK = timedelta(days=365)
REGISTER = "complaints:register"

PUBLISHED = "complaints.procedures_published"
ACKNOWLEDGED = "complaints.case_acknowledged"
TREATED = "complaints.case_treated"
RETENTION = "complaints.retention_applied"
OVERDUE = "complaints.case_overdue"


def _holds(fact: Fact, as_of: date) -> bool:
    return fact.occurred_on <= as_of and (fact.until is None or as_of <= fact.until)


def check_complaint_procedures(facts: Iterable[Fact], as_of: date) -> Result:
    """Charter, Responsibilities 5: "Establish procedures for the Company's confidential
    and anonymous receipt, retention and treatment of complaints regarding the
    Company's accounting, internal controls and auditing matters, as well as for the
    confidential, anonymous submissions by Company employees of concerns regarding
    questionable accounting or auditing matters." (Exchange Act 10A(m)(4); Rule
    10A-3(b)(3); Nasdaq 5605(c)(3).)

    Met when a published procedure is open on ``as_of``, no complaint is past its
    acknowledgement or feedback deadline, and over the past year none was
    acknowledged or treated late and retention was applied on time. The message
    never counts cases or dates them: the result is seen by directors a report may
    be hidden from.
    """
    relevant = [f for f in facts if f.occurred_on <= as_of]
    published = [f for f in relevant if f.kind == PUBLISHED and _holds(f, as_of)]
    if not published:
        return Result(
            RULE_ID,
            Status.MISSED,
            f"No published, open complaint procedure as of {as_of}: employees have "
            "no confidential, anonymous channel the committee established.",
        )
    since = as_of - LOOKBACK
    problems: list[str] = []
    checks = (
        (OVERDUE, True, "a complaint is past its acknowledgement or feedback deadline"),
        (ACKNOWLEDGED, False, "a complaint was acknowledged after its deadline"),
        (TREATED, False, "a complaint was closed after its feedback deadline"),
        (RETENTION, False, "a closed complaint was kept past its retention period"),
    )
    for kind, is_state, words in checks:
        if is_state:
            hit = any(f.kind == kind and _holds(f, as_of) for f in relevant)
        else:
            attr = "overdue" if kind == RETENTION else "late"
            hit = any(
                f.kind == kind and f.occurred_on > since and f.attrs.get(attr) is True
                for f in relevant
            )
        if hit:
            problems.append(words)
    procedure = min(published, key=lambda f: f.occurred_on)
    evidence: tuple[Evidence, ...] = (procedure.as_evidence(),)
    if problems:
        evidence += tuple(Evidence(ref=REGISTER, summary=p) for p in problems)
        return Result(
            RULE_ID,
            Status.MISSED,
            "The complaint procedure is published, but it was not followed: "
            + "; ".join(problems)
            + ".",
            evidence,
        )
    return Result(
        RULE_ID,
        Status.MET,
        f"A complaint procedure has been published and open since "
        f"{procedure.occurred_on}; over the past year every complaint was "
        "acknowledged and treated within the procedure's deadlines and retention "
        "was applied on time.",
        evidence,
    )
