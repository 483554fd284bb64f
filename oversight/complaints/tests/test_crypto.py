# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""The complaint envelope: round trips, and every kind of tampering fails."""

from __future__ import annotations

import bisect
import io
import itertools
import pickle
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.complaints import crypto
from oversight.complaints.crypto import DecryptionError, ReportKey
from oversight.complaints.tests import streams

FAST = crypto.KeyParams(opslimit=1, memlimit=8 * 1024)
REPORT = "r-7QX2M"
PEPPER = b"p" * 32


def _stream(key, data, chunk_size, *, report_id=REPORT, purpose="file/a1", piece=7):
    out = io.BytesIO()
    pieces = [data[i : i + piece] for i in range(0, len(data), piece)] or [b""]
    n = crypto.encrypt_stream(
        key,
        pieces,
        out,
        report_id=report_id,
        purpose=purpose,
        size=len(data),
        chunk_size=chunk_size,
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
    """An OVS2 stream cut into its head, its size record and its other records."""
    head, size_record, body = blob[:32], blob[32:57], blob[57:]
    size = chunk_size + 17
    return head, size_record, [body[i : i + size] for i in range(0, len(body), size)]


_MESSAGE, _FINAL = streams.MESSAGE, streams.FINAL


def _size(n):
    return n.to_bytes(8, "big")


def _ovs1(key, data, chunk_size):
    return streams.ovs1(key, data, chunk_size, report_id=REPORT, purpose="file/a1")


def _forge(key, size_record, body, chunk_size, *, size_tag=_MESSAGE):
    """An OVS2 stream with any size record and any body (data and padding) at all."""
    records = [(size_record, size_tag), *streams.chunked(body, chunk_size)]
    return streams.secretstream(
        key, b"OVS2", chunk_size, records, report_id=REPORT, purpose="file/a1"
    )


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

STREAM = settings(
    suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=100
)
HEAD = 8 + 24  # magic, chunk size, secretstream header
SIZE_RECORD = 8 + 17


def _stored_length(size, chunk_size):
    """What an OVS2 stream of ``size`` bytes must measure: a function of its bucket."""
    padded = crypto.file_bucket(size)
    return HEAD + SIZE_RECORD + padded + (padded // chunk_size + 1) * 17


def _bucket_floor(size):
    """The smallest size stored in the same bucket as ``size``."""
    bucket = crypto.file_bucket(size)
    return bisect.bisect_left(range(bucket + 1), bucket, key=crypto.file_bucket)


@STREAM
@given(st.binary(max_size=3000), st.integers(32, 700))
def test_stream_round_trips_for_any_size_and_chunk(data, chunk_size):
    key = ReportKey.generate()
    blob = _stream(key, data, chunk_size)
    assert blob[:4] == b"OVS2"
    assert _unstream(key, blob) == data
    assert len(blob) == _stored_length(len(data), chunk_size)


@pytest.mark.parametrize("chunk", [64, 100])
@pytest.mark.parametrize(
    "size",
    [0, 1, 63, 64, 65, 127, 128, 129, 65535, 65536, 65537, 67583, 67584, 67585],
)
def test_stream_round_trips_at_chunk_and_bucket_boundaries(size, chunk):
    data = bytes(i % 251 for i in range(size))
    key = ReportKey.generate()
    blob = _stream(key, data, chunk)
    assert _unstream(key, blob) == data
    # the size record, then full records of data and padding, and a short last one
    padded = crypto.file_bucket(size)
    _head, size_record, records = _records(blob, chunk)
    assert len(size_record) == SIZE_RECORD
    assert len(records) == padded // chunk + 1
    assert len(records[-1]) == padded % chunk + 17


@STREAM
@given(
    st.integers(0, 400_000),
    st.sampled_from([crypto.DEFAULT_CHUNK_SIZE, 4096, 1000]),
    st.data(),
)
def test_two_sizes_in_one_bucket_give_streams_of_one_length(size, chunk_size, draw):
    """H3: the stored length tells the size bucket, never the size."""
    other = draw.draw(st.integers(_bucket_floor(size), crypto.file_bucket(size)))
    assert crypto.file_bucket(other) == crypto.file_bucket(size)
    key = ReportKey.generate()
    one = _stream(key, b"a" * size, chunk_size, piece=4096)
    two = _stream(key, b"b" * other, chunk_size, piece=4096)
    assert len(one) == len(two) == _stored_length(size, chunk_size)
    assert _unstream(key, two) == b"b" * other


def test_every_bucket_boundary_up_to_one_mebibyte():
    """The last size of each bucket and the first of the next one.

    Every size from 0 to 64 KiB stores alike; from there each boundary ``b`` is the
    largest size of its bucket: ``b`` stores like the first size of its bucket, and
    ``b + 1`` opens the next bucket, which stores longer.
    """
    key = ReportKey.generate()

    def length(size):
        out = io.BytesIO()
        crypto.encrypt_stream(
            key, [bytes(size)], out, report_id=REPORT, purpose="file/a1", size=size
        )
        return len(out.getvalue())

    first, boundary, seen = 0, crypto.FILE_BUCKET_MIN, 0
    while boundary <= 2**20:
        assert crypto.file_bucket(first) == crypto.file_bucket(boundary) == boundary
        assert length(first) == length(boundary) == _stored_length(boundary, 65536)
        first, boundary = boundary + 1, crypto.file_bucket(boundary + 1)
        assert boundary > first - 1
        assert length(first) > length(first - 1)
        seen += 1
    assert seen == 1 + 4 * 32  # the 64 KiB floor, then 32 buckets per doubling


@STREAM
@given(st.binary(min_size=1, max_size=1500), st.integers(64, 300), st.data())
def test_any_truncation_of_a_stream_fails(data, chunk_size, draw):
    key = ReportKey.generate()
    blob = _stream(key, data, chunk_size)
    cut = draw.draw(
        st.one_of(
            st.integers(0, HEAD + SIZE_RECORD + len(data) + 17),  # in the data
            st.integers(0, len(blob) - 1),  # anywhere, mostly in the padding
        )
    )
    with pytest.raises(DecryptionError):
        _unstream(key, blob[:cut])


def test_a_stream_cut_at_a_record_boundary_fails():
    key = ReportKey.generate()
    blob = _stream(key, b"a" * 300, 1000)
    head, size_record, records = _records(blob, 1000)
    with pytest.raises(DecryptionError):
        _unstream(key, head + size_record + b"".join(records[:-1]))
    with pytest.raises(DecryptionError):
        _unstream(key, head + size_record)
    with pytest.raises(DecryptionError):
        _unstream(key, head)


@STREAM
@given(st.binary(min_size=1, max_size=1500), st.data())
def test_any_flipped_bit_in_a_stream_fails(data, draw):
    key = ReportKey.generate()
    blob = bytearray(_stream(key, data, 1024))
    index = draw.draw(
        st.one_of(
            st.integers(0, HEAD + SIZE_RECORD + len(data) + 17),
            st.integers(0, len(blob) - 1),
        )
    )
    blob[index] ^= 1 << draw.draw(st.integers(0, 7))
    with pytest.raises(DecryptionError):
        _unstream(key, bytes(blob))


@STREAM
@given(st.integers(2, 6), st.data())
def test_reordered_or_duplicated_stream_records_fail(n_full, draw):
    chunk = 4096
    key = ReportKey.generate()
    data = bytes(i % 251 for i in range(n_full * chunk + 5))
    head, size_record, records = _records(_stream(key, data, chunk), chunk)
    full = records[:-1]
    i = draw.draw(st.integers(0, len(full) - 1))
    j = draw.draw(st.integers(0, len(full) - 1).filter(lambda x: x != i))
    swapped = list(full)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    with pytest.raises(DecryptionError):
        _unstream(key, head + size_record + b"".join(swapped) + records[-1])
    duplicated = [*full, full[i], records[-1]]
    with pytest.raises(DecryptionError):
        _unstream(key, head + size_record + b"".join(duplicated))
    with pytest.raises(DecryptionError):  # the size record moved or repeated
        _unstream(key, head + full[0] + size_record + b"".join(records[1:]))
    with pytest.raises(DecryptionError):
        _unstream(key, head + size_record + size_record + b"".join(records))


def test_bytes_after_the_end_of_a_stream_fail():
    key = ReportKey.generate()
    blob = _stream(key, b"abc", 4096)
    with pytest.raises(DecryptionError):
        _unstream(key, blob + b"\x00")


def test_a_stream_opens_only_for_its_key_report_and_purpose():
    key = ReportKey.generate()
    blob = _stream(key, b"canary file body", 4096)
    with pytest.raises(DecryptionError):
        _unstream(ReportKey.generate(), blob)
    with pytest.raises(DecryptionError):
        _unstream(key, blob, report_id="r-OTHER")
    with pytest.raises(DecryptionError):
        _unstream(key, blob, purpose="file/a2")


def test_a_stream_with_an_edited_chunk_size_or_version_fails():
    key = ReportKey.generate()
    blob = _stream(key, b"x" * 100, 4096)
    edited = bytearray(blob)
    edited[4:8] = (4097).to_bytes(4, "big")
    with pytest.raises(DecryptionError):
        _unstream(key, bytes(edited))
    # an OVS2 stream passed off as OVS1 (the reader would keep the padding)
    with pytest.raises(DecryptionError):
        _unstream(key, b"OVS1" + blob[4:])


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"OVS1",
        b"OVS2",
        b"NOPE\x00\x00\x00\x10" + bytes(24),
        b"OVS3\x00\x00\x10\x00" + bytes(24 + 25 + 17),
        b"OVS1\x00\x00\x00\x00",
        b"OVS2\x00\x00\x00\x00",
        b"OVS2\x00\x00\x10\x00" + bytes(24 + 25 + 17),
    ],
)
def test_garbage_is_not_a_stream(blob):
    with pytest.raises(DecryptionError):
        _unstream(ReportKey.generate(), blob)


def test_chunk_size_must_be_sensible():
    with pytest.raises(ValueError, match="chunk_size"):
        _stream(ReportKey.generate(), b"x", 0)


@pytest.mark.parametrize(
    ("chunks", "size"),
    [
        ([b"abc"], 2),  # longer than announced
        ([b"ab", b"c"], 4),  # shorter
        ([], 1),
        ([b""], 1),
    ],
)
def test_the_chunks_must_add_up_to_the_size(chunks, size):
    key = ReportKey.generate()
    out = io.BytesIO()
    with pytest.raises(ValueError, match="size"):
        crypto.encrypt_stream(
            key, chunks, out, report_id=REPORT, purpose="file/a1", size=size
        )
    # what was written before the error never passes for a stream
    with pytest.raises(DecryptionError):
        _unstream(key, out.getvalue())


def test_chunks_past_the_size_are_refused_as_they_come():
    taken = []

    def endless():
        for piece in itertools.repeat(b"x" * 1000, 10_000):
            taken.append(piece)
            yield piece

    with pytest.raises(ValueError, match="size"):
        crypto.encrypt_stream(
            ReportKey.generate(),
            endless(),
            io.BytesIO(),
            report_id=REPORT,
            purpose="file/a1",
            size=5000,
        )
    assert len(taken) == 6


@pytest.mark.parametrize("size", [-1, 2**64])
def test_the_size_must_fit_its_record(size):
    with pytest.raises(ValueError, match="size"):
        crypto.encrypt_stream(
            ReportKey.generate(),
            [],
            io.BytesIO(),
            report_id=REPORT,
            purpose="file/a1",
            size=size,
        )


def test_the_forger_writes_what_encrypt_stream_writes():
    """The tests below build streams by hand; this one shows the helper is faithful."""
    key = ReportKey.generate()
    padded = b"evidence" + bytes(crypto.file_bucket(8) - 8)
    forged = _forge(key, _size(8), padded, 4096)
    assert len(forged) == len(_stream(key, b"evidence", 4096))
    assert _unstream(key, forged) == b"evidence"


@pytest.mark.parametrize(
    ("size_record", "body"),
    [
        (_size(8), b"evidence" + b"\x01"),  # a padding byte that is not zero
        (_size(8), b"evidence" + bytes(5000) + b"\x80" + bytes(100)),  # later on
        (_size(9), b"evidence"),  # declares more than the stream holds
        (_size(2**64 - 1), b"evidence" + bytes(100)),
        (_size(8)[:-1], b"evidence"),  # a size record of 7 bytes
        (_size(8) + b"\x00", b"evidence"),  # of 9 bytes
        (b"", b"evidence"),
    ],
)
def test_a_well_authenticated_but_malformed_stream_fails(size_record, body):
    key = ReportKey.generate()
    with pytest.raises(DecryptionError, match=r"^decryption failed$"):
        _unstream(key, _forge(key, size_record, body, 4096))


def test_a_size_record_tagged_final_fails():
    key = ReportKey.generate()
    with pytest.raises(DecryptionError):
        _unstream(key, _forge(key, _size(0), b"", 4096, size_tag=_FINAL))


def test_nothing_of_a_record_with_bad_padding_is_yielded():
    key = ReportKey.generate()
    blob = _forge(key, _size(8), b"evidence" + b"\x01" + bytes(7), 16)
    chunks = crypto.decrypt_stream(
        key, io.BytesIO(blob), report_id=REPORT, purpose="file/a1"
    )
    with pytest.raises(DecryptionError):  # "evidence" shares the record: not yielded
        next(chunks)


# --- OVS1 streams (written before streams padded themselves) still open -------------

# Made by the OVS1 code (encrypt_stream before OVS2), under ReportKey(bytes(range(32))),
# report "r-7QX2M", purpose "file/a1": b"evidence" in records of 4 bytes, and
# b"evidence" followed by 8 zeros (as the service padded files) in records of 5.
OVS1_EVIDENCE = bytes.fromhex(
    "4f56533100000004694b4454213bd58fa702246eb933611c6ea45d8ca73878c8d1338ea6838258"
    "89db6447c03ebffe643d03615f67561cbcbc7938d547d9dc12b40eff2b0525cee4ce92bf09f7f4"
    "53b429c5aa123289feccace7b8"
)
OVS1_PADDED = bytes.fromhex(
    "4f56533100000005f9d67bbd4629ad0046bd700fc9bcdbc101a251dff63ba4479e8eea41c69358"
    "de9f50bb109cd86cb9d60f8a83235c2cb97fcab715dafe7fd5de44f457d6e81e8aa2903fe46513"
    "c124ff31e946159f5fe79a642a13276a474016a559d4e7bc272ccd6d04ff2c4a1dc456d159e5"
)
OVS1_KEY = ReportKey(bytes(range(32)))


def test_ovs1_streams_made_by_the_old_code_still_open():
    assert _unstream(OVS1_KEY, OVS1_EVIDENCE) == b"evidence"
    # an OVS1 stream yields all it holds, padding included, exactly as before
    assert _unstream(OVS1_KEY, OVS1_PADDED) == b"evidence" + bytes(8)
    for blob in (OVS1_EVIDENCE, OVS1_PADDED):
        with pytest.raises(DecryptionError):
            _unstream(OVS1_KEY, blob[:-1])
        with pytest.raises(DecryptionError):
            _unstream(OVS1_KEY, blob, purpose="file/a2")
        with pytest.raises(DecryptionError):
            _unstream(ReportKey.generate(), blob)
        with pytest.raises(DecryptionError):  # passed off as OVS2
            _unstream(OVS1_KEY, b"OVS2" + blob[4:])


@STREAM
@given(st.binary(max_size=2000), st.integers(1, 300), st.data())
def test_ovs1_streams_round_trip_and_refuse_truncation(data, chunk_size, draw):
    key = ReportKey.generate()
    blob = _ovs1(key, data, chunk_size)
    assert _unstream(key, blob) == data
    cut = draw.draw(st.integers(0, len(blob) - 1))
    with pytest.raises(DecryptionError):
        _unstream(key, blob[:cut])


# --- rotation: every stream comes out OVS2 --------------------------------------------


def _reencrypt(old, new, blob, **kwargs):
    out = io.BytesIO()
    n = crypto.reencrypt_stream(
        old, new, io.BytesIO(blob), out, report_id=REPORT, purpose="file/a1", **kwargs
    )
    return n, out.getvalue()


def test_reencrypting_a_stream_moves_it_to_the_new_key():
    old, new = ReportKey.generate(), ReportKey.generate()
    blob = _stream(old, b"evidence" * 50, 4096)
    n, moved = _reencrypt(old, new, blob)  # the size comes from the size record
    assert n == 400
    assert moved[:4] == b"OVS2"
    assert _unstream(new, moved) == b"evidence" * 50
    assert len(moved) == _stored_length(400, crypto.DEFAULT_CHUNK_SIZE)
    with pytest.raises(DecryptionError):
        _unstream(old, moved)
    assert _reencrypt(old, new, blob, size=400)[0] == 400
    with pytest.raises(DecryptionError):  # a size that disagrees with the stream's
        _reencrypt(old, new, blob, size=401)


def test_reencrypting_an_ovs1_stream_writes_ovs2_at_the_true_size():
    new = ReportKey.generate()
    for blob in (OVS1_EVIDENCE, OVS1_PADDED):
        n, moved = _reencrypt(OVS1_KEY, new, blob, size=8)
        assert n == 8
        assert moved[:4] == b"OVS2"
        assert _unstream(new, moved) == b"evidence"
    with pytest.raises(ValueError, match="size"):  # OVS1 has no size of its own
        _reencrypt(OVS1_KEY, new, OVS1_PADDED)
    with pytest.raises(DecryptionError):  # more than the stream holds
        _reencrypt(OVS1_KEY, new, OVS1_PADDED, size=17)
    with pytest.raises(DecryptionError):  # would cut off bytes that are not padding
        _reencrypt(OVS1_KEY, new, OVS1_PADDED, size=7)


@STREAM
@given(st.integers(0, 200_000), st.integers(0, 5000), st.integers(100, 70_000))
def test_a_rotated_ovs1_file_looks_like_any_file_of_its_bucket(size, pad, chunk):
    old, new = ReportKey.generate(), ReportKey.generate()
    data = bytes(i % 251 for i in range(size))
    _n, moved = _reencrypt(old, new, _ovs1(old, data + bytes(pad), chunk), size=size)
    assert _unstream(new, moved) == data
    assert len(moved) == _stored_length(size, crypto.DEFAULT_CHUNK_SIZE)


def test_reencrypting_streams_one_chunk_at_a_time():
    """Each record is written before the next is read: no whole plaintext in memory."""
    old, new = ReportKey.generate(), ReportKey.generate()
    chunk = 4096
    blob = _stream(old, b"x" * (40 * chunk), chunk)
    src = io.BytesIO(blob)
    read_when_written = []

    class Sink(io.BytesIO):
        def write(self, b):
            read_when_written.append(src.tell())
            return super().write(b)

    crypto.reencrypt_stream(
        old, new, src, Sink(), report_id=REPORT, purpose="file/a1", chunk_size=chunk
    )
    # header, size record, then the first data record: after reading about one record
    assert read_when_written[2] <= HEAD + SIZE_RECORD + 2 * (chunk + 17)
    assert read_when_written[-2] < len(blob)


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


# --- spools: upload temp files ----------------------------------------------------------


def _spool(key, data, *, chunk_size=64, piece=7, purpose="upload"):
    out = io.BytesIO()
    writer = crypto.SpoolWriter(key, out, purpose=purpose, chunk_size=chunk_size)
    for i in range(0, len(data), piece):
        writer.write(data[i : i + piece])
    writer.finish()
    return out.getvalue()


@given(st.binary(max_size=2000), st.integers(1, 300), st.integers(1, 500))
def test_a_spool_round_trips_whatever_the_pieces_and_chunk_size(
    data, chunk_size, piece
):
    key = ReportKey.generate()
    stored = _spool(key, data, chunk_size=chunk_size, piece=piece)
    back = crypto.read_spool(key, io.BytesIO(stored), purpose="upload")
    assert b"".join(back) == data


@given(st.binary(min_size=1, max_size=1000), st.data())
def test_any_truncation_or_flipped_bit_of_a_spool_fails(data, draw):
    key = ReportKey.generate()
    stored = _spool(key, data)
    cut = draw.draw(st.integers(0, len(stored) - 1))
    with pytest.raises(DecryptionError):
        b"".join(crypto.read_spool(key, io.BytesIO(stored[:cut]), purpose="upload"))
    flipped = bytearray(stored)
    flipped[draw.draw(st.integers(0, len(stored) - 1))] ^= 1 << draw.draw(
        st.integers(0, 7)
    )
    with pytest.raises(DecryptionError):
        b"".join(crypto.read_spool(key, io.BytesIO(bytes(flipped)), purpose="upload"))


def test_a_spool_opens_only_with_its_key_and_purpose_and_is_no_file_stream():
    key = ReportKey.generate()
    stored = _spool(key, b"evidence" * 100)
    for other_key, purpose in ((ReportKey.generate(), "upload"), (key, "other")):
        with pytest.raises(DecryptionError):
            b"".join(crypto.read_spool(other_key, io.BytesIO(stored), purpose=purpose))
    with pytest.raises(DecryptionError):  # a spool is not a kept file, nor the reverse
        b"".join(
            crypto.decrypt_stream(key, io.BytesIO(stored), report_id="r", purpose="p")
        )
    kept = _stream(key, b"evidence", 64)
    with pytest.raises(DecryptionError):
        b"".join(crypto.read_spool(key, io.BytesIO(kept), purpose="upload"))
    with pytest.raises(DecryptionError):  # bytes after FINAL
        b"".join(crypto.read_spool(key, io.BytesIO(stored + b"x"), purpose="upload"))


def test_a_finished_spool_takes_no_more_data():
    writer = crypto.SpoolWriter(ReportKey.generate(), io.BytesIO(), purpose="upload")
    writer.finish()
    with pytest.raises(ValueError, match="finished"):
        writer.write(b"x")
    with pytest.raises(ValueError, match="finished"):
        writer.finish()
