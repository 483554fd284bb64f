"""Forms of the complaint channel: explicit fields, shape only (services decide the rest)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.complaints.models import Category, Status

TEXT_LIMIT = 50_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    """What a reporter sends. ``nonce`` and the proof-of-work fields are hidden."""

    nonce = forms.CharField(widget=forms.HiddenInput, max_length=200)
    challenge = forms.CharField(widget=forms.HiddenInput, max_length=200)
    solution = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    text = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 10, "autocomplete": "off"}),
        max_length=TEXT_LIMIT,
        help_text=_(
            "Say what, where and when as precisely as you can. Leave out anything "
            "that identifies you unless you want to be identified."
        ),
    )
    concerns = forms.MultipleChoiceField(
        label=_("People this concerns (they will never see this report)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact = forms.CharField(
        label=_("How to reach you (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Leave empty to stay anonymous; you can still read replies with your receipt."
        ),
    )
    documents = MultipleFileField(label=_("Documents (optional)"), required=False)

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["concerns"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(pk), name) for pk, name in people]


class ConfirmReceiptForm(forms.Form):
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=200)
    typed = forms.CharField(
        label=_("Type your receipt again"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ReceiptForm(forms.Form):
    challenge = forms.CharField(widget=forms.HiddenInput, max_length=200)
    solution = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)
    receipt = forms.CharField(
        label=_("Your receipt"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ReplyForm(forms.Form):
    form_secret = forms.CharField(widget=forms.HiddenInput, max_length=64)
    text = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
    )
    documents = MultipleFileField(label=_("Add documents (optional)"), required=False)


# --- recipients ---------------------------------------------------------------------


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(
        label="Complaint key passphrase",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        max_length=1000,
        help_text="Separate from your password. Nobody can reset it: without it, only the recovery kit opens your cases.",
    )


CUSTODIAN_HELP = (
    "One custodian per line: a label, the public key the custodian's "
    "`oversight complaints recovery-keygen` printed, and optionally the e-mail of "
    "their Oversight account, separated by |. Example: Outside counsel | 7Q2M ... | "
    "Custodians are outside counsel or independent directors who are not on the "
    "committee; the server never sees their private keys."
)


class CustodiansForm(forms.Form):
    custodians = forms.CharField(
        label="Recovery custodians", widget=forms.Textarea, help_text=CUSTODIAN_HELP
    )


class PublishForm(CustodiansForm):
    threshold = forms.IntegerField(
        label="Custodians needed together to recover a case",
        min_value=1,
        max_value=9,
        initial=2,
    )
    fallback = forms.TypedChoiceField(
        label="Fallback recipient when every committee member is excluded",
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fallback"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "None"), *people]


class CaseActionForm(forms.Form):
    ACTIONS = (
        ("status", "Change status"),
        ("note", "Add an internal note"),
        ("message", "Send a message to the reporter"),
        ("assign", "Assign"),
        ("hold", "Set legal hold"),
        ("release", "Release legal hold"),
        ("exclude", "Exclude a person"),
        ("grant", "Propose access for a person"),
        ("approve", "Approve a proposed access"),
    )
    action = forms.ChoiceField(choices=ACTIONS)
    status = forms.ChoiceField(choices=Status.choices, required=False)
    text = forms.CharField(required=False, max_length=TEXT_LIMIT, widget=forms.Textarea)
    person = forms.IntegerField(required=False)
    grant = forms.IntegerField(required=False)
