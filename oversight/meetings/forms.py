"""Forms of the meetings register: shape only; the services decide the rules."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any, ClassVar

from django import forms

from oversight.accounts.models import Company, User
from oversight.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    VotingRules,
)
from oversight.meetings.services import MEMBER_ROLES
from oversight.rules.meetings.annual import Counterpart, ItemType
from oversight.rules.meetings.voting import Choice


def _people(company: Company) -> Any:
    return (
        User.objects.filter(role_assignments__company=company, is_active=True)
        .distinct()
        .order_by("full_name")
    )


def _members(company: Company) -> Any:
    return _people(company).filter(role_assignments__role__in=MEMBER_ROLES)


def _label(enum: type) -> list[tuple[str, str]]:
    return [(m.value, m.value.replace("_", " ").capitalize()) for m in enum]  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Meeting.Kind.choices)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), label="Starts at"
    )
    ends = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), label="Ends at"
    )
    time_zone = forms.CharField(max_length=64, help_text="e.g. America/Los_Angeles")
    place = forms.CharField(max_length=200, required=False)
    video_url = forms.URLField(
        required=False, label="Video link", assume_scheme="https"
    )

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data["time_zone"].strip()
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(f"{value!r} is not a known time zone.")
        return value

    def span(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        zone = zoneinfo.ZoneInfo(data["time_zone"])
        return (
            datetime.combine(data["date"], data["starts"], tzinfo=zone),
            datetime.combine(data["date"], data["ends"], tzinfo=zone),
        )


class AgendaItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    item_type = forms.ChoiceField(choices=_label(ItemType), label="Type")
    presenter = forms.CharField(max_length=200, required=False)
    minutes = forms.IntegerField(
        min_value=1, max_value=600, required=False, label="Minutes allotted"
    )
    obligation_ids = forms.CharField(
        max_length=200,
        required=False,
        label="Charter obligations",
        help_text="e.g. AC-FIN-03, AC-MTG-02",
    )
    visibility = forms.ChoiceField(choices=AgendaItem.Visibility.choices)
    hidden_from = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Hidden from (recused directors)",
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hidden_from"].queryset = _members(company)  # type: ignore[attr-defined]


class MaterialForm(forms.Form):
    file = forms.FileField(
        help_text="PDF, Word, Excel, PowerPoint, CSV, text or image; 25 MB at most"
    )


class AttendanceForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Person"
    )
    guest_name = forms.CharField(
        max_length=200, required=False, label="or a guest's name"
    )
    guest_affiliation = forms.CharField(
        max_length=200, required=False, label="Guest's role"
    )
    status = forms.ChoiceField(choices=Attendance.Status.choices)
    arrived_at = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    departed_at = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people(company)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not data.get("guest_name"):
            raise forms.ValidationError("Choose a person or name a guest.")
        return data


class SessionForm(forms.Form):
    counterpart = forms.ChoiceField(choices=_label(Counterpart), label="Held with")
    attendees = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False
    )
    private_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Visible only to committee members.",
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _people(company)  # type: ignore[attr-defined]


class MotionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Motion")
    item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(), required=False, label="On agenda item"
    )
    moved_by = forms.ModelChoiceField(queryset=User.objects.none())
    seconded_by = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    approves_minutes = forms.ModelChoiceField(
        queryset=Minutes.objects.none(), required=False, label="Approves the minutes of"
    )

    def __init__(
        self, *args: Any, company: Company, meeting: Meeting, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moved_by"].queryset = _people(company)  # type: ignore[attr-defined]
        self.fields["seconded_by"].queryset = _people(company)  # type: ignore[attr-defined]
        self.fields["item"].queryset = meeting.items.all()  # type: ignore[attr-defined]
        self.fields["approves_minutes"].queryset = Minutes.objects.filter(  # type: ignore[attr-defined]
            meeting__company=company,
            meeting__starts_at__lt=meeting.starts_at,
            status=Minutes.Status.CIRCULATED,
        )


class VoteForm(forms.Form):
    member = forms.ModelChoiceField(queryset=User.objects.none())
    choice = forms.ChoiceField(choices=_label(Choice))

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _people(company)  # type: ignore[attr-defined]


class RecusalForm(forms.Form):
    member = forms.ModelChoiceField(queryset=User.objects.none())
    reason = forms.CharField(max_length=300)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _people(company)  # type: ignore[attr-defined]


class ActionItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    owner = forms.ModelChoiceField(queryset=User.objects.none())
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(company)  # type: ignore[attr-defined]


class TextForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 20}))


class AmendmentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Correction")


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Delivered at the board meeting of",
    )


class ConsentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Resolution")
    circulated_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class FiscalYearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label="Fiscal year")


class VotingRulesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = VotingRules
        fields: ClassVar[list[str]] = [
            "quorum_basis",
            "quorum_number",
            "quorum_fraction_numerator",
            "quorum_fraction_denominator",
            "recused_count_toward_quorum",
            "outcome_rule",
            "second_required",
        ]
        labels: ClassVar[dict[str, str]] = {
            "quorum_number": "Quorum (a number of members)",
            "quorum_fraction_numerator": "Quorum fraction: numerator",
            "quorum_fraction_denominator": "Quorum fraction: denominator",
            "recused_count_toward_quorum": "Recused members count toward the quorum",
            "outcome_rule": "A motion carries by",
            "second_required": "Motions need a second",
        }


class RescheduleForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), label="Starts at"
    )
    ends = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), label="Ends at"
    )

    def span(self, time_zone: str) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        zone = zoneinfo.ZoneInfo(time_zone)
        return (
            datetime.combine(data["date"], data["starts"], tzinfo=zone),
            datetime.combine(data["date"], data["ends"], tzinfo=zone),
        )


class ConflictForm(forms.Form):
    member = forms.ModelChoiceField(queryset=User.objects.none())
    reason = forms.CharField(max_length=300)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(company)  # type: ignore[attr-defined]


class CloseVoteForm(forms.Form):
    at = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        label="Time of the vote",
        help_text="The quorum counts the members there at that time (arrivals and departures).",
    )


class OwnVoteForm(forms.Form):
    choice = forms.ChoiceField(choices=_label(Choice))
