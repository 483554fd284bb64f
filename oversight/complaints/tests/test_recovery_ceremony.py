"""Offline recovery: the server writes a request, each custodian peels one layer on
their own machine, the last one seals the case keys to the grantee, the server stores it.

Real crypto and a real database throughout; the kits only ever reach the peel step.
"""

from __future__ import annotations

import base64
import contextlib
import io
import itertools
import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from oversight.complaints import ceremony, conf, crypto, services
from oversight.complaints.management.commands.complaints import Command
from oversight.complaints.models import RecipientKey, RecoveryRequest, WrappedKey
from oversight.complaints.tests.conftest import TODAY
from oversight.ledger.models import LedgerEvent

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


# --- the ceremony through the commands ----------------------------------------------------

HAL_PASSPHRASE = "hal's own long passphrase"
OFFLINE = """\
import sys
from oversight import cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    loaded = sorted(m for m in sys.modules if m.split(".")[0] == "django")
    assert not loaded, f"the offline step imported {loaded[:3]}"
    raise
"""


class _NoInput:
    """Standard input for the server's steps: any attempt to read a kit fails the test."""

    def _refuse(self, *args, **kwargs):
        raise AssertionError("a server-side step asked for input")

    read = readline = readlines = isatty = __iter__ = _refuse


def _hal(personas):
    services.set_up_key(personas["hal"], passphrase=HAL_PASSPHRASE, on=TODAY)
    return services.unlock_key(personas["hal"], HAL_PASSPHRASE)


def _pair(channel, custodian_kits):
    """The second and third custodians (a set that is not simply the first two)."""
    rows = list(channel.custodians.all())[1:]
    return rows, [custodian_kits[c.label].text for c in rows]


def _command(*args, stdin=None, monkeypatch=None):
    """Run ``complaints ARGS``: (exit status, output, message)."""
    if monkeypatch is not None:
        monkeypatch.setattr(
            sys, "stdin", _NoInput() if stdin is None else io.StringIO(stdin)
        )
    out = io.StringIO()
    try:
        call_command("complaints", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), ""


def _request_args(case, personas, custodians, out, *, to="hal", by="ada"):
    args = ["recovery-request", "--case", case.id]
    args += ["--to", personas[to].email, "--by", personas[by].email]
    for custodian in custodians:
        args += ["--custodian", str(custodian.pk)]
    return [*args, "--out", str(out)]


def _request(monkeypatch, tmp_path, case, personas, custodians, **kwargs):
    path = tmp_path / "request.json"
    status, out, message = _command(
        *_request_args(case, personas, custodians, path, **kwargs),
        monkeypatch=monkeypatch,
    )
    assert status == 0, message
    code = re.search(r"Request code: (\S+)", out)
    assert code
    return path, code.group(1)


def _peel(monkeypatch, source, target, kit, expect=None):
    args = ["recovery-peel", str(source), "--out", str(target)]
    args += ["--expect", expect] if expect else []
    return _command(*args, stdin=kit + "\n", monkeypatch=monkeypatch)


def _peel_offline(source, target, kit, expect=None):
    """The real ``oversight`` front, as a custodian runs it: no settings, no database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    env["DATABASE_URL"] = "postgres://nobody@db.invalid:1/none"
    args = ["complaints", "recovery-peel", str(source), "--out", str(target)]
    args += ["--expect", expect] if expect else []
    return subprocess.run(
        [sys.executable, "-c", OFFLINE, *args],
        input=kit + "\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def _complete(monkeypatch, response, by="ada"):
    email = f"{by}@oss.example"
    return _command(
        "recovery-complete", str(response), "--by", email, monkeypatch=monkeypatch
    )


def _nothing_recovered(case, personas):
    return (
        not WrappedKey.objects.filter(
            case=case,
            holder_tag__in=[
                conf.holder_tag(personas["hal"].pk),
                conf.pending_tag(personas["hal"].pk),
            ],
        ).exists()
        and not LedgerEvent.objects.filter(
            action__in=["complaints.recovery_used", "complaints.case_recovered"]
        ).exists()
    )


def test_two_of_three_custodians_recover_a_case_offline_and_the_grantee_reads_it(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report(text="CANARY recovered offline")
    hal = _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    server_made = []
    original = crypto.CaseKeys.__init__

    def spy(self, *args):
        server_made.append("case keys")
        original(self, *args)

    monkeypatch.setattr(crypto.CaseKeys, "__init__", spy)
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    assert RecoveryRequest.objects.filter(case=case, used_on=None).count() == 1

    first = _peel_offline(request, tmp_path / "step1.json", kits[0], expect=code)
    assert first.returncode == 0, first.stderr
    assert code in first.stdout and custodians[1].label in first.stdout
    status, out, message = _peel(
        monkeypatch, tmp_path / "step1.json", tmp_path / "response.json", kits[1], code
    )
    assert status == 0, message
    assert "sealed to hal@oss.example" in out
    # the last peel ran in this process (the spy sees it); the server's steps follow
    assert server_made == ["case keys"]
    server_made.clear()

    status, out, message = _complete(monkeypatch, tmp_path / "response.json", "ada")
    assert status == 0, message
    assert server_made == []  # neither server step ever held the case keys
    assert services.accept_recovered(personas["hal"], hal) == 1  # at hal's unlock
    opened = services.case_key(case, personas["hal"], hal)
    assert services.content_of(case, opened.case)["text"] == "CANARY recovered offline"
    assert RecoveryRequest.objects.get(case=case).used_on is not None


def test_the_request_and_the_response_hold_no_case_key(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    hal = _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    real = services.case_key(case, personas["ada"], keys["ada"])
    secrets_ = [real.case.reveal(), real.internal.reveal()]
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    _peel(monkeypatch, request, tmp_path / "step1.json", kits[0], code)
    _peel(monkeypatch, tmp_path / "step1.json", tmp_path / "response.json", kits[1])

    def blobs(path):
        doc = json.loads(path.read_text())
        found = [path.read_bytes()]
        stack = [doc]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str):
                with contextlib.suppress(ValueError):
                    found.append(base64.b64decode(item, validate=True))
        return found

    files = [request, tmp_path / "step1.json", tmp_path / "response.json"]
    fields = [blob for path in files for blob in blobs(path)]
    assert not any(key in blob for blob in fields for key in secrets_)
    # without the kits, no key anyone else holds opens any field: not the grantee's,
    # not a holder's, not the custodians' public values taken as keys
    others = [hal, keys["ada"], keys["ben"]] + [
        crypto.RecipientPrivateKey(bytes(c.public_key)) for c in custodians
    ]
    request_fields = blobs(request) + blobs(tmp_path / "step1.json")
    for blob, key in itertools.product(request_fields, others):
        with contextlib.suppress(crypto.DecryptionError):
            crypto.unwrap_case_keys(blob, key, report_id=case.id)
            pytest.fail("a request field opened without the kits")
        for depth in range(2):
            with contextlib.suppress(crypto.DecryptionError):
                crypto.peel_custodian_layer(
                    blob, key, report_id=case.id, depth=depth, total=2
                )
                pytest.fail("a layer opened without its custodian's kit")
    # the response opens with the grantee's key, and with no other
    response = base64.b64decode(
        json.loads((tmp_path / "response.json").read_text())["wrap"]
    )
    assert crypto.unwrap_case_keys(response, hal, report_id=case.id) == real
    for key in others[1:]:
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_case_keys(response, key, report_id=case.id)


def test_the_server_steps_read_no_input(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    """Both server steps run with a standard input that fails the test if read."""
    case, _ = report()
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    _peel(monkeypatch, request, tmp_path / "step1.json", kits[0], code)
    _peel(monkeypatch, tmp_path / "step1.json", tmp_path / "response.json", kits[1])
    status, _, message = _complete(monkeypatch, tmp_path / "response.json", "ada")
    assert status == 0, message
    assert isinstance(sys.stdin, _NoInput)
    # and the verbs take no kit: their arguments are files and e-mails only
    parser = Command().create_parser("oversight", "complaints")
    options = {a.dest for a in parser._actions}
    assert not {o for o in options if "kit" in o}


def test_the_ledger_records_the_request_and_the_recovery_naming_no_one_in_clear(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    hal = _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    requested = LedgerEvent.objects.get(
        chain=case.ledger_chain, action="complaints.recovery_requested"
    )
    assert requested.actor is None and set(requested.data) == {"sealed"}
    _peel(monkeypatch, request, tmp_path / "step1.json", kits[0], code)
    _peel(monkeypatch, tmp_path / "step1.json", tmp_path / "response.json", kits[1])
    assert _complete(monkeypatch, tmp_path / "response.json", "ada")[0] == 0

    case_rows = LedgerEvent.objects.filter(chain=case.ledger_chain)
    for row in case_rows:
        assert row.actor is None and row.target_id == ""
        assert "hal" not in json.dumps(row.data)
        assert str(personas["hal"].pk) not in json.dumps(
            {k: v for k, v in row.data.items() if k != "sealed"}
        )
    used = LedgerEvent.objects.get(action="complaints.recovery_used")
    assert used.chain != case.ledger_chain and used.actor == personas["ada"]
    assert used.data["custodians"] == [c.label for c in custodians]
    assert case.id not in json.dumps(used.data)
    services.accept_recovered(personas["hal"], hal)
    trail = services.audit_trail(case, services.case_key(case, personas["hal"], hal))
    by_action = {row["action"]: row for row in trail}
    asked = by_action["complaints.recovery_requested"]
    assert asked["actor"] == personas["ada"]
    assert asked["data"]["grantee"] == personas["hal"].pk
    assert asked["data"]["custodians"] == [c.label for c in custodians]
    done = by_action["complaints.case_recovered"]
    assert done["actor"] == personas["ada"]
    assert done["data"]["grantee"] == personas["hal"].pk
    assert done["data"]["offline"] is True


def test_a_custodian_out_of_order_a_stranger_s_kit_and_a_typo_are_refused(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    outsider = custodian_kits[channel.custodians.first().label].text
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    step1 = tmp_path / "step1.json"
    refused = [
        (request, kits[1], "Wrong order"),
        (request, outsider, "belongs to none"),
        (request, kits[0][:-1] + ("0" if kits[0][-1] != "0" else "1"), "Recovery kit"),
    ]
    for source, kit, message in refused:
        status, _, said = _peel(monkeypatch, source, step1, kit, code)
        assert (status, message in said) == (2, True), said
        assert not step1.exists()
    assert _peel(monkeypatch, request, step1, kits[0], code)[0] == 0
    status, _, said = _peel(monkeypatch, step1, tmp_path / "again.json", kits[0], code)
    assert status == 2 and "already removed" in said
    assert not (tmp_path / "again.json").exists()
    # a file is never overwritten
    status, _, said = _peel(monkeypatch, request, step1, kits[0], code)
    assert status == 2 and "exists" in said


def _tamper_request(doc, ctx):
    return {
        "format": lambda: doc.update(format="oversight-recovery-request/9"),
        "peeled": lambda: doc.update(peeled=1),
        "wrap": lambda: doc.update(wrap=_flip(doc["wrap"])),
        "id": lambda: doc["request"].update(id="R" + "0" * 26),
        "case": lambda: doc["request"].update(case=ctx["other_case"]),
        "company": lambda: doc["request"].update(company="Northwind Analytics, Inc."),
        "requested_on": lambda: doc["request"].update(requested_on="2020-01-01"),
        "expires_on": lambda: doc["request"].update(expires_on="2099-12-31"),
        "custodian order": lambda: doc["request"]["custodians"].reverse(),
        "custodian id": lambda: doc["request"]["custodians"][0].update(id=999),
        "custodian label": lambda: doc["request"]["custodians"][0].update(
            label="Someone else"
        ),
        "custodian fingerprint": lambda: doc["request"]["custodians"][1].update(
            fingerprint="ZZZZZZZZ"
        ),
        "internal": lambda: doc["request"].update(
            internal=_flip(doc["request"]["internal"])
        ),
        "grantee id": lambda: doc["request"]["grantee"].update(id=ctx["ben"]),
        "grantee email": lambda: doc["request"]["grantee"].update(
            email="eve@oss.example"
        ),
        "grantee public key": lambda: doc["request"]["grantee"].update(
            public_key=base64.b64encode(ctx["attacker"]).decode()
        ),
    }


def _flip(text):
    raw = bytearray(base64.b64decode(text))
    raw[len(raw) // 2] ^= 1
    return base64.b64encode(bytes(raw)).decode()


# field -> (the step that refuses it without --expect, what it says)
TAMPERED = {
    "format": ("peel 1", "not a well-formed recovery request"),
    "peeled": ("peel 1", "already removed"),
    "wrap": ("peel 1", "does not open this request's next layer"),
    "id": ("complete", "No recovery request matches"),
    "case": ("peel 1", "does not open this request's next layer"),
    "company": ("complete", "not the one issued"),
    "requested_on": ("complete", "not the one issued"),
    "expires_on": ("complete", "not the one issued"),
    "custodian order": ("peel 1", "Wrong order"),
    "custodian id": ("complete", "not the one issued"),
    "custodian label": ("complete", "not the one issued"),
    "custodian fingerprint": ("peel 2", "belongs to none"),
    "internal": ("peel 2", "internal record"),
    "grantee id": ("complete", "not the one issued"),
    "grantee email": ("complete", "not the one issued"),
    "grantee public key": ("complete", "not the one issued"),
}


@pytest.mark.parametrize("field", TAMPERED)
def test_a_request_changed_on_its_way_is_refused_and_nothing_is_stored(
    field, channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    other, _ = report(text="Another case")
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    doc = json.loads(request.read_text())
    ctx = {
        "other_case": other.id,
        "ben": personas["ben"].pk,
        "attacker": crypto.RecipientPrivateKey.generate().public_key,
    }
    _tamper_request(doc, ctx)[field]()
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc))
    if field in doc["request"] or field.split()[0] in {"custodian", "grantee"}:
        # with the code the requester read out, any change to the request is refused
        # by the first custodian, before any kit is typed
        status, _, said = _peel(
            monkeypatch, tampered, tmp_path / "x.json", kits[0], code
        )
        assert status == 2 and "not the one you were given" in said
        assert not (tmp_path / "x.json").exists()
    where, message = TAMPERED[field]
    steps = [
        ("peel 1", lambda: _peel(monkeypatch, tampered, tmp_path / "s1.json", kits[0])),
        (
            "peel 2",
            lambda: _peel(
                monkeypatch, tmp_path / "s1.json", tmp_path / "response.json", kits[1]
            ),
        ),
        ("complete", lambda: _complete(monkeypatch, tmp_path / "response.json", "ada")),
    ]
    for name, step in steps:
        status, _, said = step()
        if name == where:
            assert status == 2 and message in said, said
            break
        assert status == 0, f"{name}: {said}"
    assert _nothing_recovered(case, personas)
    assert RecoveryRequest.objects.get(case=case).used_on is None


def test_a_response_replayed_or_late_is_refused(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    _peel(monkeypatch, request, tmp_path / "step1.json", kits[0], code)
    _peel(monkeypatch, tmp_path / "step1.json", tmp_path / "response.json", kits[1])
    late = datetime.now(UTC) + timedelta(days=services.RECOVERY_REQUEST_DAYS + 2)
    with time_machine.travel(late, tick=False):
        status, _, said = _complete(monkeypatch, tmp_path / "response.json", "ada")
    assert status == 2 and "expired" in said
    assert _nothing_recovered(case, personas)
    assert _complete(monkeypatch, tmp_path / "response.json", "ada")[0] == 0
    wraps = list(WrappedKey.objects.filter(case=case).values_list("pk", "wrapped"))
    rows = LedgerEvent.objects.count()
    # the same response again, and a fresh response to the same request
    _peel(monkeypatch, tmp_path / "step1.json", tmp_path / "again.json", kits[1])
    for response in ("response.json", "again.json"):
        status, _, said = _complete(monkeypatch, tmp_path / response, "ada")
        assert status == 2 and "already used" in said
    assert (
        list(WrappedKey.objects.filter(case=case).values_list("pk", "wrapped")) == wraps
    )
    assert LedgerEvent.objects.count() == rows


def test_an_expired_request_is_refused_offline_too(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    request, _code = _request(monkeypatch, tmp_path, case, personas, custodians)
    expires = date.fromisoformat(
        json.loads(request.read_text())["request"]["expires_on"]
    )
    err = io.StringIO()
    status = ceremony.run(
        [str(request), "--out", str(tmp_path / "s1.json")],
        stdin=io.StringIO(kits[0] + "\n"),
        out=io.StringIO(),
        err=err,
        today=expires + timedelta(days=1),
    )
    assert status == 2 and "expired" in err.getvalue()
    assert not (tmp_path / "s1.json").exists()


def test_an_excluded_grantee_is_refused_by_the_last_custodian_and_nothing_is_written(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report(concerns=[personas["ben"]])
    custodians, kits = _pair(channel, custodian_kits)
    # the server cannot read the exclusions: it issues the request
    request, code = _request(
        monkeypatch, tmp_path, case, personas, custodians, to="ben"
    )
    assert _peel(monkeypatch, request, tmp_path / "step1.json", kits[0], code)[0] == 0
    status, _, said = _peel(
        monkeypatch, tmp_path / "step1.json", tmp_path / "response.json", kits[1], code
    )
    assert status == 2 and "ben@oss.example is excluded from this case" in said
    assert not (tmp_path / "response.json").exists()
    with pytest.raises(crypto.DecryptionError):
        services.case_key(case, personas["ben"], keys["ben"])
    # offline, through the real front as well
    result = _peel_offline(tmp_path / "step1.json", tmp_path / "response.json", kits[1])
    assert result.returncode == 2 and "excluded" in result.stderr
    assert not (tmp_path / "response.json").exists()


def test_a_grantee_without_a_key_or_whose_key_changed_is_refused(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    custodians, _kits = _pair(channel, custodian_kits)
    path = tmp_path / "request.json"
    status, _, said = _command(
        *_request_args(case, personas, custodians, path), monkeypatch=monkeypatch
    )
    assert status == 2 and "no complaint key" in said
    assert not path.exists() and not RecoveryRequest.objects.exists()
    assert not LedgerEvent.objects.filter(
        action="complaints.recovery_requested"
    ).exists()
    # a key that fails its MAC is no key
    _hal(personas)
    RecipientKey.objects.filter(user=personas["hal"]).update(mac="0" * 64)
    status, _, said = _command(
        *_request_args(case, personas, custodians, path), monkeypatch=monkeypatch
    )
    assert status == 2 and "no complaint key" in said and not path.exists()


def test_keys_rotated_after_the_request_make_the_response_useless_and_it_is_refused(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    _peel(monkeypatch, request, tmp_path / "step1.json", kits[0], code)
    _peel(monkeypatch, tmp_path / "step1.json", tmp_path / "response.json", kits[1])
    services.exclude(
        case,
        actor=personas["ada"],
        key=services.case_key(case, personas["ada"], keys["ada"]),
        person=personas["gus"],
        reason="Conflict",
        on=TODAY,
    )
    status, _, said = _complete(monkeypatch, tmp_path / "response.json", "ada")
    assert status == 2 and "rotated" in said
    assert _nothing_recovered(case, personas)


# --- refusals of each verb: permissions and arguments ---------------------------------------


def test_recovery_request_refuses_bad_input_and_anyone_but_the_chair(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    _hal(personas)
    custodians, _ = _pair(channel, custodian_kits)
    first = channel.custodians.first()
    out = tmp_path / "request.json"
    good = _request_args(case, personas, custodians, out)
    retired = services.register_custodian(
        channel,
        services.CustodianInput(
            "Former counsel",
            crypto.format_public_key(crypto.new_recovery_kit().public_key),
        ),
        actor=personas["ada"],
        on=TODAY,
    )
    services.retire_custodian(retired, actor=personas["ada"], on=TODAY)
    cases = [
        (
            _request_args(case, personas, custodians, out, by="ben"),
            "Only the committee chair",
        ),
        (
            _request_args(case, personas, custodians, out, by="ivy"),
            "Only the committee chair",
        ),
        (good[:-2], "--out"),
        ([a for a in good if a != "--custodian" and not a.isdigit()], "--custodian"),
        (["recovery-request", "--case", "CNOSUCHCASE00", *good[3:]], "no case"),
        ([*good[:-2], "--custodian", "999999", "--out", str(out)], "active custodians"),
        ([*good[:-2], "--custodian", str(retired.pk), "--out", str(out)], "retired"),
        (_request_args(case, personas, [first], out), "no recovery path"),
        (_request_args(case, personas, [first, first], out), "each custodian once"),
        (_request_args(case, personas, [*custodians, first], out), "no recovery path"),
        (
            [
                *_request_args(case, personas, custodians, out)[:4],
                "nobody@oss.example",
                *good[5:],
            ],
            "existing person",
        ),
    ]
    for args, message in cases:
        status, _, said = _command(*args, monkeypatch=monkeypatch)
        assert (status, message in said) == (2, True), (args, said)
        assert not out.exists()
    assert not RecoveryRequest.objects.exists()
    out.write_text("already here")
    status, _, said = _command(*good, monkeypatch=monkeypatch)
    assert status == 2 and "exists" in said
    assert out.read_text() == "already here" and not RecoveryRequest.objects.exists()


def test_recovery_complete_refuses_bad_input_and_anyone_but_the_chair(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    _peel(monkeypatch, request, tmp_path / "step1.json", kits[0], code)
    _peel(monkeypatch, tmp_path / "step1.json", tmp_path / "response.json", kits[1])
    response = tmp_path / "response.json"
    good = json.loads(response.read_text())
    malformed = {
        "not json": "{",
        "a list": "[]",
        "a missing field": json.dumps({k: v for k, v in good.items() if k != "digest"}),
        "an extra field": json.dumps({**good, "keys": "AAAA"}),
        "another format": json.dumps(
            {**good, "format": "oversight-recovery-request/1"}
        ),
        "bad base64": json.dumps({**good, "wrap": "!!!"}),
        "a short wrap": json.dumps({**good, "wrap": good["wrap"][:-8]}),
        "the request itself": request.read_text(),
    }
    for name, text in malformed.items():
        bad = tmp_path / f"{name}.json"
        bad.write_text(text)
        status, _, said = _complete(monkeypatch, bad, "ada")
        assert status == 2 and ("well-formed" in said or "not a wrap" in said), name
    for by, message in [
        ("ben", "Only the committee chair"),
        ("ivy", "Only the committee chair"),
    ]:
        status, _, said = _complete(monkeypatch, response, by)
        assert status == 2 and message in said
    assert _command("recovery-complete", str(response), monkeypatch=monkeypatch)[0] == 2
    assert (
        _command(
            "recovery-complete", "--by", "ada@oss.example", monkeypatch=monkeypatch
        )[0]
        == 2
    )
    status, _, said = _complete(monkeypatch, tmp_path / "absent.json", "ada")
    assert status == 2 and "cannot read" in said
    status, _, said = _complete(monkeypatch, response, "nobody")
    assert status == 2 and "existing person" in said
    assert _nothing_recovered(case, personas)
    assert _complete(monkeypatch, response, "ada")[0] == 0


def test_recovery_peel_refuses_bad_arguments_offline(tmp_path):
    (tmp_path / "exists.json").write_text("{}")
    cases = [
        ([], "the following arguments are required"),
        (["r.json"], "--out"),
        (["r.json", "--out", "o.json", "--bogus"], "unrecognized"),
        (
            [str(tmp_path / "absent.json"), "--out", str(tmp_path / "o.json")],
            "Cannot read",
        ),
        (
            [str(tmp_path / "exists.json"), "--out", str(tmp_path / "exists.json")],
            "exists",
        ),
        (
            [str(tmp_path / "exists.json"), "--out", str(tmp_path / "o.json")],
            "well-formed",
        ),
    ]
    for args, message in cases:
        err = io.StringIO()
        assert (
            ceremony.run(args, stdin=io.StringIO(""), out=io.StringIO(), err=err) == 2
        )
        assert message in err.getvalue(), (args, err.getvalue())
        assert not (tmp_path / "o.json").exists()
    result = subprocess.run(
        [sys.executable, "-c", OFFLINE, "complaints", "recovery-peel"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2 and "usage" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["complaints", "recovery-request"],
        ["complaints", "recovery-request", "--case", "C1", "--custodian", "x"],
        ["complaints", "recovery-complete"],
        ["complaints", "recovery-complete", "response.json"],
        ["complaints", "recovery-peel", "request.json"],
    ],
)
def test_the_cli_exits_2_on_bad_arguments_to_the_recovery_verbs(args):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "oversight"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "DEBUG": "true"},
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr


def test_the_quick_recover_path_is_the_chair_s_too(
    channel, report, personas, keys, custodian_kits, monkeypatch
):
    case, _ = report()
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    private = [crypto.recovery_key_from_kit(k) for k in kits]
    for by in ("ben", "ivy"):
        with pytest.raises(PermissionDenied):
            services.recover(
                case,
                actor=personas[by],
                kits=list(zip(custodians, private, strict=True)),
                grantee=personas["hal"],
                on=TODAY,
            )
    args = ["recover", "--case", case.id, "--to", personas["hal"].email]
    args += ["--by", personas["ben"].email]
    for custodian in custodians:
        args += ["--custodian", str(custodian.pk)]
    status, _, said = _command(
        *args, stdin="".join(k + "\n" for k in kits), monkeypatch=monkeypatch
    )
    assert status != 0 and "Only the committee chair" in said
    assert _nothing_recovered(case, personas)


def test_a_case_whose_shred_key_is_gone_is_refused_at_both_server_steps(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    case, _ = report()
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    request, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    _peel(monkeypatch, request, tmp_path / "step1.json", kits[0], code)
    _peel(monkeypatch, tmp_path / "step1.json", tmp_path / "response.json", kits[1])
    services._shred_path(case.id).unlink()
    status, _, said = _complete(monkeypatch, tmp_path / "response.json", "ada")
    assert status == 2 and "shred key" in said
    assert _nothing_recovered(case, personas)
    assert RecoveryRequest.objects.get(case=case).used_on is None
    again = tmp_path / "again.json"
    status, _, said = _command(
        *_request_args(case, personas, custodians, again), monkeypatch=monkeypatch
    )
    assert status == 2 and "shred key" in said and not again.exists()
    assert RecoveryRequest.objects.count() == 1


def test_a_response_forged_from_the_request_file_alone_never_opens_anything(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch
):
    """Anyone holding the request file can seal keys of their choosing to the grantee:
    the server keeps such a wrap aside, and the grantee's unlock proves and drops it."""
    case, _ = report(text="CANARY not for a forger")
    hal = _hal(personas)
    custodians, _kits = _pair(channel, custodian_kits)
    path, _code = _request(monkeypatch, tmp_path, case, personas, custodians)
    request = ceremony.RequestFile.loads(path.read_text()).request
    chosen = crypto.CaseKeys.generate()
    forged = ceremony.Response(
        request_id=request.id,
        digest=request.digest,
        wrap=crypto.wrap_case_keys(
            chosen, request.grantee_public_key, report_id=case.id
        ),
    )
    (tmp_path / "forged.json").write_text(forged.dumps())
    status, _out, message = _complete(monkeypatch, tmp_path / "forged.json")
    assert status == 0, message  # the server cannot tell: it has no kit and no key
    hal_tag = conf.holder_tag(personas["hal"].pk)
    assert not case.wraps.filter(holder_tag=hal_tag).exists()  # nothing held yet
    with pytest.raises(crypto.DecryptionError):
        services.case_key(case, personas["hal"], hal)
    assert services.accept_recovered(personas["hal"], hal) == 0
    assert not case.wraps.filter(
        holder_tag__in=[hal_tag, conf.pending_tag(personas["hal"].pk)]
    ).exists()
    trail = services.audit_trail(
        case, services.case_key(case, personas["ada"], keys["ada"])
    )
    assert "complaints.recovery_refused" in [row["action"] for row in trail]


def test_a_holder_wrap_that_does_not_open_its_case_is_refused(
    channel, report, personas, keys
):
    case, _ = report()
    ben_tag = conf.holder_tag(personas["ben"].pk)
    public = bytes(RecipientKey.objects.get(user=personas["ben"]).public_key)
    wrap = case.wraps.get(holder_tag=ben_tag)
    wrap.wrapped = services._outer(
        case.id,
        crypto.wrap_case_keys(crypto.CaseKeys.generate(), public, report_id=case.id),
    )
    wrap.save()
    with pytest.raises(crypto.DecryptionError):
        services.case_key(case, personas["ben"], keys["ben"])


def test_unlocking_the_key_page_accepts_a_recovered_case(
    channel, report, personas, keys, custodian_kits, tmp_path, monkeypatch, client_for
):
    case, _ = report(text="CANARY through the key page")
    _hal(personas)
    custodians, kits = _pair(channel, custodian_kits)
    path, code = _request(monkeypatch, tmp_path, case, personas, custodians)
    _peel(monkeypatch, path, tmp_path / "one.json", kits[0], code)
    _peel(monkeypatch, tmp_path / "one.json", tmp_path / "response.json", kits[1], code)
    assert _complete(monkeypatch, tmp_path / "response.json")[0] == 0
    hal = client_for("hal")
    response = hal.post(reverse("complaints:key"), {"passphrase": HAL_PASSPHRASE})
    assert response.status_code == 302
    assert case.wraps.filter(holder_tag=conf.holder_tag(personas["hal"].pk)).exists()


@pytest.mark.parametrize("reader", [ceremony.RequestFile, ceremony.Response])
def test_a_file_nested_deeper_than_any_real_one_is_refused_cleanly(reader):
    with pytest.raises(ceremony.CeremonyError, match="not JSON"):
        reader.loads("[" * 100_000 + "]" * 100_000)
