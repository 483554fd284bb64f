from __future__ import annotations

from django.urls import path

from oversight.charters import views

app_name = "charters"

urlpatterns = [
    path("", views.version_list, name="list"),
    path("import/", views.import_version, name="import"),
    path("diff/", views.diff, name="diff"),
    path("<int:pk>/", views.version_detail, name="detail"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/coverage/", views.coverage, name="coverage"),
]
