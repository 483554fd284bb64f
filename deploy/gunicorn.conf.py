"""gunicorn settings for Oversight: nothing about a client reaches a log.

Run: ``gunicorn -c deploy/gunicorn.conf.py oversight.wsgi``

- The access log has no client address (``%(h)s``), no user agent (``%(a)s``), no
  referrer and no query string; reporter routes (``/report/``) are not logged at all.
- The error log stays at WARNING: gunicorn's debug lines name client addresses.
- Put no proxy that logs addresses in front of the reporter routes; see
  docs/complaints.md ("Deployment").
"""

import os

bind = os.environ.get("OVERSIGHT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("OVERSIGHT_WORKERS", "2"))
threads = int(os.environ.get("OVERSIGHT_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200

accesslog = os.environ.get("OVERSIGHT_ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logger_class = "oversight.complaints.logging.PrivateAccessLogger"
errorlog = "-"
loglevel = "warning"
capture_output = False
forwarded_allow_ips = ""
proxy_allow_ips = ""
