"""Services refuse bad input with a clear message, save nothing half-way, and raise alerts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from oversight.committee import facts, services
from oversight.committee import models as m
from oversight.committee.snapshot import load_register
from oversight.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db


def test_snapshot_refs_point_at_rows(committee, director) -> None:
    register = load_register(committee)
    ben = register.director(str(director("Ben").pk))
    assert ben.org_roles[0].ref.startswith("committee.orgrole:")
    assert register.company.annual_meetings
    assert len(register.memberships) == 4


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        (
            "compensation",
            {"paid_on": date(2026, 1, 1), "amount": Decimal(-1), "kind": "bonus"},
            "cannot be negative",
        ),
        (
            "employment",
            {"starts_on": date(2026, 1, 1), "ends_on": date(2025, 1, 1)},
            "ends before it starts",
        ),
        (
            "share_holding",
            {"on": date(2026, 1, 1), "voting_pct": Decimal(101)},
            "between 0 and 100",
        ),
        (
            "acfe",
            {"on": date(2026, 1, 1), "attributes": ["nonsense"], "routes": []},
            "Not a valid designation",
        ),
        ("gossip", {}, "Unknown kind of fact"),
        (
            "literacy",
            {"on": date(2026, 1, 1), "literate": True, "mood": "good"},
            "Unknown fields",
        ),
    ],
)
def test_bad_facts_are_refused_and_nothing_is_saved(
    committee, director, kind, values, message
) -> None:
    before = LedgerEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.record_fact(director("Ben"), actor=None, kind=kind, values=values)
    assert message in str(caught.value)
    assert LedgerEvent.objects.count() == before


def test_an_unknown_relationship_is_refused(committee, director) -> None:
    with pytest.raises(ValidationError, match="unknown relationship 'cousin'"):
        services.add_family_member(
            director("Ben"), actor=None, name="Cy", relationship="cousin"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        m.FamilyMember.objects.create(
            director=director("Ben"), name="Cy", relationship="cousin"
        )


def test_director_only_facts_and_other_directors_family(committee, director) -> None:
    relative = services.add_family_member(
        director("Ben"), actor=None, name="Bo", relationship="spouse"
    )
    with pytest.raises(ValidationError, match="for the director only"):
        services.record_fact(
            director("Ben"),
            actor=None,
            kind="literacy",
            values={"on": date(2026, 1, 1), "literate": True},
            family_member=relative,
        )
    with pytest.raises(ValidationError, match="another director"):
        services.record_fact(
            director("Ada"),
            actor=None,
            kind="employment",
            values={"starts_on": date(2026, 1, 1)},
            family_member=relative,
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"fiscal_year": None, "direction": "to_organisation", "amount": Decimal(1)},
            "fiscal year it belongs to",
        ),
        (
            {
                "fiscal_year": 2026,
                "direction": "to_organisation",
                "amount": Decimal(-1),
            },
            "cannot be negative",
        ),
        (
            {"fiscal_year": 2026, "direction": "sideways", "amount": Decimal(1)},
            "not a valid choice",
        ),
        (
            {
                "fiscal_year": 2026,
                "direction": "to_company",
                "amount": Decimal(1),
                "paid_on": date(2025, 6, 1),
            },
            "fiscal year 2025, not 2026",
        ),
    ],
)
def test_bad_payments(committee, kwargs, message) -> None:
    org = m.Organisation.objects.get(company=committee)
    with pytest.raises(ValidationError) as caught:
        services.record_payment(org, actor=None, **kwargs)
    assert message in str(caught.value)


def test_membership_rules(committee, director, today) -> None:
    with pytest.raises(ValidationError, match="memberships may not overlap"):
        services.appoint_member(director("Ben"), actor=None, starts_on=today)
    with pytest.raises(ValidationError, match="chairs the committee"):
        services.appoint_member(
            director("Hal"), actor=None, starts_on=today, chair=True
        )
    with pytest.raises(ValidationError, match="is not a director on"):
        services.appoint_member(director("Lou"), actor=None, starts_on=today)
    seat = m.Membership.objects.get(director=director("Ben"), ends_on__isnull=True)
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.end_membership(
            seat, actor=None, ends_on=seat.starts_on - timedelta(days=1), reason="death"
        )
    with pytest.raises(ValidationError, match="Unknown reason"):
        services.end_membership(seat, actor=None, ends_on=today, reason="boredom")
    with pytest.raises(ValidationError, match="already ended"):
        services.end_membership(
            m.Membership.objects.get(director=director("Lou")),
            actor=None,
            ends_on=today,
            reason="death",
        )


def test_director_rules(committee) -> None:
    with pytest.raises(ValidationError, match="end before it starts"):
        services.create_director(
            committee,
            actor=None,
            name="Zed",
            board_start=date(2026, 1, 1),
            board_end=date(2025, 1, 1),
        )
    with pytest.raises(ValidationError, match="already in the register"):
        services.create_director(
            committee, actor=None, name="Ben Member", board_start=date(2026, 1, 1)
        )


def test_determination_rules(committee, director, personas, today) -> None:
    fay = personas["fay"]
    with pytest.raises(ValidationError, match="not a director or nominee"):
        services.record_determination(
            director("Lou"),
            actor=fay,
            on=today,
            resolution="BR",
            independent=True,
            verdicts={},
        )
    with pytest.raises(ValidationError, match="Unknown tests: AC-XYZ"):
        services.record_determination(
            director("Ben"),
            actor=fay,
            on=date(2026, 1, 1),
            resolution="BR",
            independent=True,
            verdicts={"AC-XYZ": "pass"},
        )
    with pytest.raises(ValidationError, match="pass or fail"):
        services.record_determination(
            director("Ben"),
            actor=fay,
            on=date(2026, 1, 1),
            resolution="BR",
            independent=True,
            verdicts={"AC-IND-01": "maybe"},
        )
    with pytest.raises(ValidationError, match="board resolution"):
        services.record_determination(
            director("Ben"),
            actor=fay,
            on=date(2026, 1, 1),
            resolution=" ",
            independent=True,
            verdicts={},
        )
    det = m.Determination.objects.filter(director=director("Ben")).first()
    assert det is not None
    with pytest.raises(ValueError, match="cannot be deleted"):
        det.delete()


def test_same_determination_same_hash() -> None:
    values = {
        "on": date(2026, 1, 1),
        "verdicts": {"AC-IND-01": "pass"},
        "amount": Decimal("1.0"),
    }
    assert services.determination_hash(values) == services.determination_hash(
        dict(reversed(values.items()))
    )


def test_questionnaire_rules(committee, personas, today) -> None:
    with pytest.raises(ValidationError, match="due before it is issued"):
        services.issue_questionnaire(
            committee,
            actor=personas["fay"],
            title="x",
            issued_on=today,
            due_on=today - timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="No director serves"):
        services.issue_questionnaire(
            committee,
            actor=personas["fay"],
            title="x",
            issued_on=date(1990, 1, 1),
            due_on=date(1990, 2, 1),
        )


def test_answers_become_facts(committee, personas, director, today) -> None:
    response = m.QuestionnaireResponse.objects.get(director=director("Ben"))
    answers = services.Answers(
        family_name="Bo", family_relationship="spouse", family_executive_since=today - timedelta(days=10),
        organisation_name="Globex Fictional", organisation_role="partner",
        auditor_role="employee", auditor_start=date(2010, 1, 1), auditor_end=date(2012, 1, 1),
        fs_preparation_start=date(2011, 1, 1), fs_preparation_end=date(2012, 1, 1),
        other_audit_committees="Other Fictional A, Other Fictional B",
        employed=True, employment_start=date(2001, 1, 1), employment_end=date(2002, 1, 1),
        other_compensation=Decimal(1000), other_compensation_paid_on=date(2020, 1, 1),
    )  # fmt: skip
    services.submit_questionnaire(
        response, actor=personas["ben"], answers=answers, on=today
    )
    ben = load_register(committee).director(str(director("Ben").pk))
    assert ben.family[0].employments[0].executive_officer
    assert len(ben.other_audit_committees) == 2
    assert ben.auditor_roles
    assert ben.fs_preparation
    assert ben.employments
    assert ben.compensation
    assert m.Employment.objects.filter(source="questionnaire").count() == 2
    # the spouse became an executive officer ten days ago: a cure period runs
    assert (
        m.ComplianceAlert.objects.get(
            company=committee, resolved_on__isnull=True
        ).status
        == "compliant_in_cure_period"
    )


def test_resignation_raises_an_alert_and_tells_the_chair_and_secretary(
    committee, director, today, django_capture_on_commit_callbacks
) -> None:
    seat = m.Membership.objects.get(director=director("Kit"), ends_on__isnull=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.end_membership(
            seat, actor=None, ends_on=today - timedelta(days=1), reason="resignation"
        )
    alert = m.ComplianceAlert.objects.get(company=committee, resolved_on__isnull=True)
    assert alert.status == "compliant_in_cure_period"
    assert alert.deadline is not None
    assert sorted(mail.outbox[-1].to) == ["ada@oss.example", "fay@oss.example"]
    assert "Nasdaq must be notified" in mail.outbox[-1].body
    assert LedgerEvent.objects.latest("pk").action == "committee.alert_raised"


def test_the_passing_of_time_ends_the_cure_period(committee, director, today) -> None:
    seat = m.Membership.objects.get(director=director("Kit"), ends_on__isnull=True)
    services.end_membership(
        seat, actor=None, ends_on=today - timedelta(days=1), reason="resignation"
    )
    alert = m.ComplianceAlert.objects.get(company=committee, resolved_on__isnull=True)
    assert alert.deadline is not None
    after = (alert.deadline + timedelta(days=1)).isoformat()
    call_command("composition", "alerts", "--as-of", after, stdout=StringIO())
    alert.refresh_from_db()
    assert alert.status == "non_compliant"
    assert (
        LedgerEvent.objects.filter(company=committee).latest("pk").action
        == "committee.alert_changed"
    )
    assert not m.ComplianceAlert.objects.exclude(
        company=committee
    ).exists()  # no register, no alert
    # running it again changes nothing
    before = LedgerEvent.objects.count()
    call_command("composition", "alerts", "--as-of", after, stdout=StringIO())
    assert LedgerEvent.objects.count() == before
    # a new member resolves it
    services.appoint_member(director("Hal"), actor=None, starts_on=today)
    alert.refresh_from_db()
    assert alert.resolved_on == today


def test_exchange_notice_rules(committee, director, today, personas) -> None:
    seat = m.Membership.objects.get(director=director("Kit"), ends_on__isnull=True)
    services.end_membership(
        seat, actor=None, ends_on=today - timedelta(days=1), reason="resignation"
    )
    alert = m.ComplianceAlert.objects.get(company=committee, resolved_on__isnull=True)
    with pytest.raises(ValidationError, match="before the alert"):
        services.mark_exchange_notified(
            alert, actor=personas["ada"], on=alert.raised_on - timedelta(days=1)
        )
    services.mark_exchange_notified(alert, actor=personas["ada"], on=today)
    with pytest.raises(ValidationError, match="already notified"):
        services.mark_exchange_notified(alert, actor=personas["ada"], on=today)


def test_listing_and_revenues(committee) -> None:
    with pytest.raises(ValidationError, match="listing and effectiveness"):
        services.set_listing(committee, actor=None, ipo=True, listing_date=None)
    meeting = m.AnnualMeeting.objects.filter(company=committee).first()
    assert meeting is not None
    with pytest.raises(ValidationError, match="already recorded"):
        services.add_annual_meeting(committee, actor=None, held_on=meeting.held_on)
    with pytest.raises(ValidationError, match="negative"):
        services.record_company_revenue(
            committee, actor=None, fiscal_year=2026, amount=Decimal(-1)
        )
    org = m.Organisation.objects.get(company=committee)
    with pytest.raises(ValidationError, match="negative"):
        services.record_organisation_revenue(
            org, actor=None, fiscal_year=2026, amount=Decimal(-1)
        )
    with pytest.raises(ValidationError, match="already in the register"):
        services.create_organisation(committee, actor=None, name=org.name)


def test_qualifications_need_a_description_for_other_experience(
    committee, director
) -> None:
    with pytest.raises(ValidationError, match="Describe"):
        services.record_qualifications(
            director("Hal"),
            actor=None,
            on=date(2026, 1, 1),
            literate=True,
            basis="other_comparable",
        )


def test_facts_for_the_charter_engine(committee, director, today) -> None:
    collected = facts.collect_facts(committee, as_of=today)
    kinds = {f.kind for f in collected}
    assert kinds == {
        "composition.size",
        "composition.independence",
        "composition.literacy",
        "composition.expertise",
    }
    current = [f for f in collected if f.until is None]
    assert {f.kind: f.attrs["ok"] for f in current} == dict.fromkeys(kinds, True)
    vacancy = [
        f for f in collected if f.kind == "composition.size" and f.attrs["ok"] is False
    ]
    assert len(vacancy) == 1
    assert vacancy[0].attrs["cure_deadline"] is not None
    from oversight.rules.kinds import BY_NAME

    assert all(BY_NAME[f.kind].state for f in collected)


def test_facts_change_on_the_day_a_member_loses_independence(
    committee, director, today, personas
) -> None:
    """A state changes where the verdict changes, not only where the membership does."""
    ben = director("Ben")
    relative = services.add_family_member(
        ben, actor=None, name="Bo", relationship="spouse"
    )
    became = today - timedelta(days=40)
    services.record_fact(ben, actor=None, kind="employment", family_member=relative,
                         values={"starts_on": became, "title": "COO", "executive_officer": True})  # fmt: skip
    states = [
        f
        for f in facts.collect_facts(committee, as_of=today)
        if f.kind == "composition.independence"
    ]
    assert states[-1].occurred_on == became
    assert states[-1].attrs["ok"] is False
    assert states[-1].attrs["cure_deadline"] is not None
    assert states[-2].until == became - timedelta(days=1)
    assert states[-2].attrs["ok"] is True


def test_dates_outside_1900_to_2200_are_refused(committee, director, personas) -> None:
    with pytest.raises(ValidationError, match="between 1900 and 2200"):
        services.create_director(
            committee, actor=None, name="Old", board_start=date(1066, 10, 14)
        )
    with pytest.raises(ValidationError, match="between 1900 and 2200"):
        services.record_fact(
            director("Ben"),
            actor=None,
            kind="literacy",
            values={"on": date(9999, 12, 31), "literate": True},
        )
    with pytest.raises(ValidationError, match="between 1900 and 2200"):
        services.appoint_member(director("Hal"), actor=None, starts_on=date(9999, 1, 1))


def test_no_register_no_facts(company) -> None:
    assert facts.collect_facts(company, as_of=date(2026, 3, 31)) == []


def test_two_schedulers_raise_one_alert(
    committee, director, today, monkeypatch
) -> None:
    seat = m.Membership.objects.get(director=director("Kit"), ends_on__isnull=True)
    services.end_membership(
        seat, actor=None, ends_on=today - timedelta(days=1), reason="resignation"
    )
    assert (
        m.ComplianceAlert.objects.filter(
            company=committee, resolved_on__isnull=True
        ).count()
        == 1
    )
    # the second scheduler read no open alert a moment before the first one wrote it
    monkeypatch.setattr(
        m.ComplianceAlert.objects,
        "select_for_update",
        lambda: m.ComplianceAlert.objects.none(),
    )
    before = LedgerEvent.objects.count()
    report = services.check_composition(committee, actor=None, as_of=today)
    assert report.status.value == "compliant_in_cure_period"
    assert (
        m.ComplianceAlert.objects.filter(
            company=committee, resolved_on__isnull=True
        ).count()
        == 1
    )
    assert LedgerEvent.objects.count() == before
