"""The submission's write: a short transaction, one writer at a time, nothing half-written."""

from __future__ import annotations

import fcntl
import os
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from oversight.complaints import conf, crypto, services
from oversight.complaints.models import Attachment, Case, WrappedKey
from oversight.complaints.tests.conftest import TODAY


def _input(**extra):
    return services.ReportInput(
        category="accounting", text="Invoices were re-dated.", **extra
    )


def test_sqlite_submissions_queue_on_a_lock_beside_the_database(tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL needs no writer lock")
    database = tmp_path / "oversight.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    monkeypatch.setattr(connection, "is_in_memory_db", lambda: False)
    lock = f"{database}.submit-lock"
    with services._one_writer():
        other = os.open(lock, os.O_RDWR)  # as another process would
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)
    other = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released on the way out
    finally:
        os.close(other)


def test_an_in_memory_database_takes_no_file_lock(tmp_path, monkeypatch):
    monkeypatch.setitem(
        connection.settings_dict, "NAME", str(tmp_path / "oversight.sqlite3")
    )
    monkeypatch.setattr(connection, "is_in_memory_db", lambda: True, raising=False)
    with services._one_writer():
        pass
    assert not list(tmp_path.iterdir())  # and PostgreSQL never takes one


def test_a_submission_that_fails_to_write_leaves_nothing(
    company, channel, keys, personas, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(WrappedKey.objects, "bulk_create", broken)
    receipt = crypto.normalise_receipt(crypto.new_receipt())
    with pytest.raises(RuntimeError):
        services.submit_report(company, receipt=receipt, data=_input(), on=TODAY)
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()
    assert not list(conf.shred_key_dir().glob("*.key"))  # no orphan shred key
    monkeypatch.undo()
    case, created = services.submit_report(
        company, receipt=receipt, data=_input(), on=TODAY
    )
    assert created  # the reporter who retries loses nothing
    assert case.wraps.filter(holder_tag=conf.holder_tag(personas["ada"].pk)).exists()


def test_a_submission_inserts_in_a_few_queries(
    company, channel, keys, django_assert_max_num_queries
):
    receipt = crypto.normalise_receipt(crypto.new_receipt())
    upload = services.Upload("ledger.csv", "text/csv", b"a,b\n1,2\n")
    with django_assert_max_num_queries(14):
        case, _ = services.submit_report(
            company, receipt=receipt, data=_input(files=(upload,)), on=TODAY
        )
    assert case.attachments.count() == 1


def _sqlite_file(tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL needs no writer lock")
    database = tmp_path / "oversight.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    monkeypatch.setattr(connection, "is_in_memory_db", lambda: False)
    return database


def test_a_writer_that_never_lets_go_delays_a_submission_but_never_stops_it(
    tmp_path, monkeypatch
):
    import time

    database = _sqlite_file(tmp_path, monkeypatch)
    monkeypatch.setattr(services, "WRITER_WAIT", 0.05)
    stuck = os.open(f"{database}.submit-lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(stuck, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        with services._one_writer():
            waited = time.monotonic() - started
        assert waited >= 0.05
    finally:
        os.close(stuck)
    with services._one_writer():  # and the next one takes its turn as usual
        pass


def test_a_lock_file_that_cannot_be_opened_leaves_submissions_to_sqlite(
    tmp_path, monkeypatch
):
    _sqlite_file(tmp_path, monkeypatch)
    monkeypatch.setitem(
        connection.settings_dict, "NAME", str(tmp_path / "missing" / "db.sqlite3")
    )
    with services._one_writer():
        pass
    assert not (tmp_path / "missing").exists()


def test_a_member_who_leaves_while_a_report_is_prepared_gets_no_wrap(
    company, channel, keys, personas, monkeypatch
):
    """The recipients are read before the write: a departure committed in between
    is seen at the write, and the case is wrapped again for the roster of now."""
    from oversight.accounts.models import RoleAssignment

    prepare = services._prepare_case
    left: list[bool] = []

    def prepare_then_ben_leaves(*args, **kwargs):
        new = prepare(*args, **kwargs)
        if not left:
            left.append(True)
            RoleAssignment.objects.filter(company=company, user=personas["ben"]).update(
                ends_on=TODAY - timedelta(days=1)
            )
            services.role_ended(personas["ben"], company, on=TODAY - timedelta(days=1))
        return new

    monkeypatch.setattr(services, "_prepare_case", prepare_then_ben_leaves)
    receipt = crypto.normalise_receipt(crypto.new_receipt())
    case, created = services.submit_report(
        company, receipt=receipt, data=_input(), on=TODAY
    )
    assert created
    assert not case.wraps.filter(
        holder_tag=conf.holder_tag(personas["ben"].pk)
    ).exists()
    assert case.wraps.filter(holder_tag=conf.holder_tag(personas["ada"].pk)).exists()
    assert len(list(conf.shred_key_dir().glob("*.key"))) == 1  # the first one went


def test_a_roster_that_keeps_changing_is_a_clear_message(
    company, channel, keys, monkeypatch
):
    calls = iter(range(100))
    roster = services._roster

    def moving(*args, **kwargs):
        found = roster(*args, **kwargs)
        return services._Roster(
            found.recipients, found.keys, (*found.fingerprint, next(calls))
        )

    monkeypatch.setattr(services, "_roster", moving)
    receipt = crypto.normalise_receipt(crypto.new_receipt())
    with pytest.raises(ValidationError, match="membership is changing"):
        services.submit_report(company, receipt=receipt, data=_input(), on=TODAY)
    assert not Case.objects.exists()
    assert not list(conf.shred_key_dir().glob("*.key"))
