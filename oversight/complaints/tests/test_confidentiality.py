# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""What the channel promises: no plaintext at rest, no trace for the excluded, no escrow."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from oversight.complaints import conf, crypto, services
from oversight.complaints.models import Case, RecipientKey, WrappedKey
from oversight.complaints.tests.conftest import TODAY, hidden
from oversight.ledger.models import LedgerEvent

SLUG = "one-stop-systems"
CANARY_TEXT = "CANARY-TEXT-9f8e7d-backdated-invoices"
CANARY_BODY = b"CANARY-BODY-4c3b2a-wire-transfer-list"
CANARY_NAME = "CANARY-NAME-1a2b3c.csv"
CANARY_CONTACT = "CANARY-CONTACT-5e6f"
CANARY_IP = "192.0.2.231"
CANARY_UA = "CANARY-UA-Mozilla/5.0 (X11; Reporter 7)"


def _dump_database() -> list[str | bytes]:
    """Every value in every table, as text and bytes: what an operator's dump holds."""
    values: list[str | bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the schema)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = bytes(value)
                    values.append(value if isinstance(value, bytes) else str(value))
    return values


def _hits(needles: list[bytes], values: list[str | bytes]) -> list[bytes]:
    found = []
    for needle in needles:
        for value in values:
            hay = value if isinstance(value, bytes) else value.encode()
            if needle in hay or needle.lower() in hay.lower():
                found.append(needle)
    return found


def test_a_canary_report_leaves_no_trace_in_the_database_media_blobs_or_logs(
    channel, personas, keys, caplog, settings, client_for
):
    caplog.set_level(logging.DEBUG)
    reporter = Client(REMOTE_ADDR=CANARY_IP, HTTP_USER_AGENT=CANARY_UA)
    html = reporter.get(reverse("report:intake", args=[SLUG])).content.decode()
    sent = reporter.post(
        reverse("report:intake", args=[SLUG]),
        {
            "nonce": hidden(html, "nonce"),
            "challenge": hidden(html, "challenge"),
            "category": "accounting",
            "text": CANARY_TEXT,
            "contact": CANARY_CONTACT,
            "documents": [SimpleUploadedFile(CANARY_NAME, CANARY_BODY, "text/csv")],
        },
        HTTP_X_FORWARDED_FOR=CANARY_IP,
    )
    assert sent.status_code == 200
    found = re.search(r"<strong>([0-9A-Z-]{23})</strong>", sent.content.decode())
    assert found is not None
    receipt = found.group(1)
    # the reporter comes back and answers; a recipient reads and downloads
    page = reporter.get(reverse("report:follow-up", args=[SLUG])).content.decode()
    reporter.post(
        reverse("report:follow-up", args=[SLUG]),
        {"receipt": receipt, "challenge": hidden(page, "challenge")},
    )
    case = Case.objects.get()
    ada = client_for("ada")
    ada.post(reverse("complaints:key"), {"passphrase": "ada's own long passphrase"})
    detail = ada.get(reverse("complaints:detail", args=[case.id]))
    assert CANARY_TEXT.encode() in detail.content  # the recipient can read it
    file_id = case.attachments.get().id
    download = ada.get(reverse("complaints:file", args=[case.id, file_id]))
    assert download.getvalue() == CANARY_BODY
    call_command("complaints_daily", "--no-digest")

    needles = [
        CANARY_TEXT.encode(),
        CANARY_BODY,
        CANARY_NAME.encode(),
        CANARY_CONTACT.encode(),
        CANARY_IP.encode(),
        CANARY_UA.encode(),
        b"Reporter 7",
        crypto.normalise_receipt(receipt).encode(),
    ]
    assert _hits(needles, _dump_database()) == []
    media = [p.read_bytes() for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert _hits(needles, media) == []
    # the file is kept as one encrypted blob; no upload spool outlived its request
    blobs = [p.read_bytes() for p in conf.blob_dir().rglob("*") if p.is_file()]
    assert len(blobs) == 1
    assert _hits(needles, blobs) == []
    assert not conf.upload_tmp_dir().exists() or not any(
        conf.upload_tmp_dir().iterdir()
    )
    keys_on_disk = [p.read_bytes() for p in conf.shred_key_dir().rglob("*.key")]
    assert _hits(needles, keys_on_disk) == []
    logs = [record.getMessage() for record in caplog.records]
    logs += [str(getattr(record, "args", "")) for record in caplog.records]
    assert _hits(needles, logs) == []


def _ben_sees(client, case_ids):
    """Everything ben's account can observe about complaints."""
    pages = {
        "list": client.get(reverse("complaints:list")),
        "stats": client.get(reverse("complaints:statistics")),
        "dashboard": client.get(reverse("dashboard")),
    }
    for name, case_id in case_ids.items():
        pages[name] = client.get(reverse("complaints:detail", args=[case_id]))
    observed: dict[str, object] = {}
    for name, response in pages.items():
        body = re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode()
        )
        observed[name] = (response.status_code, body)
    mail.outbox.clear()
    services.send_digest(personas_company(), on=TODAY)
    observed["digest"] = sorted(
        (m.to[0], m.subject, m.body) for m in mail.outbox if "ben@" in m.to[0]
    )
    observed["company_ledger"] = LedgerEvent.objects.filter(
        chain=personas_company().ledger_chain
    ).count()
    return observed


def personas_company():
    from oversight.accounts.models import Company

    return Company.objects.get(slug=SLUG)


def test_an_excluded_director_observes_nothing(
    channel, personas, keys, report, client_for
):
    """World without the hidden report vs world with it: byte-identical for ben."""
    visible, _ = report(text="Visible to everyone on the committee.")
    ben = client_for("ben")
    ben.post(reverse("complaints:key"), {"passphrase": "ben's own long passphrase"})
    absent_id = "C" + "7" * 12
    probe_id = "C" + "8" * 12
    without = _ben_sees(ben, {"absent": absent_id, "probe": probe_id})
    hidden_case, _ = report(text="About ben.", concerns=[personas["ben"]])
    # the probe id now names the hidden case; it must look exactly like an absent one
    Case.objects.filter(pk=hidden_case.pk).update(id=probe_id)
    WrappedKey.objects.filter(case_id=hidden_case.pk).update(case_id=probe_id)
    with_hidden = _ben_sees(ben, {"absent": absent_id, "probe": probe_id})
    assert with_hidden == without
    assert without["probe"][0] == 404
    assert visible.id in without["list"][1]
    # and the entitled chair does see it
    ada = client_for("ada")
    ada.post(reverse("complaints:key"), {"passphrase": "ada's own long passphrase"})
    assert probe_id in ada.get(reverse("complaints:list")).content.decode()


def test_the_excluded_directors_real_key_and_a_full_database_open_nothing(
    channel, personas, keys, report, custodian_kits
):
    case, receipt = report(text="About ben.", concerns=[personas["ben"]])
    wraps = list(WrappedKey.objects.filter(case=case))
    assert conf.holder_tag(personas["ben"].pk) not in {w.holder_tag for w in wraps}
    for wrap in wraps:
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_case_keys(
                services.inner_wrap(case.id, wrap.wrapped),
                keys["ben"],
                report_id=case.id,
            )
    # an operator holds every stored value and no one's passphrase or the kit
    candidates = [v for v in _dump_database() if isinstance(v, bytes) and len(v) == 32]
    candidates += [
        bytes.fromhex(v)
        for v in _dump_database()
        if isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v)
    ]
    assert candidates
    for raw in candidates:
        with pytest.raises(crypto.DecryptionError):
            crypto.open_sealed(
                crypto.ReportKey(raw),
                bytes(case.content),
                report_id=case.id,
                purpose="content",
            )
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_case_keys(
                services.inner_wrap(case.id, wraps[0].wrapped),
                crypto.RecipientPrivateKey(raw),
                report_id=case.id,
            )
    for row in RecipientKey.objects.all():
        with pytest.raises(crypto.DecryptionError):
            crypto.unlock_private_key(
                bytes(row.protected), b"guess", public_key=bytes(row.public_key)
            )
    # the entitled chair, the reporter (K_case only) and two custodians together open it
    ada_key = services.case_key(case, personas["ada"], keys["ada"])
    assert services.content_of(case, ada_key.case)["text"] == "About ben."
    rkeys = services.reporter_keys(receipt)
    assert (
        crypto.unwrap_for_reporter(
            services.inner_wrap(case.id, case.reporter_wrap), rkeys, report_id=case.id
        )
        == ada_key.case
    )
    kits = [crypto.recovery_key_from_kit(k.text) for k in custodian_kits.values()]
    pairs = WrappedKey.objects.filter(case=case, holder_tag__startswith="recovery:")
    assert pairs.count() == 3  # 2-of-3: one nested wrap per pair
    first = pairs.order_by("holder_tag")[0]
    ids = [int(i) for i in first.holder_tag.removeprefix("recovery:").split("-")]
    by_id = dict(
        zip(channel.custodians.values_list("pk", flat=True), kits, strict=True)
    )
    assert (
        crypto.unwrap_by_custodians(
            services.inner_wrap(case.id, first.wrapped),
            [by_id[i] for i in ids],
            report_id=case.id,
        )
        == ada_key
    )
    for one in kits:  # one custodian alone opens nothing
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_by_custodians(
                services.inner_wrap(case.id, first.wrapped), [one], report_id=case.id
            )


def test_no_escrow_key_exists_in_settings_or_database(channel, settings):
    names = [n for n in dir(settings) if "ESCROW" in n or "MASTER_KEY" in n]
    assert names == []
    from oversight.complaints.models import Channel

    fields = {f.name for f in Channel._meta.get_fields()}
    assert "recovery_private_key" not in fields


def test_when_everyone_is_named_the_fallback_receives_it(
    channel, personas, keys, report
):
    case, _ = report(concerns=[personas["ada"], personas["ben"]])
    tags = set(
        WrappedKey.objects.filter(case=case).values_list("holder_tag", flat=True)
    )
    assert {t for t in tags if not t.startswith("recovery:")} == {
        conf.holder_tag(personas["gus"].pk)
    }
    assert services.case_key(case, personas["gus"], keys["gus"]) is not None


def test_granting_needs_a_holder_and_a_second_approver(channel, personas, keys, report):
    case, _ = report(concerns=[personas["ben"]])
    ada_key = services.case_key(case, personas["ada"], keys["ada"])
    grant = services.propose_grant(
        case,
        actor=personas["ada"],
        key=ada_key,
        grantee=personas["gus"],
        reason="Internal audit to investigate",
        on=TODAY,
    )
    with pytest.raises(ValidationError, match="second person"):
        services.approve_grant(grant, actor=personas["ada"])
    with pytest.raises(ValidationError, match="Only someone with access"):
        services.approve_grant(grant, actor=personas["ben"])  # excluded, holds no key
    with pytest.raises(crypto.DecryptionError):
        services.case_key(case, personas["gus"], keys["gus"])
    # add a second holder the normal way: hal gets a key, the fallback path is not used
    services.set_up_key(
        personas["hal"], passphrase="hal's own long passphrase", on=TODAY
    )
    hal_grant = services.propose_grant(
        case,
        actor=personas["ada"],
        key=ada_key,
        grantee=personas["hal"],
        reason="r",
        on=TODAY,
    )
    WrappedKey.objects.create(
        case=case,
        holder_tag=conf.holder_tag(personas["hal"].pk),
        wrapped=hal_grant.wrapped,
    )
    hal_grant.delete()
    services.approve_grant(grant, actor=personas["hal"])
    assert services.case_key(case, personas["gus"], keys["gus"]) == ada_key


def test_excluding_someone_rotates_the_key(channel, personas, keys, report):
    case, receipt = report(
        files=[services.Upload("a.txt", "text/plain", b"attached evidence")]
    )
    ada_key = services.case_key(case, personas["ada"], keys["ada"])
    services.send_message(
        case, actor=personas["ada"], key=ada_key, text="Thanks", on=TODAY
    )
    services.add_note(
        case, actor=personas["ada"], key=ada_key, text="Looks real", on=TODAY
    )
    ben_old = services.case_key(case, personas["ben"], keys["ben"])
    with pytest.raises(ValidationError, match="chair"):
        services.exclude(
            case,
            actor=personas["ben"],
            key=ben_old,
            person=personas["ada"],
            reason="x",
            on=TODAY,
        )
    new = services.exclude(
        case,
        actor=personas["ada"],
        key=ada_key,
        person=personas["ben"],
        reason="Conflict",
        on=TODAY,
    )
    case.refresh_from_db()
    assert case.key_version == 2
    with pytest.raises(crypto.DecryptionError):
        services.case_key(case, personas["ben"], keys["ben"])
    with pytest.raises(crypto.DecryptionError):  # the key ben kept opens nothing now
        services.content_of(case, ben_old.case)
    with pytest.raises(crypto.DecryptionError):
        services.internal_of(case, ben_old)
    assert "exclusions" not in services.content_of(case, new.case)  # H1: not K_case
    internal = services.internal_of(case, new)
    assert internal["exclusions"][-1]["reason"] == "Conflict"
    from oversight.complaints.presenters import file_body, recipient_view

    view = recipient_view(case, new)
    assert [m["text"] for m in view["messages"]] == ["Thanks"]
    assert [n["text"] for n in view["notes"]] == ["Looks real"]
    assert file_body(case, new.case, case.attachments.get())[1] == b"attached evidence"
    # the reporter still reads with the same receipt
    assert (
        crypto.unwrap_for_reporter(
            services.inner_wrap(case.id, case.reporter_wrap),
            services.reporter_keys(receipt),
            report_id=case.id,
        )
        == new.case
    )
    assert (
        LedgerEvent.objects.filter(
            chain=case.ledger_chain, action="complaints.key_rotated"
        ).count()
        == 1
    )


def test_operators_and_administrators_see_no_case(
    channel, personas, keys, report, client_for
):
    case, _ = report()
    ivy = client_for("ivy")
    assert ivy.get(reverse("complaints:list")).status_code == 403
    assert ivy.get(reverse("complaints:detail", args=[case.id])).status_code == 403
    from django.contrib import admin

    assert Case not in admin.site._registry


def test_hidden_and_absent_cases_take_the_same_path(
    channel, personas, keys, report, client_for, capsys
):
    """Same query, same 404 body; prints the timing of both (no timing assertion)."""
    import time

    hidden_case, _ = report(concerns=[personas["ben"]])
    ben = client_for("ben")
    samples: dict[str, list[float]] = {"hidden": [], "absent": []}
    bodies = set()
    for _ in range(100):
        for name, case_id in (("hidden", hidden_case.id), ("absent", "C" + "9" * 12)):
            start = time.perf_counter()
            response = ben.get(reverse("complaints:detail", args=[case_id]))
            samples[name].append(time.perf_counter() - start)
            assert response.status_code == 404
            bodies.add(
                re.sub(
                    rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content
                )
            )
    assert len(bodies) == 1
    with capsys.disabled():
        medians = {k: sorted(v)[len(v) // 2] * 1000 for k, v in samples.items()}
        print(
            f"\n404 median: hidden {medians['hidden']:.2f} ms, absent {medians['absent']:.2f} ms"
        )


def test_the_dashboard_panel_counts_only_held_cases(
    channel, personas, keys, report, client_for
):
    report()
    report(concerns=[personas["ben"]])
    assert b"You hold 2 cases" in client_for("ada").get(reverse("dashboard")).content
    assert b"You hold 1 case;" in client_for("ben").get(reverse("dashboard")).content
    assert b"You hold" not in client_for("cleo").get(reverse("dashboard")).content


def test_nothing_about_a_reporter_is_stored_as_an_instant():
    """Reporter-facing and reporter-caused times are dates (C2): no DateTimeField at all."""
    from django.apps import apps
    from django.db import models

    fields = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("complaints").get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.DateTimeField)
    ]
    assert fields == []
