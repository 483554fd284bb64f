from __future__ import annotations

from django.urls import path

from oversight.committee import views

app_name = "committee"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("timeline/", views.timeline, name="timeline"),
    path("directors/new/", views.director_create, name="director-create"),
    path("directors/<int:pk>/", views.director_detail, name="director"),
    path(
        "directors/<int:pk>/qualifications/", views.qualification, name="qualification"
    ),
    path("directors/<int:pk>/determination/", views.determine, name="determine"),
    path("directors/<int:pk>/record/<slug:what>/", views.record, name="record"),
    path("register/", views.register_page, name="register"),
    path("register/<slug:what>/", views.register_record, name="register-record"),
    path("memberships/new/", views.appoint, name="appoint"),
    path("memberships/<int:pk>/end/", views.end_membership, name="end-membership"),
    path("what-if/", views.what_if, name="whatif"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path(
        "questionnaires/issue/", views.questionnaire_issue, name="questionnaire-issue"
    ),
    path("questionnaires/answers/<int:pk>/", views.answer, name="answer"),
    path("disclosure/", views.disclosure_draft, name="disclosure"),
    path("alerts/<int:pk>/notified/", views.notify_exchange, name="notify-exchange"),
]
