"""A director answers the questionnaire, and the chair tries a what-if, in a real browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from oversight.committee import models as m
from oversight.tests.browser.harness import (
    CHROMIUM,
    axe_check,
    format_violations,
    guarded_page,
    launch_chromium,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/bootstrap.sh browser")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # the ORM is used beside Playwright's loop
    )
    manager = sync_playwright().start()
    browser = launch_chromium(manager)
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def signed_in(chromium, client_for, live_server) -> Any:
    """``signed_in("ben")``: a guarded page whose session has passed the second factor."""
    opened: list[Any] = []

    def make(name: str) -> Any:
        block = guarded_page(chromium, base_url=live_server.url)
        page, _guard = block.__enter__()
        opened.append(block)
        session = client_for(name).cookies["sessionid"].value
        page.context.add_cookies(
            [{"name": "sessionid", "value": session, "url": live_server.url}]
        )
        return page

    yield make
    for block in opened:
        block.__exit__(None, None, None)  # checks foreign requests, CSP and page errors


def test_a_director_answers_the_questionnaire(signed_in, committee, director) -> None:
    page = signed_in("ben")
    page.goto("/committee/questionnaires/")
    page.get_by_role("link", name="Answer").click()
    assert not (found := axe_check(page)), format_violations(found)
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
    signed_in, committee, today
) -> None:
    seats = m.Membership.objects.count()
    page = signed_in("ada")
    page.goto("/committee/what-if/")
    page.get_by_label("Change").select_option("resign")
    page.get_by_label("Director").select_option(label="Ben Member")
    page.locator("#id_on").fill((today + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Evaluate").click()
    result = page.locator("#whatif-result")
    result.get_by_text("Ben Member resigns").wait_for()
    assert "Compliant within a cure period" in result.inner_text()
    assert page.url.endswith("/committee/what-if/")  # swapped in place by HTMX
    assert not (found := axe_check(page)), format_violations(found)
    assert m.Membership.objects.count() == seats


def test_the_register_pages_are_accessible(signed_in, committee, director) -> None:
    page = signed_in("fay")
    for path in (
        "/committee/",
        "/committee/timeline/",
        f"/committee/directors/{director('Ben').pk}/",
        "/committee/register/",
        "/committee/disclosure/",
        "/committee/questionnaires/",
        f"/committee/directors/{director('Hal').pk}/determination/",
    ):
        page.goto(path)
        assert not (found := axe_check(page)), f"{path}: {format_violations(found)}"
