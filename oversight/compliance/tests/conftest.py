from __future__ import annotations

from datetime import date

import pytest

from oversight.charters.demo import LIBRARY


@pytest.fixture
def charter(company, personas):
    from oversight.charters import services

    source = (LIBRARY / "one-stop-systems.toml").read_text(encoding="utf-8")
    return services.import_charter(company, actor=personas["fay"], source=source)


@pytest.fixture
def record(company, personas, monkeypatch):
    """``record(kind, "2026-03-01", **fields)``: evidence recorded by fay.

    Tests that record evidence run as a deployment whose registers are not installed,
    so the evidence is what the engine sees (registers replace the kinds they supply;
    ``test_a_register_replaces_recorded_evidence_of_its_kinds`` covers that).
    """
    from oversight.compliance import facts, services

    monkeypatch.setattr(facts, "_register_modules", dict)

    def make(kind, on, **fields):
        return services.record_evidence(
            company,
            actor=personas["fay"],
            kind=kind,
            occurred_on=date.fromisoformat(on),
            **fields,
        )

    return make
