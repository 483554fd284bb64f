"""Oversight's settings: one module, driven by the environment.

Every value comes from an environment variable read through a helper that refuses a
bad value with a message naming it. ``SECRET_KEY`` is required whenever ``DEBUG`` is
off; there is no random default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OVERSIGHT_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"true", "on"}
_FALSE = {"false", "off"}


def env_bool(name: str, default: str) -> bool:
    """Read a boolean spelled ``true``/``false`` (or ``on``/``off``); refuse anything else."""
    raw = os.environ.get(name, default).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole number no smaller than ``minimum``."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}."
        ) from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def env_list(name: str, default: str) -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_secret(name: str, *, required: bool, default: str = "") -> str:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc}.") from None
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"{name} is required when DEBUG is off.")
    return default


DEBUG = env_bool("DEBUG", "false")
TESTING = env_bool("OVERSIGHT_TESTING", "false")

# Development and test keys are fixed, public and useless outside a laptop; production
# must bring its own.
SECRET_KEY = env_secret(
    "SECRET_KEY",
    required=not DEBUG,
    default="insecure-development-key-not-for-production",
)
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# The demo personas come with enrolled authenticators whose secrets are printed by
# `oversight demo`; a production deployment refuses to start with this on.
DEMO_MODE = env_bool("OVERSIGHT_DEMO", "false")
if DEMO_MODE and not DEBUG:
    raise ImproperlyConfigured("OVERSIGHT_DEMO must be off when DEBUG is off.")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security keys (WebAuthn): the relying party is the host people sign in at. A key is
# bound to the RP id when it is registered; changing it later orphans every key.
_site = urlsplit(SITE_URL)
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", _site.hostname or "localhost")
WEBAUTHN_ORIGIN = env_str("WEBAUTHN_ORIGIN", f"{_site.scheme}://{_site.netloc}").rstrip(
    "/"
)
WEBAUTHN_RP_NAME = env_str("WEBAUTHN_RP_NAME", "Oversight")
_origin_host = urlsplit(WEBAUTHN_ORIGIN).hostname or ""
if _origin_host != WEBAUTHN_RP_ID and not _origin_host.endswith("." + WEBAUTHN_RP_ID):
    raise ImproperlyConfigured(
        f"WEBAUTHN_RP_ID {WEBAUTHN_RP_ID!r} must be the host of WEBAUTHN_ORIGIN "
        f"{WEBAUTHN_ORIGIN!r} or a domain it belongs to."
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "oversight.accounts",
    "oversight.ledger",
    "oversight.committee",
    "oversight.charters",
    "oversight.compliance",
    "oversight.meetings",
    "oversight.auditors",
    "oversight.complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "oversight.accounts.middleware.security_headers",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "oversight.accounts.middleware.same_origin_from_fetch_metadata",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "oversight.accounts.middleware.session_idle_timeout",
    "oversight.accounts.middleware.require_mfa",
    "oversight.accounts.middleware.current_company",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "oversight.urls"
WSGI_APPLICATION = "oversight.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "oversight" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oversight.accounts.context_processors.shell",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'oversight.sqlite3'}")
try:
    _db: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL, conn_max_age=60))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # SQLite serialises writers; IMMEDIATE makes each transaction take the write lock up
    # front so the ledger's chain head is read and extended atomically.
    # WAL: readers never wait for the writer, and a commit costs one fsync instead of
    # several (3 ms instead of 16 ms here); synchronous=FULL keeps commits durable.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL",
    }
    # A connection per thread, kept: opening one and running its pragmas costs about
    # 3 ms, which is a quarter of a reporter's page.
    _db["CONN_MAX_AGE"] = 600
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL.")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling: failures per account and per client within the window.
SIGNIN_MAX_FAILURES_PER_ACCOUNT = env_int(
    "SIGNIN_MAX_FAILURES_PER_ACCOUNT", 5, minimum=1
)
SIGNIN_MAX_FAILURES_PER_CLIENT = env_int(
    "SIGNIN_MAX_FAILURES_PER_CLIENT", 20, minimum=1
)
SIGNIN_THROTTLE_WINDOW_SECONDS = env_int(
    "SIGNIN_THROTTLE_WINDOW_SECONDS", 900, minimum=1
)
REAUTH_MAX_AGE_SECONDS = env_int("REAUTH_MAX_AGE_SECONDS", 300, minimum=30)
INVITATION_MAX_AGE_HOURS = env_int("INVITATION_MAX_AGE_HOURS", 72, minimum=1)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365, minimum=1)

SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 1800, minimum=60)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_AGE_SECONDS", 12 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("BEHIND_TLS_PROXY", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "oversight" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "oversight" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_secret("EMAIL_HOST_PASSWORD", required=False),
        "use_tls": env_bool("EMAIL_USE_TLS", "false"),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "oversight@localhost")

# The ledger signs checkpoints with an Ed25519 key: a 32-byte seed, base64-encoded.
LEDGER_SIGNING_KEY = env_secret("LEDGER_SIGNING_KEY", required=False)
LEDGER_SIGNING_KEY_PATH = Path(
    env_str("LEDGER_SIGNING_KEY_PATH", str(VAR_DIR / "ledger-signing.key"))
)

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

OTP_TOTP_ISSUER = "Oversight"

NINJA_PAGINATION_PER_PAGE = 50

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_client_details": {"()": "oversight.accounts.logging.StripClientDetails"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_client_details"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger would print request lines with client addresses.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}

# The complaint channel: a receipt guesser's answers past its free failures are held
# back this many seconds (0: sent at once), in at most this many slots per process;
# keep the slots at least 4 below GUNICORN_THREADS so held answers never occupy
# every thread.
COMPLAINTS_TARPIT_SECONDS = env_int("COMPLAINTS_TARPIT_SECONDS", 1)
COMPLAINTS_TARPIT_SLOTS = env_int("COMPLAINTS_TARPIT_SLOTS", 8)
# Uploads on the reporter's routes: per file and per report, in bytes; attachment
# bodies are encrypted files in the blob directory (back it up with the database),
# uploads are spooled encrypted in the upload directory while their request lasts,
# and each case's shred key lives in the shred-key directory (never in backups
# of the database).
COMPLAINTS_MAX_FILE_BYTES = env_int(
    "COMPLAINTS_MAX_FILE_BYTES", 100 * 1024 * 1024, minimum=1
)
COMPLAINTS_MAX_REPORT_BYTES = env_int(
    "COMPLAINTS_MAX_REPORT_BYTES", 500 * 1024 * 1024, minimum=1
)
COMPLAINTS_BLOB_DIR = env_str("COMPLAINTS_BLOB_DIR", str(VAR_DIR / "complaint-blobs"))
COMPLAINTS_UPLOAD_TMP_DIR = env_str(
    "COMPLAINTS_UPLOAD_TMP_DIR", str(VAR_DIR / "complaint-uploads")
)
COMPLAINTS_SHRED_KEY_DIR = env_str(
    "COMPLAINTS_SHRED_KEY_DIR", str(VAR_DIR / "complaint-shred-keys")
)
