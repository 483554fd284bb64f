"""Forms check shape; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from oversight.accounts.models import Role


class SignInForm(forms.Form):
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


# A browser's answer from a security key, as JSON: a few hundred bytes in practice.
CREDENTIAL_MAX_LENGTH = 16_000
NO_KEY_ANSWER = (
    "Your browser sent no answer from a security key. Use the button, "
    "or use your authenticator app instead."
)


def _credential_field() -> forms.CharField:
    """The hidden field the page's script fills with the key's answer."""
    return forms.CharField(
        required=False, max_length=CREDENTIAL_MAX_LENGTH, widget=forms.HiddenInput
    )


class ConfirmForm(forms.Form):
    """Re-authentication: the password, and a code or an answer from a security key."""

    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
    credential = _credential_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("token", "").strip() and not data.get("credential"):
            self.add_error(
                "token", "Enter a code from your authenticator app, or use your key."
            )
        return data


class SecurityKeyAnswerForm(forms.Form):
    credential = _credential_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("credential"):
            raise forms.ValidationError(NO_KEY_ANSWER)
        return data


class SecurityKeyAddForm(SecurityKeyAnswerForm):
    field_order = ["name", "credential"]  # noqa: RUF012  (Django reads it as declared)
    name = forms.CharField(
        label="Name of the key",
        max_length=64,
        help_text="So you can tell your keys apart, e.g. “Blue key on my keyring”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class InviteForm(forms.Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=200)
    role = forms.ChoiceField(choices=Role.choices)
    title = forms.CharField(
        max_length=120,
        required=False,
        help_text="Optional, e.g. Chief Financial Officer",
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, needs_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_password:
            del self.fields["password"]
            del self.fields["password_again"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "password" in self.fields and data.get("password"):
            if data.get("password") != data.get("password_again"):
                self.add_error("password_again", "The two passwords differ.")
            else:
                try:
                    validate_password(data["password"])
                except forms.ValidationError as exc:
                    self.add_error("password", exc)
        return data


class AssignRoleForm(forms.Form):
    user = forms.EmailField(label="Person's email")
    role = forms.ChoiceField(choices=Role.choices)
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(max_length=120, required=False)


class EndRoleForm(forms.Form):
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. 'board pack export'"
    )
    days = forms.IntegerField(
        min_value=1, max_value=365, initial=90, label="Valid for (days)"
    )


class SwitchCompanyForm(forms.Form):
    company = forms.IntegerField()
