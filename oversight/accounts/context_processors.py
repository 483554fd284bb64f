"""What every page's frame needs: the current company, the user's companies, navigation."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from oversight.accounts.permissions import can

# The charter's areas, in the order the charter names them; apps add entries in nav.py.
AREAS = (
    ("Membership", "committee"),
    ("Meetings", "meetings"),
    ("Independent auditor", "auditors"),
    ("Complaints", "complaints"),
    ("Charter", "charters"),
    ("Compliance", "compliance"),
)


def _app_nav(label: str) -> list[tuple[str, str, str]]:
    module_name = f"oversight.{label}.nav"
    if find_spec(module_name) is None:
        return []
    entries: list[tuple[str, str, str]] = []
    for item in import_module(module_name).NAV:
        name, url_name = item[0], item[1]
        action = item[2] if len(item) > 2 else "company.view"
        entries.append((name, url_name, action))
    return entries


def navigation(roles: frozenset[Any]) -> list[dict[str, Any]]:
    sections = []
    installed = {config.label for config in apps.get_app_configs()}
    for title, label in AREAS:
        if label not in installed:
            continue
        links = []
        for name, url_name, action in _app_nav(label):
            try:
                allowed = can(roles, action)
                if allowed:
                    links.append({"name": name, "url": reverse(url_name)})
            except (KeyError, NoReverseMatch):
                continue
        if links:
            sections.append({"title": title, "links": links})
    return sections


def shell(request: HttpRequest) -> dict[str, Any]:
    company = getattr(request, "company", None)
    roles: frozenset[Any] = getattr(request, "roles", frozenset())
    return {
        "current_company": company,
        "my_companies": getattr(request, "companies", []),
        "my_roles": sorted(role.label for role in roles),
        "nav_sections": navigation(roles) if company is not None else [],
        "can_view_ledger": bool(roles) and can(roles, "ledger.view"),
        "can_view_people": bool(roles) and can(roles, "people.view"),
    }
