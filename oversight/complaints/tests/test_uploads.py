# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""Uploads (D4, A5, M3): encrypted as they arrive, capped, kept as blob files, streamed.

A reporter's file is never plaintext on disk: not in the upload spool while it
arrives, not in the blob it is kept in, not in any temporary file. The limits hold
at the exact byte, spools go when their request does, blobs follow their rows
through rotation and shredding, and the daily sweep removes what a crash left.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, ClassVar

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from oversight.complaints import conf, crypto, services, uploads
from oversight.complaints.models import Attachment, Case, Message
from oversight.complaints.presenters import file_body
from oversight.complaints.reporter import reporter_route
from oversight.complaints.tests.conftest import PASSPHRASES, TODAY, hidden
from oversight.complaints.tests.test_confidentiality import _dump_database, _hits

SLUG = "one-stop-systems"
MB = 1024 * 1024
CANARY_LINE = b"CANARY-M3-BODY-71d0e2 wire transfer to the shell company\n"
CANARY_NAME = "CANARY-M3-NAME-88aa41.csv"
CANARY_TEXT = "CANARY-M3-TEXT-5b5b19 the auditors were shown other invoices"
NEEDLES = [CANARY_LINE.strip(), CANARY_NAME.encode(), CANARY_TEXT.encode()]


def _reporter():
    return Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="UploadsTest/1")


def _form(client, **extra):
    html = client.get(reverse("report:intake", args=[SLUG])).content.decode()
    data = {
        "nonce": hidden(html, "nonce"),
        "challenge": hidden(html, "challenge"),
        "solution": "",
        "category": "accounting",
        "text": "Invoices were re-dated into the quarter.",
        "contact": "",
    }
    data.update(extra)
    return data


def _receipt(html):
    found = re.search(r"<strong>([0-9A-Z-]{23})</strong>", html)
    assert found is not None
    return found.group(1)


def _files_in(directory) -> list[Path]:
    path = Path(directory)
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def _blobs() -> list[Path]:
    return _files_in(conf.blob_dir())


def _spools() -> list[Path]:
    return _files_in(conf.upload_tmp_dir())


def _unlocked(client_for, name):
    client = client_for(name)
    response = client.post(reverse("complaints:key"), {"passphrase": PASSPHRASES[name]})
    assert response.status_code == 302
    return client


def _canary_body(size: int) -> bytes:
    return (CANARY_LINE * (size // len(CANARY_LINE) + 1))[:size]


class _Snooping(uploads.EncryptedUploadHandler):
    """The real handler, which photographs the disk after some chunks (mid-upload)."""

    at = (200, 600)  # of 64 KiB: about 12.5 and 37.5 MB into a 50 MB file
    snapshots: ClassVar[list[dict[str, Any]]] = []
    dirs: ClassVar[list[Path]] = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        super().receive_data_chunk(raw_data, start)
        self.chunks_seen = getattr(self, "chunks_seen", 0) + 1
        if self.chunks_seen in self.at:
            spools = _spools()
            self.snapshots.append(
                {
                    "received": start + len(raw_data),
                    "spools": [(p.stat().st_size, p.stat().st_mode) for p in spools],
                    "dir_mode": conf.upload_tmp_dir().stat().st_mode,
                    "bytes": [p.read_bytes() for d in self.dirs for p in _files_in(d)],
                    "tmp": _new_temp_files(self.started),
                }
            )


def _new_temp_files(since: float) -> list[bytes]:
    """Files the system temp dir got since ``since`` (where Django would spool)."""
    found = []
    for entry in os.scandir(tempfile.gettempdir()):
        try:
            if (
                entry.is_file(follow_symlinks=False)
                and entry.stat().st_mtime >= since
                and entry.stat().st_size < 200 * MB
            ):
                found.append(Path(entry.path).read_bytes())
        except OSError:
            continue
    return found


# --- M3: a 50 MB canary through the real intake view -----------------------------------


def test_M3_a_50_mb_canary_upload_leaves_no_plaintext_on_disk_during_or_after(
    channel, personas, keys, client_for, settings, monkeypatch
):
    body = _canary_body(50 * MB)
    _Snooping.snapshots = []
    _Snooping.started = time.time()
    _Snooping.dirs = [
        conf.upload_tmp_dir(),
        conf.blob_dir(),
        Path(settings.MEDIA_ROOT),
        conf.shred_key_dir(),
    ]
    monkeypatch.setattr(uploads, "EncryptedUploadHandler", _Snooping)
    client = _reporter()
    data = _form(
        client,
        text=CANARY_TEXT,
        documents=[SimpleUploadedFile(CANARY_NAME, body, "text/csv")],
    )
    sent = client.post(reverse("report:intake", args=[SLUG]), data)
    assert sent.status_code == 200
    _receipt(sent.content.decode())

    # mid-upload: one spool, private, growing with what arrived, holding no canary
    assert len(_Snooping.snapshots) == 2
    for shot in _Snooping.snapshots:
        assert oct(shot["dir_mode"] & 0o777) == "0o700"
        [(size, mode)] = shot["spools"]
        assert oct(mode & 0o777) == "0o600"
        assert shot["received"] - 64 * 1024 <= size <= shot["received"] + 1024
        assert _hits(NEEDLES, shot["bytes"]) == []
        assert _hits(NEEDLES, shot["tmp"]) == []
    # after: the spool is gone, the file is one blob, nothing anywhere says the canary
    assert _spools() == []
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert attachment.body is None
    assert [p.name for p in _blobs()] == [attachment.blob]
    assert attachment.blob.startswith(attachment.id)
    after = [p.read_bytes() for d in _Snooping.dirs for p in _files_in(d)]
    assert _hits(NEEDLES, after) == []
    assert _hits(NEEDLES, _dump_database()) == []
    assert _hits(NEEDLES, _new_temp_files(_Snooping.started)) == []

    # a holder reads it back whole, with its true size and SHA-256
    ada = _unlocked(client_for, "ada")
    detail = ada.get(reverse("complaints:detail", args=[case.id]))
    assert CANARY_NAME.encode() in detail.content
    assert hashlib.sha256(body).hexdigest().encode() in detail.content
    download = ada.get(reverse("complaints:file", args=[case.id, attachment.id]))
    digest, size = hashlib.sha256(), 0
    for chunk in download.streaming_content:
        digest.update(chunk)
        size += len(chunk)
    assert (size, digest.hexdigest()) == (len(body), hashlib.sha256(body).hexdigest())


# --- caps: the exact limit passes, one byte over is refused --------------------------


@pytest.mark.parametrize(
    ("sizes", "accepted", "words"),
    [
        ([1000], True, None),
        ([1001], False, b"A file is larger than the limit of 1000"),
        ([1000, 1000, 500], True, None),
        ([1000, 1000, 501], False, b"The files together are larger than the limit"),
        ([1000, 1001], False, b"A file is larger than the limit of 1000"),
    ],
)
def test_the_limits_hold_at_the_exact_byte(
    channel, personas, keys, settings, sizes, accepted, words
):
    settings.COMPLAINTS_MAX_FILE_BYTES = 1000
    settings.COMPLAINTS_MAX_REPORT_BYTES = 2500
    client = _reporter()
    files = [
        SimpleUploadedFile(f"f{i}.txt", b"y" * n, "text/plain")
        for i, n in enumerate(sizes)
    ]
    data = _form(client, documents=files)
    response = client.post(reverse("report:intake", args=[SLUG]), data)
    assert _spools() == []  # gone with the request, accepted or not
    if accepted:
        assert response.status_code == 200
        _receipt(response.content.decode())
        case = Case.objects.get()
        k = services.case_key(case, personas["ada"], keys["ada"])
        stored = [file_body(case, k.case, a)[1] for a in case.attachments.all()]
        assert sorted(map(len, stored)) == sorted(sizes)
        assert Attachment.objects.count() == len(sizes)
        assert len(_blobs()) == len(sizes)
    else:
        assert response.status_code == 400
        assert words in response.content
        assert data["text"].encode() in response.content  # the text is kept
        assert Case.objects.count() == 0
        assert _blobs() == []


def test_a_request_announcing_more_than_the_report_limit_is_not_read(
    channel, settings, monkeypatch
):
    settings.COMPLAINTS_MAX_REPORT_BYTES = 1000
    made = []

    class Counting(uploads.Spool):
        def __init__(self, directory):
            made.append(directory)
            super().__init__(directory)

    monkeypatch.setattr(uploads, "Spool", Counting)
    client = _reporter()
    big = SimpleUploadedFile(
        "big.pdf", b"z" * (uploads.FORM_SLACK + 2000), "text/plain"
    )
    response = client.post(
        reverse("report:intake", args=[SLUG]), _form(client, documents=[big])
    )
    assert response.status_code == 400
    assert b"The files together are larger than the limit" in response.content
    assert made == []  # stopped before a byte of the file was stored
    assert b"Invoices were re-dated into the quarter." in response.content
    assert Case.objects.count() == 0


def test_spools_go_when_the_request_ends_even_if_the_view_fails(channel, settings):
    seen = []

    @reporter_route
    def failing(request):
        seen.extend(f.spool.path for f in request.FILES.getlist("documents"))
        assert all(path.exists() for path in seen)
        raise RuntimeError("the view failed")

    request = RequestFactory().post(
        "/report/x/",
        {"documents": [SimpleUploadedFile("a.txt", b"evidence" * 1000, "text/plain")]},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    with pytest.raises(RuntimeError):
        failing(request)
    assert len(seen) == 1
    assert not seen[0].exists()
    assert _spools() == []

    @reporter_route
    def fine(request):
        assert request.FILES["documents"].read is not None
        return HttpResponse("ok")

    request = RequestFactory().post(
        "/report/x/",
        {"documents": [SimpleUploadedFile("a.txt", b"evidence", "text/plain")]},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert fine(request).status_code == 200
    assert _spools() == []


def test_a_refused_form_keeps_no_spool_or_blob(channel):
    client = _reporter()
    data = _form(
        client,
        text="Kept text.",
        documents=[SimpleUploadedFile("a.txt", b"evidence", "text/plain")],
    )
    data["challenge"] = "forged"
    response = client.post(reverse("report:intake", args=[SLUG]), data)
    assert response.status_code == 400
    assert (_spools(), _blobs(), Case.objects.count()) == ([], [], 0)


# --- the spool itself -----------------------------------------------------------------


def test_a_spool_is_private_encrypted_and_removed_on_close(settings, tmp_path):
    directory = tmp_path / "spools"
    directory.mkdir(mode=0o755)
    spool = uploads.Spool(directory)
    assert (
        oct(directory.stat().st_mode & 0o777) == "0o700"
    )  # made private if it was not
    assert oct(spool.path.stat().st_mode & 0o777) == "0o600"
    data = CANARY_LINE * 5000
    with pytest.raises(ValueError, match="not complete"):
        list(spool.chunks())
    for i in range(0, len(data), 1000):
        spool.write(data[i : i + 1000])
    spool.finish()
    stored = spool.path.read_bytes()
    assert stored[:4] == b"OVT1"
    assert CANARY_LINE.strip() not in stored
    assert (spool.size, spool.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert b"".join(spool.chunks()) == data
    assert b"".join(spool.chunks()) == data  # read twice (a retry)
    spool.close()
    assert not spool.path.exists()
    spool.close()  # idempotent


def test_stale_spools_are_swept_and_live_ones_kept(db):
    stale, live = (
        uploads.Spool(conf.upload_tmp_dir()),
        uploads.Spool(conf.upload_tmp_dir()),
    )
    old = time.time() - 2 * 3600
    os.utime(stale.path, (old, old))
    other = conf.upload_tmp_dir() / "not-a-spool.txt"
    other.write_bytes(b"x")
    os.utime(other, (old, old))
    assert uploads.sweep() == 1
    assert not stale.path.exists()
    assert live.path.exists()
    assert other.exists()  # only spools are touched
    live.close()


# --- the reporter adds a file later, through the case page ----------------------------


def _signed_in_reporter(client):
    data = _form(client)
    receipt = _receipt(
        client.post(reverse("report:intake", args=[SLUG]), data).content.decode()
    )
    client.post(
        reverse("report:confirm", args=[SLUG]),
        {"nonce": data["nonce"], "typed": receipt},
    )
    page = client.get(reverse("report:follow-up", args=[SLUG])).content.decode()
    back = client.post(
        reverse("report:follow-up", args=[SLUG]),
        {"receipt": receipt, "challenge": hidden(page, "challenge")},
    )
    assert back.status_code == 302
    page = client.get(reverse("report:case", args=[SLUG])).content.decode()
    return hidden(page, "form_secret")


def test_a_reporter_adds_a_file_through_the_case_page(
    channel, personas, keys, settings
):
    client = _reporter()
    secret = _signed_in_reporter(client)
    evidence = b"second batch of invoices\n" * 20000
    answered = client.post(
        reverse("report:case", args=[SLUG]),
        {
            "form_secret": secret,
            "text": "Here is the rest.",
            "documents": [SimpleUploadedFile("batch-2.csv", evidence, "text/csv")],
        },
    )
    assert answered.status_code == 302
    assert _spools() == []
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert attachment.from_reporter and attachment.body is None
    assert [p.name for p in _blobs()] == [attachment.blob]
    assert Message.objects.filter(case=case, from_reporter=True).count() == 1
    k = services.case_key(case, personas["ada"], keys["ada"])
    meta, body = file_body(case, k.case, attachment)
    assert (meta["name"], body) == ("batch-2.csv", evidence)
    page = client.get(reverse("report:case", args=[SLUG]))
    assert b"batch-2.csv" in page.content

    settings.COMPLAINTS_MAX_FILE_BYTES = 1000
    refused = client.post(
        reverse("report:case", args=[SLUG]),
        {
            "form_secret": secret,
            "text": "One more, too big.",
            "documents": [SimpleUploadedFile("big.csv", b"x" * 1001, "text/csv")],
        },
    )
    assert refused.status_code == 400
    assert b"A file is larger than the limit of 1000" in refused.content
    assert b"One more, too big." in refused.content
    assert case.attachments.count() == 1
    assert (len(_blobs()), _spools()) == (1, [])


def test_a_reply_whose_transaction_fails_leaves_no_blob(
    channel, personas, keys, monkeypatch
):
    client = _reporter()
    _signed_in_reporter(client)
    access = services.reporter_access(
        client.cookies["report_session"].value, now=time.time()
    )
    assert access is not None

    def boom(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Attachment.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        services.reporter_reply(
            access,
            text="with a file",
            files=(services.Upload("a.txt", "text/plain", b"evidence"),),
            on=TODAY,
        )
    assert _blobs() == []
    assert Message.objects.count() == 0


def test_a_submission_whose_transaction_fails_leaves_no_blob_or_key_file(
    channel, monkeypatch
):
    def boom(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Attachment.objects, "bulk_create", boom)
    receipt = crypto.normalise_receipt(crypto.new_receipt())
    with pytest.raises(RuntimeError):
        services.submit_report(
            channel.company,
            receipt=receipt,
            data=services.ReportInput(
                category="accounting",
                text="x",
                files=(services.Upload("a.txt", "text/plain", b"evidence"),),
            ),
            on=TODAY,
        )
    assert _blobs() == []
    assert _files_in(conf.shred_key_dir()) == []
    assert Case.objects.count() == 0


# --- downloads stream -----------------------------------------------------------------


def test_a_large_download_streams_in_chunks_with_bounded_memory(
    channel, personas, keys, report, client_for
):
    evidence = os.urandom(8 * MB)
    case, _ = report(files=[services.Upload("ledger.pdf", "application/pdf", evidence)])
    attachment = case.attachments.get()
    ada = _unlocked(client_for, "ada")
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = ada.get(reverse("complaints:file", args=[case.id, attachment.id]))
        assert response.streaming
        digest, sizes = hashlib.sha256(), []
        for chunk in response.streaming_content:
            digest.update(chunk)
            sizes.append(len(chunk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == hashlib.sha256(evidence).hexdigest()
    assert sum(sizes) == len(evidence)
    assert len(sizes) > 1 and max(sizes) <= crypto.DEFAULT_CHUNK_SIZE
    assert peak < 2 * MB  # the file is 8 MB: it was never whole in memory
    assert response.headers["Content-Length"] == str(len(evidence))
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_file_whose_blob_is_missing_is_a_clear_404(
    channel, personas, keys, report, client_for
):
    case, _ = report(files=[services.Upload("a.txt", "text/plain", b"evidence")])
    attachment = case.attachments.get()
    services._remove_blobs([attachment.blob])
    ada = _unlocked(client_for, "ada")
    response = ada.get(reverse("complaints:file", args=[case.id, attachment.id]))
    assert response.status_code == 404


def test_a_file_stored_in_the_database_before_blobs_downloads_and_rotates(
    channel, personas, keys, report, client_for, django_capture_on_commit_callbacks
):
    evidence = b"kept in the database by the earlier code\n" * 3000
    case, _ = report(files=[services.Upload("old.txt", "text/plain", evidence)])
    k = services.case_key(case, personas["ada"], keys["ada"])
    attachment = case.attachments.get()
    with services.attachment_source(attachment) as blob:
        attachment.body = blob.read()
    services._remove_blobs([attachment.blob])
    attachment.blob = ""
    attachment.save(update_fields=["body", "blob"])
    assert _blobs() == []

    ada = _unlocked(client_for, "ada")
    download = ada.get(reverse("complaints:file", args=[case.id, attachment.id]))
    assert b"".join(download.streaming_content) == evidence

    with django_capture_on_commit_callbacks(execute=True):
        new = services.exclude(
            case,
            actor=personas["ada"],
            key=k,
            person=personas["ben"],
            reason="Conflict",
            on=TODAY,
        )
    attachment.refresh_from_db()
    assert attachment.body is None
    assert [p.name for p in _blobs()] == [attachment.blob]
    assert file_body(case, new.case, attachment)[1] == evidence


# --- rotation and shredding -------------------------------------------------------------


def _opens(key: crypto.ReportKey, case_id: str, path: Path) -> bool:
    attachment_id = path.name.split(".")[0]
    try:
        b"".join(
            crypto.decrypt_stream(
                key,
                io.BytesIO(path.read_bytes()),
                report_id=case_id,
                purpose=f"file-body/{attachment_id}",
            )
        )
    except crypto.DecryptionError:
        return False
    return True


def test_rotation_rewrites_every_blob_and_removes_the_old_ones_after_commit(
    channel, personas, keys, report, django_capture_on_commit_callbacks
):
    files = [
        services.Upload("a.txt", "text/plain", b"first evidence"),
        services.Upload("b.csv", "text/csv", b"second,evidence\n" * 10000),
    ]
    case, _ = report(files=files)
    old = services.case_key(case, personas["ada"], keys["ada"])
    before = {p.name for p in _blobs()}
    assert len(before) == 2
    assert all(_opens(old.case, case.id, p) for p in _blobs())
    with django_capture_on_commit_callbacks(execute=True):
        new = services.exclude(
            case,
            actor=personas["ada"],
            key=old,
            person=personas["ben"],
            reason="Conflict",
            on=TODAY,
        )
    after = {p.name for p in _blobs()}
    assert after == set(case.attachments.values_list("blob", flat=True))
    assert after.isdisjoint(before)  # the old blobs are gone
    assert not any(_opens(old.case, case.id, p) for p in _blobs())
    assert all(_opens(new.case, case.id, p) for p in _blobs())
    bodies = sorted(file_body(case, new.case, a)[1] for a in case.attachments.all())
    assert bodies == sorted(f.body for f in files)


def test_a_rotation_rolled_back_keeps_the_old_blobs_and_its_new_ones_are_swept(
    channel, personas, keys, report, monkeypatch
):
    case, _ = report(files=[services.Upload("a.txt", "text/plain", b"evidence")])
    old = services.case_key(case, personas["ada"], keys["ada"])
    before = {p.name for p in _blobs()}

    def boom(*args, **kwargs):
        raise RuntimeError("the process died")

    monkeypatch.setattr(services, "_wrap_recovery", boom)
    with pytest.raises(RuntimeError):
        services.exclude(
            case,
            actor=personas["ada"],
            key=old,
            person=personas["ben"],
            reason="Conflict",
            on=TODAY,
        )
    attachment = Attachment.objects.get(case=case)
    assert attachment.blob in before
    assert file_body(case, old.case, attachment)[1] == b"evidence"
    orphans = [p for p in _blobs() if p.name not in before]
    assert len(orphans) == 1
    assert services.sweep_blobs() == 0  # too young: could be a rotation in flight
    long_ago = time.time() - 2 * 86400
    for path in _blobs():
        os.utime(path, (long_ago, long_ago))
    assert services.sweep_blobs() == 1
    assert {p.name for p in _blobs()} == before


def test_shredding_deletes_the_blobs_after_the_keys(
    channel, personas, keys, report, django_capture_on_commit_callbacks
):
    case, _ = report(
        files=[services.Upload("a.txt", "text/plain", b"shred this evidence")]
    )
    kept, _ = report(files=[services.Upload("b.txt", "text/plain", b"keep this")])
    backup = {
        "blobs": {p.name: p.read_bytes() for p in _blobs()},
        "wraps": [bytes(w.wrapped) for w in case.wraps.all()],
        "reporter": bytes(case.reporter_wrap),
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.shred(case, on=TODAY)
    [left] = _blobs()
    assert left.name == kept.attachments.get().blob
    assert not services._shred_path(case.id).exists()
    # a copy of the blob dir and the database from before: no wrap opens any more, so
    # no key to the copied blob (the guarantee; deleting the file was extra)
    assert len(backup["blobs"]) == 2
    for wrap in [*backup["wraps"], backup["reporter"]]:
        with pytest.raises(crypto.DecryptionError):
            services.inner_wrap(case.id, wrap)


def test_the_daily_job_sweeps_orphan_blobs_and_spools(channel, report):
    case, _ = report(files=[services.Upload("a.txt", "text/plain", b"evidence")])
    live = case.attachments.get().blob
    orphan = conf.blob_dir() / "FAAAAAAAAAAAA.0123456789abcdef.blob"
    orphan.write_bytes(b"OVS2 from a crash")
    spool = uploads.Spool(conf.upload_tmp_dir())
    long_ago = time.time() - 2 * 86400
    for path in [*_blobs(), spool.path]:
        os.utime(path, (long_ago, long_ago))
    call_command("complaints_daily", "--no-digest", stdout=io.StringIO())
    assert [p.name for p in _blobs()] == [live]
    assert _spools() == []


def test_a_session_valid_when_an_upload_began_stays_valid_until_it_ends(
    channel, personas, keys, monkeypatch
):
    """D4: the reporter's 30-minute session is judged as of the request's start, so
    a slow upload begun in time is kept; the next request needs the receipt again."""
    with time_machine.travel(time.time(), tick=True) as traveller:
        client = _reporter()
        secret = _signed_in_reporter(client)

        class Slow(uploads.EncryptedUploadHandler):
            def receive_data_chunk(self, raw_data, start):
                if start == 0:
                    traveller.shift(2 * 3600)  # the upload takes two hours
                super().receive_data_chunk(raw_data, start)

        monkeypatch.setattr(uploads, "EncryptedUploadHandler", Slow)
        answered = client.post(
            reverse("report:case", args=[SLUG]),
            {
                "form_secret": secret,
                "text": "The slow line at the depot.",
                "documents": [
                    SimpleUploadedFile("slow.csv", b"a,b\n" * 50000, "text/csv")
                ],
            },
        )
        assert answered.status_code == 302
        assert answered.headers["Location"] == reverse("report:case", args=[SLUG])
        assert Case.objects.get().attachments.count() == 1
        later = client.get(reverse("report:case", args=[SLUG]))
        assert later.headers["Location"] == reverse("report:follow-up", args=[SLUG])


def test_a_cross_site_post_is_refused_before_its_files_are_read(channel, monkeypatch):
    made = []
    monkeypatch.setattr(uploads, "Spool", lambda directory: made.append(directory))
    client = _reporter()
    response = client.post(
        reverse("report:intake", args=[SLUG]),
        _form(client, documents=[SimpleUploadedFile("a.txt", b"x", "text/plain")]),
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert made == []
