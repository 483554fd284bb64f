"""Forms of the auditor's register: they check shape; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from oversight.accounts.models import Company, Role, User
from oversight.accounts.queries import holders_of
from oversight.auditors import agenda
from oversight.auditors import models as m


def _limit(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Limit a model choice field to the company's rows."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


DATE = forms.DateInput(attrs={"type": "date"})
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class FirmForm(forms.Form):
    name = forms.CharField(max_length=200)
    pcaob_id = forms.CharField(label="PCAOB registration id", max_length=10)
    users = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="The firm's people in Oversight",
        help_text="They see only this firm's engagements.",
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "users", holders_of(company, {Role.AUDITOR}))


class EngagementForm(forms.Form):
    firm = forms.ModelChoiceField(queryset=m.Firm.objects.none())
    fiscal_year = forms.IntegerField(min_value=1990, max_value=2200)
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE, required=False)
    appointed_on = forms.DateField(widget=DATE, label="Appointed by the committee on")
    appointed_at = forms.CharField(
        max_length=200, label="Meeting and vote", required=False
    )
    scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    agreed_audit_fee = forms.DecimalField(**MONEY)  # type: ignore[arg-type]
    letter = forms.FileField(required=False, label="Engagement letter")
    letter_signed_on = forms.DateField(widget=DATE, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "firm", m.Firm.objects.filter(company=company))


class RatificationForm(forms.Form):
    voted_on = forms.DateField(widget=DATE)
    votes_for = forms.IntegerField(min_value=0)
    votes_against = forms.IntegerField(min_value=0)
    abstentions = forms.IntegerField(min_value=0, initial=0)


class CompletionForm(forms.Form):
    completed_on = forms.DateField(widget=DATE, label="Audit report date")


class EvaluationForm(forms.Form):
    """One score (1 to 5) and a comment per question."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(i, str(i)) for i in range(1, 6)]
        for code, text in m.QUESTIONS:
            self.fields[f"score_{code}"] = forms.TypedChoiceField(
                label=text, choices=choices, coerce=int
            )
            self.fields[f"comment_{code}"] = forms.CharField(
                label="Comment", required=False, max_length=2000
            )

    def answers(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {
            code: (data[f"score_{code}"], data[f"comment_{code}"])
            for code, _ in m.QUESTIONS
        }


class EvaluationResultForm(forms.Form):
    result = forms.ChoiceField(choices=m.Evaluation.Result.choices)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    recorded_on = forms.DateField(widget=DATE)


class TerminationForm(forms.Form):
    kind = forms.ChoiceField(choices=m.Termination.Kind.choices)
    decided_on = forms.DateField(widget=DATE)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    disagreements = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Disagreements and reportable events in the last two years (Item 304).",
    )


class DoneForm(forms.Form):
    done_on = forms.DateField(widget=DATE)


class PartnerForm(forms.Form):
    person = forms.CharField(max_length=200)
    role = forms.ChoiceField(
        choices=[
            ("lead", "Engagement partner"),
            ("eqr", "Quality reviewer"),
            ("other", "Other audit partner"),
        ]
    )


class FeeForm(forms.Form):
    category = forms.ChoiceField(choices=m.FeeCategory.choices)
    amount = forms.DecimalField(**MONEY)  # type: ignore[arg-type]
    description = forms.CharField(max_length=300)
    estimated = forms.BooleanField(required=False, label="Estimated, not yet billed")
    de_minimis = forms.BooleanField(required=False, label="Approved under de minimis")
    approval = forms.ModelChoiceField(
        queryset=m.Approval.objects.none(), required=False
    )
    rendered_on = forms.DateField(widget=DATE, required=False)
    invoice = forms.CharField(max_length=60, required=False)

    def __init__(self, *args: Any, engagement: m.Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "approval", engagement.approvals.all())


class CommunicationForm(forms.Form):
    kind = forms.ChoiceField(choices=m.Communication.KINDS)
    title = forms.CharField(max_length=200)
    received_on = forms.DateField(widget=DATE)
    document = forms.FileField(required=False)
    affirmation = forms.ChoiceField(
        choices=[("", "—"), *m.Communication.Affirmation.choices], required=False
    )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(widget=DATE, label="Reviewed at the meeting of")
    reviewed_at = forms.CharField(max_length=200, label="Meeting")


class DeMinimisForm(forms.Form):
    description = forms.CharField(max_length=300)
    category = forms.ChoiceField(
        choices=[c for c in m.FeeCategory.choices if c[0] != "audit"]
    )
    amount = forms.DecimalField(**MONEY)  # type: ignore[arg-type]
    not_recognised_at_engagement = forms.BooleanField(
        required=False, label="Not recognised as a non-audit service when engaged"
    )
    brought_to_committee_on = forms.DateField(widget=DATE)
    approved_on = forms.DateField(widget=DATE)
    meeting = forms.CharField(max_length=200)


class IndependenceActionForm(forms.Form):
    alert_key = forms.CharField(
        max_length=120, required=False, widget=forms.HiddenInput
    )
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    acted_on = forms.DateField(widget=DATE)


class PolicyForm(forms.Form):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    delegates = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "delegates", holders_of(company, {Role.CHAIR, Role.MEMBER}))


class PolicyItemForm(forms.Form):
    code = forms.CharField(max_length=20)
    service = forms.CharField(max_length=300, help_text="Name the specific service.")
    category = forms.ChoiceField(choices=m.FeeCategory.choices)
    fee_cap = forms.DecimalField(**MONEY)  # type: ignore[arg-type]
    starts_on = forms.DateField(widget=DATE)
    term_months = forms.IntegerField(min_value=1, max_value=60, initial=12)


class AdoptForm(forms.Form):
    """Adopt by a motion carried in the meetings register, or by a vote recorded here."""

    motion = forms.TypedChoiceField(
        choices=[], coerce=int, required=False, label="Motion carried at a meeting"
    )
    adopted_on = forms.DateField(widget=DATE, required=False)
    adopted_at = forms.CharField(max_length=200, label="Meeting", required=False)
    votes_for = forms.IntegerField(min_value=0, required=False)
    votes_against = forms.IntegerField(min_value=0, initial=0, required=False)
    abstentions = forms.IntegerField(min_value=0, initial=0, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        motions = agenda.carried_motions(company)
        field = self.fields["motion"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "None: record the vote below")] + [
            (c.pk, c.label) for c in motions
        ]
        if not motions:
            del self.fields["motion"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("motion"):
            return data
        missing = [
            name
            for name in ("adopted_on", "adopted_at", "votes_for")
            if data.get(name) in (None, "")
        ]
        if missing:
            raise forms.ValidationError(
                "Choose a carried motion, or give the meeting, its date and the vote."
            )
        data["votes_against"] = data.get("votes_against") or 0
        data["abstentions"] = data.get("abstentions") or 0
        return data


class ServiceRequestForm(forms.Form):
    engagement = forms.ModelChoiceField(queryset=m.Engagement.objects.none())
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(choices=m.FeeCategory.choices)
    nature = forms.ChoiceField(
        choices=[("", "None of the prohibited categories"), *m.NATURE_CHOICES],
        required=False,
        label="Prohibited category, if any",
    )
    policy_item = forms.ModelChoiceField(
        queryset=m.PolicyItem.objects.none(),
        required=False,
        label="Policy item that covers it",
    )
    fee_estimate = forms.DecimalField(**MONEY)  # type: ignore[arg-type]
    requested_on = forms.DateField(widget=DATE)
    starts_on = forms.DateField(widget=DATE, label="Service starts on")
    is_tax = forms.BooleanField(required=False, label="Tax service")
    icfr_related = forms.BooleanField(
        required=False, label="Related to internal control over financial reporting"
    )
    contingent_fee = forms.BooleanField(required=False)
    confidential_tax_transaction = forms.BooleanField(required=False)
    aggressive_tax_transaction = forms.BooleanField(required=False)
    tax_to_fror_person = forms.BooleanField(
        required=False,
        label="Tax service to a person in a financial reporting oversight role",
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engagements = m.Engagement.objects.filter(company=company)
        _limit(self, "engagement", engagements.select_related("firm"))
        items = m.PolicyItem.objects.filter(
            policy__company=company,
            policy__adopted_on__isnull=False,
            policy__superseded_on__isnull=True,
        )
        _limit(self, "policy_item", items)

    def request_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("engagement")
        return data


class StepsForm(forms.Form):
    tax_scope_in_writing = forms.BooleanField(
        required=False, label="Scope described in writing"
    )
    tax_fee_structure_in_writing = forms.BooleanField(
        required=False, label="Fee structure described in writing"
    )
    tax_side_letters_disclosed = forms.BooleanField(
        required=False, label="Side letters and amendments disclosed"
    )
    tax_referrals_disclosed = forms.BooleanField(
        required=False, label="Referral or fee-sharing arrangements disclosed"
    )
    tax_independence_discussed = forms.BooleanField(
        required=False, label="Independence effects discussed with the committee"
    )
    tax_discussion_documented = forms.BooleanField(
        required=False, label="Discussion documented"
    )
    icfr_scope_in_writing = forms.BooleanField(
        required=False, label="ICFR: scope in writing"
    )
    icfr_independence_discussed = forms.BooleanField(
        required=False, label="ICFR: independence effects discussed"
    )
    icfr_discussion_documented = forms.BooleanField(
        required=False, label="ICFR: discussion documented"
    )
    rationale_approved = forms.BooleanField(
        required=False,
        label="The committee approved a rationale that the results will not be audited (A1-A5)",
    )


class ApproveForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("delegate", "As a delegated member"),
            ("committee", "By a committee vote"),
        ]
    )
    approved_on = forms.DateField(widget=DATE)
    meeting = forms.CharField(
        max_length=200, required=False, help_text="For a committee vote."
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class ReportedForm(forms.Form):
    approvals = forms.ModelMultipleChoiceField(
        queryset=m.Approval.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reported_on = forms.DateField(widget=DATE, label="Reported at the meeting of")
    reported_at = forms.CharField(max_length=200, label="Meeting")

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pending = m.Approval.objects.filter(
            company=company, reported_on__isnull=True, kind__in=["policy", "delegate"]
        )
        _limit(self, "approvals", pending)


class HireForm(forms.Form):
    firm = forms.ModelChoiceField(queryset=m.Firm.objects.none())
    person = forms.CharField(max_length=200)
    role_title = forms.CharField(max_length=200)
    financial_reporting_oversight_role = forms.BooleanField(required=False)
    starts_on = forms.DateField(widget=DATE)
    prior_10k_filed_on = forms.DateField(widget=DATE, label="Prior 10-K filed on")
    team_from = forms.DateField(
        widget=DATE, required=False, label="On the audit team from"
    )
    team_to = forms.DateField(widget=DATE, required=False, label="until")
    team_role = forms.ChoiceField(
        choices=[
            ("", "Staff"),
            ("lead", "Engagement partner"),
            ("eqr", "Quality reviewer"),
            ("other", "Other partner"),
        ],
        required=False,
    )
    team_hours = forms.IntegerField(min_value=0, initial=0)
    exception = forms.ChoiceField(
        choices=[
            ("", "None"),
            ("emergency", "Emergency"),
            ("business_combination", "Business combination"),
        ],
        required=False,
    )
    exception_recorded_on = forms.DateField(widget=DATE, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "firm", m.Firm.objects.filter(company=company))
