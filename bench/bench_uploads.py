"""Uploads on the complaint channel against gunicorn on loopback: memory and throughput.

    .venv/bin/python bench/bench_uploads.py [--size-mb 100] [--small 20]

Starts its own gunicorn (deploy/gunicorn.conf.py with one worker, SQLite in a
temporary directory), then measures, in one run:

1. the worker's peak memory (VmHWM) after a series of small reports (no files):
   the baseline;
2. one report with a file of ``--size-mb`` MiB (100, the per-file limit, by default),
   sent as a streamed multipart POST: the time it takes, so the upload throughput,
   and the server's CPU time for it;
3. the worker's peak memory after it, against the baseline: the upload is encrypted
   as it arrives and written to its blob a chunk at a time, so the peak should not
   move by anything like the file's size;
4. a file one byte over the limit: refused (HTTP 400, the form again);
5. what is left on disk: no upload spool, one blob of the file's padded size.

Every figure is printed; nothing is asserted.
"""

# ruff: noqa: S603  (the benchmark runs its own fixed commands, never input)
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_complaints_load as load

_LOAD_ENV = load.env_for
BOUNDARY = "----oversight-bench-uploads-7d1c"
BLOCK = os.urandom(1024 * 1024)


def env_for(var: Path, port: int) -> dict[str, str]:
    env = _LOAD_ENV(var, port)
    env["GUNICORN_WORKERS"] = "1"  # one worker: its peak memory is the upload's
    return env


def multipart(fields: dict[str, str], size: int) -> tuple[list[bytes], int]:
    """The form's fields, then one file part of ``size`` bytes (sent from a block)."""
    head = b"".join(
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n"
        ).encode()
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="documents"; '
        f'filename="bench-evidence.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return [head, tail], len(head) + size + len(tail)


def body(head: bytes, tail: bytes, size: int) -> Iterator[bytes]:
    yield head
    left = size
    while left:
        piece = BLOCK[: min(left, len(BLOCK))]
        left -= len(piece)
        yield piece
    yield tail


def upload(port: int, size: int) -> tuple[int, float, bool]:
    """GET the form, POST it with one file of ``size`` bytes: (status, seconds, receipt?)."""
    reporter = load.Reporter(port)
    _, html, _ = reporter._request("GET", f"/report/{load.SLUG}/")
    fields = reporter._fields(html)
    bits = int(re.search(r'data-pow-bits="(\d+)"', html).group(1))  # type: ignore[union-attr]
    fields["solution"] = load.abuse.solve(fields["challenge"], bits) if bits else ""
    fields.update(category="accounting", text=load.TEXT)
    (head, tail), length = multipart(fields, size)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request(
        "POST",
        f"/report/{load.SLUG}/",
        body=body(head, tail, size),
        headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(length),
            "Cookie": f"report_session={reporter.cookie}",
            "User-Agent": load.UA,
        },
        encode_chunked=False,
    )
    response = conn.getresponse()
    page = response.read().decode()
    elapsed = time.perf_counter() - start
    found = re.search(r"<strong>([0-9A-Z-]{23})</strong>", page)
    return response.status, elapsed, found is not None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--small", type=int, default=20)
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024
    port = 8767
    var = Path(tempfile.mkdtemp(prefix="oversight-bench-uploads-"))
    load.env_for = env_for  # Server.start reads load.env_for: one worker
    env = env_for(var, port)
    subprocess.run(
        [load.PY, "manage.py", "migrate", "-v", "0"], cwd=load.ROOT, env=env, check=True
    )
    subprocess.run(
        [load.PY, "-c", load.SETUP, str(var / "kit.txt")],
        cwd=load.ROOT,
        env=env,
        check=True,
    )
    server = load.Server(var, port)
    server.start()
    try:
        reporter = load.Reporter(port)
        small, failed = load.in_turn(reporter, args.small)
        baseline = server.peak_memory_kib(workers_only=True)
        print(
            f"baseline: {len(small)} small reports ({failed} errors), "
            f"worker peak RSS (VmHWM) {baseline / 1024:.1f} MiB"
        )
        cpu_start = server.cpu_seconds()
        status, seconds, receipt = upload(port, size)
        cpu = server.cpu_seconds() - cpu_start
        peak = server.peak_memory_kib(workers_only=True)
        print(
            f"upload of {args.size_mb} MiB: HTTP {status}, receipt shown: {receipt}, "
            f"{seconds:.2f} s, {args.size_mb / seconds:.1f} MiB/s, "
            f"server CPU {cpu:.2f} s ({args.size_mb / cpu:.1f} MiB per CPU second)"
        )
        print(
            f"worker peak RSS (VmHWM) after the upload: {peak / 1024:.1f} MiB, "
            f"{(peak - baseline) / 1024:+.1f} MiB against the baseline "
            f"({peak / baseline:.2f}x; the file is {args.size_mb} MiB; goal < 300 MiB)"
        )
        status, seconds, receipt = upload(port, size + 1)
        print(
            f"one byte over ({size + 1:,} bytes): HTTP {status}, receipt shown: "
            f"{receipt}, answered in {seconds:.2f} s"
        )
        spools = list((var / "complaint-uploads").glob("*"))
        blobs = list((var / "complaint-blobs").glob("*.blob"))
        print(
            f"on disk after: {len(spools)} upload spools, {len(blobs)} blob(s) of "
            f"{', '.join(f'{b.stat().st_size:,}' for b in blobs) or '-'} bytes"
        )
    finally:
        server.stop()
        load.env_for = _LOAD_ENV
        shutil.rmtree(var, ignore_errors=True)  # the database, the blob and the logs


if __name__ == "__main__":
    main()
