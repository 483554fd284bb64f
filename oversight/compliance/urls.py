from __future__ import annotations

from django.urls import path

from oversight.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("obligations/<str:obligation_id>/", views.obligation, name="obligation"),
    path(
        "obligations/<str:obligation_id>/cadence/",
        views.set_cadence,
        name="set-cadence",
    ),
    path("evidence/", views.evidence, name="evidence"),
    path("evidence/<int:pk>/document/", views.document, name="document"),
    path("planner/", views.plan, name="planner"),
    path("runs/", views.runs, name="runs"),
    path("runs/new/", views.run, name="run"),
]
