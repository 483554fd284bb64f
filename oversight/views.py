"""The frame's own pages: the dashboard and the error pages."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.accounts.http import AuthenticatedHttpRequest


def _panels(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """Dashboard panels contributed by apps: ``<app>.dashboard.panel(request) -> dict | None``."""
    panels = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.dashboard"
        if config.name.startswith("oversight.") and find_spec(module_name) is not None:
            panel = import_module(module_name).panel(request)
            if panel:
                panels.append(panel)
    return sorted(panels, key=lambda p: p.get("order", 100))


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.company is None:
        return render(request, "dashboard_empty.html")
    return render(request, "dashboard.html", {"panels": _panels(request)})


def permission_denied(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
