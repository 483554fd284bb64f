"""The reporter's routes, mounted at ``/report/`` by the frame."""

from __future__ import annotations

from django.urls import path

from oversight.complaints import public_views

app_name = "report"

urlpatterns = [
    path("<slug:slug>/", public_views.intake, name="intake"),
    path("<slug:slug>/receipt/", public_views.confirm_receipt, name="confirm"),
    path("<slug:slug>/follow-up/", public_views.follow_up, name="follow-up"),
    path("<slug:slug>/case/", public_views.case, name="case"),
    path("<slug:slug>/sign-out/", public_views.sign_out, name="sign-out"),
]
