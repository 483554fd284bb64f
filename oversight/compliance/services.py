"""Recording evidence, storing evaluation runs, choosing cadences, sending reminders."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from oversight.accounts.models import Company, Role, User
from oversight.accounts.queries import company_today, holders_of
from oversight.compliance import queries
from oversight.compliance.models import (
    CadenceChoice,
    DigestSchedule,
    EvaluationRun,
    Evidence,
    Reminder,
)
from oversight.ledger.services import record
from oversight.rules.charter.calendar import format_day
from oversight.rules.charter.model import Periodically
from oversight.rules.core import Status
from oversight.rules.kinds import BY_NAME

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@transaction.atomic
def record_evidence(
    company: Company,
    *,
    actor: User,
    kind: str,
    occurred_on: date,
    note: str = "",
    meeting: str = "",
    until: date | None = None,
    holds: bool = True,
    cure_deadline: date | None = None,
    document: UploadedFile[bytes] | None = None,
) -> Evidence:
    """Record that ``kind`` happened on ``occurred_on`` (or, for a state, held from then)."""
    spec = BY_NAME.get(kind)
    if spec is None:
        raise ValidationError({"kind": f"Unknown kind {kind!r}."})
    if occurred_on > company_today(company):
        raise ValidationError(
            {"occurred_on": "Evidence cannot be dated in the future."}
        )
    if until is not None and until < occurred_on:
        raise ValidationError({"until": "A state cannot end before it starts."})
    if not spec.state:
        if until is not None or cure_deadline is not None:
            raise ValidationError(
                "Until and cure deadline apply only to states (composition, procedures)."
            )
        holds = True  # an event happened; only states can fail to hold
    if cure_deadline is not None and holds:
        raise ValidationError(
            {
                "cure_deadline": "A cure period applies only when the state does not hold."
            }
        )
    digest = name = ""
    if document is not None:
        if document.size is not None and document.size > MAX_DOCUMENT_BYTES:
            raise ValidationError({"document": "The document is larger than 20 MB."})
        hasher = hashlib.sha256()
        for chunk in document.chunks():
            hasher.update(chunk)
        digest, name = hasher.hexdigest(), document.name or ""
        document.seek(0)
    row = Evidence.objects.create(
        company=company,
        kind=kind,
        occurred_on=occurred_on,
        until=until,
        holds=holds,
        cure_deadline=cure_deadline,
        meeting=meeting,
        note=note,
        document=document or "",
        document_name=name,
        document_sha256=digest,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    record(
        "compliance.evidence_recorded",
        actor=actor,
        company=company,
        target=row,
        data={
            "kind": kind,
            "occurred_on": occurred_on,
            "until": until,
            "holds": holds,
            "cure_deadline": cure_deadline,
            "meeting": meeting,
            "document_sha256": digest,
        },
    )
    return row


@transaction.atomic
def run_evaluation(
    company: Company,
    *,
    actor: User | None,
    as_of: date,
    known_at: datetime | None = None,
    fiscal_year: int | None = None,
) -> EvaluationRun:
    """Evaluate the charter in force on ``as_of`` and store the run, reproducibly."""
    ctx = queries.context_for(company, as_of=as_of, known_at=known_at)
    if ctx is None:
        raise ValidationError(f"No charter is in force on {as_of.isoformat()}.")
    try:
        evaluation = ctx.evaluate(fiscal_year=fiscal_year)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    run = EvaluationRun.objects.create(
        company=company,
        charter_version=ctx.version,
        fiscal_year=evaluation.fiscal_year,
        as_of=as_of,
        known_at=known_at,
        engine_version=evaluation.engine_version,
        facts_digest=evaluation.facts_digest,
        overrides=dict(evaluation.overrides),
        results=evaluation.as_json()["results"],
        missed=len(evaluation.missed),
        created_by=actor,
        created_at=timezone.now(),
    )
    record(
        "compliance.evaluation_run",
        actor=actor,
        company=company,
        target=run,
        data={
            "charter": ctx.version.label,
            "as_of": as_of,
            "known_at": known_at,
            "fiscal_year": run.fiscal_year,
            "engine": run.engine_version,
            "facts_digest": run.facts_digest,
            "missed": run.missed,
        },
    )
    return run


@transaction.atomic
def set_cadence(
    company: Company, *, actor: User, obligation_id: str, per_year: int
) -> CadenceChoice:
    """Choose how many times a year a "periodically" obligation is due."""
    from oversight.charters.queries import parsed, version_in_force

    version = version_in_force(company, company_today(company))
    if version is None:
        raise ValidationError("No charter is in force.")
    try:
        obligation = parsed(version).obligation(obligation_id)
    except KeyError:
        raise ValidationError(
            {"obligation_id": "No such obligation in the charter in force."}
        ) from None
    if not isinstance(obligation.cadence, Periodically):
        raise ValidationError(
            {"obligation_id": "Only a 'periodically' obligation takes a chosen number."}
        )
    if not 1 <= per_year <= 52:
        raise ValidationError({"per_year": "Choose between 1 and 52 a year."})
    choice, _ = CadenceChoice.objects.update_or_create(
        company=company,
        obligation_id=obligation_id,
        defaults={
            "per_year": per_year,
            "chosen_by": actor,
            "chosen_at": timezone.now(),
        },
    )
    record(
        "compliance.cadence_chosen",
        actor=actor,
        company=company,
        target=choice,
        data={"obligation": obligation_id, "per_year": per_year},
    )
    return choice


def run_scheduled(*, today: date | None = None) -> int:
    """Store one scheduled run per company with a charter in force, once a day.

    Several schedulers may run at once: the database keeps one scheduled run per company
    and day (a conditional unique constraint), so a second attempt is simply skipped.
    """
    stored = 0
    for company in Company.objects.all():
        day = today or company_today(company)
        if EvaluationRun.objects.filter(
            company=company, as_of=day, created_by=None, known_at=None
        ).exists():
            continue
        try:
            with transaction.atomic():
                run_evaluation(company, actor=None, as_of=day)
        except ValidationError:
            continue  # no charter in force
        except IntegrityError:
            continue  # another scheduler stored today's run first
        stored += 1
    return stored


# --- reminders and the weekly digest ------------------------------------------------


def schedule_reminders(company: Company, *, today: date) -> int:
    """Create a reminder row for every obligation now inside its reminder window.

    Idempotent: a row exists once per (obligation, due date); a second scheduler's
    attempt to create the same row fails on the unique constraint and is ignored.
    """
    ctx = queries.context_for(company, as_of=today)
    if ctx is None:
        return 0
    by_id = {o.id: o for o in ctx.charter.obligations}
    made = 0
    for result in ctx.evaluate().results:
        if result.status is not Status.DUE_SOON or result.due_on is None:
            continue
        obligation = by_id[result.rule_id]
        try:
            with transaction.atomic():
                _, created = Reminder.objects.get_or_create(
                    company=company,
                    obligation_id=result.rule_id,
                    due_on=result.due_on,
                    defaults={
                        "message": f"{obligation.title}: {result.message}",
                        "roles": list(obligation.responsible),
                        "created_at": timezone.now(),
                    },
                )
        except IntegrityError:
            created = False
        made += created
    return made


def claim_reminder(reminder: Reminder, *, worker: str) -> bool:
    """Claim an unsent reminder for ``worker``; True only for the one worker that wins."""
    return (
        Reminder.objects.filter(pk=reminder.pk, claimed_at__isnull=True).update(
            claimed_at=timezone.now(), claimed_by=worker
        )
        == 1
    )


def _recipients(company: Company, roles: list[str]) -> list[str]:
    wanted = {Role(r) for r in roles if r in Role.values}
    return (
        sorted(holders_of(company, wanted).values_list("email", flat=True))
        if wanted
        else []
    )


def send_reminders(*, today: date | None = None, worker: str) -> int:
    """Schedule and send every due reminder of every company; each is sent at most once."""
    sent = 0
    for company in Company.objects.all():
        day = today or company_today(company)
        schedule_reminders(company, today=day)
        for reminder in Reminder.objects.filter(
            company=company, claimed_at__isnull=True
        ):
            if not claim_reminder(reminder, worker=worker):
                continue  # another scheduler got there first
            to = _recipients(company, reminder.roles)
            if to:
                send_mail(
                    f"[{company.name}] Due by {format_day(reminder.due_on)}: {reminder.obligation_id}",
                    f"{reminder.message}\n\nOpen the compliance dashboard: {settings.SITE_URL}/compliance/\n",
                    None,
                    to,
                )
            with transaction.atomic():
                Reminder.objects.filter(pk=reminder.pk).update(
                    sent_at=timezone.now(), recipients=len(to)
                )
                record(
                    "compliance.reminder_sent",
                    actor=None,
                    company=company,
                    target=reminder,
                    data={
                        "obligation": reminder.obligation_id,
                        "due_on": reminder.due_on,
                        "recipients": len(to),
                    },
                )
            sent += 1
    return sent


def claim_digest(schedule: DigestSchedule, *, today: date) -> bool:
    """Move the digest a week forward if it is still where this worker saw it."""
    return (
        DigestSchedule.objects.filter(
            pk=schedule.pk, next_digest_on=schedule.next_digest_on
        ).update(next_digest_on=today + timedelta(days=7))
        == 1
    )


def send_digests(*, today: date | None = None) -> int:
    """Send each company's weekly digest when due; a week is claimed by one sender only."""
    sent = 0
    for company in Company.objects.all():
        day = today or company_today(company)
        try:
            with transaction.atomic():
                schedule, _ = DigestSchedule.objects.get_or_create(
                    company=company, defaults={"next_digest_on": day}
                )
        except IntegrityError:
            schedule = DigestSchedule.objects.get(company=company)
        if not schedule.is_due(day) or not claim_digest(schedule, today=day):
            continue
        board = queries.dashboard_for(company, as_of=day)
        if board is None:
            continue
        lines = [f"Compliance digest for {company.name}, {format_day(day)}", ""]
        lines += [
            f"MISSED ({year}) {r.rule_id}: {r.message}" for year, r in board.overdue
        ]
        lines += [
            f"DUE {format_day(r.due_on)} {r.rule_id}: {r.message}"
            for r in board.upcoming
            if r.due_on
        ]
        if len(lines) == 2:
            lines.append("Nothing is overdue or due in the next 90 days.")
        to = _recipients(company, [Role.CHAIR, Role.MEMBER, Role.SECRETARY])
        if to:
            send_mail(
                f"[{company.name}] Weekly compliance digest",
                "\n".join(lines) + "\n",
                None,
                to,
            )
        with transaction.atomic():
            DigestSchedule.objects.filter(pk=schedule.pk).update(
                last_sent_at=timezone.now()
            )
            record(
                "compliance.digest_sent",
                actor=None,
                company=company,
                target=schedule,
                data={"on": day, "recipients": len(to), "overdue": len(board.overdue)},
            )
        sent += 1
    return sent
