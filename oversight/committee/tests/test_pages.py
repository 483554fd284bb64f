"""Permission matrices for every page and action of the composition register.

anonymous → sign-in; eve (an outsider to One Stop Systems) → 404 on its records and her
own company's empty page elsewhere; an insider without the right → 403; the right
persona → success, the state change and exactly one new ledger event.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from oversight.committee import models as m
from oversight.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db

PAGES = [
    # (url name, needs a director pk, allowed persona, refused insider)
    ("committee:overview", False, "ben", "cleo"),
    ("committee:timeline", False, "hal", "dev"),
    ("committee:whatif", False, "ada", "hal"),
    ("committee:questionnaires", False, "fay", "gus"),
    ("committee:disclosure", False, "ben", "ivy"),
    ("committee:director", True, "fay", "cleo"),
    ("committee:determine", True, "fay", "ben"),
]


def _url(name: str, with_pk: bool, director: Any) -> str:
    return reverse(name, args=[director("Ben").pk]) if with_pk else reverse(name)


@pytest.mark.parametrize(("name", "with_pk", "allowed", "refused"), PAGES)
def test_page_matrix(name, with_pk, allowed, refused, client_for, director) -> None:
    url = _url(name, with_pk, director)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    outsider = client_for("eve").get(url)
    assert (
        outsider.status_code == (404 if with_pk else 403)
        or b"One Stop Systems" not in outsider.content
    )
    assert client_for(refused).get(url).status_code == 403
    response = client_for(allowed).get(url)
    assert response.status_code == 200
    assert b"One Stop Systems" in response.content


def test_outsider_gets_404_on_records(client_for, director) -> None:
    assert (
        client_for("eve")
        .get(reverse("committee:director", args=[director("Ada").pk]))
        .status_code
        == 404
    )


def test_overview_shows_members_verdicts_and_status(client_for, committee) -> None:
    body = client_for("ben").get(reverse("committee:overview")).content.decode()
    assert "Compliant" in body
    for name in ("Ada Chairwell", "Ben Member", "Kit Newcomb"):
        assert name in body
    assert "AC-MEM-01" in body


def test_overview_as_of_the_vacancy_shows_the_cure_deadline(
    client_for, committee, today
) -> None:
    day = today - timedelta(days=170)
    body = (
        client_for("ada")
        .get(reverse("committee:overview"), {"as_of": day.isoformat()})
        .content.decode()
    )
    assert "Compliant within a cure period" in body
    assert "AC-CURE-02" in body
    assert "Notify Nasdaq" in body


def test_overview_query_count(
    client_for, committee, django_assert_max_num_queries
) -> None:
    client = client_for("ada")
    with django_assert_max_num_queries(40):
        assert client.get(reverse("committee:overview")).status_code == 200


def test_timeline_lists_the_resignation(client_for, committee) -> None:
    body = client_for("hal").get(reverse("committee:timeline")).content.decode()
    assert "left: Lou Formerly (fictional) (resignation)" in body
    assert "joined: Kit Newcomb (fictional)" in body
    assert "Compliant within a cure period" in body  # the vacancy, from Lou's departure


def test_disclosure_names_the_expert(client_for, committee) -> None:
    body = client_for("ada").get(reverse("committee:disclosure")).content.decode()
    assert "Ada Chairwell is an audit committee financial expert" in body
    assert (
        "the board considered the following: Ada Chairwell: Ordinary-course purchases"
        in body
    )


def _post_matrix(
    client_for: Any,
    url: str,
    data: dict[str, Any],
    allowed: str,
    refused: str,
    outsider_status: int | None = 404,
) -> int:
    """``outsider_status=None``: a company-scoped action, which eve may take only in her
    own company; it must leave One Stop Systems' records untouched."""
    assert Client().post(url, data).status_code == 302
    ours = LedgerEvent.objects.filter(company__slug="one-stop-systems").count()
    outsider = client_for("eve").post(url, data)
    if outsider_status is not None:
        assert outsider.status_code == outsider_status
    assert LedgerEvent.objects.filter(company__slug="one-stop-systems").count() == ours
    assert client_for(refused).post(url, data).status_code == 403
    before = LedgerEvent.objects.count()
    response = client_for(allowed).post(url, data)
    assert response.status_code == 302, response.content
    return LedgerEvent.objects.count() - before


def test_add_director_matrix(client_for, committee) -> None:
    url = reverse("committee:director-create")
    data = {"name": "Mo Candidate (fictional)", "board_start": "2026-01-01"}
    assert _post_matrix(client_for, url, data, "fay", "ben", outsider_status=None) == 1
    assert m.Director.objects.filter(
        company=committee, name="Mo Candidate (fictional)"
    ).exists()


def test_appoint_matrix(client_for, director, today) -> None:
    url = reverse("committee:appoint")
    data = {"director": director("Hal").pk, "starts_on": today.isoformat()}
    # eve's company has no such director: her form is refused, nothing saved
    assert _post_matrix(client_for, url, data, "ada", "ben", outsider_status=None) == 1
    assert (
        m.Membership.objects.filter(director=director("Hal"), starts_on=today).count()
        == 1
    )


def test_end_membership_matrix_and_alert(client_for, director, today) -> None:
    seat = m.Membership.objects.get(director=director("Kit"), ends_on__isnull=True)
    url = reverse("committee:end-membership", args=[seat.pk])
    data = {"ends_on": today.isoformat(), "reason": "resignation"}
    mail.outbox.clear()
    added = _post_matrix(client_for, url, data, "fay", "ben")
    seat.refresh_from_db()
    assert seat.ends_on == today
    # today is Kit's last day: the committee is still complete, so no alert yet
    assert added == 1
    assert LedgerEvent.objects.latest("pk").action == "committee.membership_ended"


def test_qualification_matrix(client_for, director) -> None:
    url = reverse("committee:qualification", args=[director("Hal").pk])
    data = {"on": "2026-01-10", "literate": "on"}
    assert _post_matrix(client_for, url, data, "fay", "hal") == 1
    assert m.Literacy.objects.filter(director=director("Hal"), on="2026-01-10").exists()


def test_issue_questionnaire_matrix(
    client_for, committee, today, django_capture_on_commit_callbacks
) -> None:
    url = reverse("committee:questionnaire-issue")
    data = {
        "title": "Mid-year check",
        "issued_on": today.isoformat(),
        "due_on": (today + timedelta(days=7)).isoformat(),
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _post_matrix(client_for, url, data, "fay", "ada", outsider_status=403) == 1
        )
    q = m.Questionnaire.objects.get(company=committee, title="Mid-year check")
    assert q.responses.count() == 4  # every serving director
    assert mail.outbox[-1].to == [
        "ada@oss.example",
        "ben@oss.example",
        "hal@oss.example",
    ]


def test_answer_matrix(client_for, committee, director) -> None:
    response = m.QuestionnaireResponse.objects.get(director=director("Ben"))
    url = reverse("committee:answer", args=[response.pk])
    data = {"voting_pct": "1.5", "other_compensation_kind": "other", "certify": "on"}
    assert Client().post(url, data).status_code == 302
    assert client_for("eve").post(url, data).status_code == 404
    assert client_for("ada").post(url, data).status_code == 403  # not hers to answer
    assert client_for("gus").post(url, data).status_code == 403  # no right at all
    before = LedgerEvent.objects.count()
    assert client_for("ben").post(url, data).status_code == 302
    response.refresh_from_db()
    assert response.submitted_at is not None
    assert (
        str(m.ShareHolding.objects.get(director=director("Ben")).voting_pct) == "1.500"
    )
    actions = list(
        LedgerEvent.objects.filter(pk__gt=0)
        .order_by("-pk")
        .values_list("action", flat=True)[: LedgerEvent.objects.count() - before]
    )
    assert sorted(actions) == [
        "committee.fact_recorded",
        "committee.questionnaire_answered",
    ]
    assert client_for("ben").post(url, data).status_code == 403  # answered once


def test_answer_form_errors_save_nothing(client_for, director) -> None:
    response = m.QuestionnaireResponse.objects.get(director=director("Ben"))
    before = LedgerEvent.objects.count()
    page = client_for("ben").post(
        reverse("committee:answer", args=[response.pk]),
        {
            "family_name": "Bo",
            "employed": "on",
            "other_compensation_kind": "other",
            "certify": "on",
        },
    )
    assert page.status_code == 200
    assert b"Choose the relationship." in page.content
    assert LedgerEvent.objects.count() == before


def test_answer_service_errors_roll_back(client_for, director) -> None:
    response = m.QuestionnaireResponse.objects.get(director=director("Ben"))
    before = LedgerEvent.objects.count()
    page = client_for("ben").post(
        reverse("committee:answer", args=[response.pk]),
        {
            "voting_pct": "2",
            "employed": "on",
            "other_compensation_kind": "other",
            "certify": "on",
        },
    )
    assert page.status_code == 200
    assert b"Give the date the employment began." in page.content
    assert LedgerEvent.objects.count() == before
    assert not m.ShareHolding.objects.filter(director=director("Ben")).exists()


def test_determination_matrix_freezes_and_hashes(client_for, director) -> None:
    url = reverse("committee:determine", args=[director("Hal").pk])
    data = {"on": "2026-02-01", "resolution": "BR-2026-7", "independent": "on",
            **dict.fromkeys(("AC-IND-01", "AC-IND-02", "AC-IND-03", "AC-IND-04", "AC-IND-05", "AC-IND-06", "AC-IND-10", "AC-IND-11"), "pass")}  # fmt: skip
    assert _post_matrix(client_for, url, data, "fay", "ben") == 1
    det = m.Determination.objects.get(resolution="BR-2026-7")
    event = LedgerEvent.objects.latest("pk")
    assert event.action == "committee.determination_recorded"
    assert event.data["content_hash"] == det.content_hash
    with pytest.raises(ValueError, match="frozen"):
        det.save()
    page = client_for("ada").get(
        reverse("committee:director", args=[director("Hal").pk])
    )
    assert det.content_hash[:12] in page.content.decode()


def test_notify_exchange_matrix(client_for, committee, director, today) -> None:
    from oversight.committee import services

    seat = m.Membership.objects.get(director=director("Kit"), ends_on__isnull=True)
    services.end_membership(
        seat, actor=None, ends_on=today - timedelta(days=1), reason="resignation"
    )
    alert = m.ComplianceAlert.objects.get(company=committee, resolved_on__isnull=True)
    url = reverse("committee:notify-exchange", args=[alert.pk])
    assert _post_matrix(client_for, url, {"on": today.isoformat()}, "ada", "ben") == 1
    alert.refresh_from_db()
    assert alert.exchange_notified_on == today


def test_what_if_saves_nothing(client_for, director, today) -> None:
    before = (LedgerEvent.objects.count(), m.Membership.objects.count())
    url = reverse("committee:whatif")
    page = client_for("ada").post(
        url,
        {"change": "resign", "director": director("Ben").pk, "on": today.isoformat()},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ben Member resigns" in body
    assert "Compliant within a cure period" in body
    assert (LedgerEvent.objects.count(), m.Membership.objects.count()) == before


def test_what_if_appoint_and_pay(client_for, director, today) -> None:
    client = client_for("ada")
    url = reverse("committee:whatif")
    body = client.post(
        url,
        {"change": "appoint", "director": director("Hal").pk, "on": today.isoformat()},
    ).content.decode()
    assert "AC-IND-01" in body
    pay = {"change": "pay", "on": today.isoformat(), "organisation": "Northwind Logistics (fictional)",
           "amount": "900000", "fiscal_year": str(today.year + (1 if today.month == 12 and today.day == 31 else 0))}  # fmt: skip
    body = client.post(url, pay, HTTP_HX_REQUEST="true").content.decode()
    assert body.startswith('<section id="whatif-result"')
    assert "AC-IND-04" in body


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"change": "pay", "on": "2026-01-01"}, "Needed for a payment."),
        (
            {
                "change": "pay",
                "on": "2026-01-01",
                "organisation": "Nobody",
                "amount": "1",
                "fiscal_year": "2026",
            },
            "No organisation named",
        ),
        ({"change": "appoint", "on": "2026-01-01"}, "Choose the director."),
        (
            {
                "change": "pay",
                "on": "2026-01-01",
                "organisation": "Northwind Logistics (fictional)",
                "amount": "-5",
                "fiscal_year": "2026",
            },
            "greater than or equal to 0",
        ),
    ],
)
def test_what_if_bad_input(client_for, committee, data, error) -> None:
    page = client_for("ada").post(reverse("committee:whatif"), data)
    assert page.status_code == 200
    assert error in page.content.decode()


def test_what_if_appointing_a_sitting_member(client_for, director, today) -> None:
    page = client_for("ada").post(
        reverse("committee:whatif"),
        {"change": "appoint", "director": director("Ben").pk, "on": today.isoformat()},
    )
    assert "already sits on the committee" in page.content.decode()


def test_dashboard_panel(client_for, committee) -> None:
    body = client_for("ben").get(reverse("dashboard")).content.decode()
    assert "Audit committee composition" in body
    assert "Compliant" in body
    assert (
        "Audit committee composition"
        not in client_for("cleo").get(reverse("dashboard")).content.decode()
    )


def test_questionnaire_list_query_count(
    client_for, committee, django_assert_max_num_queries
) -> None:
    client = client_for("fay")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("committee:questionnaires")).status_code == 200


def test_register_page_matrix(client_for, committee) -> None:
    url = reverse("committee:register")
    assert Client().get(url).status_code == 302
    assert client_for("ben").get(url).status_code == 403
    body = client_for("fay").get(url).content.decode()
    assert "Northwind Logistics (fictional)" in body
    assert "Annual meetings" in body


@pytest.mark.parametrize(
    ("what", "data", "check"),
    [
        (
            "meeting",
            {"held_on": "2031-06-10"},
            lambda c: m.AnnualMeeting.objects.filter(
                company=c, held_on="2031-06-10"
            ).exists(),
        ),
        (
            "revenue",
            {"fiscal_year": "2031", "amount": "1000"},
            lambda c: m.CompanyRevenue.objects.filter(
                company=c, fiscal_year=2031
            ).exists(),
        ),
        (
            "organisation",
            {"name": "Globex Fictional"},
            lambda c: m.Organisation.objects.filter(
                company=c, name="Globex Fictional"
            ).exists(),
        ),
        (
            "listing",
            {"listing_date": "2016-05-02", "min_members": "3", "requires_acfe": "on"},
            lambda c: (
                m.ListingProfile.objects.get(company=c).max_audit_committees is None
            ),
        ),
    ],
)
def test_register_records_matrix(client_for, committee, what, data, check) -> None:
    url = reverse("committee:register-record", args=[what])
    assert _post_matrix(client_for, url, data, "fay", "ben", outsider_status=None) == 1
    assert check(committee)


def test_register_payment_and_revenue(client_for, committee) -> None:
    org = m.Organisation.objects.get(company=committee)
    client = client_for("fay")
    url = reverse("committee:register-record", args=["payment"])
    client.post(
        url,
        {
            "organisation": org.pk,
            "fiscal_year": "2026",
            "direction": "to_company",
            "amount": "5",
            "category": "goods",
        },
    )
    assert org.payments.filter(direction="to_company").count() == 1
    page = client.post(
        url,
        {
            "organisation": org.pk,
            "direction": "to_company",
            "amount": "5",
            "category": "goods",
        },
        follow=True,
    )
    assert "Fiscal year: This field is required." in page.content.decode()
    client.post(
        reverse("committee:register-record", args=["organisation_revenue"]),
        {"organisation": org.pk, "fiscal_year": "2031", "amount": "9"},
    )
    assert org.revenues.filter(fiscal_year=2031).exists()
    assert (
        client.post(
            reverse("committee:register-record", args=["nonsense"]), {}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("what", "data"),
    [
        ("family", {"name": "Bo", "relationship": "spouse"}),
        (
            "employment",
            {
                "starts_on": "2001-01-01",
                "ends_on": "2002-01-01",
                "employer": "the company",
            },
        ),
        (
            "compensation",
            {"paid_on": "2020-01-01", "amount": "1000", "kind": "consulting"},
        ),
    ],
)
def test_director_records_matrix(client_for, director, what, data) -> None:
    url = reverse("committee:record", args=[director("Hal").pk, what])
    assert _post_matrix(client_for, url, data, "fay", "ben") == 1


def test_director_record_for_a_family_member_and_bad_input(
    client_for, director, committee
) -> None:
    from oversight.committee import services

    hal = director("Hal")
    bo = services.add_family_member(hal, actor=None, name="Bo", relationship="spouse")
    org = m.Organisation.objects.get(company=committee)
    client = client_for("fay")
    url = reverse("committee:record", args=[hal.pk, "org_role"])
    client.post(
        url,
        {
            "holder": bo.pk,
            "organisation": org.pk,
            "role": "partner",
            "starts_on": "2020-01-01",
        },
    )
    assert m.OrgRole.objects.get(family_member=bo).role == "partner"
    page = client.post(
        reverse("committee:record", args=[hal.pk, "family"]),
        {"name": "Cy", "relationship": "cousin"},
        follow=True,
    )
    assert "Relationship: Select a valid choice." in page.content.decode()
    page = client.post(
        reverse("committee:record", args=[hal.pk, "compensation"]),
        {"paid_on": "2020-01-01", "amount": "-1", "kind": "bonus"},
        follow=True,
    )
    assert (
        "not_negative" in page.content.decode() or "negative" in page.content.decode()
    )
    assert (
        client.post(
            reverse("committee:record", args=[hal.pk, "gossip"]), {}
        ).status_code
        == 404
    )


def test_far_dates_are_form_errors(client_for, committee) -> None:
    page = client_for("ada").get(reverse("committee:overview"), {"as_of": "9999-12-31"})
    assert page.status_code == 200  # the date is refused; today is shown
    page = client_for("ada").post(
        reverse("committee:whatif"), {"change": "appoint", "on": "9999-12-31"}
    )
    assert "must fall between 1900 and 2200" in page.content.decode()


def test_determination_form_starts_from_the_register(
    client_for, director, committee, today
) -> None:
    from oversight.committee import services

    ben = director("Ben")
    services.record_fact(ben, actor=None, kind="compensation",
                         values={"paid_on": today - timedelta(days=30), "amount": 130_000, "kind": "consulting"})  # fmt: skip
    page = client_for("fay").get(reverse("committee:determine", args=[ben.pk]))
    form = page.context["form"]
    assert form.initial["AC-IND-02"] == "fail"
    assert form.initial["AC-IND-10"] == "fail"
    assert form.initial["independent"] is False
    assert "$130,000 paid" in page.content.decode()


def test_disclosure_explains_a_non_independent_member(
    client_for, director, committee, today
) -> None:
    from oversight.committee import services

    relative = services.add_family_member(
        director("Ben"), actor=None, name="Bo", relationship="spouse"
    )
    services.record_fact(director("Ben"), actor=None, kind="employment", family_member=relative,
                         values={"starts_on": today - timedelta(days=5), "executive_officer": True})  # fmt: skip
    body = client_for("ada").get(reverse("committee:disclosure")).content.decode()
    assert "Non-independent member" in body
    assert "Ben Member serves on the audit committee although not independent" in body
    assert "Bo, Ben Member&#x27;s spouse, was an executive officer" in body
