"""Permission matrices for every page of the frame and the accounts app.

anonymous → sign-in redirect; eve (an outsider to One Stop Systems) → 404; an insider
without the right → 403; the right persona → success.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from oversight.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db

GET_PAGES = [
    # (url name, persona allowed, insider refused)
    ("dashboard", "ben", None),
    ("accounts:people", "fay", "cleo"),
    ("ledger:list", "ada", "ben"),
    ("accounts:api-tokens", "cleo", None),
    ("accounts:security", "dev", None),
]


@pytest.mark.parametrize(("name", "allowed", "refused"), GET_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(
    name, allowed, refused, personas
) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "allowed", "refused"), GET_PAGES)
def test_the_right_persona_sees_the_page(name, allowed, refused, client_for) -> None:
    response = client_for(allowed).get(reverse(name))
    assert response.status_code == 200
    assert b"One Stop Systems" in response.content


@pytest.mark.parametrize(("name", "allowed", "refused"), [p for p in GET_PAGES if p[2]])
def test_an_insider_without_the_right_is_refused(
    name, allowed, refused, client_for
) -> None:
    assert client_for(refused).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["accounts:people", "ledger:list"])
def test_an_outsider_sees_only_their_own_company(name, client_for) -> None:
    # eve chairs Northwind: she sees Northwind's pages, never One Stop Systems'.
    response = client_for("eve").get(reverse(name))
    assert b"One Stop Systems" not in response.content


def test_a_person_with_no_company_gets_a_clear_page(personas) -> None:
    from oversight.testing import make_user

    loner = make_user("loner@oss.example", "Lone Persona")
    client = Client()
    client.force_login(loner)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert b"no role in any company" in response.content


POSTS = [
    # (url name, args, data, allowed, refused)
    (
        "accounts:invite",
        [],
        {"email": "new@oss.example", "full_name": "New Person", "role": "member"},
        "ivy",
        "ada",
    ),
    (
        "accounts:assign-role",
        [],
        {"user": "ben@oss.example", "role": "secretary", "starts_on": "2026-01-01"},
        "ivy",
        "fay",
    ),
]


@pytest.mark.parametrize(("name", "args", "data", "allowed", "refused"), POSTS)
def test_people_actions_matrix(name, args, data, allowed, refused, client_for) -> None:
    url = reverse(name, args=args)
    assert Client().post(url, data).status_code == 302  # anonymous → sign-in
    assert client_for("eve").post(url, data).status_code in {403, 404}
    assert client_for(refused).post(url, data).status_code == 403
    before = LedgerEvent.objects.count()
    response = client_for(allowed).post(url, data)
    assert response.status_code == 302, response.content
    assert LedgerEvent.objects.count() == before + 1


def test_ending_a_role_matrix(personas, client_for, company) -> None:
    assignment = personas["ben"].role_assignments.get(company=company)
    url = reverse("accounts:end-role", args=[assignment.pk])
    data = {"ends_on": "2026-12-31"}
    assert Client().post(url, data).status_code == 302
    assert client_for("eve").post(url, data).status_code == 404
    assert client_for("ada").post(url, data).status_code == 403
    before = LedgerEvent.objects.count()
    assert client_for("ivy").post(url, data).status_code == 302
    assignment.refresh_from_db()
    assert str(assignment.ends_on) == "2026-12-31"
    assert LedgerEvent.objects.latest("pk").action == "accounts.role_ended"
    assert LedgerEvent.objects.count() == before + 1


def test_people_list_query_count(client_for, django_assert_max_num_queries) -> None:
    client = client_for("ivy")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("accounts:people")).status_code == 200
