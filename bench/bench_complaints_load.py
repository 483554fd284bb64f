"""Load test of the complaint channel against gunicorn on loopback.

    .venv/bin/python bench/bench_complaints_load.py [--quick]

Starts its own gunicorn (deploy/gunicorn.conf.py, SQLite in a temporary directory),
then measures, in one run:

1. sequential throughput with 2 KB reports (reports per second, GET form + POST);
2. submission latency (p50/p95) with 8 concurrent reporters;
3. errors with 50 concurrent reporters;
4. the server's CPU time per wrong receipt (form page + guess);
5. a genuine reporter's p95 while 8 clients (other loopback addresses) hammer wrong
   receipts, from the attack's first second for ten seconds, against the unloaded
   p95 measured in the same run: once with one connection per client (each waits
   for its answers), once with four per address (32 connections, more than the
   slots that hold a guesser's answers back);
6. the workers' peak memory (VmHWM);
7. a SIGKILL of the whole server in the middle of a 50-reporter burst: after a
   restart, every receipt a reporter was given opens its report, and every stored
   case opens with the (1-of-1, bench-only) custodian's kit (no partial record);
8. the logs: no client address, user agent or reporter path.

Every figure is printed next to its goal; nothing is asserted.
"""

# ruff: noqa: S603  (the benchmark runs its own fixed commands, never input)
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
SLUG = "one-stop-systems"
UA = "BENCH-UA-CANARY/1.0"
TEXT = ("The March invoices were re-dated into February to meet the quarter. " * 30)[
    :2048
]

sys.path.insert(0, str(ROOT))
from oversight.complaints import abuse  # noqa: E402


def env_for(var: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        OVERSIGHT_VAR_DIR=str(var),
        COMPLAINTS_PEPPER="bench-pepper-" + "p" * 40,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        GUNICORN_LOG_LEVEL="info",
        GUNICORN_ACCESS_LOG=str(var / "access.log"),
        DJANGO_SETTINGS_MODULE="oversight.settings",
    )
    return env


SETUP = """
import django, sys
django.setup()
from datetime import date
from oversight import testing
from oversight.complaints import crypto, services
company = testing.make_company()
people = testing.make_personas(company, starts_on=date(2020, 1, 1))
for name in ("ada", "ben", "gus"):
    services.set_up_key(people[name], passphrase=name + " bench passphrase", on=date(2026, 1, 1))
kit = crypto.new_recovery_kit()  # as a custodian makes it, offline (recovery-keygen)
custodian = services.CustodianInput("Bench counsel", crypto.format_public_key(kit.public_key))
services.publish_channel(
    company, actor=people["ada"], on=date(2020, 1, 1), custodians=[custodian],
    threshold=1, fallback=people["gus"],
)
open(sys.argv[1], "w").write(kit.text)
"""

CHECK = """
import django, sys
django.setup()
from oversight.complaints import crypto, services
from oversight.complaints.models import Case, RecoveryCustodian
kit = crypto.recovery_key_from_kit(open(sys.argv[1]).read())
custodian = RecoveryCustodian.objects.get()
bad = 0
for case in Case.objects.all():
    try:
        keys = services.open_by_custodians(case, [(custodian, kit)])
        assert services.content_of(case, keys.case)["text"]
    except Exception:
        bad += 1
print(Case.objects.count(), bad)
"""


class Server:
    def __init__(self, var: Path, port: int) -> None:
        self.var, self.port = var, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.errlog = open(self.var / "error.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "oversight.wsgi",
            ],
            cwd=ROOT,
            env=env_for(self.var, self.port),
            stdout=self.errlog,
            stderr=self.errlog,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", f"/report/{SLUG}/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def peak_memory_kib(self, *, workers_only: bool = False) -> int:
        """The highest VmHWM of the server's processes (of its workers only, if asked)."""
        assert self.proc is not None
        peak = 0
        for pid in [*([] if workers_only else [self.proc.pid]), *self._children()]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"VmHWM:\s+(\d+)", status)
            if found:
                peak = max(peak, int(found.group(1)))
        return peak

    def cpu_seconds(self) -> float:
        """CPU time the server's processes have used so far (user + system)."""
        assert self.proc is not None
        total = 0
        for pid in [self.proc.pid, *self._children()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
            if pid == self.proc.pid:  # workers already replaced (max_requests) count
                total += int(fields[13]) + int(fields[14])  # in the arbiter's
        return total / os.sysconf("SC_CLK_TCK")

    def _children(self) -> list[int]:
        assert self.proc is not None
        out = subprocess.run(
            ["/usr/bin/pgrep", "-P", str(self.proc.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(p) for p in out.stdout.split()]

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


class Reporter:
    """One browser: GET the form, solve the challenge, POST the report.

    Like a browser, it keeps the reporter's one cookie (set with the form, which the
    form's sealed token is bound to) and sends it back.
    """

    def __init__(self, port: int, source: str = "127.0.0.1") -> None:
        self.port, self.source = port, source
        self.cookie = ""
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.source, 0)
        )

    def _request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, str, dict[str, str]]:
        headers = {"User-Agent": UA}
        if self.cookie:
            headers["Cookie"] = f"report_session={self.cookie}"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                result = (
                    response.status,
                    response.read().decode(),
                    dict(response.getheaders()),
                )
                token = re.search(
                    r"report_session=([^;]*)", response.getheader("Set-Cookie", "")
                )
                if token:
                    self.cookie = token.group(1).strip('"')
                return result
            except (
                http.client.RemoteDisconnected,
                ConnectionResetError,
                BrokenPipeError,
            ):
                self.conn.close()
                self.conn = self._connect()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _fields(self, html: str) -> dict[str, str]:
        return dict(re.findall(r'name="(nonce|challenge)" value="([^"]*)"', html))

    def submit(self) -> tuple[float, str | None]:
        """Returns (seconds for the POST, receipt or None on error)."""
        status, html, _ = self._request("GET", f"/report/{SLUG}/")
        fields = self._fields(html)
        bits = int(re.search(r'data-pow-bits="(\d+)"', html).group(1))  # type: ignore[union-attr]
        solution = abuse.solve(fields["challenge"], bits) if bits else ""
        body = urllib.parse.urlencode(
            {**fields, "solution": solution, "category": "accounting", "text": TEXT}
        )
        start = time.perf_counter()
        status, html, _ = self._request("POST", f"/report/{SLUG}/", body)
        elapsed = time.perf_counter() - start
        found = re.search(r"<strong>([0-9A-Z-]{23})</strong>", html)
        return elapsed, (found.group(1) if status == 200 and found else None)

    def wrong_receipt(self) -> int:
        status, html, _ = self._request("GET", f"/report/{SLUG}/follow-up/")
        fields = self._fields(html)
        bits = (
            int(re.search(r'data-pow-bits="(\d+)"', html).group(1))
            if "data-pow-bits" in html
            else 0
        )  # type: ignore[union-attr]
        solution = abuse.solve(fields.get("challenge", ""), bits) if bits else ""
        body = urllib.parse.urlencode(
            {
                "challenge": fields.get("challenge", ""),
                "solution": solution,
                "receipt": "AAAAA-AAAAA-AAAAA-AAAAA",
            }
        )
        status, _, _ = self._request("POST", f"/report/{SLUG}/follow-up/", body)
        return status

    def opens(self, receipt: str) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", f"/report/{SLUG}/follow-up/", headers={"User-Agent": UA})
        html = conn.getresponse().read().decode()
        challenge = re.search(r'name="challenge" value="([^"]*)"', html).group(1)  # type: ignore[union-attr]
        bits = int(re.search(r'data-pow-bits="(\d+)"', html).group(1))  # type: ignore[union-attr]
        body = urllib.parse.urlencode(
            {
                "challenge": challenge,
                "solution": abuse.solve(challenge, bits) if bits else "",
                "receipt": receipt,
            }
        )
        conn.request(
            "POST",
            f"/report/{SLUG}/follow-up/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = conn.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie", "")
        token = re.search(r"report_session=([^;]+)", cookie)
        if response.status != 302 or not token:
            return False
        conn.request(
            "GET",
            f"/report/{SLUG}/case/",
            headers={"Cookie": f"report_session={token.group(1)}"},
        )
        page = conn.getresponse().read().decode()
        return "re-dated into February" in page


def attack(port: int, source: str, stop: Any, sent: Any, refused: Any) -> None:
    """One attacker: wrong receipts as fast as the server answers, from ``source``."""
    client = Reporter(port, source)
    while not stop.is_set():
        status = client.wrong_receipt()
        with sent.get_lock():
            sent.value += 1
        if status == 429:
            with refused.get_lock():
                refused.value += 1


def under_attack(
    server: Server, addresses: list[str], per_address: int, seconds: float
) -> tuple[list[float], int, dict[str, int], int, float]:
    """A genuine reporter's latencies (and refusals) while ``per_address`` connections
    from each of ``addresses`` send wrong receipts as fast as they are answered; the
    attackers run in their own processes, so the genuine client's timing is not spent
    waiting for this process's GIL. Measured from the attack's first second; also
    returns the share of the two cores the server used meanwhile."""
    port = server.port
    stop = multiprocessing.Event()
    sent = multiprocessing.Value("i", 0)
    refused = multiprocessing.Value("i", 0)
    attackers = [
        multiprocessing.Process(target=attack, args=(port, a, stop, sent, refused))
        for a in addresses
        for _ in range(per_address)
    ]
    for proc in attackers:
        proc.start()
    time.sleep(1)
    sent_before, cpu_before = sent.value, server.cpu_seconds()
    genuine = Reporter(port)
    latencies, failures = [], 0
    started = time.perf_counter()
    until = started + seconds
    while time.perf_counter() < until:  # one reporter after another
        got_one, failed = in_turn(genuine, 1)
        latencies += got_one
        failures += failed
    answered = sent.value - sent_before
    share = (server.cpu_seconds() - cpu_before) / (2 * (time.perf_counter() - started))
    stop.set()
    for proc in attackers:
        proc.join()
    return (
        latencies,
        failures,
        {"sent": sent.value, "429": refused.value},
        answered,
        share,
    )


def in_turn(reporter: Reporter, n: int) -> tuple[list[float], int]:
    """``n`` reports one after the other: the latencies of those that got a receipt,
    and how many did not (a failure is never timed as if it were a report)."""
    latencies, failures = [], 0
    for _ in range(n):
        elapsed, receipt = reporter.submit()
        if receipt:
            latencies.append(elapsed)
        else:
            failures += 1
    return latencies, failures


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, int(q * len(ordered)))]
        if ordered
        else float("nan")
    )


def concurrent(
    port: int, clients: int, per_client: int, receipts: list[str] | None = None
) -> tuple[list[float], int, list[str]]:
    """``clients`` reporters in parallel; receipts are appended as they arrive."""
    latencies: list[float] = []
    receipts = [] if receipts is None else receipts
    errors = 0
    lock = threading.Lock()

    def run() -> None:
        nonlocal errors
        reporter = Reporter(port)
        for _ in range(per_client):
            try:
                elapsed, receipt = reporter.submit()
            except Exception:
                elapsed, receipt = 0.0, None
            with lock:
                if receipt:
                    latencies.append(elapsed)
                    receipts.append(receipt)
                else:
                    errors += 1

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, receipts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale = 1 if not args.quick else 0.3
    port = 8765
    var = Path(tempfile.mkdtemp(prefix="oversight-bench-"))
    kit_file = var / "kit.txt"
    env = env_for(var, port)
    subprocess.run(
        [PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run([PY, "-c", SETUP, str(kit_file)], cwd=ROOT, env=env, check=True)
    server = Server(var, port)
    server.start()
    try:
        # 1. sequential throughput (GET form + POST report), and the unloaded latency
        reporter = Reporter(port)
        n = int(60 * scale)
        start, cpu_start = time.perf_counter(), server.cpu_seconds()
        baseline, failed = in_turn(reporter, n)
        rate = len(baseline) / (time.perf_counter() - start)
        cpu_per_report = (server.cpu_seconds() - cpu_start) / n
        print(
            f"server CPU per report (form + submission): {cpu_per_report * 1000:.1f} ms, "
            f"so {2 / cpu_per_report:.0f} reports/s on 2 idle cores"
        )
        base_p95 = p(baseline, 0.95)
        print(
            f"sequential: {rate:.1f} reports/s (goal >= 30; GlobaLeaks 0.6)  "
            f"p50 {p(baseline, 0.5) * 1000:.0f} ms, p95 {base_p95 * 1000:.0f} ms, "
            f"errors {failed} of {n}"
        )
        # 2. eight concurrent reporters
        start = time.perf_counter()
        lat8, err8, _ = concurrent(port, 8, int(15 * scale) or 2)
        rate8 = len(lat8) / (time.perf_counter() - start)
        print(
            f"8 concurrent: p95 {p(lat8, 0.95) * 1000:.0f} ms (goal < 300), errors {err8}, "
            f"{rate8:.1f} reports/s"
        )
        # 3. fifty concurrent reporters
        start = time.perf_counter()
        lat50, err50, _ = concurrent(port, 50, 2)
        print(
            f"50 concurrent: errors {err50} of 100 (goal 0; GlobaLeaks 20-55 %), "
            f"p95 {p(lat50, 0.95) * 1000:.0f} ms, {100 / (time.perf_counter() - start):.1f} reports/s"
        )
        # 4. what a wrong receipt costs the server: 20 fresh clients send their free
        # guesses (the ones answered at once), the server's CPU time is divided by them
        cpu_before, guesses = server.cpu_seconds(), 0
        for i in range(20):
            guesser = Reporter(port, f"127.0.0.{30 + i}")
            for _ in range(abuse.Policy().free_failures):
                guesser.wrong_receipt()
                guesses += 1
        per_guess = (server.cpu_seconds() - cpu_before) / guesses
        print(
            f"server CPU per wrong receipt (page + guess): {per_guess * 1000:.1f} ms "
            f"(GlobaLeaks: about 750 ms of Argon2 per guess)"
        )
        # 5. a genuine reporter while 8 clients send wrong receipts, one connection
        # each (they wait for each answer), then while 8 addresses send them over 4
        # connections each: 32 at once, more than the 2 x 8 slots that hold answers
        for label, addresses, per_address in (
            ("8 clients x 1 connection", range(10, 18), 1),
            ("8 addresses x 4 connections", range(20, 28), 4),
        ):
            latencies, failed, attacks, answered, share = under_attack(
                server, [f"127.0.0.{a}" for a in addresses], per_address, 10 * scale
            )
            ratio = p(latencies, 0.95) / base_p95
            print(
                f"under attack ({label}): genuine p95 {p(latencies, 0.95) * 1000:.0f} ms "
                f"vs unloaded {base_p95 * 1000:.0f} ms = {ratio:.2f}x (goal < 2x; "
                f"GlobaLeaks 6-15x); {attacks['sent']} wrong receipts answered "
                f"({answered} while measured), {attacks['429']} refused with 429; "
                f"genuine reports refused: {failed}; the server used {share:.0%} of "
                f"the two cores, the attackers' own processes most of the rest"
            )
        # 6. memory
        print(
            f"memory: peak RSS of a server process {server.peak_memory_kib() / 1024:.0f} MiB (goal < 300)"
        )
        # 7. SIGKILL in the middle of a 50-reporter burst
        got: list[str] = []
        burst = threading.Thread(target=concurrent, args=(port, 50, 4, got))
        burst.start()
        while len(got) < 40 and burst.is_alive():
            time.sleep(0.01)
        server.kill()
        burst.join()
        server.start()
        checker = Reporter(port)
        opened = sum(checker.opens(r) for r in got)
        out = subprocess.run(
            [PY, "-c", CHECK, str(kit_file)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        stored, partial = (int(x) for x in out.stdout.split())
        print(
            f"SIGKILL mid-burst: {len(got)} receipts given, {opened} open after restart "
            f"(goal: all); {stored} cases stored, {partial} partial or unreadable (goal 0)"
        )
    finally:
        server.stop()
    logs = (var / "access.log").read_bytes() + (var / "error.log").read_bytes()
    leaks = {
        needle: logs.count(needle.encode()) for needle in ("127.0.0.", UA, "/report/")
    }
    print(f"logs: {len(logs)} bytes; hits {leaks} (goal all 0)")


if __name__ == "__main__":
    main()
