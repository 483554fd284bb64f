"""Recorded evidence, the facts bridge, reproducible runs, reminders and the CLI."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from oversight.accounts.models import Company
from oversight.compliance import facts, queries, services
from oversight.compliance.models import (
    DigestSchedule,
    EvaluationRun,
    Evidence,
    Reminder,
)
from oversight.ledger.models import LedgerEvent
from oversight.rules.core import Fact, Status

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_recording_evidence_appends_one_ledger_event(record):
    before = LedgerEvent.objects.count()
    document = SimpleUploadedFile("qc-report.pdf", b"%PDF-1.7 quality control report")
    row = record(
        "auditor.qc_report_reviewed",
        "2026-08-12",
        meeting="August meeting",
        note="Received and reviewed.",
        document=document,
    )
    assert LedgerEvent.objects.count() == before + 1
    event = LedgerEvent.objects.latest("pk")
    assert event.action == "compliance.evidence_recorded"
    assert (
        row.document_sha256
        == hashlib.sha256(b"%PDF-1.7 quality control report").hexdigest()
    )
    assert event.data["document_sha256"] == row.document_sha256


@pytest.mark.parametrize(
    ("kind", "on", "fields", "words"),
    [
        ("meeting.held", "2026-11-22", {}, "future"),
        ("meeting.held", "2026-03-01", {"until": date(2026, 3, 2)}, "only to states"),
        (
            "composition.size",
            "2026-03-01",
            {"until": date(2026, 2, 1)},
            "cannot end before",
        ),
        (
            "composition.size",
            "2026-03-01",
            {"cure_deadline": date(2026, 9, 1)},
            "only when the state does not hold",
        ),
        ("sky.falling", "2026-03-01", {}, "Unknown kind"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_saved(record, kind, on, fields, words):
    before = (Evidence.objects.count(), LedgerEvent.objects.count())
    with pytest.raises(ValidationError, match=words):
        record(kind, on, **fields)
    assert (Evidence.objects.count(), LedgerEvent.objects.count()) == before


def test_evidence_becomes_facts(company, record):
    record(
        "meeting.held",
        "2026-02-12",
        meeting="February meeting",
        note="Quorum present.\nMinutes on file.",
    )
    record(
        "composition.size", "2026-04-01", holds=False, cure_deadline=date(2026, 9, 28)
    )
    record("meeting.held", "2026-11-20")
    gathered = {
        f.kind: f for f in facts.gather_facts(company, as_of=date(2026, 11, 19))
    }
    meeting, size = gathered["meeting.held"], gathered["composition.size"]
    assert (meeting.occurred_on, meeting.summary, meeting.attrs["meeting_name"]) == (
        date(2026, 2, 12),
        "Quorum present.",
        "February meeting",
    )
    assert meeting.ref.startswith("compliance.evidence:")
    assert meeting.recorded_at == NOW
    assert (size.attrs["ok"], size.attrs["cure_deadline"]) == (False, "2026-09-28")
    assert len(facts.gather_facts(company, as_of=date(2026, 11, 20))) == 3


def test_a_register_replaces_recorded_evidence_of_its_kinds(
    company, record, monkeypatch
):
    record(
        "meeting.held", "2025-11-12"
    )  # paper history, before the register's first record
    record(
        "meeting.held", "2026-03-03"
    )  # the same meeting, recorded twice: the register's counts
    record("charter.reviewed", "2026-02-12")
    structured = Fact("meeting.held", "meetings.meeting:1", date(2026, 3, 3), NOW)

    class Adapter:
        @staticmethod
        def collect_facts(company, *, as_of):
            return [structured]

    monkeypatch.setattr(
        facts, "_register_modules", lambda: {"meetings": "fake.meetings.facts"}
    )
    monkeypatch.setattr(facts, "import_module", lambda name: Adapter)
    gathered = facts.gather_facts(company, as_of=date(2026, 11, 19))
    meetings = sorted(
        (f.occurred_on, f.ref.split(":")[0])
        for f in gathered
        if f.kind == "meeting.held"
    )
    assert meetings == [
        (date(2025, 11, 12), "compliance.evidence"),
        (date(2026, 3, 3), "meetings.meeting"),
    ]
    assert sorted(
        f.kind for f in gathered if f.ref.startswith("compliance.evidence:")
    ) == [
        "charter.reviewed",
        "meeting.held",
    ]


def test_fiscal_calendar_comes_from_company_settings(company):
    company.fiscal_year_end_month, company.fiscal_year_end_day = 2, 31
    calendar = facts.calendar_for(company)
    assert (calendar.year_end(2024), calendar.tz) == (
        date(2024, 2, 29),
        "America/Los_Angeles",
    )


def test_a_run_is_stored_and_reproducible(company, personas, charter, record):
    record("meeting.held", "2026-02-12")
    first = services.run_evaluation(
        company, actor=personas["ada"], as_of=date(2026, 6, 30)
    )
    assert LedgerEvent.objects.latest("pk").action == "compliance.evaluation_run"
    assert (first.charter_version, first.fiscal_year, first.engine_version) == (
        charter,
        2026,
        "1.0.0",
    )
    # evidence entered later about a day before as_of changes what is true then...
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        record("meeting.held", "2026-05-14")
        now = services.run_evaluation(company, actor=None, as_of=date(2026, 6, 30))
        # ...but not what was known when the first run was made
        then = services.run_evaluation(
            company, actor=None, as_of=date(2026, 6, 30), known_at=first.created_at
        )
    assert now.facts_digest != first.facts_digest
    assert then.facts_digest == first.facts_digest
    assert then.results == first.results


def test_no_charter_no_run(company, personas):
    with pytest.raises(ValidationError, match="No charter is in force"):
        services.run_evaluation(company, actor=personas["ada"], as_of=date(2026, 6, 30))
    assert EvaluationRun.objects.count() == 0


def test_a_run_of_a_future_year_is_refused(company, personas, charter):
    with pytest.raises(ValidationError, match="has not started"):
        services.run_evaluation(
            company, actor=None, as_of=date(2026, 6, 30), fiscal_year=2027
        )


def sessions(company: Company) -> Status:
    ctx = queries.context_for(company, as_of=date(2026, 11, 19))
    assert ctx is not None
    return ctx.evaluate().result("AC-MTG-02").status


def test_periodically_is_a_number_the_committee_chooses(
    company, personas, charter, record
):
    for kind in ("session.management", "session.internal_audit", "session.auditor"):
        record(kind, "2026-03-01")
    assert sessions(company) is Status.MET
    services.set_cadence(
        company, actor=personas["ada"], obligation_id="AC-MTG-02", per_year=2
    )
    assert LedgerEvent.objects.latest("pk").action == "compliance.cadence_chosen"
    assert sessions(company) is Status.DUE_SOON
    for oid, n, words in (
        ("AC-MTG-01", 2, "Only a 'periodically'"),
        ("AC-NOPE-01", 2, "No such obligation"),
        ("AC-MTG-02", 0, "between 1 and 52"),
    ):
        with pytest.raises(ValidationError, match=words):
            services.set_cadence(
                company, actor=personas["ada"], obligation_id=oid, per_year=n
            )


# ---------------------------------------------------------------- reminders and digest


def test_reminders_go_to_the_responsible_roles_once(company, personas, charter):
    sent = services.send_reminders(today=date(2026, 12, 5), worker="host-a")
    assert sent == len(mail.outbox) > 0
    by_subject = {m.subject: m for m in mail.outbox}
    mtg01 = next(m for s, m in by_subject.items() if s.endswith("AC-MTG-01"))
    assert sorted(mtg01.to) == [
        "ada@oss.example",
        "fay@oss.example",
    ]  # chair and secretary
    assert "Due by 31 Dec 2026" in mtg01.subject
    assert LedgerEvent.objects.filter(action="compliance.reminder_sent").count() == sent
    # a second scheduler run (another host) sends nothing again
    assert services.send_reminders(today=date(2026, 12, 5), worker="host-b") == 0
    assert len(mail.outbox) == sent
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


def test_two_schedulers_never_claim_the_same_reminder(company, charter):
    assert services.schedule_reminders(company, today=date(2026, 12, 5)) > 0
    assert (
        services.schedule_reminders(company, today=date(2026, 12, 5)) == 0
    )  # idempotent
    reminder = Reminder.objects.get(obligation_id="AC-MTG-01")
    stale_a, stale_b = (
        Reminder.objects.get(pk=reminder.pk),
        Reminder.objects.get(pk=reminder.pk),
    )
    assert services.claim_reminder(stale_a, worker="host-a") is True
    assert services.claim_reminder(stale_b, worker="host-b") is False
    assert Reminder.objects.get(pk=reminder.pk).claimed_by == "host-a"


def test_the_weekly_digest_is_sent_once_a_week(company, personas, charter):
    assert services.send_digests(today=date(2026, 12, 7)) == 1
    digest = mail.outbox[-1]
    assert digest.subject == "[One Stop Systems, Inc.] Weekly compliance digest"
    assert "DUE 31 Dec 2026 AC-MTG-01" in digest.body
    assert sorted(digest.to) == [
        "ada@oss.example",
        "ben@oss.example",
        "fay@oss.example",
    ]
    assert services.send_digests(today=date(2026, 12, 7)) == 0
    assert services.send_digests(today=date(2026, 12, 13)) == 0
    assert services.send_digests(today=date(2026, 12, 14)) == 1


def test_two_schedulers_never_claim_the_same_digest(company):
    schedule = DigestSchedule.objects.create(
        company=company, next_digest_on=date(2026, 12, 7)
    )
    seen_by_a = DigestSchedule.objects.get(pk=schedule.pk)
    seen_by_b = DigestSchedule.objects.get(pk=schedule.pk)
    assert services.claim_digest(seen_by_a, today=date(2026, 12, 7)) is True
    assert services.claim_digest(seen_by_b, today=date(2026, 12, 7)) is False


def test_send_reminders_command(company, charter, capsys):
    call_command("send_obligation_reminders", "--today", "2026-12-05")
    assert "reminder(s) and 1 digest(s) sent" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("send_obligation_reminders", "--today", "soon")


# ---------------------------------------------------------------- oversight check


def test_check_exits_1_when_something_is_missed(company, charter, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "check_charter", "--company", company.slug, "--as-of", "2026-06-30"
        )
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "missed            AC-PRE-06" in out


def test_check_exits_0_when_nothing_is_missed(company, charter, record, capsys):
    for kind in (
        "composition.size",
        "composition.independence",
        "composition.literacy",
        "composition.expertise",
        "complaints.procedures_published",
    ):
        record(kind, "2026-01-01")
    record("auditor.policy_adopted", "2026-01-05")
    record("auditor.service_approved", "2026-01-05")
    record("board.report_delivered", "2026-01-20")
    record("meeting.held", "2026-01-15")
    call_command(
        "check_charter", "--company", company.slug, "--as-of", "2026-01-31", "--json"
    )
    data = json.loads(capsys.readouterr().out)
    assert data["charter"] == "as received"
    assert {r["status"] for r in data["results"]} - {
        "met",
        "not_yet_due",
        "not_applicable",
        "due_soon",
    } == set()


@pytest.mark.parametrize(
    "args",
    [
        ["--company", "nope"],
        ["--company", "one-stop-systems", "--as-of", "yesterday"],
        ["--company", "one-stop-systems", "--as-of", "2010-01-01"],
        ["--company", "one-stop-systems", "--known-at", "noon"],
        ["--company", "one-stop-systems", "--known-at", "2026-06-30T12:00:00"],
        [
            "--company",
            "one-stop-systems",
            "--as-of",
            "2026-06-30",
            "--fiscal-year",
            "2030",
        ],
    ],
)
def test_check_exits_2_on_bad_input(args, charter):
    with pytest.raises(CommandError) as refused:
        call_command("check_charter", *args)
    assert refused.value.returncode == 2


def test_the_oversight_script_maps_check(company, charter, monkeypatch):
    from oversight import cli

    seen = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line",
        lambda argv: seen.append(argv),
    )
    cli.main(["check", "--company", company.slug])
    assert seen == [["oversight", "check_charter", "--company", company.slug]]


def test_scheduled_runs_are_stored_once_a_day(company, charter, other_company, capsys):
    call_command("run_compliance", "--today", "2026-11-20")
    assert "1 run(s) stored" in capsys.readouterr().out  # Northwind has no charter
    assert services.run_scheduled(today=date(2026, 11, 20)) == 0
    assert EvaluationRun.objects.filter(company=company).count() == 1
    assert services.run_scheduled(today=date(2026, 11, 21)) == 1
    with pytest.raises(CommandError):
        call_command("run_compliance", "--today", "later")


def test_the_database_refuses_a_second_scheduled_run_for_a_day(
    company, charter, monkeypatch
):
    from django.db.models import QuerySet

    services.run_scheduled(today=date(2026, 11, 20))
    # a scheduler that checked before the other stored its run
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    assert services.run_scheduled(today=date(2026, 11, 20)) == 0
    assert (
        EvaluationRun.objects.filter(company=company, as_of=date(2026, 11, 20)).count()
        == 1
    )
