"""The catalogue of fact kinds: the words the registers and the charter engine share.

A register's ``facts`` adapter emits facts of these kinds from its structured records;
until a register exists, a person with the right role records evidence of the same
kind by hand. The charter engine's checks consume them by name. Add a kind here, with
its description, before emitting or consuming it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    """A fact kind: its name, what it means, and whether it is an event or a state."""

    name: str
    description: str
    state: bool = (
        False  # a state holds from occurred_on to until; an event happens once
    )
    register: str = ""  # the app whose records supply it ("" = recorded evidence only)


KINDS: tuple[Kind, ...] = (
    # Meetings (register: meetings)
    Kind(
        "meeting.held",
        "A committee meeting was held with a quorum.",
        register="meetings",
    ),
    Kind(
        "session.management",
        "Executive session held with management.",
        register="meetings",
    ),
    Kind(
        "session.internal_audit",
        "Executive session held with the internal auditor.",
        register="meetings",
    ),
    Kind(
        "session.auditor",
        "Executive session held with the independent auditor.",
        register="meetings",
    ),
    Kind(
        "session.members_only",
        "Executive session of members only.",
        register="meetings",
    ),
    Kind(
        "board.report_delivered",
        "The committee reported to the board.",
        register="meetings",
    ),
    Kind(
        "minutes.approved", "Minutes of a meeting were approved.", register="meetings"
    ),
    # Composition (register: committee); states with attrs ok: bool, cure_deadline: ISO date or None
    Kind(
        "composition.size",
        "The committee has enough members.",
        state=True,
        register="committee",
    ),
    Kind(
        "composition.independence",
        "Every member is independent.",
        state=True,
        register="committee",
    ),
    Kind(
        "composition.literacy",
        "Every member can read financial statements.",
        state=True,
        register="committee",
    ),
    Kind(
        "composition.expertise",
        "At least one member has financial expertise.",
        state=True,
        register="committee",
    ),
    # Independent auditor (register: auditors)
    Kind(
        "auditor.appointed",
        "The committee selected or retained the auditor for a fiscal year.",
        register="auditors",
    ),
    Kind(
        "auditor.ratified",
        "Stockholders voted on ratifying the auditor.",
        register="auditors",
    ),
    Kind(
        "auditor.evaluated", "The committee evaluated the auditor.", register="auditors"
    ),
    Kind(
        "auditor.compensation_approved",
        "The committee set the auditor's fees.",
        register="auditors",
    ),
    Kind(
        "auditor.terminated",
        "The committee terminated the auditor.",
        register="auditors",
    ),
    Kind(
        "auditor.policy_adopted",
        "A pre-approval policy was adopted.",
        register="auditors",
    ),
    Kind(
        "auditor.service_approved",
        "An auditor service was pre-approved.",
        register="auditors",
    ),
    Kind(
        "auditor.service_unapproved",
        "An auditor service or fee had no valid pre-approval.",
        register="auditors",
    ),
    Kind(
        "auditor.qc_report_reviewed",
        "The auditor's quality-control report was received and reviewed.",
        register="auditors",
    ),
    Kind(
        "auditor.independence_discussed",
        "The written independence communication was received and discussed.",
        register="auditors",
    ),
    Kind(
        "auditor.required_reports_received",
        "Other required reports from the auditor were received.",
        register="auditors",
    ),
    Kind(
        "auditor.independence_action",
        "Action taken or recommended to oversee the auditor's independence.",
        register="auditors",
    ),
    # Reviews and findings (registers to come)
    Kind("audit.plan_reviewed", "The audit scope and plan were reviewed."),
    Kind(
        "fs.annual_reviewed",
        "The annual financial statements were reviewed with management and the auditor.",
    ),
    Kind(
        "findings.reviewed", "Significant audit findings and remediation were reviewed."
    ),
    Kind(
        "findings.remediation_followed_up",
        "Compliance with remediation steps was reviewed.",
    ),
    # Complaints (register: complaints)
    Kind(
        "complaints.procedures_published",
        "Complaint procedures are published and open.",
        state=True,
        register="complaints",
    ),
    Kind(
        "complaints.case_acknowledged",
        "A complaint was acknowledged (attrs: late: bool).",
        register="complaints",
    ),
    Kind(
        "complaints.case_treated",
        "A complaint was closed with treatment (attrs: late: bool).",
        register="complaints",
    ),
    Kind(
        "complaints.retention_applied",
        "A closed complaint was kept or destroyed per retention (attrs: overdue: bool).",
        register="complaints",
    ),
    Kind(
        "complaints.case_overdue",
        "A complaint is past its acknowledgement or feedback deadline without it.",
        state=True,
        register="complaints",
    ),
    # Advisors, evaluations, charter (registers to come)
    Kind("advisors.engaged", "The committee engaged counsel or an advisor."),
    Kind(
        "advisors.funding_confirmed",
        "Funding for the committee's advisors and expenses was confirmed.",
    ),
    Kind(
        "evaluation.self_completed",
        "The committee completed its annual self-evaluation.",
    ),
    Kind("charter.reviewed", "The committee reviewed the adequacy of its charter."),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
