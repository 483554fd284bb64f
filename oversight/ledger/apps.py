from __future__ import annotations

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "oversight.ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oversight.ledger import guard

        guard.install()
