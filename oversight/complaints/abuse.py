"""Abuse resistance for the reporter routes, without collateral damage.

Pure Python, no Django; the clock is injected so every behaviour can be tested.

- Clients are known only as ``HMAC(rotating key, address)``, held in memory. The key
  is random, never stored, and replaced every hour together with everything keyed
  by it, so no client trace outlives an hour and none ever reaches a disk.
- Proof of work (hashcash over SHA-256) whose difficulty rises with overall load
  and with the client's own recent failures. At rest it is zero, so a reporter
  without JavaScript is never asked for work; when work is asked, a browser without
  JavaScript may wait instead, for a time that grows with the same difficulty.
- No global cap: load only raises the price of a request, it never refuses one.
  Refusals (HTTP 429) are per client and only for receipt guessing; submissions
  over a client's rate are accepted and flagged for triage, never dropped.
- Past its free failures, a guesser's answers are held back for a moment (a
  tarpit), refusals too, in a few slots per process: a client that guesses on, or
  ignores ``Retry-After``, spends its time waiting, not the server's processors.
  When the slots are taken the answer is sent at once, so held answers can never
  occupy every thread, and a reporter who mistypes a receipt once or twice never
  waits.
- Submission nonces: the form carries a sealed token holding the receipt the
  server drew for this submission, so resubmitting the same form is the same
  report (idempotent) and the reporter who retries gets the same receipt.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import ipaddress
import math
import secrets
import struct
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import nacl.encoding
import nacl.hash

from oversight.complaints import crypto

Clock = Callable[[], float]


class Event(StrEnum):
    """What a client did, for the per-client windows."""

    SUBMISSION = "submission"
    RECEIPT_FAILURE = "receipt_failure"
    WAITED = "waited"  # a proof of work paid in time instead of hashes


@dataclass(frozen=True, slots=True)
class Policy:
    """Every threshold in one place (the defaults are documented in docs/complaints.md)."""

    key_lifetime: float = 3600.0  # client keys and all state keyed by them
    window: float = 600.0  # per-client sliding window
    load_window: float = 60.0
    nominal_load: int = 120  # unauthenticated POSTs per load window at rest
    free_failures: int = 3  # wrong receipts before difficulty rises
    base_bits: int = 0
    bits_per_doubling: int = 2
    max_bits: int = 20  # ~1M SHA-256: about a second in a browser
    receipt_attempts: int = 20  # wrong receipts per client per window, then 429
    submissions: int = 20  # per client per window, then flagged (never refused)
    waits: int = 3  # time-paid proofs per client per window
    hashes_per_second: float = 2.0**17  # what a slow phone does, for the wait path
    max_wait: float = 30.0
    challenge_ttl: float = 900.0
    login_challenge_ttl: float = 300.0  # the receipt sign-in page: 5 minutes
    max_used: int = 200_000  # used challenges remembered (each about 100 bytes)
    max_clients: int = 20_000  # about 7 MB of windows at the cap
    tarpit_seconds: float = 1.0  # a refusal is answered after this long (0: at once)
    tarpit_slots: int = 8  # answers held at once per process; keep below its threads


class ChallengeError(Exception):
    """The proof of work is missing, wrong, expired or already used."""


@dataclass(frozen=True, slots=True)
class Challenge:
    token: str
    bits: int
    wait_seconds: float  # what a browser without JavaScript waits instead


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds, for the Retry-After header


def leading_zero_bits(digest: bytes) -> int:
    """How many zero bits start ``digest``."""
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def work_digest(token: str, solution: str) -> bytes:
    return hashlib.sha256(f"{token}:{solution}".encode()).digest()


def solve(token: str, bits: int) -> str:
    """Find a solution (what the optional script does in the browser, and tests)."""
    counter = 0
    while leading_zero_bits(work_digest(token, str(counter))) < bits:
        counter += 1
    return str(counter)


def _doubling_bits(count: int, free: int, per_doubling: int) -> int:
    if count <= free:
        return 0
    return per_doubling * (math.floor(math.log2(count / free)) + 1)


_TOKEN = struct.Struct(">BdBB16s2s")  # version, issued at, bits, endpoint, random, tag
_TOKEN_VERSION = 3
ENDPOINTS = {"intake": 1, "follow-up": 2}
_MAC_BYTES = 16
_BINDING_BYTES = 2
_BINDING_PERIOD = 3600.0


@dataclass(frozen=True, slots=True)
class Client:
    """A client as the guard knows it, for one request.

    ``key`` is the HMAC of its address under this process's hourly random key: what
    its windows are kept under. ``tags`` bind a challenge to it across processes: a
    16-bit keyed hash of its address for this wall-clock hour and the previous one,
    under a key drawn at server start and never stored. A challenge carried to
    another client loses its slack (it must carry all the work that client owes);
    sixteen bits catch the carry 65,535 times in 65,536 and are shared by one
    address in 65,536, so a tag in a page names no address.
    """

    key: str
    tags: tuple[tuple[int, bytes], ...]  # (hour, tag): this hour's first

    def bound(self, tag: bytes) -> bool:
        """Whether a challenge with ``tag`` was issued to this client (this hour or
        the last; a challenge lives 15 minutes at most)."""
        return any(hmac.compare_digest(tag, mine) for _hour, mine in self.tags)


class Guard:
    """In-memory state of one process: client windows, load, used challenges.

    Thread-safe (gunicorn threads). Each process has its own; a challenge's MAC key
    is shared (``secret``) so any process can check any challenge, and a used
    challenge is remembered by the process that saw it, which bounds replays to
    one per process within the challenge's lifetime.
    """

    def __init__(
        self,
        secret: bytes,
        *,
        policy: Policy | None = None,
        clock: Clock = time.time,
        sleep: Callable[[float], None] | None = None,
        binding_seed: bytes | None = None,
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the guard secret needs at least 32 bytes")
        self._mac_key = hashlib.blake2b(secret, person=b"ovs-pow-mac").digest()[:32]
        # The binding key is random per server start (drawn by gunicorn's arbiter
        # before it forks, see deploy/gunicorn.conf.py, so every worker shares it) and
        # never stored: a tag in a page cannot be tied to an address once the server
        # has restarted, even by whoever holds the pepper.
        self._binding_key = hashlib.blake2b(
            binding_seed or secrets.token_bytes(32), person=b"ovs-pow-bind"
        ).digest()[:32]
        self.policy = policy or Policy()
        self._clock = clock
        self._sleep = sleep or time.sleep
        self._tarpit = threading.BoundedSemaphore(max(1, self.policy.tarpit_slots))
        self._lock = threading.Lock()
        # used challenges outlive the hourly rotation: a token stays valid across it
        self._used: dict[bytes, float] = {}
        self._expiries: list[tuple[float, bytes]] = []  # a heap: forgetting costs log n
        self._rotate(clock())

    def _rotate(self, now: float) -> None:
        self._client_key = secrets.token_bytes(32)
        self._epoch_ends = now + self.policy.key_lifetime
        self._events: OrderedDict[tuple[str, Event], deque[float]] = OrderedDict()
        self._load: deque[float] = deque()

    def tick(self) -> None:
        """Rotate now if the hour is over (called by the timer thread)."""
        with self._lock:
            self._tick()

    def _tick(self) -> float:
        now = self._clock()
        if now >= self._epoch_ends:
            self._rotate(now)
        return now

    # --- clients ---------------------------------------------------------------------

    def client(self, address: str) -> Client:
        """The client behind an address: its opaque key (HMAC under this hour's random
        key) and its challenge-binding tags (see :class:`Client`).

        An IPv6 address counts by its /64 (one subscriber's whole prefix), so rotating
        through a prefix does not buy fresh budgets; an IPv4-mapped one as IPv4.
        """
        network = client_network(address).encode()
        with self._lock:
            now = self._tick()
            key = hmac.new(self._client_key, network, "sha256").hexdigest()[:32]
        period = int(now // _BINDING_PERIOD)
        return Client(
            key=key,
            tags=tuple(
                (p, self._binding_tag(network, p)) for p in (period, period - 1)
            ),
        )

    def _binding_tag(self, network: bytes, period: int) -> bytes:
        return hashlib.blake2b(
            struct.pack(">q", period) + network,
            key=self._binding_key,
            digest_size=_BINDING_BYTES,
        ).digest()

    def tracked_clients(self) -> int:
        with self._lock:
            self._tick()
            return len({client for client, _event in self._events})

    def _window(self, client: Client, event: Event, now: float) -> deque[float]:
        key = (client.key, event)
        times = self._events.get(key)
        if times is None:
            times = deque()
            self._events[key] = times
            while len(self._events) > self.policy.max_clients:
                self._events.popitem(last=False)
        else:
            self._events.move_to_end(key)
        while times and times[0] <= now - self.policy.window:
            times.popleft()
        return times

    def record(self, client: Client, event: Event) -> None:
        with self._lock:
            now = self._tick()
            self._window(client, event, now).append(now)

    def _peek(self, client: Client, event: Event, now: float) -> deque[float]:
        """A client's window for reading: never creates an entry (a GET costs no memory)."""
        times = self._events.get((client.key, event))
        if times is None:
            return deque()
        while times and times[0] <= now - self.policy.window:
            times.popleft()
        return times

    def count(self, client: Client, event: Event) -> int:
        with self._lock:
            now = self._tick()
            return len(self._peek(client, event, now))

    # --- load ------------------------------------------------------------------------

    def note_request(self) -> None:
        """Count one unauthenticated POST towards the load (never refuses it)."""
        with self._lock:
            now = self._tick()
            self._load.append(now)
            self._trim_load(now)

    def _trim_load(self, now: float) -> None:
        while self._load and self._load[0] <= now - self.policy.load_window:
            self._load.popleft()

    def load(self) -> int:
        with self._lock:
            now = self._tick()
            self._trim_load(now)
            return len(self._load)

    # --- decisions -------------------------------------------------------------------

    def difficulty(self, client: Client) -> int:
        """Bits of work asked of this client now: base + load + its own failures."""
        p = self.policy
        load_bits = _doubling_bits(self.load(), p.nominal_load, p.bits_per_doubling)
        failures = self.count(client, Event.RECEIPT_FAILURE)
        failure_bits = _doubling_bits(failures, p.free_failures, p.bits_per_doubling)
        return min(p.max_bits, p.base_bits + load_bits + failure_bits)

    def may_try_receipt(self, client: Client) -> Decision:
        """Refuse only this client, only past ``receipt_attempts`` failures a window."""
        with self._lock:
            now = self._tick()
            times = self._peek(client, Event.RECEIPT_FAILURE, now)
            if len(times) < self.policy.receipt_attempts:
                return Decision(True)
            retry = math.ceil(times[0] + self.policy.window - now)
            return Decision(False, retry_after=max(1, retry))

    def penalty(self, client: Client, decision: Decision | None = None) -> float:
        """Seconds this client's answer is held back: none while it is allowed and
        within its free failures; ``tarpit_seconds`` past them, and for a refusal
        (never past its ``Retry-After``)."""
        seconds = self.policy.tarpit_seconds
        if decision is not None and not decision.allowed:
            return min(seconds, float(decision.retry_after))
        if self.count(client, Event.RECEIPT_FAILURE) > self.policy.free_failures:
            return seconds
        return 0.0

    def hold(self, seconds: float) -> bool:
        """Hold the answer ``seconds`` if one of the process's slots is free; ``True``
        if it was held. Called by the request's thread once the answer is decided."""
        if seconds <= 0 or self.policy.tarpit_slots <= 0:
            return False
        if not self._tarpit.acquire(blocking=False):
            return False
        try:
            self._sleep(seconds)
        finally:
            self._tarpit.release()
        return True

    def is_suspect_submission(self, client: Client) -> bool:
        """True past ``submissions`` a window: accept, but flag for triage."""
        return self.count(client, Event.SUBMISSION) > self.policy.submissions

    # --- proof of work ---------------------------------------------------------------

    def wait_seconds(self, bits: int) -> float:
        if bits <= 0:
            return 0.0
        return min(self.policy.max_wait, 2.0**bits / self.policy.hashes_per_second)

    def issue(self, client: Client, endpoint: str = "intake") -> Challenge:
        """A fresh challenge at this client's current difficulty, for one endpoint.

        The endpoint and the client's binding tag for the hour are inside the MAC'd
        token, so a challenge collected for one page, or by another client, does not
        count. (The tag, not the key: client keys come from a per-process random key,
        and any worker must accept any worker's challenge.)
        """
        bits = self.difficulty(client)
        body = _TOKEN.pack(
            _TOKEN_VERSION,
            self._tick_locked(),
            bits,
            ENDPOINTS[endpoint],
            secrets.token_bytes(16),
            client.tags[0][1],
        )
        mac = hmac.new(self._mac_key, body, "sha256").digest()[:_MAC_BYTES]
        token = base64.urlsafe_b64encode(body + mac).decode().rstrip("=")
        return Challenge(token=token, bits=bits, wait_seconds=self.wait_seconds(bits))

    def _tick_locked(self) -> float:
        with self._lock:
            return self._tick()

    def redeem(
        self,
        client: Client,
        token: str,
        solution: str | None,
        endpoint: str = "intake",
    ) -> None:
        """Accept a challenge once; :class:`ChallengeError` with a reason otherwise.

        ``solution`` empty or ``None`` means the client paid in time instead: it is
        accepted once the challenge's wait is over, ``waits`` times a window. A
        challenge issued more than one doubling step below the client's difficulty
        now is "stale" (challenges cannot be stockpiled while it is cheap and spent
        when it is not; one step of slack spares reporters whose page was opened
        just before the load rose); the page offers a fresh one and keeps the text.
        """
        current = self.difficulty(client)
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (ValueError, TypeError):
            raise ChallengeError("malformed") from None
        if len(raw) != _TOKEN.size + _MAC_BYTES:
            raise ChallengeError("malformed")
        body, mac = raw[: _TOKEN.size], raw[_TOKEN.size :]
        expected = hmac.new(self._mac_key, body, "sha256").digest()[:_MAC_BYTES]
        if not hmac.compare_digest(mac, expected):
            raise ChallengeError("malformed")
        version, issued, bits, where, _nonce, tag = _TOKEN.unpack(body)
        if version != _TOKEN_VERSION:
            raise ChallengeError("malformed")
        if where != ENDPOINTS[endpoint]:
            raise ChallengeError("stale")
        # A challenge carried from another address is no refusal by itself (dual-stack
        # browsers, NAT pools and mobile networks change address between two
        # requests): it only loses the slack, and must carry all the work this client
        # owes now. At rest that is none, so a reporter is never refused for moving.
        carried = not client.bound(tag)
        ttl = (
            self.policy.login_challenge_ttl
            if endpoint == "follow-up"
            else self.policy.challenge_ttl
        )
        with self._lock:
            now = self._tick()
            if now > issued + ttl:
                raise ChallengeError("expired")
            while self._expiries and self._expiries[0][0] < now:
                _until, used = heapq.heappop(self._expiries)
                self._used.pop(used, None)
            if body in self._used:
                raise ChallengeError("used")
            if carried and bits < current:
                raise ChallengeError("elsewhere")
            if bits < current - self.policy.bits_per_doubling:
                raise ChallengeError("stale")
            if bits and not solution:
                if now < issued + self.wait_seconds(bits):
                    raise ChallengeError("too early")
                waited = self._window(client, Event.WAITED, now)
                if len(waited) >= self.policy.waits:
                    raise ChallengeError("too many waits")
                waited.append(now)
            elif bits and leading_zero_bits(work_digest(token, solution or "")) < bits:
                raise ChallengeError("wrong")
            self._used[body] = issued + ttl
            heapq.heappush(self._expiries, (self._used[body], body))
            while len(self._used) > self.policy.max_used:  # the soonest to expire go
                _until, used = heapq.heappop(self._expiries)
                self._used.pop(used, None)


def start_rotation_timer(guard: Guard, every: float = 60.0) -> threading.Thread:
    """Rotate the guard's hourly key on time even with no traffic (a daemon thread).

    Without it, a quiet hour would keep the last client keys and windows in memory
    until the next request. The thread holds the guard weakly and ends with it.
    """
    ref = weakref.ref(guard)
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(every):
            alive = ref()
            if alive is None:
                return
            alive.tick()
            del alive

    thread = threading.Thread(target=run, name="complaints-guard-timer", daemon=True)
    thread.start()
    return thread


# --- submission nonces ----------------------------------------------------------------


def client_network(address: str) -> str:
    """The unit a client is counted by: an IPv4 address, or an IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address.strip().split("%")[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


class NonceError(Exception):
    """A submission token that is malformed, forged or too old."""


_NONCE_PURPOSE = "submission-nonce"
_ISSUED = struct.Struct(">d")
NONCE_MAX_AGE = 3600.0
"""A form token, and the receipt it carries, live at most one hour."""


def cookie_binding(cookie_value: str) -> bytes:
    """What a form token stores about the reporter's one cookie: a hash of its value."""
    return nacl.hash.blake2b(
        cookie_value.encode(),
        digest_size=32,
        person=b"ovs-nonce-cookie",
        encoder=nacl.encoding.RawEncoder,
    )


def issue_submission_nonce(
    server_key: bytes, *, now: float, cookie: str
) -> tuple[str, str]:
    """A fresh receipt and the opaque form token that carries it: ``(token, receipt)``.

    The token is the receipt and a hash of the reporter's cookie, sealed
    (XChaCha20-Poly1305) under a server key with the time it was issued; the page
    holds only ciphertext. The receipt is only ever shown to the browser holding
    that cookie, so a copy of the page or of the token alone does not yield it.
    """
    receipt = crypto.new_receipt()
    plain = (
        _ISSUED.pack(now)
        + cookie_binding(cookie)
        + crypto.normalise_receipt(receipt).encode()
    )
    blob = crypto.seal(
        crypto.ReportKey(server_key),
        plain,
        report_id="",
        purpose=_NONCE_PURPOSE,
        pad_block=1,
    )
    return base64.urlsafe_b64encode(blob).decode().rstrip("="), receipt


@dataclass(frozen=True)
class Nonce:
    receipt: str
    binding: bytes

    def bound_to(self, cookie: str) -> bool:
        return bool(cookie) and hmac.compare_digest(
            self.binding, cookie_binding(cookie)
        )


def redeem_submission_nonce(
    server_key: bytes, token: str, *, now: float, max_age: float = NONCE_MAX_AGE
) -> Nonce:
    """The receipt a token carries (canonical form) and its cookie binding, or
    :class:`NonceError`."""
    if len(token) > 200:
        raise NonceError("malformed")
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        plain = crypto.open_sealed(
            crypto.ReportKey(server_key),
            blob,
            report_id="",
            purpose=_NONCE_PURPOSE,
            pad_block=1,
        )
    except (ValueError, TypeError, crypto.DecryptionError):
        raise NonceError("malformed") from None
    (issued,) = _ISSUED.unpack(plain[: _ISSUED.size])
    if not issued <= now <= issued + min(max_age, NONCE_MAX_AGE):
        raise NonceError("expired")
    binding = plain[_ISSUED.size : _ISSUED.size + 32]
    return Nonce(receipt=plain[_ISSUED.size + 32 :].decode(), binding=binding)
