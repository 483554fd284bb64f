"""The charter and its evaluation in a real browser, on the demo company's year.

Every page is checked with axe (no serious or critical violation); a charter file with
a mistake is refused in the page with its line number; the planner answers a what-if.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from oversight.charters.models import CharterVersion
from oversight.tests.browser.harness import (
    axe_check,
    format_violations,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _accessible(page) -> None:
    violations = axe_check(page)
    assert violations == [], format_violations(violations)


def test_the_charter_pages_on_the_demo_year(live_server, page) -> None:
    call_command("demo", "--quiet")
    version = CharterVersion.objects.get(company__slug="one-stop-systems")
    sign_in(page, live_server.url, "ada@oss.example")
    assert page.get_by_role("heading", name="The charter, today").is_visible()
    _accessible(page)
    for path in (
        "/compliance/",
        "/compliance/obligations/AC-MTG-02/",
        "/compliance/evidence/",
        "/compliance/planner/",
        "/compliance/runs/",
        "/charters/",
        f"/charters/{version.pk}/",
        f"/charters/{version.pk}/coverage/",
        "/charters/import/",
    ):
        page.goto(live_server.url + path)
        assert page.get_by_role("heading", level=1).count() == 1, path
        _accessible(page)
    page.goto(live_server.url + f"/charters/{version.pk}/coverage/")
    assert "100" in page.content()
    page.goto(live_server.url + "/compliance/")
    screenshot(page, "compliance-dashboard")


def test_a_charter_file_with_a_mistake_is_refused_with_its_line(
    live_server, page
) -> None:
    call_command("demo", "--quiet")
    sign_in(page, live_server.url, "fay@oss.example")
    page.goto(live_server.url + "/charters/import/")
    before = CharterVersion.objects.count()
    bad = 'format_version = 1\n[company]\nname = "Example"\n[[obligations]]\nid = "X-1"\ncadence = { type = "fortnightly" }\n'
    page.get_by_label("Or paste the file").fill(bad)
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert "line" in page.content().lower()
    assert CharterVersion.objects.count() == before
    _accessible(page)
