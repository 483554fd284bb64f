"""Uploads on the reporter's routes: encrypted as they arrive, never whole in memory.

``EncryptedUploadHandler`` replaces Django's upload handlers there. Each file is
encrypted chunk by chunk (libsodium secretstream, :class:`crypto.SpoolWriter`) into
a temporary file in a private directory (``conf.upload_tmp_dir()``, mode 0700), under
a random key that exists only in the request's memory; its size and SHA-256 are
computed on the way. Plaintext never touches the disk, and at most one record of it
(64 KiB) is held at a time. Past the per-file or per-report limit the upload stops
and the view answers with the form. Every spool is removed when its request ends
(:meth:`EncryptedUploadHandler.discard`, and again when Django closes the request's
files); :func:`sweep` removes what a killed process left.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from oversight.complaints import conf, crypto

_PURPOSE = "upload"
_PREFIX = "upload-"
_SUFFIX = ".part"
# The announced request may exceed the per-report limit by the form's other fields.
FORM_SLACK = 1024 * 1024


class Spool:
    """One uploaded file, encrypted into a private temporary file as it arrives."""

    def __init__(self, directory: Path) -> None:
        fd, name = tempfile.mkstemp(
            dir=conf.private_dir(directory), prefix=_PREFIX, suffix=_SUFFIX
        )
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        self._key = crypto.ReportKey.generate()
        self._writer = crypto.SpoolWriter(self._key, self._file, purpose=_PURPOSE)
        self._hash = hashlib.sha256()
        self.size = 0
        self.sha256 = ""
        self.closed = False

    def write(self, data: bytes) -> None:
        self._writer.write(data)
        self._hash.update(data)
        self.size += len(data)

    def finish(self) -> None:
        self._writer.finish()
        self._file.flush()
        self.sha256 = self._hash.hexdigest()

    def chunks(self) -> Iterator[bytes]:
        """The plaintext again, record by record, each authenticated first."""
        if not self.sha256 or self.closed:
            raise ValueError("the spool is not complete")
        self._file.seek(0)
        total = 0
        for chunk in crypto.read_spool(self._key, self._file, purpose=_PURPOSE):
            total += len(chunk)
            yield chunk
        if total != self.size:
            raise crypto.DecryptionError("decryption failed")

    def close(self) -> None:
        """Close and remove the file (idempotent); the key goes with this object."""
        if not self.closed:
            self.closed = True
            self._file.close()
        self.path.unlink(missing_ok=True)


class SpooledFile(UploadedFile):  # type: ignore[type-arg]
    """What ``request.FILES`` holds on reporter routes: a name, a type, a size and the
    spool; reading it gives nothing (use ``spool.chunks()``)."""

    def __init__(self, spool: Spool, **kwargs: Any) -> None:
        super().__init__(file=None, size=spool.size, **kwargs)
        self.spool = spool

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        raise ValueError("a spooled upload is read with spool.chunks()")

    def close(self) -> None:
        self.spool.close()


class EncryptedUploadHandler(FileUploadHandler):
    """Spool each file encrypted; stop past the per-file or the per-report limit.

    A request announcing more than the per-report limit (plus the form's fields) is
    stopped at its first file, before any byte of it is stored (the fields before it
    are kept, so the reporter's text comes back). A stopped upload sets
    ``request.complaints_upload_too_large`` to ``"file"`` or ``"report"``; the view
    answers with the form (:func:`refusal`).
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.spools: list[Spool] = []
        self.total = 0
        self.announced_too_large = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.total = 0
        self.announced_too_large = content_length > conf.max_report_bytes() + FORM_SLACK

    def _too_large(self, what: str) -> None:
        self.request.complaints_upload_too_large = what  # type: ignore[union-attr]
        raise StopUpload(connection_reset=False)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.announced_too_large:
            self._too_large("report")  # the fields before it are kept, no byte of it
        self.file = Spool(conf.upload_tmp_dir())
        self.spools.append(self.file)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.total += len(raw_data)
        if start + len(raw_data) > conf.max_file_bytes():
            self._too_large("file")
        if self.total > conf.max_report_bytes():
            self._too_large("report")
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> SpooledFile:
        self.file.finish()
        return SpooledFile(
            self.file,
            name=self.file_name,
            content_type=self.content_type,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def discard(self) -> None:
        """Remove every spool of this request (the request is over)."""
        for spool in self.spools:
            spool.close()


def sweep(*, older_than: float = 3600.0) -> int:
    """Remove spools left by a process that died mid-request (untouched for an hour:
    an upload in progress writes to its spool all the time). Their key died with the
    process, so they open with nothing; this only frees the space."""
    directory = conf.upload_tmp_dir()
    if not directory.exists():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for path in directory.glob(f"{_PREFIX}*{_SUFFIX}"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def refusal(request: HttpRequest) -> str | None:
    """The reporter's message if the request's upload was stopped at a limit."""
    what = getattr(request, "complaints_upload_too_large", None)
    if what == "file":
        return _("A file is larger than the limit of %(size)s.") % {
            "size": filesizeformat(conf.max_file_bytes())
        }
    if what == "report":
        return _("The files together are larger than the limit of %(size)s.") % {
            "size": filesizeformat(conf.max_report_bytes())
        }
    return None
