"""Logging that cannot betray a reporter.

- ``ReporterRouteFilter`` drops Django's request records about ``/report/`` paths (a
  path and an instant are enough to correlate with a proxy log) and strips anything
  else attached to a request. Attached to ``django.request`` and ``django.server`` by
  the app's ``ready()``, so no settings change is needed.
- ``PrivateAccessLogger`` is gunicorn's logger without client details: no access line
  at all for reporter routes, and a format without address or user agent for the rest
  (``deploy/gunicorn.conf.py``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]  # no stubs published

from oversight.accounts.logging import StripClientDetails

REPORTER_PREFIX = "/report/"
ACCESS_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class ReporterRouteFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", "") or ""
        message = record.getMessage() if record.args is not None else str(record.msg)
        if path.startswith(REPORTER_PREFIX) or REPORTER_PREFIX in message:
            return False
        if request is not None:
            record.request = None
        return True


class ScrubErrorLog(logging.Filter):
    """Mask client addresses and reporter paths in gunicorn's error log.

    gunicorn writes ``Invalid request from ip=...`` at WARNING for a malformed request,
    and the path of a request that failed; both could point at a reporter.
    """

    _PATH = re.compile(r"/report/\S*")

    def filter(self, record: logging.LogRecord) -> bool:
        StripClientDetails().filter(record)
        if isinstance(record.msg, str):
            record.msg = self._PATH.sub("/report/[...]", record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(
                self._PATH.sub("/report/[...]", a) if isinstance(a, str) else a
                for a in args
            )
        return True


class PrivateAccessLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types
    """gunicorn's logger, minus every access line of a reporter route, errors scrubbed."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(ScrubErrorLog())

    def access(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> None:
        if str(environ.get("PATH_INFO", "")).startswith(REPORTER_PREFIX):
            return
        super().access(resp, req, environ, request_time)


def install() -> None:
    for name in ("django.request", "django.server", "django.security"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, ReporterRouteFilter) for f in logger.filters):
            logger.addFilter(ReporterRouteFilter())
