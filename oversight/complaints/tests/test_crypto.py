# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""The complaint envelope: round trips, and every kind of tampering fails."""

from __future__ import annotations

import io
import pickle
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.complaints import crypto
from oversight.complaints.crypto import DecryptionError, ReportKey

FAST = crypto.KeyParams(opslimit=1, memlimit=8 * 1024)
REPORT = "r-7QX2M"
PEPPER = b"p" * 32


def _stream(key, data, chunk_size, *, report_id=REPORT, purpose="file/a1"):
    out = io.BytesIO()
    pieces = [data[i : i + 7] for i in range(0, len(data), 7)] or [b""]
    n = crypto.encrypt_stream(
        key, pieces, out, report_id=report_id, purpose=purpose, chunk_size=chunk_size
    )
    assert n == len(data)
    return out.getvalue()


def _unstream(key, blob, *, report_id=REPORT, purpose="file/a1"):
    return b"".join(
        crypto.decrypt_stream(
            key, io.BytesIO(blob), report_id=report_id, purpose=purpose
        )
    )


def _records(blob, chunk_size):
    head = 8 + 24
    size = chunk_size + 17
    body = blob[head:]
    return blob[:head], [body[i : i + size] for i in range(0, len(body), size)]


# --- sealed items --------------------------------------------------------------------


@given(st.binary(max_size=4096), st.text(max_size=30))
def test_sealed_item_round_trips(plain, purpose):
    key = ReportKey.generate()
    blob = crypto.seal(key, plain, report_id=REPORT, purpose=purpose)
    assert crypto.open_sealed(key, blob, report_id=REPORT, purpose=purpose) == plain


@given(st.binary(min_size=1, max_size=512), st.data())
def test_any_flipped_bit_in_a_sealed_item_fails(plain, data):
    key = ReportKey.generate()
    blob = bytearray(crypto.seal(key, plain, report_id=REPORT, purpose="content"))
    index = data.draw(st.integers(0, len(blob) - 1))
    blob[index] ^= 1 << data.draw(st.integers(0, 7))
    with pytest.raises(DecryptionError):
        crypto.open_sealed(key, bytes(blob), report_id=REPORT, purpose="content")


@given(st.binary(max_size=256), st.data())
def test_a_truncated_sealed_item_fails(plain, data):
    key = ReportKey.generate()
    blob = crypto.seal(key, plain, report_id=REPORT, purpose="content")
    cut = data.draw(st.integers(0, len(blob) - 1))
    with pytest.raises(DecryptionError):
        crypto.open_sealed(key, blob[:cut], report_id=REPORT, purpose="content")


@pytest.mark.parametrize(
    ("report_id", "purpose"),
    [
        ("r-OTHER", "content"),  # moved to another report
        (REPORT, "note/1"),  # moved to another field
        (REPORT, "Content"),
        (REPORT + "\x00", "content"),
        ("", REPORT + "content"),  # concatenation cannot collide
    ],
)
def test_a_sealed_item_opens_only_for_its_report_and_purpose(report_id, purpose):
    key = ReportKey.generate()
    blob = crypto.seal(key, b"the canary", report_id=REPORT, purpose="content")
    with pytest.raises(DecryptionError):
        crypto.open_sealed(key, blob, report_id=report_id, purpose=purpose)


def test_a_sealed_item_fails_under_another_key():
    blob = crypto.seal(ReportKey.generate(), b"x", report_id=REPORT, purpose="content")
    with pytest.raises(DecryptionError):
        crypto.open_sealed(
            ReportKey.generate(), blob, report_id=REPORT, purpose="content"
        )


def test_sealing_twice_gives_different_ciphertexts():
    key = ReportKey.generate()
    one = crypto.seal(key, b"same", report_id=REPORT, purpose="content")
    two = crypto.seal(key, b"same", report_id=REPORT, purpose="content")
    assert one != two


# --- streams -------------------------------------------------------------------------


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.binary(max_size=3000), st.integers(1, 600))
def test_stream_round_trips_for_any_size_and_chunk(data, chunk_size):
    key = ReportKey.generate()
    assert _unstream(key, _stream(key, data, chunk_size)) == data


@pytest.mark.parametrize("multiple", [0, 1, 2, 3])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_stream_round_trips_at_chunk_boundaries(multiple, delta):
    chunk = 64
    size = max(0, multiple * chunk + delta)
    data = bytes(range(256)) * 2
    data = data[:size]
    key = ReportKey.generate()
    blob = _stream(key, data, chunk)
    assert _unstream(key, blob) == data
    # every full record is a message, the last one is short: the end is explicit
    _head, records = _records(blob, chunk)
    assert len(records) == size // chunk + 1
    assert len(records[-1]) == size % chunk + 17


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.binary(min_size=1, max_size=1500), st.integers(1, 300), st.data())
def test_any_truncation_of_a_stream_fails(data, chunk_size, draw):
    key = ReportKey.generate()
    blob = _stream(key, data, chunk_size)
    cut = draw.draw(st.integers(0, len(blob) - 1))
    with pytest.raises(DecryptionError):
        _unstream(key, blob[:cut])


def test_a_stream_cut_at_a_record_boundary_fails():
    key = ReportKey.generate()
    blob = _stream(key, b"a" * 300, 100)
    head, records = _records(blob, 100)
    with pytest.raises(DecryptionError):
        _unstream(key, head + b"".join(records[:-1]))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=100)
@given(st.binary(min_size=1, max_size=1500), st.data())
def test_any_flipped_bit_in_a_stream_fails(data, draw):
    key = ReportKey.generate()
    blob = bytearray(_stream(key, data, 64))
    index = draw.draw(st.integers(0, len(blob) - 1))
    blob[index] ^= 1 << draw.draw(st.integers(0, 7))
    with pytest.raises(DecryptionError):
        _unstream(key, bytes(blob))


@given(st.integers(2, 6), st.data())
def test_reordered_or_duplicated_stream_records_fail(n_full, draw):
    chunk = 32
    key = ReportKey.generate()
    data = bytes(i % 251 for i in range(n_full * chunk + 5))
    head, records = _records(_stream(key, data, chunk), chunk)
    full = records[:-1]
    i = draw.draw(st.integers(0, len(full) - 1))
    j = draw.draw(st.integers(0, len(full) - 1).filter(lambda x: x != i))
    swapped = list(full)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    with pytest.raises(DecryptionError):
        _unstream(key, head + b"".join(swapped) + records[-1])
    duplicated = [*full, full[i], records[-1]]
    with pytest.raises(DecryptionError):
        _unstream(key, head + b"".join(duplicated))


def test_bytes_after_the_end_of_a_stream_fail():
    key = ReportKey.generate()
    blob = _stream(key, b"abc", 16)
    with pytest.raises(DecryptionError):
        _unstream(key, blob + b"\x00")


def test_a_stream_opens_only_for_its_key_report_and_purpose():
    key = ReportKey.generate()
    blob = _stream(key, b"canary file body", 8)
    with pytest.raises(DecryptionError):
        _unstream(ReportKey.generate(), blob)
    with pytest.raises(DecryptionError):
        _unstream(key, blob, report_id="r-OTHER")
    with pytest.raises(DecryptionError):
        _unstream(key, blob, purpose="file/a2")


def test_a_stream_with_an_edited_chunk_size_fails():
    key = ReportKey.generate()
    blob = bytearray(_stream(key, b"x" * 100, 10))
    blob[4:8] = (11).to_bytes(4, "big")
    with pytest.raises(DecryptionError):
        _unstream(key, bytes(blob))


@pytest.mark.parametrize(
    "blob", [b"", b"OVS1", b"NOPE\x00\x00\x00\x10" + bytes(24), b"OVS1\x00\x00\x00\x00"]
)
def test_garbage_is_not_a_stream(blob):
    with pytest.raises(DecryptionError):
        _unstream(ReportKey.generate(), blob)


def test_chunk_size_must_be_sensible():
    with pytest.raises(ValueError, match="chunk_size"):
        _stream(ReportKey.generate(), b"x", 0)


def test_reencrypting_a_stream_moves_it_to_the_new_key():
    old, new = ReportKey.generate(), ReportKey.generate()
    blob = _stream(old, b"evidence" * 50, 64)
    out = io.BytesIO()
    crypto.reencrypt_stream(
        old, new, io.BytesIO(blob), out, report_id=REPORT, purpose="file/a1"
    )
    assert _unstream(new, out.getvalue()) == b"evidence" * 50
    with pytest.raises(DecryptionError):
        _unstream(old, out.getvalue())


# --- wrapping and recipients ---------------------------------------------------------


def test_each_entitled_recipient_unwraps_and_an_excluded_one_cannot():
    ada, ben, eve = (crypto.new_recipient_key() for _ in range(3))
    key = ReportKey.generate()
    wraps = {
        name: crypto.wrap_for_recipient(key, person.public_key, report_id=REPORT)
        for name, person in (("ada", ada), ("ben", ben))
    }
    for name, person in (("ada", ada), ("ben", ben)):
        assert crypto.unwrap_for_recipient(wraps[name], person, report_id=REPORT) == key
    # the excluded director holds a real private key, and every wrap there is
    for wrapped in wraps.values():
        with pytest.raises(DecryptionError):
            crypto.unwrap_for_recipient(wrapped, eve, report_id=REPORT)


def test_a_wrapped_key_is_bound_to_its_report():
    ada = crypto.new_recipient_key()
    wrapped = crypto.wrap_for_recipient(
        ReportKey.generate(), ada.public_key, report_id=REPORT
    )
    with pytest.raises(DecryptionError):
        crypto.unwrap_for_recipient(wrapped, ada, report_id="r-OTHER")
    with pytest.raises(DecryptionError):
        crypto.unwrap_for_recipient(wrapped[:-1], ada, report_id=REPORT)


def test_rotation_leaves_a_removed_recipient_with_a_useless_old_key():
    ada, ben = crypto.new_recipient_key(), crypto.new_recipient_key()
    old = ReportKey.generate()
    ben_old_wrap = crypto.wrap_for_recipient(old, ben.public_key, report_id=REPORT)
    item = crypto.seal(old, b"a later message", report_id=REPORT, purpose="message/9")
    new = ReportKey.generate()
    rotated = crypto.rotate_sealed(
        old, new, item, report_id=REPORT, purpose="message/9"
    )
    ada_wrap = crypto.wrap_for_recipient(new, ada.public_key, report_id=REPORT)
    ada_key = crypto.unwrap_for_recipient(ada_wrap, ada, report_id=REPORT)
    assert crypto.open_sealed(ada_key, rotated, report_id=REPORT, purpose="message/9")
    kept = crypto.unwrap_for_recipient(ben_old_wrap, ben, report_id=REPORT)
    with pytest.raises(DecryptionError):
        crypto.open_sealed(kept, rotated, report_id=REPORT, purpose="message/9")


def test_a_private_key_unlocks_only_with_its_owners_secret():
    ada = crypto.new_recipient_key()
    blob = crypto.protect_private_key(
        ada, b"ada's long passphrase", params=FAST, minimum=FAST
    )
    assert crypto.protected_key_params(blob) == FAST
    unlocked = crypto.unlock_private_key(
        blob, b"ada's long passphrase", public_key=ada.public_key, minimum=FAST
    )
    assert unlocked == ada
    with pytest.raises(DecryptionError):
        crypto.unlock_private_key(
            blob, b"a guess", public_key=ada.public_key, minimum=FAST
        )
    other = crypto.new_recipient_key()
    with pytest.raises(DecryptionError):
        crypto.unlock_private_key(
            blob, b"ada's long passphrase", public_key=other.public_key, minimum=FAST
        )


@pytest.mark.parametrize(
    ("offset", "value"),
    [
        (1, (0).to_bytes(4, "big")),  # opslimit weakened below the floor
        (1, (2).to_bytes(4, "big")),  # opslimit changed within range
        (5, (2**40).to_bytes(8, "big")),  # memlimit inflated past the ceiling
        (0, b"\x09"),  # unknown version
    ],
)
def test_edited_key_parameters_are_refused(offset, value):
    ada = crypto.new_recipient_key()
    blob = bytearray(
        crypto.protect_private_key(ada, b"secret", params=FAST, minimum=FAST)
    )
    blob[offset : offset + len(value)] = value
    with pytest.raises(DecryptionError):
        crypto.unlock_private_key(
            bytes(blob), b"secret", public_key=ada.public_key, minimum=FAST
        )


def test_weak_argon2_parameters_are_refused_outside_tests():
    """M6: at least opslimit 3 and 64 MiB to protect a key, and to unlock one."""
    ada = crypto.new_recipient_key()
    with pytest.raises(ValueError, match="minimum"):
        crypto.protect_private_key(ada, b"secret", params=FAST)
    weak = crypto.protect_private_key(ada, b"secret", params=FAST, minimum=FAST)
    with pytest.raises(DecryptionError):
        crypto.unlock_private_key(weak, b"secret", public_key=ada.public_key)
    assert crypto.KEY_PARAMS_DEFAULT.memlimit >= crypto.KEY_PARAMS_MIN.memlimit


def test_protecting_needs_a_secret_and_unlocking_a_whole_blob():
    ada = crypto.new_recipient_key()
    with pytest.raises(ValueError, match="secret"):
        crypto.protect_private_key(ada, b"", params=FAST, minimum=FAST)
    with pytest.raises(DecryptionError):
        crypto.unlock_private_key(
            b"short", b"x", public_key=ada.public_key, minimum=FAST
        )
    with pytest.raises(DecryptionError):
        crypto.protected_key_params(b"short")


def test_recovery_kit_round_trips_and_catches_typos():
    kit = crypto.new_recovery_kit()
    assert len(kit.text.replace(" ", "")) == 56
    key = crypto.recovery_key_from_kit(kit.text.lower().replace(" ", "-"))
    assert key.public_key == kit.public_key
    wrapped = crypto.wrap_for_recipient(
        ReportKey.generate(), kit.public_key, report_id=REPORT
    )
    crypto.unwrap_for_recipient(wrapped, key, report_id=REPORT)
    chars = list(kit.text)
    chars[0] = "0" if chars[0] != "0" else "1"
    with pytest.raises(ValueError, match=r"typo|recovery kit"):
        crypto.recovery_key_from_kit("".join(chars))
    with pytest.raises(ValueError, match="56"):
        crypto.recovery_key_from_kit(kit.text[:-1])
    assert kit.text not in repr(kit)


def test_a_recovery_kit_value_past_256_bits_is_refused():
    with pytest.raises(ValueError, match="not a recovery kit"):
        crypto.recovery_key_from_kit("Z" * 56)


def test_secrets_must_have_the_right_size():
    with pytest.raises(ValueError, match="32 bytes"):
        ReportKey(b"short")


# --- nothing secret in any serialised form ---------------------------------------------


def test_no_key_material_or_plaintext_in_any_serialised_form():
    canary = b"CANARY-7f3e-accounting-fraud"
    key = ReportKey.generate()
    ada = crypto.new_recipient_key()
    receipt = crypto.new_receipt()
    rkeys = crypto.receipt_keys(receipt)
    stored = [
        crypto.seal(key, canary, report_id=REPORT, purpose="content"),
        _stream(key, canary * 3, 16),
        crypto.wrap_for_recipient(key, ada.public_key, report_id=REPORT),
        crypto.wrap_for_reporter(
            key, crypto.reporter_private_key(rkeys).public_key, report_id=REPORT
        ),
        crypto.protect_private_key(ada, b"ada secret", params=FAST, minimum=FAST),
        crypto.receipt_verifier(rkeys, PEPPER),
    ]
    secrets_ = [
        canary,
        key.reveal(),
        ada.reveal(),
        rkeys.auth_id,
        rkeys.wrap_key,
        crypto.normalise_receipt(receipt).encode(),
        receipt.encode(),
    ]
    for blob in stored:
        for secret in secrets_:
            for probe in (secret, secret.hex().encode(), secret[:12]):
                assert probe not in blob
    for obj in (key, ada, rkeys):
        text = f"{obj!r} {obj}"
        assert "redacted" in text
        for secret in secrets_:
            assert secret.hex() not in text
        with pytest.raises(TypeError):
            pickle.dumps(obj)
    with pytest.raises(TypeError):
        hash(key)


def test_secret_equality_is_by_value_and_type():
    raw = bytes(32)
    assert ReportKey(raw) == ReportKey(raw)
    assert ReportKey(raw) != crypto.RecipientPrivateKey(raw)
    assert ReportKey(raw) != raw


# --- receipts --------------------------------------------------------------------------


def test_receipt_shape_alphabet_and_entropy():
    receipt = crypto.new_receipt()
    groups = receipt.split("-")
    assert [len(g) for g in groups] == [5, 5, 5, 5]
    assert set(receipt.replace("-", "")) <= set(crypto.RECEIPT_ALPHABET)
    assert len(crypto.RECEIPT_ALPHABET) == 32
    assert len(set(crypto.RECEIPT_ALPHABET)) == 32
    assert crypto.RECEIPT_LENGTH * 5 == crypto.RECEIPT_BITS >= 100
    assert not set("ILOU") & set(crypto.RECEIPT_ALPHABET)


def test_receipts_use_the_whole_alphabet_evenly():
    counts = dict.fromkeys(crypto.RECEIPT_ALPHABET, 0)
    for _ in range(2000):
        for char in crypto.new_receipt().replace("-", ""):
            counts[char] += 1
    expected = 2000 * 20 / 32  # 1250 per symbol
    # a biased or truncated generator shows up far outside 5 standard deviations (~170)
    assert all(abs(n - expected) < 200 for n in counts.values()), counts


def test_a_hundred_thousand_receipts_do_not_collide():
    seen = {crypto.new_receipt() for _ in range(100_000)}
    assert len(seen) == 100_000


@pytest.mark.parametrize(
    "typed",
    [
        "ABCDE-FGHJK-MNPQR-STVWX",
        "abcde fghjk mnpqr stvwx",
        "  ABCDEFGHJKMNPQRSTVWX  ",
        "abcde\u2013fghjk\u2014mnpqr\u00a0stvwx",
        "ab-cd-ef-gh-jk-mn-pq-rs-tv-wx",
    ],
)
def test_the_normaliser_forgives_case_spaces_and_dashes(typed):
    assert crypto.normalise_receipt(typed) == "ABCDEFGHJKMNPQRSTVWX"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("O0I1L1-00000-00000-0000", "00111100000000000000"),
        ("oil" * 6 + "oo", "011" * 6 + "00"),
    ],
)
def test_the_normaliser_maps_confusable_letters(typed, canonical):
    assert crypto.normalise_receipt(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ABCDE-FGHJK-MNPQR-STVW",  # 19
        "ABCDE-FGHJK-MNPQR-STVWXY",  # 21
        "ABCDE-FGHJK-MNPQR-STVWU",  # U is not in the alphabet
        "ABCDE-FGHJK-MNPQR-STVW!",
        "ÀBCDE-FGHJK-MNPQR-STVWX",
        "A" * 10_000,
    ],
)
def test_the_normaliser_rejects_malformed_receipts(typed):
    with pytest.raises(crypto.InvalidReceipt):
        crypto.normalise_receipt(typed)


@given(st.text(max_size=300))
def test_the_normaliser_never_crashes(text):
    try:
        result = crypto.normalise_receipt(text)
    except crypto.InvalidReceipt:
        return
    assert len(result) == 20


def test_typed_variants_of_a_receipt_give_the_same_keys_and_verifier():
    receipt = crypto.new_receipt()
    one = crypto.receipt_keys(receipt)
    two = crypto.receipt_keys(receipt.lower().replace("-", " "))
    assert one.auth_id == two.auth_id
    assert one.wrap_key == two.wrap_key
    assert one.auth_id != one.wrap_key
    assert crypto.receipt_verifier(one, PEPPER) == crypto.receipt_verifier(two, PEPPER)
    assert crypto.receipt_verifier(one, PEPPER) != crypto.receipt_verifier(
        one, b"q" * 32
    )
    other = crypto.receipt_keys(crypto.new_receipt())
    assert crypto.receipt_verifier(other, PEPPER) != crypto.receipt_verifier(
        one, PEPPER
    )


def test_the_pepper_must_be_long_enough():
    with pytest.raises(ValueError, match="pepper"):
        crypto.receipt_verifier(crypto.receipt_keys(crypto.new_receipt()), b"short")


def test_the_reporter_reads_with_the_receipt_and_nothing_else():
    key = ReportKey.generate()
    receipt = crypto.new_receipt()
    public = crypto.reporter_private_key(crypto.receipt_keys(receipt)).public_key
    wrapped = crypto.wrap_for_reporter(key, public, report_id=REPORT)
    assert (
        crypto.unwrap_for_reporter(
            wrapped, crypto.receipt_keys(receipt), report_id=REPORT
        )
        == key
    )
    with pytest.raises(DecryptionError):
        crypto.unwrap_for_reporter(
            wrapped, crypto.receipt_keys(crypto.new_receipt()), report_id=REPORT
        )
    with pytest.raises(DecryptionError):
        crypto.unwrap_for_reporter(
            wrapped, crypto.receipt_keys(receipt), report_id="r-OTHER"
        )
    with pytest.raises(DecryptionError):
        crypto.unwrap_for_reporter(
            wrapped[:-1], crypto.receipt_keys(receipt), report_id=REPORT
        )


# libsodium test/default/kdf.exp: key 00..1f, context "KDF test", 64-byte subkeys
LIBSODIUM_KDF_VECTORS = [
    (
        0,
        "a0c724404728c8bb95e5433eb6a9716171144d61efb23e74b873fcbeda51d807"
        "1b5d70aae12066dfc94ce943f145aa176c055040c3dd73b0a15e36254d450614",
    ),
    (
        1,
        "02507f144fa9bf19010bf7c70b235b4c2663cc00e074f929602a5e2c10a78075"
        "7d2a3993d06debc378a90efdac196dd841817b977d67b786804f6d3cd585bab5",
    ),
    (
        9,
        "70f9b83e463fb441e7a4c43275125cd5b19d8e2e4a5d179a39f5db10bbce745a"
        "199104563d308cf8d4c6b27bbb759ded232f5bdb7c367dd632a9677320dfe416",
    ),
]


@pytest.mark.parametrize(("subkey_id", "expected"), LIBSODIUM_KDF_VECTORS)
def test_kdf_matches_libsodium_test_vectors(subkey_id, expected):
    master = bytes(range(32))
    assert crypto.kdf_derive(master, subkey_id, b"KDF test", 64).hex() == expected


def test_kdf_matches_libsodium_for_short_output():
    # kdf.exp: output length 16 uses subkey id 16
    assert (
        crypto.kdf_derive(bytes(range(32)), 16, b"KDF test", 16).hex()
        == "a529216624ef9161e4cf117272aafff2"
    )


@pytest.mark.parametrize(
    ("master", "context", "size"),
    [
        (bytes(31), b"KDF test", 32),
        (bytes(32), b"short", 32),
        (bytes(32), b"KDF test", 15),
    ],
)
def test_kdf_refuses_bad_arguments(master, context, size):
    with pytest.raises(ValueError, match="kdf_derive"):
        crypto.kdf_derive(master, 1, context, size)


def test_receipt_verification_is_cheap(capsys):
    """Prints the cost of checking one receipt (no timing assertion)."""
    receipts = [crypto.new_receipt() for _ in range(2000)]
    start = time.perf_counter()
    for receipt in receipts:
        crypto.receipt_verifier(crypto.receipt_keys(receipt), PEPPER)
    per_check = (time.perf_counter() - start) / len(receipts)
    with capsys.disabled():
        print(f"\nreceipt verification: {per_check * 1e6:.1f} µs per check")
    assert per_check > 0
