"""A director answers the questionnaire, and the chair tries a what-if, in a real browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from oversight.committee import models as m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # the ORM is used beside Playwright's loop
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"]
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def page_for(browser: Any, client_for: Any, name: str, live_server: Any) -> Any:
    session = client_for(name).cookies["sessionid"].value
    # The site sends "Referrer-Policy: no-referrer", under which the Fetch standard has
    # browsers send "Origin: null" on form POSTs; Django's CSRF check refuses that, so
    # the browser is told to send the real origin (reported to the foundation's owner).
    context = browser.new_context(
        base_url=live_server.url, extra_http_headers={"Origin": live_server.url}
    )
    context.add_cookies(
        [{"name": "sessionid", "value": session, "url": live_server.url}]
    )
    return context.new_page()


def test_a_director_answers_the_questionnaire(
    browser, client_for, live_server, committee, director
) -> None:
    page = page_for(browser, client_for, "ben", live_server)
    page.goto("/committee/questionnaires/")
    page.get_by_role("link", name="Answer").click()
    page.get_by_label("Voting power you hold in the company, %").fill("1.5")
    page.get_by_label("A Family Member to declare").fill("Bo")
    page.get_by_label("Relationship").select_option("spouse")
    page.get_by_label("My answers are true and complete").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url("**/committee/questionnaires/")
    assert "your answers are recorded" in page.content()
    ben = director("Ben")
    assert m.QuestionnaireResponse.objects.get(director=ben).submitted_at is not None
    assert m.FamilyMember.objects.get(director=ben).relationship == "spouse"
    assert str(m.ShareHolding.objects.get(director=ben).voting_pct) == "1.500"


def test_the_chair_tries_a_what_if_and_nothing_is_saved(
    browser, client_for, live_server, committee, director, today
) -> None:
    seats = m.Membership.objects.count()
    page = page_for(browser, client_for, "ada", live_server)
    page.goto("/committee/what-if/")
    page.get_by_label("Change").select_option("resign")
    page.get_by_label("Director").select_option(label="Ben Member")
    page.locator("#id_on").fill((today + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Evaluate").click()
    result = page.locator("#whatif-result")
    result.get_by_text("Ben Member resigns").wait_for()
    assert "Compliant within a cure period" in result.inner_text()
    assert page.url.endswith("/committee/what-if/")
    assert m.Membership.objects.count() == seats
