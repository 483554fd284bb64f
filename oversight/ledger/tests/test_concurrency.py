"""Eight writers at once leave one linear chain, with no gaps and no errors (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from oversight.ledger import services
from oversight.ledger.models import LedgerEvent

THREADS = 8
EVENTS_PER_THREAD = 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_threads_appending_leave_a_linear_chain(company) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks are exercised on PostgreSQL; SQLite serialises writers by design"
        )
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_PER_THREAD):
                with transaction.atomic():
                    services.record(
                        "tests.concurrent_write",
                        actor=None,
                        company=company,
                        data={"thread": n, "i": i},
                    )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(
        LedgerEvent.objects.filter(chain=company.ledger_chain)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, len(seqs) + 1))
    assert (
        LedgerEvent.objects.filter(action="tests.concurrent_write").count()
        == THREADS * EVENTS_PER_THREAD
    )
    assert services.verify_chain(company.ledger_chain).ok
