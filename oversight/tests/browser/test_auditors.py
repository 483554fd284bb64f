"""The auditor register in a real browser: management asks for a service, the chair approves
it as delegate, the approval appears for the next meeting, and its fee in the proxy table.

Every page visited is checked with axe: no serious or critical violation.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from oversight.accounts.queries import company_today
from oversight.auditors.tests.conftest import build_register
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


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_request_approved_by_delegate_reaches_the_next_meeting_and_the_fee_table(
    live_server, page, personas, company
) -> None:
    register = build_register(company, personas)
    today = company_today(company)
    base = live_server.url
    description = "Agreed-upon procedures on royalty reports from licensees"

    # Management asks for the service.
    sign_in(page, base, personas["cleo"].email)
    page.goto(base + "/auditors/requests/new/")
    _accessible(page)
    page.get_by_label("Engagement").select_option(label=str(register.engagement))
    page.get_by_label("Description").fill(description)
    page.locator("#id_category").select_option(label="Audit-related")
    page.get_by_label("Fee estimate").fill("12000")
    page.get_by_label("Requested on").fill(today.isoformat())
    page.get_by_label("Service starts on").fill(
        (today + timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/auditors/requests/*/")
    assert page.locator("#request-status").inner_text() == "Open"
    assert "needs_specific_approval" in page.content()
    _accessible(page)
    request_url = page.url
    _sign_out(page)

    # The chair, a delegate under the policy, approves it.
    sign_in(page, base, personas["ada"].email)
    page.goto(request_url)
    page.get_by_label("Kind").select_option("delegate")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(request_url)
    assert page.locator("#request-status").inner_text() == "Approved"
    assert "to be reported at the next meeting" in page.content()

    # It is listed, by itself, for the next meeting.
    page.goto(base + "/auditors/next-meeting/")
    _accessible(page)
    assert description in page.locator("#agenda-items").inner_text()
    screenshot(page, "auditors-next-meeting")
    _sign_out(page)

    # The secretary records the firm's invoice under the approval; the fee table shows it.
    sign_in(page, base, personas["fay"].email)
    page.goto(f"{base}/auditors/engagements/{register.engagement.pk}/")
    page.get_by_text("Record a fee").click()
    form = page.locator("form[action$='/fees/']")
    form.locator("#id_category").select_option(label="Audit-related")
    form.locator("#id_amount").fill("12000")
    form.locator("#id_description").fill(description)
    form.locator("#id_approval").select_option(
        label=f"By a delegated member: {description}"
    )
    form.get_by_role("button", name="Record fee").click()
    page.wait_for_load_state()
    assert "Fee recorded." in page.content()
    page.goto(f"{base}/auditors/fee-table/?year={register.engagement.fiscal_year}")
    _accessible(page)
    row = page.get_by_role("row", name="Audit-Related Fees")
    assert "$12,000" in row.inner_text()
    screenshot(page, "auditors-fee-table")

    # The independence dashboard and the engagement page pass axe too.
    page.goto(base + "/auditors/")
    _accessible(page)
    assert page.locator("figure.chart svg").count() == 1
    screenshot(page, "auditors-dashboard")
    page.goto(f"{base}/auditors/engagements/{register.engagement.pk}/")
    _accessible(page)


def test_every_auditor_page_passes_axe_with_the_demo_register(
    live_server, page, personas, company
) -> None:
    from oversight.auditors import demo
    from oversight.auditors import models as m

    today = company_today(company)
    demo.populate(company, personas, today=today)
    draft = m.Policy.objects.create(
        company=company, version=99
    )  # an empty draft shows its forms
    engagement = m.Engagement.objects.order_by("-fiscal_year").first()
    request_row = m.ServiceRequest.objects.filter(status="open").first()
    assert engagement is not None
    assert request_row is not None
    sign_in(page, live_server.url, personas["ada"].email)
    for path in (
        "/auditors/",
        f"/auditors/engagements/{engagement.pk}/",
        f"/auditors/engagements/{engagement.pk}/evaluation/",
        f"/auditors/engagements/{engagement.pk}/terminate/",
        f"/auditors/engagements/{engagement.pk}/de-minimis/",
        "/auditors/engagements/new/",
        "/auditors/policies/",
        f"/auditors/policies/{draft.pk}/",
        "/auditors/requests/",
        f"/auditors/requests/{request_row.pk}/",
        "/auditors/next-meeting/",
        "/auditors/hires/",
        "/auditors/fee-table/",
    ):
        page.goto(live_server.url + path)
        assert page.get_by_role("heading", level=1).count() == 1, path
        _accessible(page)
