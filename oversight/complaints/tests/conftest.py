# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""Fixtures of the complaint channel: keys set up, the channel published, a way to report."""

from __future__ import annotations

import re
from datetime import date

import pytest

from oversight.complaints import crypto, services

FAST = crypto.KeyParams(opslimit=1, memlimit=8 * 1024)
PASSPHRASES = {
    name: f"{name}'s own long passphrase" for name in ("ada", "ben", "gus", "hal")
}
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _fast_keys(settings, tmp_path):
    settings.COMPLAINTS_SHRED_KEY_DIR = str(tmp_path / "shred-keys")
    settings.COMPLAINTS_BLOB_DIR = str(tmp_path / "blobs")
    settings.COMPLAINTS_UPLOAD_TMP_DIR = str(tmp_path / "uploads")
    settings.COMPLAINTS_KEY_PARAMS = FAST
    settings.TESTING = True  # libsodium's minimum Argon2id cost is accepted
    settings.COMPLAINTS_TARPIT_SECONDS = 0  # test_reporter checks the held refusal
    services.UNLOCK_THROTTLE.failures.clear()
    from oversight.complaints import conf

    conf.guard.cache_clear()
    services._FAILURES.pending.clear()
    yield
    conf.guard.cache_clear()
    services._FAILURES.pending.clear()


@pytest.fixture
def keys(personas):
    """ada (chair), ben (member) and gus (internal audit) have complaint keys."""
    for name in ("ada", "ben", "gus"):
        services.set_up_key(personas[name], passphrase=PASSPHRASES[name], on=TODAY)
    return {
        name: services.unlock_key(personas[name], PASSPHRASES[name])
        for name in ("ada", "ben", "gus")
    }


CUSTODIANS = ("Outside counsel", "Second outside counsel", "Lead independent director")


@pytest.fixture
def custodian_kits():
    """Three custodians' kits, made as the offline CLI makes them (never by the server)."""
    return {label: crypto.new_recovery_kit() for label in CUSTODIANS}


@pytest.fixture
def channel(company, personas, keys, custodian_kits):
    """The channel is published with 2-of-3 recovery custodians (public keys only)."""
    return services.publish_channel(
        company,
        actor=personas["ada"],
        on=date(2020, 1, 1),
        custodians=[
            services.CustodianInput(label, crypto.format_public_key(kit.public_key))
            for label, kit in custodian_kits.items()
        ],
        threshold=2,
        fallback=personas["gus"],
    )


@pytest.fixture
def report(company, channel):
    """``report(text=..., concerns=[user], files=[Upload])`` files one and returns (case, receipt)."""

    def make(
        text="The Q3 revenue was booked early.",
        concerns=(),
        files=(),
        category="accounting",
    ):
        receipt = crypto.normalise_receipt(crypto.new_receipt())
        case, created = services.submit_report(
            company,
            receipt=receipt,
            data=services.ReportInput(
                category=category,
                text=text,
                concerns=tuple(u.pk for u in concerns),
                files=tuple(files),
            ),
            on=TODAY,
        )
        assert created
        return case, receipt

    return make


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)
