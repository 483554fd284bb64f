"""Shared fixtures: test settings, personas, signed-in clients."""

from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.COMPLAINTS_BLOB_DIR = str(tmp_path_factory.mktemp("complaint-blobs"))
    settings.COMPLAINTS_UPLOAD_TMP_DIR = str(
        tmp_path_factory.mktemp("complaint-uploads")
    )
    settings.LEDGER_SIGNING_KEY_PATH = (
        tmp_path_factory.getbasetemp() / "ledger-signing.key"
    )
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(scope="session", autouse=True)
def _flush_may_wipe_the_ledger():
    """Wiping a whole test database (transactional tests) is the ledger's one maintenance path."""
    from django.core.management.commands import flush

    from oversight.ledger import guard

    original = flush.Command.handle

    def handle(self, *args, **options):
        with guard.maintenance():
            return original(self, *args, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture
def company(db):
    from oversight import testing

    return testing.make_company()


@pytest.fixture
def other_company(db):
    from oversight import testing

    return testing.make_company(
        "Northwind Analytics, Inc.",
        "northwind-analytics",
        fiscal_year_end_month=6,
        fiscal_year_end_day=30,
    )


@pytest.fixture
def personas(company, other_company):
    """ada chair, ben member, cleo CFO, dev auditor, fay secretary, gus internal audit,
    hal board observer, ivy admin in One Stop Systems; eve holds a role only elsewhere."""
    from oversight import testing
    from oversight.accounts.models import Role
    from oversight.accounts.services import assign_role

    people = testing.make_personas(company, starts_on=date(2020, 1, 1))
    assign_role(
        people["eve"],
        actor=None,
        company=other_company,
        role=Role.CHAIR,
        starts_on=date(2020, 1, 1),
    )
    return people


def _signed_in_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(personas):
    """``client_for("ada")``: a client signed in as the persona, second factor passed."""

    def make(name):
        return _signed_in_client(personas[name])

    return make
