"""The ledger: append-only in the model and the database; every kind of tampering detected."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from oversight.ledger import services
from oversight.ledger.models import AppendOnlyError, ChainHead, Checkpoint, LedgerEvent

pytestmark = pytest.mark.django_db


def _append(company, n: int = 3) -> list[LedgerEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                services.record(
                    "tests.thing_done", actor=None, company=company, data={"i": i}
                )
            )
    return events


def _tamper(sql: str, params: list[object]) -> None:
    """Change rows the way an attacker with the database would: around the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            from oversight.ledger import guard

            with guard.maintenance():
                cursor.execute(sql, params)
        else:
            # A superuser session can switch triggers off, as an attacker with the server could.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.mark.django_db(transaction=True)
def test_record_needs_the_transaction_of_the_change(company) -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        services.record("tests.thing_done", actor=None, company=company)


def test_events_form_a_linear_chain(company) -> None:
    events = _append(company)
    first_seq = events[0].seq
    assert [e.seq for e in events] == [first_seq, first_seq + 1, first_seq + 2]
    assert events[1].prev_hash == events[0].hash
    head = ChainHead.objects.get(chain=company.ledger_chain)
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)
    assert services.verify_chain(company.ledger_chain).ok


def test_model_refuses_updates_and_deletes(company) -> None:
    event = _append(company, 1)[0]
    event.action = "tests.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE ledger_ledgerevent SET action = 'x'", "DELETE FROM ledger_ledgerevent"],
)
def test_database_refuses_updates_and_deletes(company, statement) -> None:
    _append(company, 1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert LedgerEvent.objects.filter(chain=company.ledger_chain).exists()


def test_an_edited_event_is_named(company) -> None:
    events = _append(company)
    _tamper(
        "UPDATE ledger_ledgerevent SET data = %s WHERE id = %s",
        [json.dumps({"i": 99}), events[1].pk],
    )
    result = services.verify_chain(company.ledger_chain)
    assert not result.ok
    assert result.problem.seq == events[1].seq
    assert "altered" in result.problem.message


def test_a_deleted_event_is_named(company) -> None:
    events = _append(company)
    _tamper("DELETE FROM ledger_ledgerevent WHERE id = %s", [events[1].pk])
    result = services.verify_chain(company.ledger_chain)
    assert result.problem.seq == events[1].seq
    assert "missing" in result.problem.message


def test_an_inserted_event_is_named(company) -> None:
    events = _append(company)
    _tamper(
        "UPDATE ledger_ledgerevent SET seq = seq + 1 WHERE chain = %s AND seq >= %s",
        [company.ledger_chain, events[1].seq + 100],
    )
    forged = LedgerEvent(
        chain=company.ledger_chain,
        seq=events[-1].seq + 1,
        action="tests.forged",
        prev_hash=events[-1].hash,
        hash="f" * 64,
    )
    forged.save()
    result = services.verify_chain(company.ledger_chain)
    assert result.problem.seq == forged.seq
    assert "altered" in result.problem.message


def test_reordered_events_are_named(company) -> None:
    events = _append(company)
    a, b = events[0], events[1]
    _tamper("UPDATE ledger_ledgerevent SET seq = %s WHERE id = %s", [10_000, a.pk])
    _tamper("UPDATE ledger_ledgerevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _tamper("UPDATE ledger_ledgerevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    result = services.verify_chain(company.ledger_chain)
    assert result.problem.seq == a.seq
    assert "does not follow" in result.problem.message


def test_events_removed_from_the_end_are_caught_by_the_head(company) -> None:
    events = _append(company)
    _tamper("DELETE FROM ledger_ledgerevent WHERE id = %s", [events[-1].pk])
    result = services.verify_chain(company.ledger_chain)
    assert "removed from the end" in result.problem.message


def test_a_rewritten_history_is_caught_by_a_signed_checkpoint(company) -> None:
    events = _append(company)
    services.sign_checkpoints()
    # Rewrite event 2 and re-hash everything after it, as a careful forger would.
    _tamper(
        "UPDATE ledger_ledgerevent SET data = %s WHERE id = %s",
        [json.dumps({"i": 42}), events[1].pk],
    )
    prev = events[0].hash
    for event in LedgerEvent.objects.filter(
        chain=company.ledger_chain, seq__gte=events[1].seq
    ).order_by("seq"):
        from oversight.ledger import chain

        new_hash = chain.link(prev, event.payload())
        _tamper(
            "UPDATE ledger_ledgerevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, new_hash, event.pk],
        )
        prev = new_hash
    ChainHead.objects.filter(chain=company.ledger_chain).update(hash=prev)
    result = services.verify_chain(company.ledger_chain)
    assert not result.ok
    assert "checkpoint" in result.problem.message


def test_checkpoints_sign_only_chains_that_moved(company) -> None:
    _append(company)
    first = services.sign_checkpoints()
    assert [c.chain for c in first] == [company.ledger_chain]
    assert services.sign_checkpoints() == []
    assert services.verify_chain(company.ledger_chain).checkpoints == 1


def test_a_forged_checkpoint_signature_fails(company) -> None:
    _append(company)
    cp = services.sign_checkpoints()[0]
    Checkpoint.objects.create(
        chain=cp.chain,
        seq=cp.seq,
        head_hash=cp.head_hash,
        signed_at=cp.signed_at,
        public_key=cp.public_key,
        signature=cp.signature[:-4] + "AAA=",
    )
    assert (
        "invalid signature"
        in services.verify_chain(company.ledger_chain).problem.message
    )


def test_verify_command_exits_1_and_names_the_first_bad_event(company, capsys) -> None:
    events = _append(company)
    call_command("ledger", "verify")
    assert "ok" in capsys.readouterr().out
    _tamper(
        "UPDATE ledger_ledgerevent SET action = %s WHERE id = %s",
        ["tests.changed", events[0].pk],
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("ledger", "verify", "--json")
    assert excinfo.value.returncode == 1
    report = {r["chain"]: r for r in json.loads(capsys.readouterr().out)}
    assert report[company.ledger_chain]["first_bad_seq"] == events[0].seq
    assert report[company.ledger_chain]["first_bad_event_id"] == events[0].pk


def test_checkpoint_command_prints_what_it_signed(company, capsys) -> None:
    _append(company)
    call_command("ledger", "checkpoint")
    assert f"signed {company.ledger_chain}" in capsys.readouterr().out
    call_command("ledger", "checkpoint")
    assert "nothing new" in capsys.readouterr().out
