"""The independent auditor's register: firms, engagements, partners, fees, pre-approval.

Rows hold what happened; the rules in ``oversight.rules.auditor`` decide what it means.
Adopted policies are frozen (their content hash goes into the ledger).
"""

from __future__ import annotations

from oversight.auditors.models.communications import Communication, IndependenceAction
from oversight.auditors.models.engagements import (
    QUESTIONS,
    Engagement,
    Evaluation,
    EvaluationAnswer,
    Firm,
    Hire,
    PartnerAssignment,
    Ratification,
    Termination,
    TerminationStep,
)
from oversight.auditors.models.preapproval import (
    NATURE_CHOICES,
    Approval,
    Fee,
    FeeCategory,
    Policy,
    PolicyItem,
    ServiceRequest,
)

__all__ = [
    "NATURE_CHOICES",
    "QUESTIONS",
    "Approval",
    "Communication",
    "Engagement",
    "Evaluation",
    "EvaluationAnswer",
    "Fee",
    "FeeCategory",
    "Firm",
    "Hire",
    "IndependenceAction",
    "PartnerAssignment",
    "Policy",
    "PolicyItem",
    "Ratification",
    "ServiceRequest",
    "Termination",
    "TerminationStep",
]
