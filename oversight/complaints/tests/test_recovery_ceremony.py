"""Offline recovery: the server writes a request, each custodian peels one layer on
their own machine, the last one seals the case keys to the grantee, the server stores it.

Real crypto and a real database throughout; the kits only ever reach the peel step.
"""

from __future__ import annotations

import itertools

import pytest

from oversight.complaints import crypto

CASE = "C0123456789AB"


def _custodians(count: int) -> list[crypto.RecipientPrivateKey]:
    return [crypto.RecipientPrivateKey.generate() for _ in range(count)]


# --- one layer at a time (crypto.peel_custodian_layer) ----------------------------------


@pytest.mark.parametrize("total", [1, 2, 3])
def test_peeling_every_layer_in_order_gives_the_case_keys(total):
    keys = crypto.CaseKeys.generate()
    private = _custodians(total)
    blob = crypto.wrap_for_custodians(
        keys, [k.public_key for k in private], report_id=CASE
    )
    peeled: bytes | crypto.CaseKeys = blob
    for depth, key in enumerate(private):
        assert isinstance(peeled, bytes)
        peeled = crypto.peel_custodian_layer(
            peeled, key, report_id=CASE, depth=depth, total=total
        )
    assert peeled == keys
    assert crypto.unwrap_by_custodians(blob, private, report_id=CASE) == keys


def test_a_layer_opens_only_for_its_custodian_depth_count_and_report():
    keys = crypto.CaseKeys.generate()
    first, second = _custodians(2)
    blob = crypto.wrap_for_custodians(
        keys, [first.public_key, second.public_key], report_id=CASE
    )
    refused = [
        (blob, second, CASE, 0, 2),  # the second custodian first: wrong order
        (blob, first, CASE, 1, 2),  # the right key, claiming another depth
        (blob, first, CASE, 0, 3),  # the right key, claiming another count
        (blob, first, "C0000000000AA", 0, 2),  # another report
        (blob[:-1] + bytes([blob[-1] ^ 1]), first, CASE, 0, 2),  # one bit flipped
        (blob, first, CASE, 2, 2),  # no such depth
        (b"", first, CASE, 0, 2),
    ]
    for wrapped, key, report_id, depth, total in refused:
        with pytest.raises(crypto.DecryptionError):
            crypto.peel_custodian_layer(
                wrapped, key, report_id=report_id, depth=depth, total=total
            )
    inner = crypto.peel_custodian_layer(blob, first, report_id=CASE, depth=0, total=2)
    assert isinstance(inner, bytes)
    # the inner wrap names its own depth: it cannot be presented as the outer layer
    with pytest.raises(crypto.DecryptionError):
        crypto.peel_custodian_layer(inner, second, report_id=CASE, depth=0, total=2)
    assert (
        crypto.peel_custodian_layer(inner, second, report_id=CASE, depth=1, total=2)
        == keys
    )


def test_no_subset_of_custodians_learns_the_keys_from_the_layers_it_can_open():
    keys = crypto.CaseKeys.generate()
    private = _custodians(3)
    blob = crypto.wrap_for_custodians(
        keys, [k.public_key for k in private], report_id=CASE
    )
    raw = (keys.case.reveal(), keys.internal.reveal())
    inner = blob
    for depth, key in enumerate(private[:-1]):
        opened = crypto.peel_custodian_layer(
            inner, key, report_id=CASE, depth=depth, total=3
        )
        assert isinstance(opened, bytes)
        assert not any(k in opened for k in raw)
        inner = opened
    for depth, key in itertools.product(range(3), private[:-1]):
        with pytest.raises(crypto.DecryptionError):
            crypto.peel_custodian_layer(
                inner, key, report_id=CASE, depth=depth, total=3
            )


def test_the_size_of_a_wrap_of_both_case_keys_is_known_in_advance():
    keys = crypto.CaseKeys.generate()
    holder = crypto.RecipientPrivateKey.generate()
    for report_id in (CASE, "C" + "Z" * 15):
        wrapped = crypto.wrap_case_keys(keys, holder.public_key, report_id=report_id)
        assert len(wrapped) == crypto.wrap_case_keys_size(report_id)
