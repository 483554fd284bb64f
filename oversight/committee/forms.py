"""Forms check shape; the services check the rules."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django import forms

from oversight.committee.models import Director, Organisation
from oversight.rules.composition import facts as pure

DATE = forms.DateInput(attrs={"type": "date"})


class DayField(forms.DateField):
    """A date between 1900 and 2200 (anything else is a typing mistake)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DATE)
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            try:
                pure.check_day(value)
            except ValueError as exc:
                raise forms.ValidationError(str(exc).capitalize()) from None


def _choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(e.value, e.value.replace("_", " ").capitalize()) for e in enum]


class AsOfForm(forms.Form):
    as_of = DayField(label="As of", required=False)


class DirectorForm(forms.Form):
    name = forms.CharField(max_length=200)
    board_start = DayField(label="On the board from")
    board_end = DayField(label="Until", required=False)


class AppointForm(forms.Form):
    director = forms.ModelChoiceField(queryset=Director.objects.none())
    starts_on = DayField(label="From")
    chair = forms.BooleanField(required=False)
    exception = forms.BooleanField(
        required=False,
        label="Under the exceptional-and-limited-circumstances exception",
    )

    def __init__(self, *args: Any, company: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "director", Director.objects.filter(company=company))


class EndMembershipForm(forms.Form):
    ends_on = DayField(label="Last day")
    reason = forms.ChoiceField(choices=_choices(pure.EndReason))


class QualificationForm(forms.Form):
    on = DayField(label="Board finding of")
    literate = forms.BooleanField(
        required=False, label="Can read and understand financial statements"
    )
    basis = forms.ChoiceField(
        choices=[("", "—"), *_choices(pure.SophisticationBasis)],
        required=False,
        label="Financial sophistication",
    )
    basis_description = forms.CharField(max_length=300, required=False)
    acfe_attributes = forms.MultipleChoiceField(
        choices=_choices(pure.AcfeAttribute), required=False, widget=forms.CheckboxSelectMultiple,
        label="Financial expert attributes",
    )  # fmt: skip
    acfe_routes = forms.MultipleChoiceField(
        choices=_choices(pure.AcfeRoute),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Acquired through",
    )
    other_experience = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    resolution = forms.CharField(max_length=120, required=False)


class WhatIfForm(forms.Form):
    CHANGES = (
        ("appoint", "Appoint a director"),
        ("resign", "A member resigns"),
        ("pay", "The company pays an organisation"),
    )
    change = forms.ChoiceField(choices=CHANGES)
    director = forms.ModelChoiceField(queryset=Director.objects.none(), required=False)
    on = DayField(label="On")
    organisation = forms.CharField(
        max_length=200,
        required=False,
        help_text="For a payment: the organisation's name",
    )
    amount = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=2, required=False
    )
    fiscal_year = forms.IntegerField(min_value=1900, max_value=2200, required=False)

    def __init__(self, *args: Any, company: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "director", Director.objects.filter(company=company))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        change = data.get("change")
        if change in {"appoint", "resign"} and not data.get("director"):
            self.add_error("director", "Choose the director.")
        if change == "pay":
            for name in ("organisation", "amount", "fiscal_year"):
                if data.get(name) in (None, ""):
                    self.add_error(name, "Needed for a payment.")
        return data


class QuestionnaireIssueForm(forms.Form):
    title = forms.CharField(max_length=200)
    issued_on = DayField()
    due_on = DayField()


class AnswerForm(forms.Form):
    """The annual independence and qualifications questionnaire."""

    employed = forms.BooleanField(
        required=False,
        label="In the last three years, were you employed by the company or a subsidiary?",
    )
    employment_title = forms.CharField(max_length=200, required=False, label="Position")
    employment_start = DayField(required=False, label="From")
    employment_end = DayField(required=False, label="Until")
    employment_executive = forms.BooleanField(
        required=False, label="As an executive officer"
    )
    employment_interim = forms.BooleanField(required=False, label="In an interim role")
    other_compensation = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=2, required=False,
        label="Compensation from the company other than board and committee fees (largest payment)",
    )  # fmt: skip
    other_compensation_paid_on = DayField(required=False, label="Paid on")
    other_compensation_kind = forms.ChoiceField(
        choices=_choices(pure.CompensationKind), initial="other", label="Kind"
    )
    voting_pct = forms.DecimalField(
        min_value=0, max_value=100, max_digits=6, decimal_places=3, required=False,
        label="Voting power you hold in the company, %",
    )  # fmt: skip
    family_name = forms.CharField(
        max_length=200, required=False, label="A Family Member to declare"
    )
    family_relationship = forms.ChoiceField(
        choices=[("", "—"), *_choices(pure.Relationship)],
        required=False,
        label="Relationship",
    )
    family_executive_since = DayField(
        required=False,
        label="Executive officer of the company since (if so)",
    )
    organisation_name = forms.CharField(
        max_length=200,
        required=False,
        label="An organisation doing business with the company where you are a partner, controlling shareholder or executive officer",
    )
    organisation_role = forms.ChoiceField(
        choices=[("", "—"), *_choices(pure.OrgRoleKind)],
        required=False,
        label="Your role",
    )
    organisation_role_since = DayField(required=False, label="Since")
    auditor_role = forms.ChoiceField(
        choices=[("", "—"), *_choices(pure.AuditorRoleKind)], required=False,
        label="Were you a partner or employee of the outside auditor?",
    )  # fmt: skip
    auditor_start = DayField(required=False, label="From")
    auditor_end = DayField(required=False, label="Until")
    auditor_worked_on_audit = forms.BooleanField(
        required=False, label="Worked on the company's audit"
    )
    fs_preparation_start = DayField(
        required=False,
        label="Took part in preparing the company's financial statements from",
    )
    fs_preparation_end = DayField(required=False, label="Until")
    other_audit_committees = forms.CharField(
        max_length=500,
        required=False,
        label="Other public companies whose audit committee you sit on (comma-separated)",
    )
    certify = forms.BooleanField(label="My answers are true and complete")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("family_name") and not data.get("family_relationship"):
            self.add_error("family_relationship", "Choose the relationship.")
        if data.get("organisation_name") and not data.get("organisation_role"):
            self.add_error("organisation_role", "Choose your role.")
        if data.get("auditor_role") and not data.get("auditor_start"):
            self.add_error("auditor_start", "Give the date it began.")
        for start, end in (
            ("employment_start", "employment_end"),
            ("auditor_start", "auditor_end"),
            ("fs_preparation_start", "fs_preparation_end"),
        ):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, "Ends before it starts.")
        return data


class DeterminationForm(forms.Form):
    on = DayField(label="Determined on")
    resolution = forms.CharField(max_length=120, label="Board resolution")
    independent = forms.BooleanField(required=False, label="Independent (overall)")
    subjective_factors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Relationships and factors the board considered",
    )
    exception_finding = forms.BooleanField(
        required=False,
        label="Appointment required by the best interests of the company (5605(c)(2)(B))",
    )
    over_boarding_approved = forms.BooleanField(
        required=False,
        label="Service on more than three audit committees does not impair service",
    )
    TESTS = (
        ("AC-IND-01", "Employment"),
        ("AC-IND-02", "Compensation over $120,000"),
        ("AC-IND-03", "Family Member executive officer"),
        ("AC-IND-04", "Business relationship"),
        ("AC-IND-05", "Compensation-committee interlock"),
        ("AC-IND-06", "Outside auditor"),
        ("AC-IND-10", "Rule 10A-3: compensatory fee"),
        ("AC-IND-11", "Rule 10A-3: affiliated person"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rule, label in self.TESTS:
            self.fields[rule] = forms.ChoiceField(
                label=f"{rule} {label}",
                choices=[("pass", "Passes"), ("fail", "Fails")],
                initial="pass",
            )

    def verdicts(self) -> dict[str, str]:
        return {rule: self.cleaned_data[rule] for rule, _ in self.TESTS}


class NotifiedForm(forms.Form):
    on = DayField(label="Nasdaq notified on")


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class HolderForm(forms.Form):
    """A fact about the director or one of their Family Members."""

    holder = forms.ChoiceField(label="About", required=False)

    def __init__(self, *args: Any, director: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        family = list(director.family.all()) if director is not None else []
        holder = self.fields["holder"]
        assert isinstance(holder, forms.ChoiceField)
        holder.choices = [("", "The director"), *((str(f.pk), f.name) for f in family)]


class FamilyMemberForm(forms.Form):
    def __init__(self, *args: Any, director: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    name = forms.CharField(max_length=200)
    relationship = forms.ChoiceField(choices=_choices(pure.Relationship))
    minor = forms.BooleanField(required=False)
    shares_home = forms.BooleanField(required=False, label="Shares the director's home")


class EmploymentForm(HolderForm):
    starts_on = DayField(label="From")
    ends_on = DayField(required=False, label="Until")
    title = forms.CharField(max_length=200, required=False)
    employer = forms.CharField(max_length=200, initial="the company")
    executive_officer = forms.BooleanField(required=False)
    interim = forms.BooleanField(required=False)


class CompensationForm(HolderForm):
    paid_on = DayField()
    amount = forms.DecimalField(max_digits=14, decimal_places=2)
    kind = forms.ChoiceField(choices=_choices(pure.CompensationKind))
    description = forms.CharField(max_length=300, required=False)


class OrgRoleForm(HolderForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    role = forms.ChoiceField(choices=_choices(pure.OrgRoleKind))
    starts_on = DayField(label="From")
    ends_on = DayField(required=False, label="Until")

    def __init__(self, *args: Any, director: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, director=director, **kwargs)
        company = director.company if director is not None else None
        _set_queryset(
            self, "organisation", Organisation.objects.filter(company=company)
        )


class CompanyForm(forms.Form):
    """A register form of the company itself (``company`` scopes any choices)."""

    def __init__(self, *args: Any, company: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ListingForm(CompanyForm):
    listing_date = DayField(required=False)
    registration_effective = DayField(required=False, label="Registration effective")
    ipo = forms.BooleanField(required=False, label="Listed in connection with an IPO")
    min_members = forms.IntegerField(min_value=1, max_value=20, initial=3)
    max_audit_committees = forms.IntegerField(
        min_value=1, max_value=20, required=False, initial=3
    )
    requires_acfe = forms.BooleanField(
        required=False, initial=True, label="The charter requires a financial expert"
    )


class AnnualMeetingForm(CompanyForm):
    held_on = DayField(label="Annual meeting on")


class RevenueForm(CompanyForm):
    fiscal_year = forms.IntegerField(min_value=1900, max_value=2200)
    amount = forms.DecimalField(
        max_digits=16, decimal_places=2, label="Consolidated gross revenues"
    )


class OrganisationForm(CompanyForm):
    name = forms.CharField(max_length=200)
    sole_proprietorship = forms.BooleanField(required=False)


class OrganisationRevenueForm(RevenueForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())

    def __init__(self, *args: Any, company: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, company=company, **kwargs)
        _set_queryset(
            self, "organisation", Organisation.objects.filter(company=company)
        )


class PaymentForm(CompanyForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    fiscal_year = forms.IntegerField(min_value=1900, max_value=2200)
    direction = forms.ChoiceField(choices=_choices(pure.Direction))
    amount = forms.DecimalField(max_digits=16, decimal_places=2)
    category = forms.ChoiceField(
        choices=_choices(pure.ServiceCategory), initial="other"
    )
    paid_on = DayField(required=False)
    exempt = forms.ChoiceField(
        choices=[("", "—"), *_choices(pure.PaymentExemption)], required=False
    )

    def __init__(self, *args: Any, company: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, company=company, **kwargs)
        _set_queryset(
            self, "organisation", Organisation.objects.filter(company=company)
        )
