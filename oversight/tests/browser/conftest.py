"""Fixtures for the browser tests (Playwright driving Debian's Chromium).

Every test in this directory, and every test anywhere that uses the
``browser`` or ``page`` fixture, is marked ``browser``: ``make test`` leaves
them out (``-m "not browser"``) and ``make browser-test`` runs only them.

- ``browser`` (session): one Chromium for the whole run. Without
  ``/usr/bin/chromium`` the tests are skipped with the reason, except under
  CI, where that is a failure (``scripts/bootstrap.sh browser`` installs it).
- ``page``: a page in a fresh context; the test fails if the page requested
  anything from a host other than 127.0.0.1/localhost, broke the Content
  Security Policy or threw an uncaught JavaScript error (see ``harness``).

Against the app, use pytest-django's ``live_server`` fixture:
``page.goto(live_server.url + "/accounts/login/")``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from oversight.tests.browser.harness import (
    CHROMIUM,
    guarded_page,
    in_ci,
    launch_chromium,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

HERE = Path(__file__).resolve().parent
BROWSER_FIXTURES = frozenset({"browser", "page"})


@pytest.hookimpl(tryfirst=True)  # before -m deselects anything
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.path.is_relative_to(HERE) or fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: run scripts/bootstrap.sh browser"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in the main thread,
    # so Django would refuse ORM calls from the test body ("You cannot call
    # this from an async context"). The tests are synchronous; say so for as
    # long as the browser session lasts.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    chromium = launch_chromium(_playwright)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with guarded_page(browser) as (new_page, _guard):
        yield new_page
