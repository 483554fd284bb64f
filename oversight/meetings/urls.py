from __future__ import annotations

from django.urls import path

from oversight.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("schedule/", views.schedule, name="schedule"),
    path("annual/", views.annual, name="annual"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/status/<slug:verb>/", views.meeting_status, name="status"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/items/", views.add_item, name="add-item"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/sessions/", views.session, name="session"),
    path("<int:pk>/motions/", views.motion, name="motion"),
    path("<int:pk>/action-items/", views.action_item, name="action-item"),
    path("<int:pk>/book/", views.request_book, name="book"),
    path("<int:pk>/book/status/", views.book_status, name="book-status"),
    path("<int:pk>/book.pdf", views.book_download, name="book-download"),
    path("items/<int:pk>/materials/", views.upload, name="upload"),
    path("items/<int:pk>/conflicts/", views.conflict, name="conflict"),
    path("materials/<int:pk>/", views.material, name="material"),
    path("motions/<int:pk>/vote/", views.vote, name="vote"),
    path("motions/<int:pk>/my-vote/", views.cast_vote, name="cast-vote"),
    path("motions/<int:pk>/recuse/", views.recuse, name="recuse"),
    path("motions/<int:pk>/close/", views.close_vote, name="close-vote"),
    path("action-items/<int:pk>/close/", views.close_action, name="close-action"),
    path("minutes/<int:pk>/", views.minutes, name="minutes"),
    path(
        "minutes/<int:pk>/circulate/", views.circulate_minutes, name="circulate-minutes"
    ),
    path("minutes/<int:pk>/amend/", views.amend_minutes, name="amend-minutes"),
    path("minutes/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes-pdf"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/deliver/", views.deliver_report, name="deliver-report"),
    path("consents/", views.consents, name="consents"),
    path("consents/<int:pk>/sign/", views.sign_consent, name="sign-consent"),
    path("resolutions/", views.resolutions, name="resolutions"),
    path("voting-rules/", views.voting_rules, name="voting-rules"),
    path("feed/", views.feed, name="feed"),
    path("feed/<str:token>.ics", views.feed_ics, name="feed-ics"),
]
