# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""Throttling, proof of work and submission nonces under a controlled clock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.complaints import abuse, crypto
from oversight.complaints.abuse import ChallengeError, Event, Guard, Policy

SECRET = b"s" * 32


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def guard(clock):
    return Guard(SECRET, clock=clock)


def test_client_keys_hide_the_address_and_change_every_hour(guard, clock):
    key = guard.client("198.51.100.7").key
    assert "198.51.100.7" not in key
    assert len(key) == 32
    assert guard.client("198.51.100.7").key == key
    assert guard.client("198.51.100.8").key != key
    clock.advance(3599)
    assert guard.client("198.51.100.7").key == key
    clock.advance(1)
    assert guard.client("198.51.100.7").key != key


def test_everything_keyed_by_a_client_is_forgotten_within_the_hour(guard, clock):
    client = guard.client("198.51.100.7")
    guard.record(client, Event.RECEIPT_FAILURE)
    guard.note_request()
    assert guard.tracked_clients() == 1
    clock.advance(3600)
    assert guard.tracked_clients() == 0
    assert guard.count(client, Event.RECEIPT_FAILURE) == 0
    assert guard.load() == 0


def test_two_processes_key_the_same_address_differently():
    seed = b"b" * 32  # what gunicorn's arbiter hands every worker
    one = Guard(SECRET, binding_seed=seed).client("198.51.100.7")
    two = Guard(SECRET, binding_seed=seed).client("198.51.100.7")
    assert one.key != two.key
    assert one.tags == two.tags  # what binds a challenge is shared by the workers
    restarted = Guard(SECRET).client("198.51.100.7")
    assert (
        restarted.tags != one.tags
    )  # and gone with the server: no pepper re-derives it


def test_the_guard_secret_must_be_long_enough():
    with pytest.raises(ValueError, match="32 bytes"):
        Guard(b"short")


def test_difficulty_is_zero_at_rest(guard):
    assert guard.difficulty(guard.client("a")) == 0
    assert guard.issue(guard.client("a")).wait_seconds == 0


@pytest.mark.parametrize(
    ("failures", "bits"),
    [(0, 0), (3, 0), (4, 2), (5, 2), (6, 4), (11, 4), (12, 6), (24, 8), (1000, 18)],
)
def test_difficulty_rises_with_the_clients_own_failures(clock, failures, bits):
    guard = Guard(SECRET, clock=clock, policy=Policy(receipt_attempts=10_000))
    client = guard.client("a")
    for _ in range(failures):
        guard.record(client, Event.RECEIPT_FAILURE)
    assert guard.difficulty(client) == bits
    assert guard.difficulty(guard.client("b")) == 0  # another client pays nothing


@pytest.mark.parametrize(
    ("requests", "bits"), [(120, 0), (121, 2), (240, 4), (480, 6), (100_000, 20)]
)
def test_difficulty_rises_with_load_up_to_a_ceiling(guard, requests, bits):
    for _ in range(requests):
        guard.note_request()
    assert guard.difficulty(guard.client("a")) == bits


def test_load_and_failures_age_out_of_their_windows(guard, clock):
    client = guard.client("a")
    for _ in range(10):
        guard.record(client, Event.RECEIPT_FAILURE)
    for _ in range(500):
        guard.note_request()
    assert guard.difficulty(client) > 0
    clock.advance(60)
    assert guard.load() == 0
    clock.advance(540)
    assert guard.difficulty(client) == 0


def test_receipt_guessing_is_refused_per_client_only(guard, clock):
    attacker, reporter = guard.client("attacker"), guard.client("reporter")
    for _ in range(19):
        guard.record(attacker, Event.RECEIPT_FAILURE)
    assert guard.may_try_receipt(attacker).allowed
    guard.record(attacker, Event.RECEIPT_FAILURE)
    refused = guard.may_try_receipt(attacker)
    assert not refused.allowed
    assert refused.retry_after == 600
    assert guard.may_try_receipt(reporter).allowed
    clock.advance(599)
    assert guard.may_try_receipt(attacker).retry_after == 1
    clock.advance(1)
    assert guard.may_try_receipt(attacker).allowed


def test_a_guesser_is_held_back_past_its_free_failures_only(clock):
    guard = Guard(SECRET, clock=clock, policy=Policy(tarpit_seconds=1.0))
    reporter, attacker = guard.client("reporter"), guard.client("attacker")
    for _ in range(guard.policy.free_failures):
        guard.record(reporter, Event.RECEIPT_FAILURE)
        guard.record(attacker, Event.RECEIPT_FAILURE)
    assert guard.penalty(reporter) == 0.0  # a few typing mistakes cost nothing
    guard.record(attacker, Event.RECEIPT_FAILURE)
    assert guard.penalty(attacker) == 1.0
    assert guard.penalty(attacker, abuse.Decision(False, retry_after=600)) == 1.0
    assert guard.penalty(attacker, abuse.Decision(False, retry_after=0)) == 0.0
    clock.advance(guard.policy.window)
    assert guard.penalty(attacker) == 0.0  # failures age out with the window


def test_a_refusal_waits_no_longer_than_its_retry_after(clock):
    guard = Guard(SECRET, clock=clock, policy=Policy(tarpit_seconds=5.0))
    client = guard.client("attacker")
    assert guard.penalty(client, abuse.Decision(False, retry_after=2)) == 2.0


def test_an_answer_is_held_in_a_free_slot_only(clock):
    """Held answers can never occupy every thread: past the slots, no one waits."""
    nested: list[bool] = []
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 1:  # a second answer is due while the first is held
            nested.append(guard.hold(1.0))

    guard = Guard(
        SECRET,
        clock=clock,
        policy=Policy(tarpit_seconds=1.0, tarpit_slots=1),
        sleep=sleep,
    )
    assert guard.hold(1.0)
    assert nested == [False]
    assert slept == [1.0]
    assert guard.hold(1.0)  # the slot is free again
    assert slept == [1.0, 1.0]
    assert not guard.hold(0.0)
    assert slept == [1.0, 1.0]


def test_no_slots_hold_nothing(clock):
    slept: list[float] = []
    guard = Guard(
        SECRET, clock=clock, policy=Policy(tarpit_slots=0), sleep=slept.append
    )
    assert not guard.hold(1.0)
    assert slept == []


def test_there_is_no_global_cap_under_any_load(guard):
    for _ in range(50_000):
        guard.note_request()
    client = guard.client("new reporter")
    assert guard.may_try_receipt(client).allowed
    challenge = guard.issue(client)
    assert challenge.bits == 18  # 50,000 a minute is 2^8.7 times nominal
    assert challenge.wait_seconds == 2.0
    guard.redeem(client, challenge.token, abuse.solve(challenge.token, challenge.bits))


def test_a_busy_client_is_flagged_not_refused(guard):
    client = guard.client("a")
    for _ in range(20):
        guard.record(client, Event.SUBMISSION)
    assert not guard.is_suspect_submission(client)
    guard.record(client, Event.SUBMISSION)
    assert guard.is_suspect_submission(client)


def test_client_memory_is_bounded(clock):
    guard = Guard(SECRET, clock=clock, policy=Policy(max_clients=10))
    for i in range(50):
        guard.record(guard.client(str(i)), Event.SUBMISSION)
    assert guard.tracked_clients() == 10


# --- proof of work ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("digest", "bits"),
    [
        (b"\xff", 0),
        (b"\x80", 0),
        (b"\x7f", 1),
        (b"\x01", 7),
        (b"\x00\x01", 15),
        (b"\x00\x00", 16),
    ],
)
def test_leading_zero_bits(digest, bits):
    assert abuse.leading_zero_bits(digest) == bits


def _loaded_guard(clock, bits):
    """A guard whose load asks for ``bits`` of work."""
    policy = Policy(nominal_load=1, bits_per_doubling=bits, max_bits=bits)
    guard = Guard(SECRET, clock=clock, policy=policy)
    guard.note_request()
    guard.note_request()
    return guard


def test_a_solved_challenge_is_accepted_once(clock):
    guard = _loaded_guard(clock, 8)
    client = guard.client("a")
    challenge = guard.issue(client)
    assert challenge.bits == 8
    solution = abuse.solve(challenge.token, 8)
    guard.redeem(client, challenge.token, solution)
    with pytest.raises(ChallengeError, match="used"):
        guard.redeem(client, challenge.token, solution)


def test_a_wrong_solution_is_refused(clock):
    guard = _loaded_guard(clock, 12)
    client = guard.client("a")
    challenge = guard.issue(client)
    wrong = next(
        str(n)
        for n in range(10_000)
        if abuse.leading_zero_bits(abuse.work_digest(challenge.token, str(n))) < 12
    )
    with pytest.raises(ChallengeError, match="wrong"):
        guard.redeem(client, challenge.token, wrong)


def test_a_challenge_expires(clock):
    guard = _loaded_guard(clock, 4)
    client = guard.client("a")
    challenge = guard.issue(client)
    solution = abuse.solve(challenge.token, 4)
    clock.advance(901)
    with pytest.raises(ChallengeError, match="expired"):
        guard.redeem(client, challenge.token, solution)


def test_difficulty_cannot_be_edited_by_the_client(clock):
    guard = _loaded_guard(clock, 16)
    client = guard.client("a")
    challenge = guard.issue(client)
    import base64

    raw = bytearray(base64.urlsafe_b64decode(challenge.token + "=="))
    raw[9] = 0  # the bits byte
    forged = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(ChallengeError, match="malformed"):
        guard.redeem(client, forged, "0")


@pytest.mark.parametrize("token", ["", "!!!", "AAAA", "é" * 10, "A" * 64])
def test_malformed_challenges_are_refused(guard, token):
    with pytest.raises(ChallengeError, match="malformed"):
        guard.redeem(guard.client("a"), token, "1")


def test_a_challenge_from_another_deployment_is_refused(clock):
    theirs = Guard(b"t" * 32, clock=clock)
    ours = Guard(SECRET, clock=clock)
    challenge = theirs.issue(theirs.client("a"))
    with pytest.raises(ChallengeError, match="malformed"):
        ours.redeem(ours.client("a"), challenge.token, "")


def test_without_javascript_a_reporter_may_wait_instead(clock):
    guard = _loaded_guard(clock, 18)
    client = guard.client("a")
    challenge = guard.issue(client)
    assert challenge.wait_seconds == 2.0
    with pytest.raises(ChallengeError, match="too early"):
        guard.redeem(client, challenge.token, "")
    clock.advance(2)
    guard.redeem(client, challenge.token, "")


def test_waiting_is_limited_per_client(clock):
    guard = _loaded_guard(clock, 18)
    client = guard.client("a")
    tokens = [guard.issue(client).token for _ in range(4)]
    other = guard.client("b")
    theirs = guard.issue(other).token
    clock.advance(2)
    for token in tokens[:3]:
        guard.redeem(client, token, None)
    with pytest.raises(ChallengeError, match="too many waits"):
        guard.redeem(client, tokens[3], None)
    guard.redeem(other, theirs, None)  # another client may


def test_at_rest_a_challenge_needs_no_work(guard):
    client = guard.client("a")
    challenge = guard.issue(client)
    assert challenge.bits == 0
    guard.redeem(client, challenge.token, "")


def test_a_challenge_works_across_processes(clock):
    seed = b"b" * 32
    one, two = (Guard(SECRET, clock=clock, binding_seed=seed) for _ in range(2))
    challenge = one.issue(one.client("a"))
    two.redeem(two.client("a"), challenge.token, "")


def test_a_carried_challenge_must_carry_all_the_work_its_new_client_owes(clock):
    """Challenges collected cheaply by one client lose their slack on another (M3)."""
    seed = b"b" * 32
    one, two = (Guard(SECRET, clock=clock, binding_seed=seed) for _ in range(2))
    guesser = two.client("198.51.100.8")
    own = two.issue(guesser)  # at rest: 0 bits
    collected = one.issue(one.client("198.51.100.7"))  # 0 bits, another address
    for _ in range(two.policy.free_failures + 1):
        two.record(guesser, Event.RECEIPT_FAILURE)
    assert two.difficulty(guesser) == 2
    with pytest.raises(ChallengeError, match="elsewhere"):
        two.redeem(guesser, collected.token, "")
    two.redeem(guesser, own.token, "")  # its own page keeps one step of slack


def test_a_reporter_who_changes_address_is_never_refused_at_rest(clock):
    """Dual-stack browsers, NAT pools and mobile networks move between requests."""
    guard = Guard(SECRET, clock=clock)
    challenge = guard.issue(guard.client("203.0.113.77"))
    guard.redeem(guard.client("2001:db8::1"), challenge.token, "")


def test_an_ipv6_client_keeps_its_challenge_within_its_64(clock):
    guard = Guard(SECRET, clock=clock)
    challenge = guard.issue(guard.client("2001:db8:1:2::10"))
    guard.redeem(guard.client("2001:db8:1:2::99"), challenge.token, "")


def test_a_challenge_stays_bound_across_the_hour(clock):
    clock.now = 3600.0 * 1000 + 3590  # ten seconds before a new hour
    guard = Guard(SECRET, clock=clock)
    client = guard.client("198.51.100.7")
    challenge = guard.issue(client)
    clock.advance(60)
    later = guard.client("198.51.100.7")
    assert later.tags != client.tags  # the tags move on every hour
    guard.redeem(later, challenge.token, "")


def test_binding_tags_are_short_and_do_not_show_the_address(guard):
    client = guard.client("198.51.100.7")
    assert len(client.tags) == 2
    for _period, tag in client.tags:
        assert len(tag) == 2
        assert b"198.51.100.7" not in tag


def test_a_challenge_of_the_previous_format_is_refused(clock):
    import base64
    import hashlib
    import hmac
    import struct

    guard = Guard(SECRET, clock=clock)
    body = struct.pack(">BdBB16s", 2, clock(), 0, 1, b"r" * 16) + b"\0\0"
    key = hashlib.blake2b(SECRET, person=b"ovs-pow-mac").digest()[:32]
    mac = hmac.new(key, body, "sha256").digest()[:16]
    token = base64.urlsafe_b64encode(body + mac).decode().rstrip("=")
    with pytest.raises(ChallengeError, match="malformed"):
        guard.redeem(guard.client("a"), token, "")


def test_used_challenges_are_forgotten_after_they_expire(guard, clock):
    client = guard.client("a")
    first = guard.issue(client)
    guard.redeem(client, first.token, "")
    clock.advance(1000)
    second = guard.issue(client)
    guard.redeem(client, second.token, "")
    assert len(guard._used) == 1


# --- submission nonces -----------------------------------------------------------

KEY = bytes(range(32))


def test_a_submission_nonce_carries_its_receipt_bound_to_the_cookie():
    token, receipt = abuse.issue_submission_nonce(KEY, now=1000.0, cookie="c00kie")
    nonce = abuse.redeem_submission_nonce(KEY, token, now=1000.0)
    assert nonce.receipt == crypto.normalise_receipt(receipt)
    # the same form sent twice is the same submission: same receipt, same verifier
    assert abuse.redeem_submission_nonce(KEY, token, now=2000.0) == nonce
    assert crypto.normalise_receipt(receipt) not in token
    assert nonce.bound_to("c00kie")
    assert not nonce.bound_to("another browser")
    assert not nonce.bound_to("")


@pytest.mark.parametrize(
    ("age", "ok"), [(3600.0, True), (3600.5, False), (-1.0, False)]
)
def test_a_submission_nonce_lives_one_hour(age, ok):
    """H2: was 24 hours; a captured token is useless an hour later."""
    token, _ = abuse.issue_submission_nonce(KEY, now=1000.0, cookie="c")
    if ok:
        abuse.redeem_submission_nonce(KEY, token, now=1000.0 + age)
    else:
        with pytest.raises(abuse.NonceError, match="expired"):
            abuse.redeem_submission_nonce(KEY, token, now=1000.0 + age)
    with pytest.raises(abuse.NonceError, match="expired"):  # a longer max_age is capped
        abuse.redeem_submission_nonce(KEY, token, now=1000.0 + 23 * 3600, max_age=86400)


def test_a_submission_nonce_from_another_key_is_refused():
    token, _ = abuse.issue_submission_nonce(KEY, now=1000.0, cookie="c")
    with pytest.raises(abuse.NonceError, match="malformed"):
        abuse.redeem_submission_nonce(bytes(32), token, now=1000.0)


@given(st.text(max_size=250))
def test_garbage_submission_nonces_are_refused_cleanly(token):
    with pytest.raises(abuse.NonceError):
        abuse.redeem_submission_nonce(KEY, token, now=1000.0)
