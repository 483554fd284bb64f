from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ComplaintsConfig(AppConfig):
    name = "oversight.complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oversight.accounts import services as accounts
        from oversight.complaints import logging, services

        logging.install()
        if services.on_role_ended not in accounts.ROLE_ENDED_HOOKS:
            accounts.ROLE_ENDED_HOOKS.append(services.on_role_ended)
        connection_created.connect(
            _secure_delete, dispatch_uid="complaints-secure-delete"
        )


def _secure_delete(sender: object, connection: Any, **kwargs: Any) -> None:
    """SQLite overwrites deleted content with zeros, so shredded rows leave no free pages."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete=ON")
