"""The demo company's complaint channel: published a year ago, a few cases, one hidden from ben.

In the demo, each persona's complaint key passphrase is the demo password. The three
recovery custodians are fictional and their private keys exist nowhere (2 of 3 needed).
"""

from __future__ import annotations

from datetime import date, timedelta

from oversight import testing
from oversight.accounts.models import Company, User
from oversight.complaints import crypto, services
from oversight.complaints.models import Channel, RecipientKey, Status

CASES = (
    (
        300,
        "accounting",
        "Revenue from a March order was booked in February.",
        (),
        Status.CLOSED,
    ),
    (
        120,
        "internal_controls",
        "Purchase orders above the limit are split in two.",
        (),
        Status.INVESTIGATING,
    ),
    (
        40,
        "auditing",
        "An audit adjustment was reversed after the audit.",
        ("ben",),
        Status.ACKNOWLEDGED,
    ),
    (
        3,
        "retaliation",
        "I was moved after asking about the reserve.",
        (),
        Status.RECEIVED,
    ),
)


DEMO_CUSTODIANS = (
    "Outside counsel (fictional)",
    "Second outside counsel (fictional)",
    "Independent director, not on the committee (fictional)",
)


def _demo_public_key() -> bytes:
    """A public key for a fictional custodian. In real use the custodian makes the pair
    offline with ``oversight complaints recovery-keygen``; here the private half is
    dropped at once, so the demo's recovery paths open for nobody."""
    return crypto.new_recipient_key().public_key


def populate(company: Company, personas: dict[str, User], *, today: date) -> None:
    if Channel.objects.filter(company=company).exists():
        return
    for name in ("ada", "ben", "gus"):
        if not RecipientKey.objects.filter(user=personas[name]).exists():
            services.set_up_key(personas[name], passphrase=testing.PASSWORD, on=today)
    services.publish_channel(
        company,
        actor=personas["ada"],
        on=today - timedelta(days=365),
        custodians=[
            services.CustodianInput(label, crypto.format_public_key(_demo_public_key()))
            for label in DEMO_CUSTODIANS
        ],
        threshold=2,
        fallback=personas["gus"],
    )
    private = services.unlock_key(personas["ada"], testing.PASSWORD)
    for days_ago, category, text, concerns, status in CASES:
        received = today - timedelta(days=days_ago)
        case, _ = services.submit_report(
            company,
            receipt=crypto.normalise_receipt(crypto.new_receipt()),
            data=services.ReportInput(
                category=category,
                text=text,
                concerns=tuple(personas[n].pk for n in concerns),
            ),
            on=received,
        )
        if status != Status.RECEIVED:
            services.set_status(
                case,
                actor=personas["ada"],
                status=Status.ACKNOWLEDGED,
                on=received + timedelta(days=3),
            )
            key = services.case_key(case, personas["ada"], private)
            services.send_message(
                case,
                actor=personas["ada"],
                key=key,
                text="Thank you. The committee is looking into it.",
                on=received + timedelta(days=3),
            )
        if status not in {Status.RECEIVED, Status.ACKNOWLEDGED}:
            services.set_status(
                case,
                actor=personas["ada"],
                status=status,
                on=received + timedelta(days=60),
            )
