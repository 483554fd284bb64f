from __future__ import annotations

from django import forms

MAX_CHARTER_BYTES = 512 * 1024


class ImportForm(forms.Form):
    """A charter file (TOML), uploaded or pasted, and the day it takes effect."""

    file = forms.FileField(
        required=False, help_text="A charter file in the documented TOML format."
    )
    source = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        label="Or paste the file",
    )
    effective_from = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Defaults to the charter's adoption date.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_CHARTER_BYTES:
                raise forms.ValidationError("The file is larger than 512 KB.")
            try:
                data["source"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not data.get("source"):
            raise forms.ValidationError("Upload a charter file or paste its text.")
        return data


class ApproveForm(forms.Form):
    approved_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    resolution = forms.CharField(
        max_length=200, help_text="e.g. Board resolution 2026-07"
    )


class OnForm(forms.Form):
    on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="In force on",
    )


class DiffForm(forms.Form):
    old = forms.IntegerField(min_value=1)
    new = forms.IntegerField(min_value=1)
