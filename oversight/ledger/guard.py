"""The database's own refusal to change ledger rows.

Triggers reject UPDATE and DELETE on the ledger tables. On SQLite the trigger consults
``oversight_ledger_writable()``, a function this module registers on each connection
that answers no unless a maintenance operation (wiping a test database) is in progress;
a connection without the function (the ``sqlite3`` shell) cannot change rows either.
On PostgreSQL the trigger always refuses; ``TRUNCATE`` is the maintenance path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.backends.signals import connection_created

_maintenance: ContextVar[bool] = ContextVar("ledger_maintenance", default=False)

TABLES = ("ledger_ledgerevent", "ledger_checkpoint")


def _writable() -> int:
    return 1 if _maintenance.get() else 0


def _register(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "oversight_ledger_writable", 0, _writable, deterministic=False
        )


def install() -> None:
    connection_created.connect(_register, dispatch_uid="oversight-ledger-guard")


@contextmanager
def maintenance() -> Iterator[None]:
    """Allow deleting ledger rows on SQLite, for wiping a whole test database only."""
    token = _maintenance.set(True)
    try:
        yield
    finally:
        _maintenance.reset(token)


def sqlite_sql() -> list[str]:
    statements = []
    for table in TABLES:
        for op in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"WHEN oversight_ledger_writable() = 0 "
                f"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END"
            )
    return statements


def sqlite_reverse_sql() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {t}_no_{op}"
        for t in TABLES
        for op in ("update", "delete")
    ]


def postgresql_sql() -> list[str]:
    statements = [
        "CREATE OR REPLACE FUNCTION oversight_ledger_refuse() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'the ledger is append-only'; END; $$ LANGUAGE plpgsql"
    ]
    for table in TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION oversight_ledger_refuse()"
        )
    return statements


def postgresql_reverse_sql() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in TABLES] + [
        "DROP FUNCTION IF EXISTS oversight_ledger_refuse()"
    ]
