"""Reads of charter versions: the version in force on a day, and the parsed charter."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.db.models import QuerySet

from oversight.accounts.models import Company
from oversight.charters.models import CharterVersion
from oversight.rules.charter.format import loads
from oversight.rules.charter.model import Charter


def versions_of(company: Company) -> QuerySet[CharterVersion]:
    return CharterVersion.objects.filter(company=company).select_related("imported_by")


def version_in_force(company: Company, on: date) -> CharterVersion | None:
    """The version whose effective date is the latest on or before ``on``."""
    return (
        CharterVersion.objects.filter(company=company, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


@lru_cache(maxsize=64)
def _parse(sha256: str, source: str) -> Charter:
    return loads(source)


def parsed(version: CharterVersion) -> Charter:
    """The charter a stored version's text describes (parsed once per text)."""
    return _parse(version.sha256, version.source)
