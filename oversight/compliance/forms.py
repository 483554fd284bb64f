from __future__ import annotations

from typing import ClassVar

from django import forms

from oversight.compliance.models import Evidence

_DATE = forms.DateInput(attrs={"type": "date"})


class EvidenceForm(forms.ModelForm[Evidence]):
    kind = forms.ChoiceField(choices=Evidence.KIND_CHOICES)

    class Meta:
        model = Evidence
        fields = (
            "kind",
            "occurred_on",
            "meeting",
            "note",
            "document",
            "until",
            "holds",
            "cure_deadline",
        )
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "occurred_on": _DATE,
            "until": _DATE,
            "cure_deadline": _DATE,
        }
        labels: ClassVar[dict[str, str]] = {
            "occurred_on": "On (or, for a state, from)",
            "holds": "The state holds (uncheck for a breach)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "until": "States only: the last day it held (leave empty while it still holds).",
            "cure_deadline": "States only: the end of the cure period of a breach.",
        }


class AsOfForm(forms.Form):
    as_of = forms.DateField(required=False, widget=_DATE, label="As of")
    known_at = forms.DateTimeField(
        required=False,
        label="As known at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Only records entered by then (what was known then).",
    )


class PlannerForm(forms.Form):
    meetings = forms.CharField(
        required=False,
        help_text="Planned meeting dates, YYYY-MM-DD, separated by commas.",
    )
    skip_on = forms.DateField(
        required=False, widget=_DATE, label="What if the meeting on"
    )
    skip_kind = forms.ChoiceField(
        required=False, label="holds no", choices=[("", "—"), *Evidence.KIND_CHOICES]
    )

    def clean_meetings(self) -> list:  # type: ignore[type-arg]
        from datetime import date

        text = self.cleaned_data.get("meetings") or ""
        days = []
        for part in (p.strip() for p in text.replace(";", ",").split(",")):
            if not part:
                continue
            try:
                days.append(date.fromisoformat(part))
            except ValueError:
                raise forms.ValidationError(
                    f"{part!r} is not a date (YYYY-MM-DD)."
                ) from None
        return sorted(set(days))


class RunForm(forms.Form):
    as_of = forms.DateField(widget=_DATE)


class CadenceForm(forms.Form):
    per_year = forms.IntegerField(
        min_value=1, max_value=52, label="Times each fiscal year"
    )
