"""The demo company's charter: the One Stop Systems charter, approved by the board."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from oversight.accounts.models import Company, User
from oversight.charters import services
from oversight.charters.models import CharterVersion

LIBRARY = Path(__file__).resolve().parent / "library"


def populate(company: Company, personas: dict[str, User], *, today: date) -> None:
    if CharterVersion.objects.filter(company=company).exists():
        return
    source = (LIBRARY / "one-stop-systems.toml").read_text(encoding="utf-8")
    version = services.import_charter(company, actor=personas["fay"], source=source)
    services.approve_version(
        version,
        actor=personas["fay"],
        approved_on=version.adopted_on,
        resolution="Board resolution adopting the committee charter",
    )
