from __future__ import annotations

from django.urls import path

from oversight.auditors import views

app_name = "auditors"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("chart.svg", views.chart, name="chart"),
    path("firms/new/", views.firm_create, name="firm-create"),
    path("engagements/", views.engagement_list, name="engagements"),
    path("engagements/new/", views.engagement_create, name="engagement-create"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement"),
    path("engagements/<int:pk>/letter/", views.letter, name="letter"),
    path("communications/<int:pk>/document/", views.document, name="document"),
    path("engagements/<int:pk>/ratification/", views.ratify, name="ratify"),
    path(
        "engagements/<int:pk>/completed/",
        views.audit_completed,
        name="audit-completed",
    ),
    path("engagements/<int:pk>/evaluation/", views.evaluation, name="evaluate"),
    path(
        "engagements/<int:pk>/evaluation/result/",
        views.evaluation_result,
        name="evaluation-result",
    ),
    path("engagements/<int:pk>/terminate/", views.terminate, name="terminate"),
    path("engagements/<int:pk>/partners/", views.partner_add, name="partner-add"),
    path("engagements/<int:pk>/fees/", views.fee_add, name="fee-add"),
    path(
        "engagements/<int:pk>/communications/",
        views.communication_add,
        name="communication-add",
    ),
    path("engagements/<int:pk>/de-minimis/", views.de_minimis, name="de-minimis"),
    path(
        "engagements/<int:pk>/independence/",
        views.independence_action,
        name="independence-action",
    ),
    path("steps/<int:pk>/done/", views.step_done, name="step-done"),
    path(
        "communications/<int:pk>/review/",
        views.communication_review,
        name="communication-review",
    ),
    path("policies/", views.policy_list, name="policies"),
    path("policies/<int:pk>/", views.policy_detail, name="policy"),
    path("policies/<int:pk>/items/", views.policy_item_add, name="policy-item-add"),
    path("policies/<int:pk>/adopt/", views.policy_adopt, name="policy-adopt"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/steps/", views.request_steps, name="request-steps"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request-approve"),
    path("requests/<int:pk>/refuse/", views.request_refuse, name="request-refuse"),
    path("next-meeting/", views.next_meeting, name="next-meeting"),
    path("hires/", views.hire_list, name="hires"),
    path("fee-table/", views.fee_table, name="fee-table"),
    path("fee-table.csv", views.fee_table_csv, name="fee-table-csv"),
    path("fee-table.pdf", views.fee_table_pdf, name="fee-table-pdf"),
]
