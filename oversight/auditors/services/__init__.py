"""Every change to the auditor's register: one function per decision, atomic, on the ledger.

Business rules are checked here (and in ``oversight.rules.auditor``) and refused with a
``ValidationError`` that says why; nothing is half-saved.
"""

from __future__ import annotations

from oversight.auditors.services.communications import (
    act_on_independence,
    record_communication,
    review_communication,
)
from oversight.auditors.services.engagements import (
    TERMINATION_STEPS,
    add_partner,
    answer_evaluation,
    complete_step,
    create_engagement,
    create_firm,
    record_audit_completion,
    record_evaluation_result,
    record_hire,
    record_ratification,
    terminate_engagement,
)
from oversight.auditors.services.policy import (
    add_policy_item,
    adopt_policy,
    adopt_policy_by_motion,
    draft_policy,
    policy_hash,
    policy_in_force,
)
from oversight.auditors.services.requests import (
    REQUEST_FIELDS,
    STEP_FIELDS,
    approve_de_minimis,
    approve_request,
    mark_reported,
    record_fee,
    record_steps,
    refuse_request,
    screen,
    submit_request,
)

__all__ = [
    "REQUEST_FIELDS",
    "STEP_FIELDS",
    "TERMINATION_STEPS",
    "act_on_independence",
    "add_partner",
    "add_policy_item",
    "adopt_policy",
    "adopt_policy_by_motion",
    "answer_evaluation",
    "approve_de_minimis",
    "approve_request",
    "complete_step",
    "create_engagement",
    "create_firm",
    "draft_policy",
    "mark_reported",
    "policy_hash",
    "policy_in_force",
    "record_audit_completion",
    "record_communication",
    "record_evaluation_result",
    "record_fee",
    "record_hire",
    "record_ratification",
    "record_steps",
    "refuse_request",
    "review_communication",
    "screen",
    "submit_request",
    "terminate_engagement",
]
