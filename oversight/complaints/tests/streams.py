"""Streams built by hand for the tests: the OVS1 layout, and OVS2 streams of any shape.

Each is made with libsodium's secretstream under the real stream subkey and
associated data, so what it writes authenticates exactly like the envelope's own.
"""

from __future__ import annotations

import nacl.bindings as sodium

from oversight.complaints import crypto

MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


def secretstream(
    key: crypto.ReportKey,
    magic: bytes,
    chunk_size: int,
    records: list[tuple[bytes, int]],
    *,
    report_id: str,
    purpose: str,
) -> bytes:
    """``magic | chunk_size | header`` and the given ``(plaintext, tag)`` records."""
    prefix = magic + chunk_size.to_bytes(4, "big")
    aad = crypto._stream_ad(report_id, purpose, prefix)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(
        state, crypto._stream_key(key)
    )
    return (
        prefix
        + header
        + b"".join(
            sodium.crypto_secretstream_xchacha20poly1305_push(state, plain, aad, tag)
            for plain, tag in records
        )
    )


def chunked(body: bytes, chunk_size: int) -> list[tuple[bytes, int]]:
    """Full records tagged MESSAGE and a short last one tagged FINAL."""
    cut = len(body) - len(body) % chunk_size
    full = [(body[i : i + chunk_size], MESSAGE) for i in range(0, cut, chunk_size)]
    return [*full, (body[cut:], FINAL)]


def ovs1(
    key: crypto.ReportKey,
    data: bytes,
    chunk_size: int = crypto.DEFAULT_CHUNK_SIZE,
    *,
    report_id: str,
    purpose: str,
) -> bytes:
    """An OVS1 stream of ``data``, laid out as the code before OVS2 wrote it."""
    return secretstream(
        key,
        b"OVS1",
        chunk_size,
        chunked(data, chunk_size),
        report_id=report_id,
        purpose=purpose,
    )
