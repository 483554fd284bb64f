"""Offline recovery: the request and response files, and the custodian's step.

Pure Python over libsodium (PyNaCl); no Django, no database, no network. The server
writes a *request* (``oversight complaints recovery-request``): the nested wrap of
one set of custodians with the server's shred layer removed, the case's sealed
``internal`` record, and the grantee's public key. Each custodian, in the wrap's
order, runs ``oversight complaints recovery-peel REQUEST --out NEXT`` on their own
computer: their kit (typed on standard input) removes exactly one layer. The last
custodian's run has the case keys in its own memory only: it opens ``internal``,
refuses a grantee who is excluded from the case, and writes a *response* holding
the request id and both case keys sealed to the grantee, never the keys themselves.
The server stores that wrap (``recovery-complete``).

Every field of a request is covered by its digest; the server keeps the digest and
checks it again when the response comes back, and the custodians compare its short
form, the *request code*, with the one the requester gives them (``--expect``), so a
request changed on its way (another grantee's key above all) is refused before any
case key is sealed to it.

CPython cannot wipe immutable ``bytes``: the kit and the case keys are held only in
:class:`crypto.RecipientPrivateKey` / :class:`crypto.CaseKeys` objects (never printed,
pickled or written), referenced by nothing once the step is done, and the process ends.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn, Protocol, TextIO

import nacl.hash
from nacl.encoding import RawEncoder

from oversight.complaints import crypto

REQUEST_FORMAT = "oversight-recovery-request/1"
RESPONSE_FORMAT = "oversight-recovery-response/1"
MAX_FILE_BYTES = 4 * 1024 * 1024
_CODE_LENGTH = 20  # 100 bits, shown as 4 groups of 5 like a receipt
_MALFORMED = "This is not a well-formed recovery {what} file"


class CeremonyError(Exception):
    """A request, a response or a kit was refused; the message says why."""


class _Out(Protocol):
    def write(self, text: str, /) -> object: ...


def fingerprint(public_key: bytes) -> str:
    """The 8 characters a custodian compares with the end of their public key."""
    return crypto.format_public_key(public_key).replace(" ", "")[-8:]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


@dataclass(frozen=True)
class Custodian:
    """One custodian of a request, in the order the layers are removed."""

    id: int
    label: str
    fingerprint: str


@dataclass(frozen=True)
class Request:
    """What the server asks the custodians to do; everything here is in the digest."""

    id: str
    case: str
    company: str
    requested_on: date
    expires_on: date
    custodians: tuple[Custodian, ...]
    internal: bytes
    grantee_id: int
    grantee_email: str
    grantee_public_key: bytes

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case": self.case,
            "company": self.company,
            "requested_on": self.requested_on.isoformat(),
            "expires_on": self.expires_on.isoformat(),
            "custodians": [
                {"id": c.id, "label": c.label, "fingerprint": c.fingerprint}
                for c in self.custodians
            ],
            "internal": _b64(self.internal),
            "grantee": {
                "id": self.grantee_id,
                "email": self.grantee_email,
                "public_key": _b64(self.grantee_public_key),
            },
        }

    @property
    def digest(self) -> str:
        """BLAKE2b-256 over the canonical JSON of :meth:`document`, in hex."""
        return nacl.hash.blake2b(
            _canonical(self.document()),
            digest_size=32,
            person=b"ovs-recovery-req",
            encoder=RawEncoder,
        ).hex()

    @property
    def code(self) -> str:
        """The digest's first 100 bits as ``XXXXX-XXXXX-XXXXX-XXXXX``, to read aloud."""
        value = int.from_bytes(bytes.fromhex(self.digest)[:13], "big") >> 4
        return crypto.format_receipt(crypto._b32encode(value, _CODE_LENGTH))


def _text(value: object, *, limit: int) -> str:
    # printable only: a label or address cannot move the cursor or hide the code
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise ValueError("text")
    if not value.isprintable():
        raise ValueError("text")
    return value


def _number(value: object) -> int:
    if type(value) is not int or not 0 <= value < 2**63:
        raise ValueError("number")
    return value


def _bytes(value: object, *, size: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise ValueError("base64")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("base64") from None
    if size is not None and len(raw) != size:
        raise ValueError("size")
    return raw


def _object(value: object, keys: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != keys:
        raise ValueError("keys")
    return value


def _request_from(value: object) -> Request:
    doc = _object(
        value,
        {
            "id",
            "case",
            "company",
            "requested_on",
            "expires_on",
            "custodians",
            "internal",
            "grantee",
        },
    )
    custodians = doc["custodians"]
    if not isinstance(custodians, list) or not 1 <= len(custodians) <= 255:
        raise ValueError("custodians")
    grantee = _object(doc["grantee"], {"id", "email", "public_key"})
    request = Request(
        id=_text(doc["id"], limit=64),
        case=_text(doc["case"], limit=16),
        company=_text(doc["company"], limit=200),
        requested_on=date.fromisoformat(_text(doc["requested_on"], limit=10)),
        expires_on=date.fromisoformat(_text(doc["expires_on"], limit=10)),
        custodians=tuple(
            Custodian(
                id=_number(item["id"]),
                label=_text(item["label"], limit=120),
                fingerprint=_text(item["fingerprint"], limit=8),
            )
            for item in (_object(c, {"id", "label", "fingerprint"}) for c in custodians)
        ),
        internal=_bytes(doc["internal"]),
        grantee_id=_number(grantee["id"]),
        grantee_email=_text(grantee["email"], limit=254),
        grantee_public_key=_bytes(grantee["public_key"], size=32),
    )
    if request.document() != doc:  # one encoding only: the digest is of exactly this
        raise ValueError("not canonical")
    return request


def _load_json(text: str | bytes, what: str) -> Any:
    if len(text) > MAX_FILE_BYTES:
        raise CeremonyError(f"{_MALFORMED.format(what=what)} (too large).")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than any file
        raise CeremonyError(f"{_MALFORMED.format(what=what)} (not JSON).") from None


@dataclass(frozen=True)
class RequestFile:
    """A request as it travels: ``peeled`` layers already removed from ``wrap``."""

    request: Request
    peeled: int
    wrap: bytes

    def dumps(self) -> str:
        return (
            json.dumps(
                {
                    "format": REQUEST_FORMAT,
                    "request": self.request.document(),
                    "peeled": self.peeled,
                    "wrap": _b64(self.wrap),
                },
                indent=2,
            )
            + "\n"
        )

    @classmethod
    def loads(cls, text: str | bytes) -> RequestFile:
        value = _load_json(text, "request")
        try:
            doc = _object(value, {"format", "request", "peeled", "wrap"})
            if doc["format"] != REQUEST_FORMAT:
                raise ValueError("format")
            request = _request_from(doc["request"])
            peeled = _number(doc["peeled"])
            if peeled >= len(request.custodians):
                raise ValueError("peeled")
            return cls(request=request, peeled=peeled, wrap=_bytes(doc["wrap"]))
        except (ValueError, KeyError, TypeError):
            raise CeremonyError(f"{_MALFORMED.format(what='request')}.") from None

    @property
    def next_custodian(self) -> Custodian:
        return self.request.custodians[self.peeled]


@dataclass(frozen=True)
class Response:
    """What the last custodian sends back: the request it answers, and the wrap."""

    request_id: str
    digest: str
    wrap: bytes

    def dumps(self) -> str:
        return (
            json.dumps(
                {
                    "format": RESPONSE_FORMAT,
                    "request": self.request_id,
                    "digest": self.digest,
                    "wrap": _b64(self.wrap),
                },
                indent=2,
            )
            + "\n"
        )

    @classmethod
    def loads(cls, text: str | bytes) -> Response:
        value = _load_json(text, "response")
        try:
            doc = _object(value, {"format", "request", "digest", "wrap"})
            digest = _text(doc["digest"], limit=64)
            if doc["format"] != RESPONSE_FORMAT or len(digest) != 64:
                raise ValueError("format")
            bytes.fromhex(digest)
            return cls(
                request_id=_text(doc["request"], limit=64),
                digest=digest,
                wrap=_bytes(doc["wrap"]),
            )
        except (ValueError, KeyError, TypeError):
            raise CeremonyError(f"{_MALFORMED.format(what='response')}.") from None


# --- the custodian's step ------------------------------------------------------------


def summary(file: RequestFile) -> str:
    """What the custodian reads before typing their kit."""
    request = file.request
    lines = [
        f"Recovery request for case {request.case} of {request.company}",
        f"  made on {request.requested_on}, expires on {request.expires_on}",
        f"  gives the case to {request.grantee_email} "
        f"(key fingerprint {fingerprint(request.grantee_public_key)})",
        "  custodians, in order:",
    ]
    for number, custodian in enumerate(request.custodians, start=1):
        state = (
            "done"
            if number <= file.peeled
            else "next"
            if number == file.peeled + 1
            else ""
        )
        lines.append(
            f"    {number}. {custodian.label} ({custodian.fingerprint}) {state}".rstrip()
        )
    lines.append(f"Request code: {request.code}")
    lines.append(
        "Check that this code is the one the person who made the request gave you, "
        "then type your recovery kit."
    )
    return "\n".join(lines) + "\n"


def _normalised_code(text: str) -> str:
    try:
        cleaned = crypto._clean_base32(text)
    except ValueError:
        cleaned = ""
    if len(cleaned) != _CODE_LENGTH:
        raise CeremonyError("--expect takes a request code (4 groups of 5 characters).")
    return cleaned


def check(file: RequestFile, *, expect: str | None, today: date) -> None:
    """What can be refused before the kit is typed: the code, the expiry."""
    request = file.request
    if expect is not None and _normalised_code(expect) != _normalised_code(
        request.code
    ):
        raise CeremonyError(
            f"This request's code is {request.code}, not the one you were given: it "
            "is not the request that was made, or it was changed. Nothing was written."
        )
    if today > request.expires_on:
        raise CeremonyError(
            f"This request expired on {request.expires_on}; ask for a new one."
        )


def _check_kit(file: RequestFile, kit: crypto.RecipientPrivateKey) -> None:
    custodians = file.request.custodians
    wanted = file.next_custodian
    mine = fingerprint(kit.public_key)
    if mine == wanted.fingerprint:
        return
    position = next((i for i, c in enumerate(custodians) if c.fingerprint == mine), -1)
    if position < 0:
        raise CeremonyError(
            f"This kit (fingerprint {mine}) belongs to none of this request's "
            f"custodians; the next one is {wanted.label} ({wanted.fingerprint})."
        )
    if position < file.peeled:
        raise CeremonyError(
            f"{custodians[position].label}'s layer is already removed from this file; "
            f"the next custodian is {wanted.label} ({wanted.fingerprint})."
        )
    raise CeremonyError(
        f"Wrong order: this is {custodians[position].label}'s kit (number "
        f"{position + 1}); {wanted.label} (number {file.peeled + 1}, "
        f"{wanted.fingerprint}) must run recovery-peel first."
    )


@dataclass(frozen=True)
class Peeled:
    """The file a custodian's step writes, and what to tell them."""

    text: str
    last: bool
    message: str


def peel(
    file: RequestFile,
    kit: crypto.RecipientPrivateKey,
    *,
    expect: str | None,
    today: date,
    target: str = "the output file",
) -> Peeled:
    """Remove the kit's layer; after the last one, seal the case keys to the grantee.

    Refuses (:class:`CeremonyError`) a changed or expired request, a kit that is not
    the next custodian's, a layer that does not open, and, at the last layer, a
    grantee the case's own ``internal`` record excludes.
    """
    check(file, expect=expect, today=today)
    _check_kit(file, kit)
    request = file.request
    depth, total = file.peeled, len(request.custodians)
    try:
        opened = crypto.peel_custodian_layer(
            file.wrap, kit, report_id=request.case, depth=depth, total=total
        )
    except crypto.DecryptionError:
        raise CeremonyError(
            "Your kit does not open this request's next layer: the file was changed, "
            "or made for another case or set of custodians. Nothing was written."
        ) from None
    if isinstance(opened, bytes):
        after = request.custodians[depth + 1]
        return Peeled(
            text=RequestFile(request, depth + 1, opened).dumps(),
            last=False,
            message=(
                f"Your layer is removed ({depth + 1} of {total}). Send {target} to "
                f"{after.label} (fingerprint {after.fingerprint}), the next custodian."
            ),
        )
    return _seal_for_grantee(request, opened, target)


def _seal_for_grantee(request: Request, keys: crypto.CaseKeys, target: str) -> Peeled:
    try:
        internal = json.loads(
            crypto.open_sealed(
                keys.internal,
                request.internal,
                report_id=request.case,
                purpose="internal",
            )
        )
        excluded = {int(e["id"]) for e in internal["exclusions"]}
    except (crypto.DecryptionError, ValueError, KeyError, TypeError):
        raise CeremonyError(
            "The case's internal record in this request does not open with the case "
            "keys: the request was changed or is out of date. Nothing was written."
        ) from None
    if request.grantee_id in excluded:
        raise CeremonyError(
            f"{request.grantee_email} is excluded from this case: the case keys were "
            "not sealed to them. Nothing was written."
        )
    wrap = crypto.wrap_case_keys(
        keys, request.grantee_public_key, report_id=request.case
    )
    return Peeled(
        text=Response(request.id, request.digest, wrap).dumps(),
        last=True,
        message=(
            f"The case keys are sealed to {request.grantee_email} in {target}; they "
            "never left this computer. Send it to the person who made the request: "
            f"only {request.grantee_email}'s own complaint key opens it."
        ),
    )


def read_request(path: Path) -> RequestFile:
    try:
        with path.open("rb") as handle:
            text = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CeremonyError(f"Cannot read {path}: {error.strerror}.") from None
    return RequestFile.loads(text)


def write_new(path: Path, text: str) -> None:
    """Write a new file (never over an existing one), readable by its owner only."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CeremonyError(
            f"{path} exists: choose another --out (nothing is overwritten)."
        ) from None
    except OSError as error:
        raise CeremonyError(f"Cannot write {path}: {error.strerror}.") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def peel_file(
    source: Path,
    target: Path,
    *,
    read_kit: Callable[[], str],
    expect: str | None,
    today: date,
    show: _Out,
) -> str:
    """The whole step: read, show, check, take the kit, peel, write. Returns the message."""
    if target.exists():
        raise CeremonyError(
            f"{target} exists: choose another --out (nothing is overwritten)."
        )
    file = read_request(source)
    show.write(summary(file))
    check(file, expect=expect, today=today)
    try:
        kit = crypto.recovery_key_from_kit(read_kit())
    except ValueError as error:
        raise CeremonyError(f"Recovery kit: {error}.") from None
    result = peel(file, kit, expect=expect, today=today, target=str(target))
    del kit
    write_new(target, result.text)
    return result.message


def kit_reader(stdin: TextIO) -> Callable[[], str]:
    """One line from standard input; typed without echo when it is a terminal."""

    def read() -> str:
        if stdin.isatty():
            return getpass.getpass("Your recovery kit (not shown as you type): ")
        return stdin.readline()

    return read


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.format_usage()}{self.prog}: error: {message}")


def parser() -> argparse.ArgumentParser:
    made = _Parser(
        prog="oversight complaints recovery-peel",
        description=(
            "A recovery custodian removes their layer of a recovery request, offline. "
            "The kit is read from standard input."
        ),
    )
    made.add_argument("file", help="the request file you received")
    made.add_argument("--out", required=True, help="the file to write (must not exist)")
    made.add_argument(
        "--expect", metavar="CODE", help="the request code you were given"
    )
    return made


def local_today() -> date:
    return datetime.now(UTC).astimezone().date()


def run(
    argv: list[str],
    *,
    stdin: TextIO | None = None,
    out: _Out | None = None,
    err: _Out | None = None,
    today: date | None = None,
) -> int:
    """``oversight complaints recovery-peel FILE --out FILE [--expect CODE]``: 0, or 2."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = parser().parse_args(argv)
    except _UsageError as error:
        err.write(f"{error}\n")
        return 2
    try:
        message = peel_file(
            Path(args.file),
            Path(args.out),
            read_kit=kit_reader(stdin),
            expect=args.expect,
            today=today or local_today(),
            show=out,
        )
    except CeremonyError as error:
        err.write(f"recovery-peel: {error}\n")
        return 2
    out.write(message + "\n")
    return 0
