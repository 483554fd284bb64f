"""gunicorn settings for Oversight in production: ``gunicorn -c deploy/gunicorn.conf.py oversight.wsgi``.

The access log never records who is asking: no client address, no user agent, no
referrer. Only the time, the method and path (without the query string), the status,
the size and the duration are written. This holds for every route, so the anonymous
complaint channel leaves no trace of its reporters here either; the logger class below
goes further for it: no access line at all for ``/report/`` routes, and client addresses
and reporter paths masked in the error log (gunicorn names the address of a malformed
request there).
"""

from __future__ import annotations

import os
import secrets

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "12"))
# The app keeps its held answers (the complaint channel's tarpit) 4 below this.
os.environ["GUNICORN_THREADS"] = str(threads)
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# %(t)s time, %(m)s method, %(U)s path without query, %(s)s status, %(B)s bytes, %(M)s ms.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logger_class = "oversight.complaints.logging.PrivateAccessLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Never echo request headers into error logs.
capture_output = False
proc_name = "oversight"


def on_starting(server: object) -> None:
    """Draw the complaint channel's challenge-binding seed once, in the arbiter, before
    any worker is forked: every worker shares it, and it lives only in memory, so it is
    gone when the server stops (oversight/complaints/conf.py reads it)."""
    os.environ["OVERSIGHT_POW_BINDING_SEED"] = secrets.token_hex(32)
