"""Required communications from the auditor, and the committee's independence actions."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from oversight.accounts.models import User
from oversight.auditors import models as m
from oversight.auditors.services.common import (
    check_pdf,
)
from oversight.ledger.services import record


@transaction.atomic
def record_communication(
    engagement: m.Engagement,
    *,
    actor: User,
    kind: str,
    title: str,
    received_on: date,
    document: UploadedFile[bytes] | None = None,
    affirmation: str = "",
) -> m.Communication:
    """A required communication received from the auditor (AC-AUD-04, AC-COM-01, -02)."""
    if kind not in dict(m.Communication.KINDS):
        raise ValidationError("Choose the kind of communication.")
    if affirmation and kind != "independence_annual":
        raise ValidationError(
            "Only the annual independence letter carries an affirmation."
        )
    if document is not None:
        check_pdf(document, "The document")
    row = m.Communication.objects.create(
        company=engagement.company,
        engagement=engagement,
        kind=kind,
        title=title,
        received_on=received_on,
        affirmation=affirmation,
        uploaded_by=actor,
    )
    if document is not None:
        row.document.save(document.name or "communication.pdf", document, save=True)
    record(
        "auditors.communication_received",
        actor=actor,
        company=engagement.company,
        target=row,
        data={
            "kind": kind,
            "received_on": received_on,
            "document": row.document.name or "",
        },
    )
    return row


@transaction.atomic
def review_communication(
    row: m.Communication, *, actor: User, reviewed_on: date, reviewed_at: str
) -> m.Communication:
    """The committee reviewed or discussed the communication at a meeting."""
    if row.reviewed_on is not None:
        raise ValidationError("This communication's review is already recorded.")
    if reviewed_on < row.received_on:
        raise ValidationError(
            "A communication cannot be reviewed before it was received."
        )
    row.reviewed_on, row.reviewed_at = reviewed_on, reviewed_at
    row.save(update_fields=["reviewed_on", "reviewed_at"])
    record(
        "auditors.communication_reviewed",
        actor=actor,
        company=row.company,
        target=row,
        data={"kind": row.kind, "reviewed_on": reviewed_on, "meeting": reviewed_at},
    )
    return row


@transaction.atomic
def act_on_independence(
    engagement: m.Engagement,
    *,
    actor: User,
    alert_key: str,
    action: str,
    acted_on: date,
) -> m.IndependenceAction:
    """The committee acts, or recommends the board act, on the auditor's independence."""
    if not action.strip():
        raise ValidationError("Describe the action taken or recommended.")
    row = m.IndependenceAction.objects.create(
        company=engagement.company,
        engagement=engagement,
        alert_key=alert_key,
        action=action,
        acted_on=acted_on,
        recorded_by=actor,
    )
    record(
        "auditors.independence_action_recorded",
        actor=actor,
        company=engagement.company,
        target=row,
        data={"alert": alert_key, "acted_on": acted_on},
    )
    return row
