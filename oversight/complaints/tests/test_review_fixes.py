# mypy: disable-error-code="no-untyped-call"
"""Regression tests for the security review of the complaint channel (C1, H1-H5, M1, M7).

Each began as the reviewer's proof of concept, which failed on the reviewed code.
"""

from __future__ import annotations

import contextlib
import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from oversight.complaints import crypto, keygen, services
from oversight.complaints.models import (
    Attachment,
    Case,
    Grant,
    Message,
    Note,
    RecipientKey,
    RecoveryCustodian,
    WrappedKey,
)
from oversight.complaints.tests import streams
from oversight.complaints.tests.conftest import TODAY, hidden
from oversight.ledger.models import LedgerEvent

SLUG = "one-stop-systems"


def _kits_by_id(channel, custodian_kits):
    by_label = {c.label: c for c in channel.custodians.all()}
    return {
        by_label[label].pk: crypto.recovery_key_from_kit(kit.text)
        for label, kit in custodian_kits.items()
    }


def _every_key_the_server_ever_saw(channel):
    """What a chair, an operator or a database dump could hold about recovery."""
    return [bytes(c.public_key) for c in channel.custodians.all()]


# --- C1: no recovery private key on the server; M-of-N; named custodians left out ------


def test_P1_chair_who_published_cannot_open_a_report_that_names_them(
    channel, report, personas, keys
):
    """The reviewer's P1: the chair was shown the recovery kit, wrapped into every case."""
    case, _ = report(text="CANARY the chair approved it", concerns=[personas["ada"]])
    # the chair has her own key and every public value the server ever had
    candidates = [keys["ada"]] + [
        crypto.RecipientPrivateKey(raw)
        for raw in _every_key_the_server_ever_saw(channel)
    ]
    opened = []
    for wrap in WrappedKey.objects.filter(case=case):
        for key in candidates:
            for unwrap in (
                lambda b, k: crypto.unwrap_case_keys(b, k, report_id=case.id),
                lambda b, k: crypto.unwrap_by_custodians(b, [k], report_id=case.id),
            ):
                with contextlib.suppress(crypto.DecryptionError):
                    opened.append(
                        unwrap(services.inner_wrap(case.id, wrap.wrapped), key)
                    )
    assert not opened
    assert not hasattr(
        services.publish_channel(
            case.company.__class__.objects.create(name="Other Co", slug="other-co"),
            actor=personas["ada"],
            on=TODAY,
            custodians=[
                services.CustodianInput(
                    "Counsel",
                    crypto.format_public_key(crypto.new_recovery_kit().public_key),
                )
            ],
            threshold=1,
        ),
        "text",
    )


def test_recovery_needs_two_custodians_and_is_ledgered(
    channel, report, personas, keys, custodian_kits
):
    case, _ = report(text="Recover me")
    private = _kits_by_id(channel, custodian_kits)
    custodians = list(channel.custodians.all())
    # hal has a key but no access; every holder has lost theirs
    services.set_up_key(
        personas["hal"], passphrase="hal's own long passphrase", on=TODAY
    )
    hal = services.unlock_key(personas["hal"], "hal's own long passphrase")
    one = [(custodians[0], private[custodians[0].pk])]
    with pytest.raises(ValidationError, match="no recovery path"):
        services.recover(
            case, actor=personas["ada"], kits=one, grantee=personas["hal"], on=TODAY
        )
    wrong = [
        (custodians[0], private[custodians[1].pk]),
        (custodians[1], private[custodians[0].pk]),
    ]
    with pytest.raises(ValidationError, match="does not match"):
        services.recover(
            case, actor=personas["ada"], kits=wrong, grantee=personas["hal"], on=TODAY
        )
    two = [(c, private[c.pk]) for c in custodians[1:]]
    services.recover(
        case, actor=personas["ada"], kits=two, grantee=personas["hal"], on=TODAY
    )
    hal_keys = services.case_key(case, personas["hal"], hal)
    assert services.content_of(case, hal_keys.case)["text"] == "Recover me"
    assert LedgerEvent.objects.filter(action="complaints.recovery_used").count() == 1
    trail = services.audit_trail(case, hal_keys)
    recovered = [r for r in trail if r["action"] == "complaints.case_recovered"]
    assert recovered
    assert recovered[0]["actor"] == personas["ada"]
    assert recovered[0]["data"]["custodians"] == [c.label for c in custodians[1:]]


def test_a_custodian_named_in_a_case_gets_no_recovery_path_for_it(
    channel, report, personas, keys
):
    cleo = personas["cleo"]  # an officer, not on the committee
    kit = crypto.new_recovery_kit()
    cleo_c = services.register_custodian(
        channel,
        services.CustodianInput(
            "CFO (test only)", crypto.format_public_key(kit.public_key), cleo
        ),
        actor=personas["ada"],
        on=TODAY,
    )
    case, _ = report(concerns=[cleo])
    tags = WrappedKey.objects.filter(case=case, holder_tag__startswith="recovery:")
    assert tags.count() == 3  # the three pairs without cleo, none with her
    assert all(cleo_c.pk not in services._custodian_ids(w.holder_tag) for w in tags)
    other, _ = report()
    assert (
        WrappedKey.objects.filter(
            case=other, holder_tag__startswith="recovery:"
        ).count()
        == 6
    )
    # excluded later: her paths go at the rotation
    ada_keys = services.case_key(other, personas["ada"], keys["ada"])
    services.exclude(
        other,
        actor=personas["ada"],
        key=ada_keys,
        person=personas["ben"],
        reason="Conflict",
        on=TODAY,
    )
    assert (
        WrappedKey.objects.filter(
            case=other, holder_tag__startswith="recovery:"
        ).count()
        == 6
    )


def test_retiring_a_custodian_key_drops_its_paths_and_cases_rewrap_on_next_open(
    channel, report, personas, keys, custodian_kits
):
    case, _ = report()
    first, second, _third = channel.custodians.all()
    services.retire_custodian(first, actor=personas["ada"], on=TODAY)
    with pytest.raises(ValidationError, match="Register the new custodian first"):
        services.retire_custodian(second, actor=personas["ada"], on=TODAY)
    old = first
    kit = crypto.new_recovery_kit()
    new = services.register_custodian(
        channel,
        services.CustodianInput(
            "New counsel", crypto.format_public_key(kit.public_key)
        ),
        actor=personas["ada"],
        on=TODAY,
    )
    tags = set(
        WrappedKey.objects.filter(
            case=case, holder_tag__startswith="recovery:"
        ).values_list("holder_tag", flat=True)
    )
    assert all(old.pk not in services._custodian_ids(t) for t in tags)
    services.case_key(case, personas["ada"], keys["ada"])  # a holder opens the case
    wraps = WrappedKey.objects.filter(case=case, holder_tag__startswith="recovery:")
    ids = {i for w in wraps for i in services._custodian_ids(w.holder_tag)}
    assert new.pk in ids
    assert old.pk not in ids
    assert (
        LedgerEvent.objects.filter(action="complaints.custodian_retired").count() == 1
    )


def test_the_keygen_cli_prints_a_kit_and_the_public_key_offline():
    out = io.StringIO()
    assert keygen.run(["--label", "Outside counsel"], out=out) == 0
    text = out.getvalue()
    match = re.search(r"\n\n((?:[0-9A-Z]{4} ){13}[0-9A-Z]{4})\n", text)
    assert match
    kit_text = match.group(1)
    public_text = text.strip().splitlines()[-1]
    assert crypto.recovery_key_from_kit(kit_text).public_key == crypto.parse_public_key(
        public_text
    )
    assert keygen.run(["--bogus"], out=io.StringIO()) == 2


# --- H1: the receipt opens K_case only -------------------------------------------------


def test_P2_receipt_does_not_open_internal_notes_or_exclusions(report, personas, keys):
    case, receipt = report(concerns=[personas["ben"]])
    ada = personas["ada"]
    k = services.case_key(case, ada, keys["ada"])
    note = services.add_note(
        case, actor=ada, key=k, text="CANARY we think it is J.", on=TODAY
    )
    rk = crypto.reporter_private_key(services.reporter_keys(receipt))
    reporter_key = crypto.unwrap_for_recipient(
        services.inner_wrap(case.id, case.reporter_wrap), rk, report_id=case.id
    )
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(
            reporter_key,
            bytes(note.body),
            report_id=case.id,
            purpose=services.note_purpose(note),
        )
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(
            reporter_key, bytes(case.internal), report_id=case.id, purpose="internal"
        )
    assert "exclusions" not in services.content_of(case, reporter_key)


# --- H5: no names in the case's chain or in grants -------------------------------------


def test_P3_the_ledger_and_grants_do_not_name_the_holders(report, personas, keys):
    case, _ = report(concerns=[personas["ada"]])
    ben = personas["ben"]
    services.note_viewed(case, actor=ben)
    k = services.case_key(case, ben, keys["ben"])
    services.propose_grant(
        case, actor=ben, key=k, grantee=personas["gus"], reason="r", on=TODAY
    )
    events = LedgerEvent.objects.filter(chain=case.ledger_chain)
    assert events.count() == 2
    assert set(events.values_list("actor_id", flat=True)) == {None}
    assert set(events.values_list("target_id", flat=True)) == {""}
    dumped = repr(list(events.values()))
    assert ben.email not in dumped
    assert str(ben.full_name) not in dumped
    assert "grantee_id" not in {f.attname for f in Grant._meta.concrete_fields}
    # a holder reads who did what
    trail = services.audit_trail(case, k)
    assert [r["actor"] for r in trail] == [ben, ben]


# --- H2: the receipt is shown once --------------------------------------------------------


def _send(client):
    page = client.get(reverse("report:intake", args=[SLUG])).content.decode()
    data = {
        "nonce": hidden(page, "nonce"),
        "challenge": hidden(page, "challenge"),
        "solution": "",
        "category": "accounting",
        "text": "CANARY",
        "contact": "",
    }
    sent = client.post(reverse("report:intake", args=[SLUG]), data).content.decode()
    match = re.search(r"<strong>([0-9A-Z-]{23})</strong>", sent)
    assert match
    return data, match.group(1)


def test_P4_the_receipt_is_not_shown_to_another_holder_of_the_nonce(channel):
    data, receipt = _send(Client(REMOTE_ADDR="203.0.113.77"))
    other = Client(REMOTE_ADDR="198.51.100.1")
    again = other.post(
        reverse("report:confirm", args=[SLUG]), {"nonce": data["nonce"], "typed": "x"}
    )
    assert receipt not in again.content.decode()
    fresh = other.get(reverse("report:intake", args=[SLUG])).content.decode()
    replay = other.post(
        reverse("report:intake", args=[SLUG]),
        {**data, "challenge": hidden(fresh, "challenge")},
    )
    assert "already received" in replay.content.decode()
    assert receipt not in replay.content.decode()
    assert Case.objects.count() == 1


def test_the_receipt_is_never_shown_again_once_retyped(channel):
    reporter = Client(REMOTE_ADDR="203.0.113.77")
    data, receipt = _send(reporter)
    wrong = reporter.post(
        reverse("report:confirm", args=[SLUG]), {"nonce": data["nonce"], "typed": "x"}
    )
    assert receipt in wrong.content.decode()  # the same browser may look again
    ok = reporter.post(
        reverse("report:confirm", args=[SLUG]),
        {"nonce": data["nonce"], "typed": receipt},
    )
    assert ok.status_code == 200
    assert ok.cookies["report_session"].value == ""
    assert Case.objects.get().receipt_confirmed
    fresh = reporter.get(reverse("report:intake", args=[SLUG])).content.decode()
    for url, payload in (
        ("report:confirm", {"nonce": data["nonce"], "typed": "x"}),
        ("report:intake", {**data, "challenge": hidden(fresh, "challenge")}),
    ):
        again = reporter.post(reverse(url, args=[SLUG]), payload).content.decode()
        assert receipt not in again
    assert "already received" in again
    assert Case.objects.count() == 1


# --- M1: a departed director loses access ----------------------------------------------


def test_P7_a_departed_director_cannot_read_later_messages(report, personas, keys):
    from oversight.accounts import services as accounts
    from oversight.accounts.models import RoleAssignment

    case, _ = report()
    ben, ada = personas["ben"], personas["ada"]
    ben_keys = services.case_key(case, ben, keys["ben"])
    for a in RoleAssignment.objects.filter(user=ben, ends_on__isnull=True):
        accounts.end_role(a, actor=ada, ends_on=TODAY)
    with pytest.raises(crypto.DecryptionError):
        services.case_key(case, ben, keys["ben"])
    case.refresh_from_db()
    assert case.rotation_due
    k = services.case_key(case, ada, keys["ada"])  # ada opens: keys rotate
    case.refresh_from_db()
    assert not case.rotation_due
    assert case.key_version == 2
    m = services.send_message(
        case,
        actor=ada,
        key=k,
        text="CANARY after ben left",
        on=TODAY + timedelta(days=1),
    )
    with pytest.raises(crypto.DecryptionError):  # the keys ben kept open nothing new
        crypto.open_sealed(
            ben_keys.case,
            bytes(m.body),
            report_id=case.id,
            purpose=services.message_purpose(m),
        )
    actions = [r["action"] for r in services.audit_trail(case, k)]
    assert "complaints.holder_left" in actions
    assert "complaints.key_rotated" in actions


# --- H3: padding --------------------------------------------------------------------------


def test_P5_stored_attachment_and_sealed_values_do_not_reveal_exact_sizes(report):
    sizes = {}
    for n in (48_213, 48_214):
        case, _ = report(files=[services.Upload("a.csv", "text/csv", b"x" * n)])
        attachment = Attachment.objects.get(case=case)
        with services.attachment_source(attachment) as stored:
            body = stored.read()
        assert attachment.body is None  # in its blob file, not the database
        assert body[:4] == b"OVS2"  # the stream pads itself
        sizes[n] = len(body)
    assert sizes[48_213] == sizes[48_214]
    key = crypto.ReportKey.generate()
    short = crypto.seal(key, b"Q3.xlsx", report_id="r", purpose="p")
    long = crypto.seal(
        key, b"Q3-revenue-adjustments-CFO.xlsx", report_id="r", purpose="p"
    )
    assert len(short) == len(long)


@pytest.mark.parametrize(
    ("size", "bucket"),
    [
        (0, 65536),
        (65536, 65536),
        (65537, 67584),
        (1_000_000, 1_015_808),
        (100 * 2**20, 104_857_600),
    ],
)
def test_file_buckets_are_padme_with_a_64k_floor(size, bucket):
    assert crypto.file_bucket(size) == bucket
    assert crypto.file_bucket(size) - size <= max(65536, size * 0.12)


@pytest.mark.parametrize(
    "sizes", [(0, 48_213, 65_536), (65_537, 67_584), (1_000_000, 1_015_808)]
)
def test_H3_the_stream_alone_hides_the_exact_size(sizes):
    """``encrypt_stream`` called directly, with no service around it: the bucket only."""
    key = crypto.ReportKey.generate()
    lengths = set()
    for size in sizes:
        out = io.BytesIO()
        crypto.encrypt_stream(
            key, [b"x" * size], out, report_id="r", purpose="p", size=size
        )
        lengths.add(len(out.getvalue()))
        got = crypto.decrypt_stream(
            key, io.BytesIO(out.getvalue()), report_id="r", purpose="p"
        )
        assert b"".join(got) == b"x" * size  # no padding to cut off
    assert len(lengths) == 1


def test_H3_a_file_stored_before_ovs2_downloads_and_rotates_to_ovs2(
    report, personas, keys
):
    """A row written by the earlier code (OVS1, zeros to the bucket) stays readable.

    Rotation rewrites it as OVS2 at the true size, so it then stores like any other
    file of its bucket and decrypts to the file itself, without the old padding.
    """
    from oversight.complaints.presenters import file_body

    evidence = b"attached evidence"
    case, _ = report(files=[services.Upload("a.txt", "text/plain", evidence)])
    k = services.case_key(case, personas["ada"], keys["ada"])
    attachment = case.attachments.get()
    with services.attachment_source(attachment) as blob:
        fresh = blob.read()
    # the row as the earlier code stored it: OVS1 in the database, no blob
    services._remove_blobs([attachment.blob])
    purpose = f"file-body/{attachment.id}"
    padded = evidence + bytes(crypto.file_bucket(len(evidence)) - len(evidence))
    attachment.body = streams.ovs1(k.case, padded, report_id=case.id, purpose=purpose)
    attachment.blob = ""
    attachment.save(update_fields=["body", "blob"])
    meta, body = file_body(case, k.case, attachment)
    assert (body, meta["size"]) == (evidence, len(evidence))

    new = services.exclude(
        case,
        actor=personas["ada"],
        key=k,
        person=personas["ben"],
        reason="Conflict",
        on=TODAY,
    )
    attachment.refresh_from_db()
    assert attachment.body is None  # rotation moved it to a blob
    with services.attachment_source(attachment) as blob:
        stored = blob.read()
    assert stored[:4] == b"OVS2"
    assert len(stored) == len(fresh)
    plain = crypto.decrypt_stream(
        new.case, io.BytesIO(stored), report_id=case.id, purpose=purpose
    )
    assert b"".join(plain) == evidence
    assert file_body(case, new.case, attachment)[1] == evidence


def test_a_padded_file_downloads_at_its_true_size(report, personas, keys):
    from oversight.complaints.presenters import file_body

    case, _ = report(files=[services.Upload("a.txt", "text/plain", b"evidence")])
    k = services.case_key(case, personas["ada"], keys["ada"])
    meta, body = file_body(case, k.case, case.attachments.get())
    assert body == b"evidence"
    assert meta["size"] == 8


# --- M7: messages and notes bound to their row, author and direction --------------------


def test_P6_a_recipient_message_cannot_be_passed_off_as_the_reporters(
    report, personas, keys
):
    case, _ = report()
    ben = personas["ben"]
    k = services.case_key(case, ben, keys["ben"])
    m = services.send_message(
        case, actor=ben, key=k, text="send the statements", on=TODAY
    )
    Message.objects.filter(pk=m.pk).update(from_reporter=True, author_tag="")
    m.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(
            k.case,
            bytes(m.body),
            report_id=case.id,
            purpose=services.message_purpose(m),
        )
    n = services.add_note(case, actor=ben, key=k, text="mine", on=TODAY)
    n2 = services.add_note(case, actor=ben, key=k, text="other", on=TODAY)
    Note.objects.filter(pk=n2.pk).update(body=bytes(n.body))  # moved to another row
    n2.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(
            k.internal,
            bytes(n2.body),
            report_id=case.id,
            purpose=services.note_purpose(n2),
        )


# --- M5, M6, L4, L6 ------------------------------------------------------------------------


def test_F8_one_ipv6_64_is_one_client():
    from oversight.complaints.abuse import Guard

    g = Guard(b"s" * 32)
    assert len({g.client(f"2001:db8:1:2::{i:x}") for i in range(1000)}) == 1
    assert g.client("2001:db8:1:3::1") != g.client("2001:db8:1:2::1")
    assert g.client("::ffff:203.0.113.9") == g.client("203.0.113.9")
    assert g.client("203.0.113.9") != g.client("203.0.113.10")


def test_unlock_attempts_are_throttled_per_account(personas, keys):
    ada, ben = personas["ada"], personas["ben"]
    for _ in range(5):
        with pytest.raises(ValidationError, match="does not unlock"):
            services.unlock_key(ada, "a wrong guess of a passphrase")
    with pytest.raises(ValidationError, match="Too many"):
        services.unlock_key(
            ada, "ada's own long passphrase"
        )  # even the right one waits
    assert services.unlock_key(ben, "ben's own long passphrase") == keys["ben"]


def test_weak_key_parameters_are_refused_outside_tests(settings, personas):
    settings.TESTING = False
    with pytest.raises(ValueError, match="minimum"):
        services.set_up_key(
            personas["hal"], passphrase="hal's long passphrase", on=TODAY
        )


def test_every_decryption_failure_says_the_same_thing(report, personas, keys):
    case, _ = report()
    messages = set()
    attempts = [
        lambda: services.case_key(case, personas["gus"], keys["gus"]),  # no wrap
        lambda: services.case_key(case, personas["ada"], keys["ben"]),  # wrong key
        lambda: crypto.open_sealed(
            crypto.ReportKey.generate(),
            bytes(case.content),
            report_id=case.id,
            purpose="content",
        ),
        lambda: crypto.open_sealed(
            crypto.ReportKey.generate(), b"x", report_id="r", purpose="p"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(crypto.DecryptionError) as error:
            attempt()
        messages.add(str(error.value))
    assert messages == {"decryption failed"}


def test_complaint_views_hide_their_secrets_from_error_reports(db):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404
    from django.test import RequestFactory

    from oversight.complaints import public_views, views

    for view, args, names in (
        (public_views.intake, ("nope",), {"text", "contact", "nonce"}),
        (public_views.confirm_receipt, ("nope",), {"typed", "nonce"}),
        (public_views.follow_up, ("nope",), {"receipt"}),
        (views.key, (), {"passphrase"}),
        (views.case_act, ("C1",), {"text"}),
    ):
        request = RequestFactory().post("/x/", {"text": "secret"})
        request.user = AnonymousUser()
        with contextlib.suppress(Http404):
            view(request, *args)
        assert names <= set(request.sensitive_post_parameters), view


# --- M2: public keys are authenticated -----------------------------------------------------


def test_a_public_key_swapped_in_the_database_gets_no_wrap(
    company, channel, personas, keys
):
    attacker = crypto.new_recipient_key()
    RecipientKey.objects.filter(user=personas["ben"]).update(
        public_key=attacker.public_key
    )
    RecoveryCustodian.objects.filter(pk=channel.custodians.first().pk).update(
        public_key=attacker.public_key
    )
    receipt = crypto.normalise_receipt(crypto.new_receipt())
    case, _ = services.submit_report(
        company,
        receipt=receipt,
        data=services.ReportInput(category="accounting", text="t"),
        on=TODAY,
    )
    for wrap in WrappedKey.objects.filter(case=case):
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_case_keys(
                services.inner_wrap(case.id, wrap.wrapped), attacker, report_id=case.id
            )
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_by_custodians(
                services.inner_wrap(case.id, wrap.wrapped),
                [attacker],
                report_id=case.id,
            )
    assert services.holders(case).keys() == {
        services.conf.holder_tag(personas["ada"].pk)
    }
    # only the pair of the two untouched custodians remains
    assert (
        WrappedKey.objects.filter(case=case, holder_tag__startswith="recovery:").count()
        == 1
    )


# --- M3, M4: challenges cannot be stockpiled or replayed -----------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_F6_stockpiled_zero_bit_challenges_are_refused_once_difficulty_rises():
    from oversight.complaints import abuse

    clock = _Clock()
    g = abuse.Guard(b"s" * 32, clock=clock)
    attacker = g.client("203.0.113.9")
    stock = [g.issue(attacker).token for _ in range(50)]  # at rest: 0 bits, free GETs
    for _ in range(100_000):
        g.note_request()
    for _ in range(50):
        g.record(attacker, abuse.Event.RECEIPT_FAILURE)
    assert g.difficulty(attacker) == 20
    for token in stock:
        with pytest.raises(abuse.ChallengeError, match="stale"):
            g.redeem(attacker, token, "")


def test_a_challenge_counts_only_on_its_own_page_and_sign_in_ones_live_5_minutes():
    from oversight.complaints import abuse

    clock = _Clock()
    g = abuse.Guard(b"s" * 32, clock=clock)
    c = g.client("a")
    with pytest.raises(abuse.ChallengeError, match="stale"):
        g.redeem(c, g.issue(c, endpoint="intake").token, "", endpoint="follow-up")
    token = g.issue(c, endpoint="follow-up").token
    clock.now += 301
    with pytest.raises(abuse.ChallengeError, match="expired"):
        g.redeem(c, token, "", endpoint="follow-up")


def test_F7_a_used_challenge_cannot_be_replayed_after_the_hourly_rotation():
    from oversight.complaints import abuse

    clock = _Clock()
    g = abuse.Guard(b"s" * 32, clock=clock)
    clock.now += 3590
    c = g.client("a")
    token = g.issue(c).token
    g.redeem(c, token, "")
    clock.now += 20  # rotation: new client keys, but used challenges are remembered
    with pytest.raises(abuse.ChallengeError, match="used"):
        g.redeem(g.client("a"), token, "")


# --- H4: a shredded case stays shut in old database backups -----------------------------


def test_F4_shredding_makes_a_database_backup_unreadable(report, personas, keys):
    case, receipt = report(text="CANARY shred me")
    backup = {
        "wraps": [bytes(w.wrapped) for w in WrappedKey.objects.filter(case=case)],
        "reporter": bytes(case.reporter_wrap),
        "content": bytes(case.content),
    }
    ada_keys = services.case_key(case, personas["ada"], keys["ada"])  # readable before
    assert services.content_of(case, ada_keys.case)["text"] == "CANARY shred me"
    with django_capture_on_commit() as callbacks:
        services.shred(case, on=TODAY)
    assert callbacks
    # years later the backup is restored and ada (or her key, or the receipt) tries
    for blob in [*backup["wraps"], backup["reporter"]]:
        with pytest.raises(crypto.DecryptionError):
            services.inner_wrap(case.id, blob)
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_case_keys(blob, keys["ada"], report_id=case.id)
    rk = services.reporter_keys(receipt)
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_for_reporter(backup["reporter"], rk, report_id=case.id)


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_orphan_shred_keys_are_swept_and_sqlite_deletes_securely(report, settings):
    import os
    import time

    from django.db import connection

    case, _ = report()
    keyfile = services._shred_path(case.id)
    assert keyfile.exists()
    assert oct(keyfile.stat().st_mode & 0o777) == "0o600"
    orphan = services._shred_path("CORPHAN")
    orphan.write_bytes(bytes(32))
    old = time.time() - 2 * 86400
    os.utime(orphan, (old, old))
    os.utime(keyfile, (old, old))
    assert services.sweep_shred_keys() == 1
    assert keyfile.exists()
    assert not orphan.exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1


def test_L5_the_stored_reporter_key_is_not_a_function_of_the_receipt_alone(report):
    case, receipt = report()
    from_receipt_alone = crypto.reporter_private_key(crypto.receipt_keys(receipt))
    assert bytes(case.reporter_public_key) != from_receipt_alone.public_key
    with_pepper = crypto.reporter_private_key(services.reporter_keys(receipt))
    assert bytes(case.reporter_public_key) == with_pepper.public_key


def test_L1_reading_a_clients_budget_keeps_nothing_in_memory():
    from oversight.complaints import abuse

    g = abuse.Guard(b"s" * 32, clock=_Clock())
    for i in range(5000):
        client = g.client(f"198.51.{i >> 8}.{i & 255}")
        g.issue(client)  # one GET each: difficulty and counts are read
        g.may_try_receipt(client)
    assert g.tracked_clients() == 0
    g.record(g.client("203.0.113.1"), abuse.Event.RECEIPT_FAILURE)
    assert g.tracked_clients() == 1
    assert abuse.Policy().max_clients <= 20_000


def test_L7_items_and_streams_use_different_subkeys_of_the_case_key():
    import nacl.bindings as sodium
    import nacl.exceptions

    from oversight.complaints.crypto import _ad, _item_key, _stream_key

    key = crypto.ReportKey.generate()
    assert len({key.reveal(), _item_key(key), _stream_key(key)}) == 3
    blob = crypto.seal(key, b"x", report_id="r", purpose="p")
    nonce, body = blob[1:25], blob[25:]
    aad = _ad(b"item", b"r", b"p")
    decrypt = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt
    assert sodium.sodium_unpad(decrypt(body, aad, nonce, _item_key(key)), 256) == b"x"
    for other in (key.reveal(), _stream_key(key)):
        with pytest.raises(nacl.exceptions.CryptoError):
            decrypt(body, aad, nonce, other)


def test_L2_the_guard_rotates_on_a_timer_without_traffic():
    import gc
    import time

    from oversight.complaints import abuse

    clock = _Clock()
    g = abuse.Guard(b"s" * 32, clock=clock)
    g.record(g.client("a"), abuse.Event.RECEIPT_FAILURE)
    thread = abuse.start_rotation_timer(g, every=0.01)
    clock.now += 3601
    deadline = time.monotonic() + 2
    while g._events and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not g._events  # the hour's windows are gone with no request arriving
    del g
    gc.collect()
    thread.join(timeout=2)
    assert not thread.is_alive()  # the timer ends with its guard


def test_the_recover_command_gives_a_case_to_a_new_holder(
    channel, report, personas, keys, custodian_kits, monkeypatch
):
    import sys

    from django.core.management import CommandError, call_command

    case, _ = report(text="Recover by command")
    services.set_up_key(
        personas["hal"], passphrase="hal's own long passphrase", on=TODAY
    )
    by_label = {c.label: c for c in channel.custodians.all()}
    chosen = list(custodian_kits.items())[:2]
    ids = [str(by_label[label].pk) for label, _ in chosen]
    args = ["recover", "--case", case.id, "--to", personas["hal"].email]
    args += [
        "--by",
        personas["ada"].email,
        "--custodian",
        ids[0],
        "--custodian",
        ids[1],
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("ZZZZ\n"))
    with pytest.raises(CommandError, match="recovery kit"):
        call_command("complaints", *args)
    kits = "".join(kit.text + "\n" for _, kit in chosen)
    monkeypatch.setattr(sys, "stdin", io.StringIO(kits))
    out = io.StringIO()
    call_command("complaints", *args, stdout=out)
    assert "now holds" in out.getvalue()
    hal = services.unlock_key(personas["hal"], "hal's own long passphrase")
    opened = services.case_key(case, personas["hal"], hal)
    assert services.content_of(case, opened.case)["text"] == "Recover by command"
    assert LedgerEvent.objects.filter(action="complaints.recovery_used").count() == 1


def test_a_role_ending_later_is_revoked_by_the_daily_job_when_the_day_comes(
    company, report, personas, keys
):
    from oversight.accounts import services as accounts
    from oversight.accounts.models import RoleAssignment
    from oversight.accounts.queries import company_today

    case, _ = report()
    ben = personas["ben"]
    leaves = company_today(company) + timedelta(days=10)
    for a in RoleAssignment.objects.filter(user=ben, ends_on__isnull=True):
        accounts.end_role(a, actor=personas["ada"], ends_on=leaves)
    services.case_key(case, ben, keys["ben"])  # still a member until then
    assert services.revoke_departed(company, on=leaves) == 0
    assert services.revoke_departed(company, on=leaves + timedelta(days=1)) == 1
    with pytest.raises(crypto.DecryptionError):
        services.case_key(case, ben, keys["ben"])
    case.refresh_from_db()
    assert case.rotation_due
