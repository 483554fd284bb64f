"""The frame in a real browser: sign in with the second factor, the dashboard, switching company.

Every page visited is checked with axe: no serious or critical violation.
"""

from __future__ import annotations

from datetime import date

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.models import Role
from oversight.accounts.services import assign_role
from oversight.testing import PASSWORD
from oversight.tests.browser.harness import axe_check, format_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key):06d}"


def _accessible(page) -> None:
    violations = axe_check(page)
    assert violations == [], format_violations(violations)


def sign_in(page, base: str, user) -> None:
    page.goto(base + "/")
    page.wait_for_url("**/accounts/sign-in/**")
    _accessible(page)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/verify/**")
    _accessible(page)
    page.get_by_label("Code from your authenticator app").fill(_code(user))
    page.get_by_role("button", name="Verify").click()


def test_sign_in_with_mfa_reach_the_dashboard_and_switch_company(
    live_server, page, personas, company, other_company
) -> None:
    ada = personas["ada"]
    assign_role(
        ada,
        actor=None,
        company=other_company,
        role=Role.MEMBER,
        starts_on=date(2020, 1, 1),
    )
    sign_in(page, live_server.url, ada)
    page.wait_for_url(live_server.url + "/")
    # Choose One Stop Systems explicitly, then switch to Northwind.
    page.get_by_label("Company", exact=True).select_option(
        label="One Stop Systems, Inc."
    )
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "One Stop Systems, Inc."
    _accessible(page)
    screenshot(page, "dashboard")
    page.get_by_label("Company", exact=True).select_option(
        label="Northwind Analytics, Inc."
    )
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Northwind Analytics, Inc."
    )
    assert "You are now working in Northwind Analytics, Inc." in page.content()


@pytest.mark.parametrize(
    ("who", "path", "heading"),
    [
        ("ada", "/ledger/", "Ledger"),
        ("ivy", "/accounts/people/", "People and roles"),
        ("ben", "/accounts/security/", "Security"),
        ("cleo", "/accounts/tokens/", "API tokens"),
        ("ada", "/no-such-page/", "Not found"),
        ("ben", "/ledger/", "You cannot do this here"),
    ],
)
def test_frame_pages_are_accessible(
    live_server, page, personas, company, who, path, heading
) -> None:
    sign_in(page, live_server.url, personas[who])
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + path)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    _accessible(page)
    screenshot(page, f"{who}-{path.strip('/').replace('/', '-') or 'home'}")


def test_a_wrong_code_is_refused_in_the_browser(live_server, page, personas) -> None:
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Email").fill("ben@oss.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/verify/**")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Verify").click()
    assert page.get_by_text("That code is not valid.").is_visible()
    _accessible(page)
