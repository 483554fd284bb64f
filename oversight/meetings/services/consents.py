"""Action by unanimous written consent between meetings."""

from __future__ import annotations

from datetime import date

from django.core.mail import send_mail
from django.db import transaction

from oversight.accounts.models import Company, User
from oversight.ledger.services import record
from oversight.meetings.models import (
    ConsentSignature,
    WrittenConsent,
)
from oversight.meetings.services.common import member_label, members_on, refuse, roster
from oversight.meetings.services.votes import _next_resolution_number
from oversight.rules.meetings import consent as consent_rules
from oversight.rules.meetings.roster import Term


@transaction.atomic
def circulate_consent(
    company: Company, *, actor: User, text: str, circulated_on: date
) -> WrittenConsent:
    """Circulate a resolution for every member's signature between meetings."""
    if not text.strip():
        raise refuse("Write the resolution.")
    consent = WrittenConsent.objects.create(
        company=company, text=text, circulated_on=circulated_on, circulated_by=actor
    )
    record(
        "meetings.consent_circulated",
        actor=actor,
        company=company,
        target=consent,
        data={"text": text, "circulated_on": circulated_on},
    )
    recipients = [m.email for m in members_on(company, circulated_on)]
    transaction.on_commit(
        lambda: send_mail(
            "A written consent awaits your signature",
            "Sign it in Oversight (you will confirm your password and code).",
            None,
            recipients,
        )
    )
    return consent


def consent_result(
    consent: WrittenConsent, *, as_of: date, terms: tuple[Term, ...] | None = None
) -> consent_rules.ConsentResult:
    """Where the consent stands (AC-MTG-13); pass ``terms`` to reuse one roster for many."""
    return consent_rules.check_written_consent(
        consent_rules.WrittenConsent(
            f"meetings.writtenconsent:{consent.pk}", consent.text, consent.circulated_on
        ),
        roster(consent.company) if terms is None else terms,
        [
            consent_rules.Signature(member_label(s.member), s.signed_on)
            for s in consent.signatures.all()
        ],
        as_of=as_of,
    )


@transaction.atomic
def sign_consent(consent: WrittenConsent, *, actor: User, on: date) -> ConsentSignature:
    """The actor signs (after re-authentication, checked by the caller); adopted once all have."""
    consent = WrittenConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.adopted_on is not None:
        raise refuse("This consent is already adopted.")
    earlier = [
        consent_rules.Signature(member_label(s.member), s.signed_on)
        for s in consent.signatures.select_related("member")
    ]
    refusal = consent_rules.check_signature(
        consent_rules.Signature(member_label(actor), on),
        consent_rules.WrittenConsent("", consent.text, consent.circulated_on),
        roster(consent.company),
        earlier=earlier,
    )
    if refusal is not None:
        raise refuse(
            refusal.message[0].upper() + refusal.message[1:] + ".", "signature"
        )
    signature = ConsentSignature.objects.create(
        consent=consent, member=actor, signed_on=on
    )
    record(
        "meetings.consent_signed",
        actor=actor,
        company=consent.company,
        target=signature,
        data={"consent": consent.pk, "signed_on": on},
    )
    result = consent_result(consent, as_of=on)
    if result.adopted:
        consent.adopted_on = result.adopted_on
        consent.resolution_number = _next_resolution_number(consent.company, on.year)
        consent.save(update_fields=["adopted_on", "resolution_number"])
        record(
            "meetings.consent_adopted",
            actor=actor,
            company=consent.company,
            target=consent,
            data={
                "adopted_on": result.adopted_on,
                "reason": result.message,
                "resolution": consent.resolution_number,
            },
        )
    return signature
