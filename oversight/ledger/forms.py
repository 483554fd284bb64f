from __future__ import annotations

from django import forms


class LedgerFilterForm(forms.Form):
    action = forms.CharField(
        required=False,
        max_length=80,
        help_text="e.g. accounts. or meetings.minutes_approved",
    )
    actor = forms.EmailField(required=False, label="Actor's email")
