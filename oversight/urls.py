"""URL map: the frame, each app at /<app>/, the API at /api/v1/."""

from __future__ import annotations

from importlib.util import find_spec

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path

from oversight import views
from oversight.api import api

handler403 = "oversight.views.permission_denied"
handler404 = "oversight.views.page_not_found"
handler500 = "oversight.views.server_error"


def _app_urls() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("oversight.") or config.label == "accounts":
            continue
        if find_spec(f"{config.name}.urls") is not None:
            patterns.append(path(f"{config.label}/", include(f"{config.name}.urls")))
        # Routes for people without an account (the complaint channel) live apart.
        if find_spec(f"{config.name}.public_urls") is not None:
            patterns.append(path("report/", include(f"{config.name}.public_urls")))
    return patterns


urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("accounts/", include("oversight.accounts.urls")),
    path("api/v1/", api.urls),
    *_app_urls(),
]
