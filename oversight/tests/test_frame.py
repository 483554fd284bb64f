"""The frame: security headers, error pages, settings from the environment, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/sign-in/", "/", "/api/v1/openapi.json", "/no-such-page/"]
)
def test_every_response_carries_the_security_headers(path, personas) -> None:
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached(client_for) -> None:
    assert client_for("ada").get(reverse("dashboard"))["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_error_pages_speak_plainly(client_for, settings) -> None:
    response = client_for("ada").get("/no-such-page/")
    assert response.status_code == 404
    assert b"There is nothing here, or it is not yours to see." in response.content


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "OVERSIGHT_DEMO",
            "DATABASE_URL",
        }
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='oversight.settings'; django.setup(); print('ok')",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY is required when DEBUG is off"),
        (
            {"DEBUG": "false", "SECRET_KEY": "short"},
            "SECRET_KEY must be at least 50 characters",
        ),
        ({"DEBUG": "false", "SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS is required"),
        ({"DEBUG": "yes"}, "DEBUG must be 'true' or 'false', not 'yes'"),
        (
            {"DEBUG": "true", "SESSION_IDLE_TIMEOUT_SECONDS": "soon"},
            "SESSION_IDLE_TIMEOUT_SECONDS must be a whole number",
        ),
        (
            {"DEBUG": "true", "DATABASE_URL": "mysql://x/y"},
            "DATABASE_URL must point at SQLite or PostgreSQL",
        ),
        (
            {
                "DEBUG": "false",
                "SECRET_KEY": "k" * 60,
                "ALLOWED_HOSTS": "x.example",
                "OVERSIGHT_DEMO": "true",
            },
            "OVERSIGHT_DEMO must be off",
        ),
    ],
)
def test_a_bad_setting_stops_start_up_and_names_itself(env, message) -> None:
    result = _settings_with(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_start_with_good_values() -> None:
    result = _settings_with(
        {
            "DEBUG": "false",
            "SECRET_KEY": "k" * 60,
            "ALLOWED_HOSTS": "oversight.example.com",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "oversight"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "DEBUG": "true"},
    )


def test_cli_help_explains_each_verb() -> None:
    result = _cli("--help")
    assert result.returncode == 0
    assert "ledger" in result.stdout and "demo" in result.stdout


@pytest.mark.parametrize(
    "args", [[], ["no-such-verb"], ["ledger"], ["ledger", "verify", "--no-such-flag"]]
)
def test_cli_bad_arguments_exit_2_with_a_message(args) -> None:
    result = _cli(*args)
    assert result.returncode == 2
    assert result.stderr or result.stdout


def test_cli_names_a_missing_setting_instead_of_a_traceback() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "oversight"), "totp", "ada@oss.example"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**env, "DEBUG": "false"},
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "oversight: SECRET_KEY is required when DEBUG is off."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("origin", "fetch_site", "expected"),
    [
        ("null", "same-origin", 302),  # a same-origin form post under no-referrer
        ("null", "cross-site", 403),
        ("null", None, 403),
        ("http://evil.example", "cross-site", 403),
    ],
)
def test_csrf_accepts_same_origin_posts_proven_by_fetch_metadata(
    origin, fetch_site, expected, personas
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    headers = {
        "HTTP_ORIGIN": origin,
        "HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value,
    }
    if fetch_site:
        headers["HTTP_SEC_FETCH_SITE"] = fetch_site
    response = client.post(
        reverse("accounts:login"),
        {"email": "ada@oss.example", "password": "correct-horse-battery-2026"},
        **headers,
    )
    assert response.status_code == expected


def test_no_two_apps_define_the_same_management_command() -> None:
    """Django runs only one of two same-named commands, silently; names must be unique."""
    from collections import Counter

    from django.apps import apps

    names: Counter[str] = Counter()
    for config in apps.get_app_configs():
        folder = Path(config.path) / "management" / "commands"
        if config.name.startswith("oversight.") and folder.is_dir():
            names.update(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    assert [name for name, count in names.items() if count > 1] == []
