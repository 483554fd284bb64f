from __future__ import annotations

from django.apps import AppConfig


class ChartersConfig(AppConfig):
    name = "oversight.charters"
    default_auto_field = "django.db.models.BigAutoField"
