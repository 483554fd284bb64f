"""Importing charter versions and recording the board's approval."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import Company, User
from oversight.charters.models import CharterVersion
from oversight.ledger.services import record
from oversight.rules.charter.format import CharterFormatError, loads
from oversight.rules.charter.model import Charter


def obligation_rows(charter: Charter) -> list[dict[str, Any]]:
    """The obligations as plain JSON, in charter order."""
    return [
        {
            "id": o.id,
            "section": o.section,
            "title": o.title,
            "kind": o.kind.value,
            "cadence": o.cadence.describe() if o.cadence else None,
            "check": o.check,
            "responsible": list(o.responsible),
            "remind_days_before": o.remind_days_before,
            "source": o.source,
        }
        for o in charter.obligations
    ]


@transaction.atomic
def import_charter(
    company: Company,
    *,
    actor: User | None,
    source: str,
    effective_from: date | None = None,
) -> CharterVersion:
    """Validate and store a charter file as a new version of ``company``'s charter.

    Refuses the whole file (``CharterFormatError``, every problem with its line) or a
    version whose label or effective date is already taken; nothing is half-imported.
    """
    charter = loads(source)  # raises CharterFormatError
    effective = effective_from or charter.adopted_on
    if CharterVersion.objects.filter(company=company, label=charter.version).exists():
        raise ValidationError(
            f"Version {charter.version!r} is already imported; give the new text a new version label."
        )
    if CharterVersion.objects.filter(
        company=company, effective_from=effective
    ).exists():
        raise ValidationError(
            f"Another version already takes effect on {effective.isoformat()}."
        )
    version = CharterVersion.objects.create(
        company=company,
        label=charter.version,
        source=source,
        sha256=hashlib.sha256(source.encode()).hexdigest(),
        format_version=charter.format_version,
        adopted_on=charter.adopted_on,
        effective_from=effective,
        obligation_count=len(charter.obligations),
        obligations=obligation_rows(charter),
        approved_by_board_on=charter.approved_by_board_on,
        board_resolution=charter.board_resolution,
        imported_by=actor,
        imported_at=timezone.now(),
    )
    record(
        "charters.version_imported",
        actor=actor,
        company=company,
        target=version,
        data={
            "label": version.label,
            "sha256": version.sha256,
            "effective_from": effective,
            "obligations": version.obligation_count,
        },
    )
    return version


@transaction.atomic
def approve_version(
    version: CharterVersion, *, actor: User, approved_on: date, resolution: str
) -> CharterVersion:
    """Record that the board approved ``version`` on ``approved_on`` (by ``resolution``)."""
    if version.approved_by_board_on is not None:
        raise ValidationError(
            "The board's approval of this version is already recorded."
        )
    if approved_on < version.adopted_on:
        raise ValidationError(
            {"approved_on": "The board cannot approve a charter before it is adopted."}
        )
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": "An approval cannot be in the future."})
    version.approved_by_board_on = approved_on
    version.board_resolution = resolution
    version.save(update_fields=["approved_by_board_on", "board_resolution"])
    record(
        "charters.version_approved",
        actor=actor,
        company=version.company,
        target=version,
        data={
            "label": version.label,
            "approved_on": approved_on,
            "resolution": resolution,
        },
    )
    return version


__all__ = ["CharterFormatError", "approve_version", "import_charter"]
