from __future__ import annotations

from django.urls import path

from oversight.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("key/", views.key, name="key"),
    path("channel/", views.channel, name="channel"),
    path("statistics/", views.statistics, name="statistics"),
    path("<str:case_id>/", views.case_detail, name="detail"),
    path("<str:case_id>/act/", views.case_act, name="act"),
    path("<str:case_id>/export/", views.case_export, name="export"),
    path("<str:case_id>/files/<str:file_id>/", views.case_file, name="file"),
]
