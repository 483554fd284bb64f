"""The demo company's year: its charter and recorded evidence, loaded idempotently."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command

from oversight.accounts.models import Company
from oversight.charters.models import CharterVersion
from oversight.compliance import queries
from oversight.compliance.models import Evidence
from oversight.rules.core import Status

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 11, 20, 18, 0, tzinfo=UTC), tick=False)
def test_demo_shows_a_true_picture_and_runs_twice_without_duplicates():
    call_command("demo", "--quiet")
    company = Company.objects.get(slug="one-stop-systems")
    counts = (CharterVersion.objects.count(), Evidence.objects.count())
    call_command("demo", "--quiet")
    assert (CharterVersion.objects.count(), Evidence.objects.count()) == counts
    version = CharterVersion.objects.get(company=company)
    assert version.approved_by_board_on == version.adopted_on
    board = queries.dashboard_for(company, as_of=date(2026, 11, 20))
    assert board is not None
    statuses = {r.rule_id: r.status for r in board.evaluation.results}
    assert statuses["AC-MTG-01"] is Status.MET
    assert statuses["OSS-AUD-01"] is Status.MET
    assert statuses["AC-CHR-02"] is Status.DUE_SOON  # left for the year's last weeks
    # The one thing the demo year gets wrong on purpose: a fee above its approved cap,
    # which the auditor register raises as an independence alert.
    assert [rule for rule, status in statuses.items() if status is Status.MISSED] == [
        "AC-PRE-01"
    ]
    assert [(year, r.rule_id) for year, r in board.overdue] == [(2026, "AC-PRE-01")]
    assert "above the approved" in board.evaluation.result("AC-PRE-01").message
    # what was known on 20 Nov 2025 already showed that year's four meetings
    earlier = queries.context_for(
        company, as_of=date(2025, 11, 20), known_at=datetime(2025, 11, 20, tzinfo=UTC)
    )
    assert earlier is not None
    assert earlier.evaluate().result("AC-MTG-01").status is Status.MET
