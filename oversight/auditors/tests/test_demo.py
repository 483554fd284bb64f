"""The demo register: built through the services, idempotent, and showing every state."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from oversight.auditors import demo, queries
from oversight.auditors import models as m
from oversight.auditors.facts import collect_facts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [date(2026, 11, 21), date(2027, 2, 10)])
def test_demo_is_idempotent_and_complete(company, personas, today):
    demo.populate(company, personas, today=today)
    counts = [
        model.objects.count()
        for model in (m.Engagement, m.Fee, m.ServiceRequest, m.Approval)
    ]
    demo.populate(company, personas, today=today)
    assert [
        model.objects.count()
        for model in (m.Engagement, m.Fee, m.ServiceRequest, m.Approval)
    ] == counts
    statuses = set(m.ServiceRequest.objects.values_list("status", flat=True))
    assert statuses == {"approved", "blocked", "open"}
    assert queries.to_report(company, as_of=today)
    assert any(
        a.rule_id == "AC-PRE-06" for a in queries.open_alerts(company, as_of=today)
    )
    kinds = {f.kind for f in collect_facts(company, as_of=today)}
    assert {
        "auditor.appointed",
        "auditor.policy_adopted",
        "auditor.service_approved",
    } <= kinds


def test_demo_pages_render(company, personas, client_for):
    demo.populate(company, personas, today=date(2026, 11, 21))
    client = client_for("ada")
    for name in (
        "auditors:overview",
        "auditors:requests",
        "auditors:fee-table",
        "auditors:hires",
        "auditors:next-meeting",
    ):
        assert client.get(reverse(name)).status_code == 200
    engagement = m.Engagement.objects.order_by("-fiscal_year").first()
    assert engagement is not None
    page = client.get(
        reverse("auditors:engagement", args=[engagement.pk])
    ).content.decode()
    assert "Dev Auditwright" in page
