"""The complaint envelope: per-report keys, authenticated encryption, key wrapping.

Pure Python over libsodium (PyNaCl); no Django. Every construction is a libsodium
primitive used as documented; nothing here invents a cipher, a MAC or a KDF.

- Content, attachment metadata, messages and notes: XChaCha20-Poly1305 (IETF AEAD)
  under the report key, with associated data naming the report and the purpose, so
  a ciphertext moved to another report or another field fails to open.
- Attachment bodies: libsodium secretstream (XChaCha20-Poly1305) in fixed-size
  chunks, padded inside the stream to the file's size bucket, so a stored length
  tells only the bucket; truncation, reordering, duplication and extension all fail.
- The report key is wrapped to each entitled recipient's X25519 public key with a
  sealed box; the plaintext of the box names the report, so a wrapped key is only
  ever accepted for the report it was made for.
- A recipient's private key is stored encrypted under a key derived from the
  recipient's own secret with Argon2id; the parameters travel with the ciphertext.
- The reporter's receipt (100 bits from the CSPRNG) is turned into an authenticator
  and a wrapping key with libsodium's KDF (keyed BLAKE2b); the server stores only a
  keyed hash of the authenticator under a pepper kept outside the database.

See ``docs/complaints.md`` for the reasons behind each choice.
"""

from __future__ import annotations

import hmac
import secrets
import struct
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import nacl.bindings as sodium
import nacl.exceptions
import nacl.hash
import nacl.public
import nacl.pwhash.argon2id as argon2id
import nacl.utils
from nacl.encoding import RawEncoder

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "KEY_PARAMS_DEFAULT",
    "KEY_PARAMS_MIN",
    "KEY_PARAMS_TESTS",
    "RECEIPT_ALPHABET",
    "RECEIPT_BITS",
    "CaseKeys",
    "DecryptionError",
    "InvalidReceipt",
    "KeyParams",
    "ReceiptKeys",
    "RecipientPrivateKey",
    "RecoveryKit",
    "ReportKey",
    "SpoolWriter",
    "decrypt_stream",
    "encrypt_stream",
    "file_bucket",
    "format_public_key",
    "format_receipt",
    "kdf_derive",
    "new_receipt",
    "new_recipient_key",
    "new_recovery_kit",
    "normalise_receipt",
    "open_sealed",
    "parse_public_key",
    "peel_custodian_layer",
    "protect_private_key",
    "read_spool",
    "receipt_keys",
    "receipt_verifier",
    "recovery_key_from_kit",
    "reencrypt_stream",
    "reporter_private_key",
    "rotate_sealed",
    "seal",
    "unlock_private_key",
    "unwrap_by_custodians",
    "unwrap_case_keys",
    "unwrap_for_recipient",
    "unwrap_for_reporter",
    "wrap_case_keys",
    "wrap_case_keys_size",
    "wrap_for_custodians",
    "wrap_for_recipient",
    "wrap_for_reporter",
]

_DOMAIN = b"oversight/complaints"
_VERSION = 1
_AEAD_NONCE = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
_AEAD_TAG = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16
KEY_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES  # 32
_SS_HEADER = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES  # 24
_SS_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES  # 17
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
_STREAM_MAGIC_V1 = b"OVS1"  # exact size; still read, no longer written
_STREAM_MAGIC = b"OVS2"  # a size record first, then data padded to the size bucket
_STREAM_PREFIX = struct.Struct(">4sI")  # magic, chunk size
_STREAM_SIZE = struct.Struct(">Q")  # the plaintext's true size, in the first record
DEFAULT_CHUNK_SIZE = 64 * 1024
PAD_BLOCK = 256
"""Every sealed item is padded to a multiple of this many bytes before encryption."""
FILE_BUCKET_MIN = 64 * 1024
_MAX_CHUNK_SIZE = 16 * 1024 * 1024


class DecryptionError(Exception):
    """A ciphertext failed to authenticate, or was truncated, reordered or misplaced.

    Deliberately one error for every cause: the caller learns nothing about which
    check failed, and nothing about the plaintext.
    """


class InvalidReceipt(ValueError):
    """The text is not a well-formed receipt (wrong length or characters)."""


def _ad(*parts: bytes) -> bytes:
    """Associated data: the domain, then each part length-prefixed (no ambiguity)."""
    out = [_DOMAIN, bytes([_VERSION])]
    for part in parts:
        out.append(struct.pack(">I", len(part)))
        out.append(part)
    return b"".join(out)


class _Secret:
    """Bytes that never print, pickle or compare in variable time."""

    __slots__ = ("_raw",)
    _size = KEY_BYTES

    def __init__(self, raw: bytes) -> None:
        if len(raw) != self._size:
            raise ValueError(f"{type(self).__name__} needs {self._size} bytes")
        self._raw = raw

    def reveal(self) -> bytes:
        """The raw bytes, for libsodium calls only."""
        return self._raw

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _Secret)
        return hmac.compare_digest(self._raw, other._raw)

    def __hash__(self) -> int:
        raise TypeError(f"{type(self).__name__} is not hashable")

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError(f"{type(self).__name__} must not be serialised")

    def __getstate__(self) -> object:
        raise TypeError(f"{type(self).__name__} must not be serialised")


class ReportKey(_Secret):
    """A report's symmetric content key (32 bytes for XChaCha20-Poly1305)."""

    __slots__ = ()

    @classmethod
    def generate(cls) -> ReportKey:
        return cls(nacl.utils.random(KEY_BYTES))


class RecipientPrivateKey(_Secret):
    """A recipient's (or the recovery kit's) X25519 private key."""

    __slots__ = ()

    @classmethod
    def generate(cls) -> RecipientPrivateKey:
        return cls(bytes(nacl.public.PrivateKey.generate()))

    @property
    def public_key(self) -> bytes:
        return bytes(nacl.public.PrivateKey(self._raw).public_key)


# --- AEAD for small items: content, metadata, messages, notes -----------------------

_USE_CONTEXT = b"ovsuse01"


def _item_key(key: ReportKey) -> bytes:
    """The subkey that seals small items; files use another (one key, one use)."""
    return kdf_derive(key.reveal(), 1, _USE_CONTEXT)


def _stream_key(key: ReportKey) -> bytes:
    return kdf_derive(key.reveal(), 2, _USE_CONTEXT)


def seal(
    key: ReportKey,
    plaintext: bytes,
    *,
    report_id: str,
    purpose: str,
    pad_block: int = PAD_BLOCK,
) -> bytes:
    """Encrypt ``plaintext`` for ``report_id``/``purpose``: version, nonce, ciphertext.

    The plaintext is padded (ISO/IEC 7816-4, ``sodium_pad``) to a multiple of
    :data:`PAD_BLOCK` bytes first, so a stored length tells only the bucket.

    The 24-byte nonce is random; XChaCha20's nonce is large enough that random
    nonces never collide in practice, so no counter has to be kept.
    """
    nonce = nacl.utils.random(_AEAD_NONCE)
    aad = _ad(b"item", report_id.encode(), purpose.encode())
    body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        sodium.sodium_pad(plaintext, pad_block), aad, nonce, _item_key(key)
    )
    return bytes([_VERSION]) + nonce + body


def open_sealed(
    key: ReportKey,
    blob: bytes,
    *,
    report_id: str,
    purpose: str,
    pad_block: int = PAD_BLOCK,
) -> bytes:
    """Decrypt what :func:`seal` produced; :class:`DecryptionError` on any mismatch."""
    if len(blob) < 1 + _AEAD_NONCE + _AEAD_TAG or blob[0] != _VERSION:
        raise DecryptionError("decryption failed")
    nonce, body = blob[1 : 1 + _AEAD_NONCE], blob[1 + _AEAD_NONCE :]
    aad = _ad(b"item", report_id.encode(), purpose.encode())
    try:
        padded = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            body, aad, nonce, _item_key(key)
        )
        return sodium.sodium_unpad(padded, pad_block)
    except nacl.exceptions.CryptoError:
        raise DecryptionError("decryption failed") from None


# --- secretstream for files ----------------------------------------------------------


def _stream_ad(report_id: str, purpose: str, prefix: bytes) -> bytes:
    return _ad(b"stream", report_id.encode(), purpose.encode(), prefix)


def _read_exactly(src: BinaryIO, size: int) -> bytes:
    parts: list[bytes] = []
    remaining = size
    while remaining:
        piece = src.read(remaining)
        if not piece:
            break
        parts.append(piece)
        remaining -= len(piece)
    return b"".join(parts)


def encrypt_stream(
    key: ReportKey,
    chunks: Iterable[bytes],
    dst: BinaryIO,
    *,
    report_id: str,
    purpose: str,
    size: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> int:
    """Encrypt the concatenation of ``chunks`` (exactly ``size`` bytes) into ``dst``.

    Layout: ``"OVS2" | chunk_size (4 bytes) | secretstream header (24)`` then
    records. The first record carries ``size`` as 8 bytes, big-endian, with
    TAG_MESSAGE. Then come the data and zero padding up to :func:`file_bucket`
    (``size``) bytes, re-chunked here whatever sizes the caller's chunks have:
    every record but the last carries exactly ``chunk_size`` bytes with
    TAG_MESSAGE, the last 0..chunk_size-1 bytes with TAG_FINAL, so a reader knows
    where the stream must end and a missing end is detected. The length written
    depends only on ``chunk_size`` and the size bucket, never on the exact size.

    Returns ``size``. Raises :class:`ValueError` as soon as the chunks run past
    ``size``, or at the end if they fall short of it; ``dst`` then holds an
    unfinished stream that must be discarded (it never decrypts).
    """
    if not 1 <= chunk_size <= _MAX_CHUNK_SIZE:
        raise ValueError("chunk_size out of range")
    if not 0 <= size < 1 << 64:
        raise ValueError("size out of range")
    prefix = _STREAM_PREFIX.pack(_STREAM_MAGIC, chunk_size)
    aad = _stream_ad(report_id, purpose, prefix)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(
        state, _stream_key(key)
    )

    def push(record: bytes, tag: int) -> None:
        dst.write(
            sodium.crypto_secretstream_xchacha20poly1305_push(state, record, aad, tag)
        )

    dst.write(prefix + header)
    push(_STREAM_SIZE.pack(size), _TAG_MESSAGE)
    buffer = bytearray()
    total = 0
    for piece in chunks:
        total += len(piece)
        if total > size:
            raise ValueError("the chunks do not add up to size")
        buffer += piece
        while len(buffer) >= chunk_size:
            push(bytes(buffer[:chunk_size]), _TAG_MESSAGE)
            del buffer[:chunk_size]
    if total != size:
        raise ValueError("the chunks do not add up to size")
    padding = file_bucket(size) - size
    while padding:
        step = min(padding, chunk_size - len(buffer))
        buffer += bytes(step)
        padding -= step
        if len(buffer) == chunk_size:
            push(bytes(buffer), _TAG_MESSAGE)
            buffer.clear()
    push(bytes(buffer), _TAG_FINAL)
    return size


def _fail() -> DecryptionError:
    return DecryptionError("decryption failed")


def _pull(
    state: sodium.crypto_secretstream_xchacha20poly1305_state, record: bytes, aad: bytes
) -> tuple[bytes, int]:
    try:
        plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
            state, record, aad
        )
    except nacl.exceptions.CryptoError:
        raise _fail() from None
    return plain, tag


def _pull_records(
    state: sodium.crypto_secretstream_xchacha20poly1305_state,
    src: BinaryIO,
    aad: bytes,
    chunk_size: int,
) -> Iterator[bytes]:
    """The plaintext of every record from here to TAG_FINAL, each once authenticated.

    Records before the last must be full and tagged MESSAGE; the last must be
    short and tagged FINAL, with nothing after it.
    """
    record_size = chunk_size + _SS_ABYTES
    while True:
        record = _read_exactly(src, record_size)
        if len(record) < _SS_ABYTES:
            raise _fail()
        plain, tag = _pull(state, record, aad)
        full = len(record) == record_size
        if tag == _TAG_FINAL:
            if full or src.read(1):
                raise _fail()
            yield plain
            return
        if tag != _TAG_MESSAGE or not full:
            raise _fail()
        yield plain


def _unpad(plaintext: Iterable[bytes], size: int) -> Iterator[bytes]:
    """The first ``size`` bytes of ``plaintext``; all the rest must be zeros.

    Each chunk is checked whole before any of it is yielded. Fewer than ``size``
    bytes, or a byte after them that is not zero, is a :class:`DecryptionError`.
    """
    remaining = size
    for plain in plaintext:
        if len(plain) <= remaining:
            data, padding = plain, b""
        else:
            data, padding = plain[:remaining], plain[remaining:]
        if padding.count(0) != len(padding):
            raise _fail()
        remaining -= len(data)
        if data:
            yield data
    if remaining:
        raise _fail()


def _open_stream(
    key: ReportKey, src: BinaryIO, *, report_id: str, purpose: str
) -> tuple[int | None, Iterator[bytes]]:
    """Read a stream's header (and, for OVS2, its size record) now; the rest lazily.

    Returns the declared size (``None`` for OVS1, which has none) and the
    plaintext: for OVS2 exactly that many bytes, the padding checked and dropped;
    for OVS1 every byte of every record, as it was written.
    """
    prefix = _read_exactly(src, _STREAM_PREFIX.size)
    if len(prefix) != _STREAM_PREFIX.size:
        raise _fail()
    magic, chunk_size = _STREAM_PREFIX.unpack(prefix)
    if magic not in (_STREAM_MAGIC, _STREAM_MAGIC_V1):
        raise _fail()
    if not 1 <= chunk_size <= _MAX_CHUNK_SIZE:
        raise _fail()
    header = _read_exactly(src, _SS_HEADER)
    if len(header) != _SS_HEADER:
        raise _fail()
    aad = _stream_ad(report_id, purpose, prefix)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(
            state, header, _stream_key(key)
        )
    except nacl.exceptions.CryptoError:
        raise _fail() from None
    if magic == _STREAM_MAGIC_V1:
        return None, _pull_records(state, src, aad, chunk_size)
    plain, tag = _pull(state, _read_exactly(src, _STREAM_SIZE.size + _SS_ABYTES), aad)
    if tag != _TAG_MESSAGE or len(plain) != _STREAM_SIZE.size:
        raise _fail()
    (size,) = _STREAM_SIZE.unpack(plain)
    return size, _unpad(_pull_records(state, src, aad, chunk_size), size)


def decrypt_stream(
    key: ReportKey, src: BinaryIO, *, report_id: str, purpose: str
) -> Iterator[bytes]:
    """Yield the plaintext of a stream made by :func:`encrypt_stream`, chunk by chunk.

    An OVS2 stream yields exactly its declared size; its padding is authenticated,
    checked to be zeros and dropped. An OVS1 stream (written before streams padded
    themselves) yields every byte it holds, padding included, as it always did.

    Each chunk is authenticated before it is yielded. A stream that stops before
    its final record, has bytes after it, or whose records were swapped, whose
    padding is not zeros, or that holds fewer bytes than it declares raises
    :class:`DecryptionError` (after the chunks that did authenticate), so a
    caller must discard what it got from a stream that raised.
    """
    _size, plaintext = _open_stream(key, src, report_id=report_id, purpose=purpose)
    for chunk in plaintext:
        if chunk:
            yield chunk


def reencrypt_stream(
    old: ReportKey,
    new: ReportKey,
    src: BinaryIO,
    dst: BinaryIO,
    *,
    report_id: str,
    purpose: str,
    size: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> int:
    """Decrypt under ``old`` and encrypt under ``new`` as OVS2, chunk by chunk (rotation).

    The true size comes from an OVS2 stream's own size record (a ``size`` given
    too must agree with it). An OVS1 stream has no size record: ``size`` is then
    required (the caller has it from the file's sealed metadata), the first
    ``size`` bytes are kept and the rest, the old zero padding, must be zeros.
    Any mismatch is a :class:`DecryptionError`; ``dst`` must then be discarded.
    Returns the true size.

    Plaintext only passes through memory, one chunk at a time, never to disk.
    """
    declared, plaintext = _open_stream(old, src, report_id=report_id, purpose=purpose)
    if declared is None:
        if size is None:
            raise ValueError("an OVS1 stream needs its true size")
        plaintext = _unpad(plaintext, size)
    elif size is not None and size != declared:
        raise _fail()
    else:
        size = declared
    return encrypt_stream(
        new,
        plaintext,
        dst,
        report_id=report_id,
        purpose=purpose,
        size=size,
        chunk_size=chunk_size,
    )


# --- spools: an upload's temporary file, under a key that never leaves memory -------

_SPOOL_MAGIC = b"OVT1"  # records of exactly chunk_size bytes, a shorter FINAL one


class SpoolWriter:
    """Encrypt data as it arrives, its size not known in advance (upload temp files).

    Layout: ``"OVT1" | chunk size (4 bytes) | secretstream header (24)``, then
    records of exactly ``chunk_size`` plaintext bytes tagged MESSAGE, and one last
    record of 0 to ``chunk_size - 1`` bytes tagged FINAL, pushed by :meth:`finish`.
    No padding and no size record: a spool lives for one request and is read back
    by the same process with :func:`read_spool`; what is kept is written again with
    :func:`encrypt_stream`. At most one record of plaintext is held in memory.
    """

    def __init__(
        self,
        key: ReportKey,
        dst: BinaryIO,
        *,
        purpose: str,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        if not 1 <= chunk_size <= _MAX_CHUNK_SIZE:
            raise ValueError("chunk_size out of range")
        prefix = _STREAM_PREFIX.pack(_SPOOL_MAGIC, chunk_size)
        self._aad = _stream_ad("spool", purpose, prefix)
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        header = sodium.crypto_secretstream_xchacha20poly1305_init_push(
            self._state, _stream_key(key)
        )
        self._dst = dst
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._finished = False
        dst.write(prefix + header)

    def _push(self, record: bytes, tag: int) -> None:
        self._dst.write(
            sodium.crypto_secretstream_xchacha20poly1305_push(
                self._state, record, self._aad, tag
            )
        )

    def write(self, data: bytes) -> None:
        if self._finished:
            raise ValueError("the spool is finished")
        self._buffer += data
        size = self._chunk_size
        while len(self._buffer) >= size:
            self._push(bytes(self._buffer[:size]), _TAG_MESSAGE)
            del self._buffer[:size]

    def finish(self) -> None:
        if self._finished:
            raise ValueError("the spool is finished")
        self._push(bytes(self._buffer), _TAG_FINAL)
        self._buffer.clear()
        self._finished = True


def read_spool(key: ReportKey, src: BinaryIO, *, purpose: str) -> Iterator[bytes]:
    """Yield the plaintext of a spool made by :class:`SpoolWriter`, record by record.

    Each record is authenticated before it is yielded; a spool that stops before
    its FINAL record, has bytes after it, or was changed in any way raises
    :class:`DecryptionError`, so what was yielded before must be discarded.
    """
    prefix = _read_exactly(src, _STREAM_PREFIX.size)
    if len(prefix) != _STREAM_PREFIX.size:
        raise _fail()
    magic, chunk_size = _STREAM_PREFIX.unpack(prefix)
    if magic != _SPOOL_MAGIC or not 1 <= chunk_size <= _MAX_CHUNK_SIZE:
        raise _fail()
    header = _read_exactly(src, _SS_HEADER)
    if len(header) != _SS_HEADER:
        raise _fail()
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(
            state, header, _stream_key(key)
        )
    except nacl.exceptions.CryptoError:
        raise _fail() from None
    aad = _stream_ad("spool", purpose, prefix)
    for plain in _pull_records(state, src, aad, chunk_size):
        if plain:
            yield plain


# --- wrapping the report key to recipients --------------------------------------------


def _wrap_plaintext(key: ReportKey, report_id: str) -> bytes:
    return _ad(b"wrap", report_id.encode()) + key.reveal()


def wrap_for_recipient(key: ReportKey, public_key: bytes, *, report_id: str) -> bytes:
    """Seal the report key (bound to ``report_id``) to an X25519 public key.

    A sealed box is anonymous public-key encryption: an ephemeral key pair per
    wrap, so only the holder of the matching private key can open it, and the
    wrapped key says nothing about who wrapped it.
    """
    box = nacl.public.SealedBox(nacl.public.PublicKey(public_key))
    return bytes(box.encrypt(_wrap_plaintext(key, report_id)))


def unwrap_for_recipient(
    wrapped: bytes, private_key: RecipientPrivateKey, *, report_id: str
) -> ReportKey:
    """Open a wrapped report key; :class:`DecryptionError` if not ours or not this report."""
    plain = _open_box(wrapped, private_key)
    expected = _ad(b"wrap", report_id.encode())
    if len(plain) != len(expected) + KEY_BYTES or not hmac.compare_digest(
        plain[: len(expected)], expected
    ):
        raise DecryptionError("decryption failed")
    return ReportKey(plain[len(expected) :])


def rotate_sealed(
    old: ReportKey,
    new: ReportKey,
    blob: bytes,
    *,
    report_id: str,
    purpose: str,
) -> bytes:
    """Re-encrypt one sealed item from ``old`` to ``new`` (part of key rotation).

    Rotation as a whole: generate a new :class:`ReportKey`, pass every sealed item
    through this function and every file through :func:`reencrypt_stream`, wrap
    the new key to the remaining recipients only, then discard every old wrap.
    """
    plain = open_sealed(old, blob, report_id=report_id, purpose=purpose)
    return seal(new, plain, report_id=report_id, purpose=purpose)


# --- the two keys of a case, and M-of-N recovery -----------------------------------------


class CaseKeys:
    """A case's two keys: ``case`` (what the reporter wrote and reads) and ``internal``.

    ``case`` seals the report, contact details, messages and files, and is wrapped
    to the holders, the reporter and the recovery custodians. ``internal`` seals
    notes, grant reasons, exclusions with their reasons and the case's audit key;
    it is never wrapped to the reporter, so a receipt opens nothing internal.
    """

    __slots__ = ("case", "internal")

    def __init__(self, case: ReportKey, internal: ReportKey) -> None:
        self.case = case
        self.internal = internal

    @classmethod
    def generate(cls) -> CaseKeys:
        return cls(ReportKey.generate(), ReportKey.generate())

    def __repr__(self) -> str:
        return "CaseKeys(<redacted>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CaseKeys):
            return NotImplemented
        return self.case == other.case and self.internal == other.internal

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("CaseKeys must not be serialised")


def _bundle_plaintext(keys: CaseKeys, report_id: str) -> bytes:
    return (
        _ad(b"wrap-bundle", report_id.encode())
        + keys.case.reveal()
        + keys.internal.reveal()
    )


def _open_bundle(plain: bytes, report_id: str) -> CaseKeys:
    expected = _ad(b"wrap-bundle", report_id.encode())
    if len(plain) != len(expected) + 2 * KEY_BYTES or not hmac.compare_digest(
        plain[: len(expected)], expected
    ):
        raise DecryptionError("decryption failed")
    raw = plain[len(expected) :]
    return CaseKeys(ReportKey(raw[:KEY_BYTES]), ReportKey(raw[KEY_BYTES:]))


def wrap_case_keys(keys: CaseKeys, public_key: bytes, *, report_id: str) -> bytes:
    """Seal both case keys (bound to ``report_id``) to one holder's public key."""
    box = nacl.public.SealedBox(nacl.public.PublicKey(public_key))
    return bytes(box.encrypt(_bundle_plaintext(keys, report_id)))


def unwrap_case_keys(
    wrapped: bytes, private_key: RecipientPrivateKey, *, report_id: str
) -> CaseKeys:
    """Open a holder's wrap of both case keys; :class:`DecryptionError` otherwise."""
    return _open_bundle(_open_box(wrapped, private_key), report_id)


def _layer_ad(report_id: str, depth: int, total: int) -> bytes:
    return _ad(b"recovery-layer", report_id.encode(), bytes([depth, total]))


def wrap_for_custodians(
    keys: CaseKeys, public_keys: list[bytes], *, report_id: str
) -> bytes:
    """Nested sealed boxes: ``seal(pk_1, seal(pk_2, ... seal(pk_m, K)))``.

    Opening needs every listed custodian's private key, outermost first; one
    custodian alone, or any subset, learns nothing. Each layer names the report
    and its position, so layers cannot be swapped between wraps or reports.
    """
    if not public_keys:
        raise ValueError("at least one custodian")
    total = len(public_keys)
    inner = _bundle_plaintext(keys, report_id)
    for depth in range(total - 1, -1, -1):
        box = nacl.public.SealedBox(nacl.public.PublicKey(public_keys[depth]))
        inner = bytes(box.encrypt(_layer_ad(report_id, depth, total) + inner))
    return inner


def unwrap_by_custodians(
    wrapped: bytes, private_keys: list[RecipientPrivateKey], *, report_id: str
) -> CaseKeys:
    """Open :func:`wrap_for_custodians` with every custodian's key, in the same order."""
    total = len(private_keys)
    blob = wrapped
    for depth, private in enumerate(private_keys):
        blob = _peel(blob, private, report_id=report_id, depth=depth, total=total)
    return _open_bundle(blob, report_id)


def peel_custodian_layer(
    wrapped: bytes,
    private_key: RecipientPrivateKey,
    *,
    report_id: str,
    depth: int,
    total: int,
) -> bytes | CaseKeys:
    """Open one layer of :func:`wrap_for_custodians`: the custodian at ``depth`` of ``total``.

    Returns the nested wrap for the custodian at ``depth + 1``, or, when ``depth`` is
    the last layer, the case keys. The layer must name this report, this depth and
    this number of custodians, so a layer opened out of order, with the wrong count,
    or taken from another report is refused (:class:`DecryptionError`). Peeling every
    layer in order gives what :func:`unwrap_by_custodians` gives, one custodian (one
    machine) at a time.
    """
    if not 0 <= depth < total <= 255:
        raise DecryptionError("decryption failed")
    inner = _peel(wrapped, private_key, report_id=report_id, depth=depth, total=total)
    if depth == total - 1:
        return _open_bundle(inner, report_id)
    return inner


def _peel(
    wrapped: bytes,
    private_key: RecipientPrivateKey,
    *,
    report_id: str,
    depth: int,
    total: int,
) -> bytes:
    """One custodian layer opened and its associated data checked: what it holds."""
    plain = _open_box(wrapped, private_key)
    prefix = _layer_ad(report_id, depth, total)
    if not hmac.compare_digest(plain[: len(prefix)], prefix):
        raise DecryptionError("decryption failed")
    return plain[len(prefix) :]


def _open_box(wrapped: bytes, private_key: RecipientPrivateKey) -> bytes:
    """The plaintext of a sealed box to ``private_key``; one :class:`DecryptionError`
    for anything that does not open."""
    box = nacl.public.SealedBox(nacl.public.PrivateKey(private_key.reveal()))
    try:
        return bytes(box.decrypt(wrapped))
    except (nacl.exceptions.CryptoError, TypeError, ValueError):
        raise DecryptionError("decryption failed") from None


def wrap_case_keys_size(report_id: str) -> int:
    """The exact length of :func:`wrap_case_keys`' output for ``report_id``."""
    return (
        sodium.crypto_box_SEALBYTES
        + len(_ad(b"wrap-bundle", report_id.encode()))
        + 2 * KEY_BYTES
    )


def file_bucket(size: int) -> int:
    """The padded size a file of ``size`` bytes is stored at (Padmé, at least 64 KiB).

    Padmé (Nikitin et al., PETS 2019) rounds up so that at most O(log log n) bits of
    the size remain, with at most 12% overhead; every file under 64 KiB looks alike.
    """
    if size <= FILE_BUCKET_MIN:
        return FILE_BUCKET_MIN
    e = size.bit_length() - 1
    s = e.bit_length()
    mask = (1 << (e - s)) - 1
    return (size + mask) & ~mask


# --- recipient private keys under their own secret (Argon2id) -------------------------


@dataclass(frozen=True, slots=True)
class KeyParams:
    """Argon2id cost: ``opslimit`` passes over ``memlimit`` bytes of memory."""

    opslimit: int
    memlimit: int


KEY_PARAMS_DEFAULT = KeyParams(opslimit=3, memlimit=128 * 1024 * 1024)
"""About 0.2 s and 128 MiB on the reference 2-core machine: paid once per unlock."""

_KEY_PARAMS_FLOOR = KeyParams(
    opslimit=argon2id.OPSLIMIT_MIN, memlimit=argon2id.MEMLIMIT_MIN
)
KEY_PARAMS_TESTS = _KEY_PARAMS_FLOOR
"""libsodium's own minimum: accepted only when the settings say TESTING."""
KEY_PARAMS_MIN = KeyParams(opslimit=3, memlimit=64 * 1024 * 1024)
"""The weakest parameters a deployment accepts, to protect a key or to unlock one
(tests relax it to libsodium's own minimum, to stay fast)."""
_ARGON2 = threading.BoundedSemaphore(1)
"""One Argon2id derivation at a time per process: each takes 128 MiB for 0.2 s, so two
workers' worth of concurrent unlocks cannot add up past the memory goal."""


def _derive(secret: bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    with _ARGON2:
        return argon2id.kdf(
            KEY_BYTES,
            secret,
            salt,
            opslimit=opslimit,
            memlimit=memlimit,
            encoder=RawEncoder,
        )


_KEY_PARAMS_CEILING = KeyParams(opslimit=16, memlimit=1024 * 1024 * 1024)
_PROTECTED = struct.Struct(">BIQ16s")  # version, opslimit, memlimit, salt


def new_recipient_key() -> RecipientPrivateKey:
    """A fresh X25519 key pair for a recipient; store its public half in clear."""
    return RecipientPrivateKey.generate()


def protect_private_key(
    private_key: RecipientPrivateKey,
    secret: bytes,
    *,
    params: KeyParams = KEY_PARAMS_DEFAULT,
    minimum: KeyParams = KEY_PARAMS_MIN,
) -> bytes:
    """Encrypt a private key under Argon2id(``secret``); parameters stored alongside.

    Layout: version | opslimit | memlimit | salt | nonce | AEAD ciphertext. The
    header and the public key are the associated data, so changing a parameter or
    pairing the blob with another public key makes it fail to open.
    """
    if not secret:
        raise ValueError("the secret must not be empty")
    if params.opslimit < minimum.opslimit or params.memlimit < minimum.memlimit:
        raise ValueError("Argon2id parameters below the minimum")
    salt = nacl.utils.random(argon2id.SALTBYTES)
    header = _PROTECTED.pack(_VERSION, params.opslimit, params.memlimit, salt)
    kek = _derive(secret, salt, params.opslimit, params.memlimit)
    nonce = nacl.utils.random(_AEAD_NONCE)
    aad = _ad(b"private-key", header, private_key.public_key)
    body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        private_key.reveal(), aad, nonce, kek
    )
    return header + nonce + body


def protected_key_params(blob: bytes) -> KeyParams:
    """The Argon2id parameters a protected key was made with (to decide on re-protecting)."""
    if len(blob) < _PROTECTED.size:
        raise DecryptionError("decryption failed")
    _version, opslimit, memlimit, _salt = _PROTECTED.unpack(blob[: _PROTECTED.size])
    return KeyParams(opslimit=opslimit, memlimit=memlimit)


def unlock_private_key(
    blob: bytes,
    secret: bytes,
    *,
    public_key: bytes,
    minimum: KeyParams = KEY_PARAMS_MIN,
) -> RecipientPrivateKey:
    """Recover a private key with its owner's secret; :class:`DecryptionError` if wrong.

    Parameters outside the floor and ceiling are refused before any work is done,
    so an edited row can neither weaken the derivation nor exhaust the server.
    """
    size = _PROTECTED.size + _AEAD_NONCE + KEY_BYTES + _AEAD_TAG
    if len(blob) != size:
        raise DecryptionError("decryption failed")
    header = blob[: _PROTECTED.size]
    version, opslimit, memlimit, salt = _PROTECTED.unpack(header)
    if (
        version != _VERSION
        or not max(_KEY_PARAMS_FLOOR.opslimit, minimum.opslimit)
        <= opslimit
        <= _KEY_PARAMS_CEILING.opslimit
        or not max(_KEY_PARAMS_FLOOR.memlimit, minimum.memlimit)
        <= memlimit
        <= _KEY_PARAMS_CEILING.memlimit
    ):
        raise DecryptionError("decryption failed")
    kek = _derive(secret, salt, opslimit, memlimit)
    nonce = blob[_PROTECTED.size : _PROTECTED.size + _AEAD_NONCE]
    body = blob[_PROTECTED.size + _AEAD_NONCE :]
    aad = _ad(b"private-key", header, public_key)
    try:
        raw = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(body, aad, nonce, kek)
    except nacl.exceptions.CryptoError:
        raise DecryptionError("decryption failed") from None
    key = RecipientPrivateKey(raw)
    if not hmac.compare_digest(key.public_key, public_key):
        raise DecryptionError("decryption failed")
    return key


# --- the company recovery kit ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecoveryKit:
    """A recovery key pair: the public half is stored, the text is printed once.

    ``text`` is the private key as 52 Crockford base32 characters in groups, plus
    a 4-character checksum (keyed BLAKE2b over the key) so a mistyped kit is
    caught before any unwrap is attempted. It is never stored by the server.
    """

    public_key: bytes
    text: str

    def __repr__(self) -> str:
        return f"RecoveryKit(public_key={self.public_key.hex()}, text=<redacted>)"


def _kit_checksum(raw: bytes) -> str:
    digest = nacl.hash.blake2b(
        raw, digest_size=16, person=b"ovs-recovery-kit", encoder=RawEncoder
    )
    return _b32encode(int.from_bytes(digest[:3], "big") >> 4, 4)


def new_recovery_kit() -> RecoveryKit:
    """Generate the company recovery key pair; return the private half only as text."""
    key = RecipientPrivateKey.generate()
    raw = key.reveal()
    body = _b32encode(int.from_bytes(raw, "big"), 52) + _kit_checksum(raw)
    groups = [body[i : i + 4] for i in range(0, len(body), 4)]
    return RecoveryKit(public_key=key.public_key, text=" ".join(groups))


def recovery_key_from_kit(text: str) -> RecipientPrivateKey:
    """Parse a typed recovery kit; :class:`ValueError` on a typo (checksum mismatch)."""
    cleaned = _clean_base32(text)
    if len(cleaned) != 56:
        raise ValueError("a recovery kit has 56 characters")
    value = _b32decode(cleaned[:52])
    if value >> 256:
        raise ValueError("not a recovery kit")
    raw = value.to_bytes(32, "big")
    if not hmac.compare_digest(_kit_checksum(raw), cleaned[52:]):
        raise ValueError("the recovery kit has a typo")
    return RecipientPrivateKey(raw)


def _pk_checksum(raw: bytes) -> str:
    digest = nacl.hash.blake2b(
        raw, digest_size=16, person=b"ovs-recovery-pub", encoder=RawEncoder
    )
    return _b32encode(int.from_bytes(digest[:3], "big") >> 4, 4)


def format_public_key(public_key: bytes) -> str:
    """A custodian's public key as 56 Crockford base32 characters with a checksum."""
    body = _b32encode(int.from_bytes(public_key, "big"), 52) + _pk_checksum(public_key)
    return " ".join(body[i : i + 4] for i in range(0, len(body), 4))


def parse_public_key(text: str) -> bytes:
    """Parse a typed or pasted custodian public key; :class:`ValueError` on a typo."""
    cleaned = _clean_base32(text)
    if len(cleaned) != 56:
        raise ValueError("a recovery public key has 56 characters")
    value = _b32decode(cleaned[:52])
    if value >> 256:
        raise ValueError("not a recovery public key")
    raw = value.to_bytes(32, "big")
    if not hmac.compare_digest(_pk_checksum(raw), cleaned[52:]):
        raise ValueError("the recovery public key has a typo")
    return raw


# --- receipts -----------------------------------------------------------------------

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so nothing looks like anything else."""
RECEIPT_BITS = 100
RECEIPT_LENGTH = RECEIPT_BITS // 5  # 20 characters
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = str.maketrans("", "", " -_.\t\r\n\u00a0\u2010\u2011\u2012\u2013\u2014")
_KDF_CONTEXT = b"ovsrcpt1"
_SUBKEY_AUTH = 1
_SUBKEY_WRAP = 2


def _b32encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(RECEIPT_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _b32decode(text: str) -> int:
    value = 0
    for char in text:
        value = (value << 5) | RECEIPT_ALPHABET.index(char)
    return value


def _clean_base32(text: str) -> str:
    cleaned = text.upper().translate(_SEPARATORS).translate(_CONFUSABLE)
    if any(char not in RECEIPT_ALPHABET for char in cleaned):
        raise InvalidReceipt("unexpected character")
    return cleaned


def new_receipt() -> str:
    """100 bits from the operating system's CSPRNG, as 4 groups of 5 characters."""
    return format_receipt(_b32encode(secrets.randbits(RECEIPT_BITS), RECEIPT_LENGTH))


def format_receipt(canonical: str) -> str:
    """``ABCDEFGHJK...`` → ``ABCDE-FGHJK-...`` for display."""
    return "-".join(canonical[i : i + 5] for i in range(0, len(canonical), 5))


def normalise_receipt(text: str) -> str:
    """The canonical 20 characters of a typed receipt, or :class:`InvalidReceipt`.

    Forgives case, spaces, hyphens and dashes of any kind, and the letters people
    type for digits (I and L for 1, O for 0). Never more than 200 characters are
    looked at, so a huge input costs nothing.
    """
    if len(text) > 200:
        raise InvalidReceipt("too long")
    cleaned = _clean_base32(text)
    if len(cleaned) != RECEIPT_LENGTH:
        raise InvalidReceipt("a receipt has 20 characters")
    return cleaned


def kdf_derive(master: bytes, subkey_id: int, context: bytes, size: int = 32) -> bytes:
    """libsodium's ``crypto_kdf_blake2b_derive_from_key``, through PyNaCl's BLAKE2b.

    PyNaCl does not bind ``crypto_kdf_*``; this is the same construction (keyed
    BLAKE2b with the subkey id in the salt and the context in the personalisation),
    checked against libsodium's own test vectors in the tests.
    """
    if len(master) != 32 or len(context) != 8 or not 16 <= size <= 64:
        raise ValueError("kdf_derive: 32-byte key, 8-byte context, 16..64 bytes out")
    salt = subkey_id.to_bytes(8, "little") + bytes(8)
    person = context + bytes(8)
    return nacl.hash.blake2b(
        b"", digest_size=size, key=master, salt=salt, person=person, encoder=RawEncoder
    )


class ReceiptKeys:
    """What a receipt yields: an authenticator and a key that wraps the report key."""

    __slots__ = ("auth_id", "wrap_key")

    def __init__(self, auth_id: bytes, wrap_key: bytes) -> None:
        self.auth_id = auth_id
        self.wrap_key = wrap_key

    def __repr__(self) -> str:
        return "ReceiptKeys(<redacted>)"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("ReceiptKeys must not be serialised")


def receipt_keys(receipt: str) -> ReceiptKeys:
    """Derive the authenticator and the reporter's wrapping key from a receipt.

    Extract: unkeyed BLAKE2b-256 of the canonical receipt (domain-separated by its
    personalisation) gives a uniform 32-byte master key; expand: libsodium's KDF
    with two subkey ids. The receipt carries 100 bits of entropy, so no slow hash
    is needed; a memory-hard one here would only hand attackers a DoS lever.
    """
    canonical = normalise_receipt(receipt)
    master = nacl.hash.blake2b(
        canonical.encode("ascii"),
        digest_size=32,
        person=b"ovs-receipt-v1\x00\x00",
        encoder=RawEncoder,
    )
    return ReceiptKeys(
        auth_id=kdf_derive(master, _SUBKEY_AUTH, _KDF_CONTEXT),
        wrap_key=kdf_derive(master, _SUBKEY_WRAP, _KDF_CONTEXT),
    )


def receipt_verifier(keys: ReceiptKeys, pepper: bytes) -> bytes:
    """The only thing stored about a receipt: keyed BLAKE2b(pepper, auth id).

    The pepper lives in the settings, not the database, so a database dump is
    not an oracle to test receipts against. One hash and one indexed lookup: a
    wrong guess costs the server microseconds.
    """
    if len(pepper) < 32:
        raise ValueError("the receipt pepper needs at least 32 bytes")
    return nacl.hash.blake2b(
        keys.auth_id,
        digest_size=32,
        key=pepper[:64],
        person=b"ovs-rcpt-verify\x00",
        encoder=RawEncoder,
    )


def reporter_private_key(keys: ReceiptKeys) -> RecipientPrivateKey:
    """The reporter's X25519 key, derived from the receipt (``crypto_box_seed_keypair``).

    Asymmetric so that a key rotation can re-wrap the new case key to the reporter
    (with the stored public half) without the receipt.
    """
    return RecipientPrivateKey(bytes(nacl.public.PrivateKey.from_seed(keys.wrap_key)))


def wrap_for_reporter(key: ReportKey, public_key: bytes, *, report_id: str) -> bytes:
    """Wrap the report key to the reporter, so they can read replies with the receipt."""
    return wrap_for_recipient(key, public_key, report_id=report_id)


def unwrap_for_reporter(
    wrapped: bytes, keys: ReceiptKeys, *, report_id: str
) -> ReportKey:
    """Open the reporter's wrap; :class:`DecryptionError` for another receipt or report."""
    return unwrap_for_recipient(
        wrapped, reporter_private_key(keys), report_id=report_id
    )
