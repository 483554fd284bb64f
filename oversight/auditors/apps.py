from __future__ import annotations

from django.apps import AppConfig


class AuditorsConfig(AppConfig):
    name = "oversight.auditors"
    default_auto_field = "django.db.models.BigAutoField"
