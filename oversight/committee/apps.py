from __future__ import annotations

from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "oversight.committee"
    default_auto_field = "django.db.models.BigAutoField"
