# mypy: disable-error-code="no-untyped-call"
# (test helpers are untyped by the project's test override; calling them is fine)
"""No client address, user agent or reporter path in any log."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.glogging import Logger  # type: ignore[import-untyped]  # no stubs published

from oversight.complaints.logging import (
    ACCESS_FORMAT,
    PrivateAccessLogger,
    ReporterRouteFilter,
)

CONF = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"


def _record(path, message="Not Found: %s"):
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, message, (path,), None
    )
    record.request = SimpleNamespace(path=path, META={"REMOTE_ADDR": "192.0.2.9"})
    return record


def test_django_records_about_reporter_routes_are_dropped():
    assert (
        ReporterRouteFilter().filter(_record("/report/one-stop-systems/follow-up/"))
        is False
    )


def test_other_records_lose_their_request():
    record = _record("/complaints/")
    assert ReporterRouteFilter().filter(record) is True
    assert record.request is None


def test_the_filter_is_installed_on_djangos_request_logger(settings):
    assert any(
        isinstance(f, ReporterRouteFilter)
        for f in logging.getLogger("django.request").filters
    )


def test_the_shipped_gunicorn_config_logs_no_client_details():
    conf = runpy.run_path(str(CONF))
    assert conf["access_log_format"] == ACCESS_FORMAT
    for atom in ("%(h)s", "%(a)s", "%(f)s", "%(q)s", "%(r)s", "%(u)s", "}i)s", "}e)s"):
        assert atom not in conf["access_log_format"]
    assert conf["logger_class"] == "oversight.complaints.logging.PrivateAccessLogger"


def test_the_gunicorn_error_log_masks_addresses_and_reporter_paths(capsys):
    from gunicorn.config import Config  # type: ignore[import-untyped]  # no stubs published

    logger = PrivateAccessLogger(Config())
    logger.warning("Invalid request from ip=192.0.2.9: bad header")
    logger.exception(
        "Error handling request %s %s", "POST", "/report/one-stop-systems/case/"
    )
    err = capsys.readouterr().err
    assert "192.0.2.9" not in err
    assert "one-stop-systems" not in err
    assert "[address]" in err


@pytest.mark.parametrize(
    ("path", "logged"), [("/report/x/", False), ("/complaints/", True)]
)
def test_the_gunicorn_logger_skips_reporter_routes(monkeypatch, path, logged):
    calls = []
    monkeypatch.setattr(Logger, "access", lambda self, *args: calls.append(args))
    logger = PrivateAccessLogger.__new__(PrivateAccessLogger)
    logger.access(None, None, {"PATH_INFO": path, "REMOTE_ADDR": "192.0.2.9"}, 0)
    assert bool(calls) is logged
