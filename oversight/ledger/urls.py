from __future__ import annotations

from django.urls import path

from oversight.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.event_list, name="list"),
]
