"""Helpers for the browser tests: Debian's Chromium driven by Playwright.

The fixtures in ``conftest.py`` are thin wrappers around these functions:

- :func:`launch_chromium` starts ``/usr/bin/chromium`` headless with the flags
  that keep it off the network (this machine has none beyond a few registries,
  and Chromium's background services would otherwise try to reach Google).
- :func:`guarded_page` opens a fresh browser context and page whose every
  request is recorded by a :class:`NetworkGuard`. Requests to any host other
  than ``127.0.0.1`` or ``localhost`` are aborted before they leave the
  machine, and fail the test when the page closes, as do Content Security
  Policy violations and uncaught JavaScript errors.
- :func:`axe_check` runs axe-core (vendored in ``vendor/axe.min.js``) on the
  page and returns its serious and critical violations.
- :func:`screenshot` saves a full-page PNG under ``artifacts/screenshots/``.

About axe under the app's strict CSP: ``page.add_script_tag(path=...)`` inserts
an inline ``<script>``, which a CSP without ``'unsafe-inline'`` blocks (the
self-test shows it). :func:`axe_check` therefore hands the file's text to
``page.evaluate``, which Playwright runs through the DevTools protocol, outside
the page's CSP. The browser context keeps enforcing the CSP (no ``bypass_csp``),
so a page that breaks its own policy still fails its test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Page,
        Playwright,
        Request,
        Route,
        WebError,
        WebSocket,
    )

CHROMIUM = Path("/usr/bin/chromium")

# Headless, and nothing that phones home: as root Chromium needs --no-sandbox;
# the rest stop background networking (component updates, sync, QUIC probes,
# first-run pages). Playwright adds a fresh temporary --user-data-dir itself
# for every launch (it refuses one passed in ``args``).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})

# Schemes that never leave the browser.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome-error"})

REPO_ROOT = Path(__file__).resolve().parents[3]
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# Everything is served from this machine: a locator or navigation that has not
# succeeded in this time will not (Playwright's default is 30 s).
DEFAULT_TIMEOUT_MS = 10_000

# Impacts axe-core reports, mildest first; tests fail on these two.
BLOCKING_IMPACTS = ("serious", "critical")

CONTEXT_DEFAULTS: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 800},
    "locale": "en-US",
    "timezone_id": "UTC",
    "reduced_motion": "reduce",
    "service_workers": "block",
}


def in_ci() -> bool:
    """True when running under CI (``CI`` set to anything but empty/0/false)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def launch_chromium(playwright: Playwright) -> Browser:
    """Start Debian's Chromium, headless and off the network."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=list(CHROMIUM_ARGS),
    )


def is_loopback(url: str) -> bool:
    """Whether a request to ``url`` stays on this machine."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.hostname in LOOPBACK_HOSTS


class BrowserProblem(AssertionError):
    """A page did something a test of ours must never accept."""


@dataclass
class NetworkGuard:
    """Records what the pages of one browser context did.

    ``requests`` holds every URL requested, in order; ``foreign`` the ones that
    went to a host other than loopback (those are aborted, never sent);
    ``csp_violations`` and ``page_errors`` what the console and the pages
    reported.
    """

    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._on_request)
        context.on("console", self._on_console)
        context.on("weberror", self._on_web_error)
        context.on("page", self._on_page)
        context.route("**/*", self._route)

    def problems(self) -> list[str]:
        return (
            [f"request to a non-loopback host: {url}" for url in self.foreign]
            + [
                f"Content Security Policy violation: {text}"
                for text in self.csp_violations
            ]
            + [f"uncaught error in the page: {text}" for text in self.page_errors]
        )

    def check(self) -> None:
        """Raise :class:`BrowserProblem` naming everything that went wrong."""
        problems = self.problems()
        if problems:
            raise BrowserProblem("\n".join(problems))

    def _note(self, url: str) -> None:
        self.requests.append(url)
        if not is_loopback(url) and url not in self.foreign:
            self.foreign.append(url)

    def _on_request(self, request: Request) -> None:
        self._note(request.url)

    def _on_websocket(self, websocket: WebSocket) -> None:
        self._note(websocket.url)

    def _on_page(self, page: Page) -> None:
        page.on("websocket", self._on_websocket)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def _on_web_error(self, error: WebError) -> None:
        self.page_errors.append(str(error.error))

    @staticmethod
    def _route(route: Route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")


@contextmanager
def guarded_page(
    browser: Browser, **context_options: Any
) -> Iterator[tuple[Page, NetworkGuard]]:
    """A page in a fresh browser context, watched by a :class:`NetworkGuard`.

    On leaving the block the context is closed, and if the block finished
    normally, :meth:`NetworkGuard.check` raises on any foreign request, CSP
    violation or uncaught page error.
    """
    context = browser.new_context(**{**CONTEXT_DEFAULTS, **context_options})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    guard = NetworkGuard()
    guard.attach(context)
    try:
        page = context.new_page()
        yield page, guard
    finally:
        context.close()
    guard.check()


@dataclass(frozen=True)
class Violation:
    """One axe-core rule a page breaks, with the elements that break it."""

    rule: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.targets[:5])
        more = f" (+{len(self.targets) - 5} more)" if len(self.targets) > 5 else ""
        return f"[{self.impact}] {self.rule}: {self.help} at {where}{more} ({self.help_url})"


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


_RUN_AXE = """async (impacts) => {
    const result = await window.axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter((v) => impacts.includes(v.impact))
        .map((v) => ({
            rule: v.id,
            impact: v.impact,
            help: v.help,
            help_url: v.helpUrl,
            targets: v.nodes.map((n) => n.target.join(" ")),
        }));
}"""


def axe_check(
    page: Page, impacts: tuple[str, ...] = BLOCKING_IMPACTS
) -> list[Violation]:
    """Run axe-core on the page as it is now; return the violations of ``impacts``.

    A test asserts the result is empty: ``assert not axe_check(page), ...``.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        # Outside the page's CSP, see the module docstring.
        page.evaluate(_axe_source())
    found = page.evaluate(_RUN_AXE, list(impacts))
    return [
        Violation(
            rule=v["rule"],
            impact=v["impact"],
            help=v["help"],
            help_url=v["help_url"],
            targets=tuple(v["targets"]),
        )
        for v in found
    ]


def format_violations(violations: list[Violation]) -> str:
    """A readable assertion message."""
    return "axe-core found:\n" + "\n".join(f"  {v}" for v in violations)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as ``artifacts/screenshots/<name>.png``; return its path."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "page"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{slug}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, base: str, email: str) -> None:
    """Sign a persona in through the pages: password, then the current authenticator code."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from oversight.testing import PASSWORD

    page.goto(base + "/accounts/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/verify/**")
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    page.get_by_label("Code from your authenticator app").fill(
        f"{totp(device.bin_key):06d}"
    )
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(base + "/")
