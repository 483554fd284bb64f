"""The chain's pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.ledger import chain


def test_canonical_encoding_sorts_keys_and_drops_spaces() -> None:
    assert chain.canonical({"b": 1, "a": [1, 2]}) == b'{"a":[1,2],"b":1}'


def test_canonical_encoding_writes_dates_datetimes_and_decimals_as_text() -> None:
    encoded = chain.canonical(
        {
            "d": date(2026, 3, 31),
            "t": datetime(2026, 3, 31, 12, tzinfo=UTC),
            "n": Decimal("1.50"),
        }
    )
    assert encoded == b'{"d":"2026-03-31","n":"1.50","t":"2026-03-31T12:00:00+00:00"}'


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        chain.canonical({"t": datetime(2026, 3, 31, 12)})  # noqa: DTZ001


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TypeError, match="set"):
        chain.canonical({"s": {1}})


def test_link_depends_on_the_previous_hash_and_every_field() -> None:
    payload = {"seq": 1, "action": "x"}
    base = chain.link(chain.GENESIS, payload)
    assert len(base) == 64
    assert chain.link("1" * 64, payload) != base
    assert chain.link(chain.GENESIS, {**payload, "action": "y"}) != base


@given(
    st.dictionaries(
        st.text(max_size=5), st.integers() | st.text(max_size=10), max_size=6
    )
)
def test_link_is_deterministic_whatever_the_key_order(
    payload: dict[str, object],
) -> None:
    reordered = dict(reversed(list(payload.items())))
    assert chain.link(chain.GENESIS, payload) == chain.link(chain.GENESIS, reordered)


def test_checkpoint_message_names_everything_it_signs() -> None:
    assert chain.checkpoint_message(
        "company:1", 7, "ab", "2026-01-01T00:00:00+00:00"
    ) == (b"oversight-ledger-checkpoint:v1:company:1:7:ab:2026-01-01T00:00:00+00:00")
