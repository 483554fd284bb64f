from __future__ import annotations

from django.urls import path

from oversight.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("verify/", views.mfa_verify, name="mfa-verify"),
    path("verify/key/", views.key_verify, name="key-verify"),
    path("enrol/", views.mfa_enrol, name="mfa-enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path(
        "recovery-codes/new/",
        views.regenerate_recovery_codes,
        name="recovery-codes-new",
    ),
    path("confirm/", views.confirm, name="confirm"),
    path("security/", views.security, name="security"),
    path("security/keys/add/", views.key_add, name="key-add"),
    path("security/keys/<int:pk>/remove/", views.key_remove, name="key-remove"),
    path("switch/", views.switch_company, name="switch-company"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/assign/", views.assign, name="assign-role"),
    path("people/roles/<int:pk>/end/", views.end_role, name="end-role"),
    path(
        "people/invitations/<int:pk>/revoke/",
        views.revoke_invitation,
        name="revoke-invitation",
    ),
    path("invitation/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke-api-token"),
]
