from __future__ import annotations

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "oversight.complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oversight.complaints import logging

        logging.install()
