from __future__ import annotations

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "oversight.complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oversight.accounts import services as accounts
        from oversight.complaints import logging, services

        logging.install()
        if services.role_ended not in accounts.ROLE_ENDED_HOOKS:
            accounts.ROLE_ENDED_HOOKS.append(services.role_ended)
