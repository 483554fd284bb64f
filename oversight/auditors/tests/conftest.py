"""A register built through its services: firm, FY2025 and FY2026 engagements, a policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from oversight.auditors import models as m
from oversight.auditors import services

D = Decimal


@dataclass
class Register:
    firm: m.Firm
    previous: m.Engagement
    engagement: m.Engagement
    policy: m.Policy
    item: m.PolicyItem
    tax_item: m.PolicyItem


def build_register(company, personas) -> Register:
    ada, fay = personas["ada"], personas["fay"]
    firm = services.create_firm(
        company,
        actor=fay,
        name="Fictional & Co. LLP",
        pcaob_id="9999",
        users=[personas["dev"]],
    )
    previous = services.create_engagement(
        firm,
        actor=fay,
        fiscal_year=2025,
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        appointed_on=date(2024, 11, 12),
        appointed_at="Committee meeting of 12 November 2024",
        scope="Audit of the FY2025 consolidated financial statements and ICFR",
        agreed_audit_fee=D("1080000"),
    )
    engagement = services.create_engagement(
        firm,
        actor=fay,
        fiscal_year=2026,
        starts_on=date(2026, 1, 1),
        ends_on=None,
        appointed_on=date(2025, 11, 11),
        appointed_at="Committee meeting of 11 November 2025",
        scope="Audit of the FY2026 consolidated financial statements and ICFR",
        agreed_audit_fee=D("1150000"),
    )
    policy = services.draft_policy(
        company, actor=fay, statement="Pre-approval policy.", delegates=[ada]
    )
    item = services.add_policy_item(
        policy,
        actor=fay,
        code="AR-1",
        service="Audit of the employee 401(k) plan",
        category="audit_related",
        fee_cap=D("40000"),
        starts_on=date(2026, 1, 15),
    )
    tax_item = services.add_policy_item(
        policy,
        actor=fay,
        code="TX-1",
        service="Review of the federal income tax return",
        category="tax",
        fee_cap=D("25000"),
        starts_on=date(2026, 1, 15),
    )
    services.adopt_policy(
        policy,
        actor=fay,
        adopted_on=date(2026, 1, 15),
        adopted_at="Committee meeting of 15 January 2026",
        votes_for=3,
        votes_against=0,
    )
    return Register(firm, previous, engagement, policy, item, tax_item)


@pytest.fixture
def register(company, personas) -> Register:
    return build_register(company, personas)


def request_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "description": "Audit of the employee 401(k) plan for plan year 2025",
        "category": "audit_related",
        "nature": "",
        "fee_estimate": D("30000"),
        "requested_on": date(2026, 3, 2),
        "starts_on": date(2026, 3, 16),
        "policy_item": None,
    }
    fields.update(changes)
    return fields
