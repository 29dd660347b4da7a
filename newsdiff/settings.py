"""Settings for newsdiff: one module, driven by the environment.

Every knob a deployment turns is an environment variable; the defaults are a
local setup on an SQLite file beside manage.py, except where a default would be
unsafe in production: with DEBUG off there is no fallback SECRET_KEY, and the
HTTPS settings (SSL redirect, HSTS, Secure cookies) are on unless
NEWSDIFF_PLAIN_HTTP=1 says this is a local demo served over plain http
(`make demo` and `make serve` set it; the test settings too).
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "false")

# The shortest SECRET_KEY the app starts with when DEBUG is off. `check --deploy` (run before the production
# server starts, see README "Deploying") holds a deployment to Django's own bar: 50 characters, 5 distinct.
SECRET_KEY_MIN_LENGTH = 12
DEBUG_SECRET_KEY = "newsdiff-debug-only-key-never-used-with-debug-off"


def secret_key(debug: bool) -> str:
    """SECRET_KEY from the environment; with DEBUG off, a missing or short one is ImproperlyConfigured."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if debug and not key:
        return DEBUG_SECRET_KEY
    if not key:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off newsdiff needs a secret key in the environment variable "
            "SECRET_KEY (50 random characters or more), e.g. "
            "SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\". "
            "`make demo` and `make test` make a local one for you."
        )
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < 5 or key == DEBUG_SECRET_KEY:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak ({len(key)} characters, {len(set(key))} distinct): use 50 random "
            "characters or more, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    return key


SECRET_KEY = secret_key(DEBUG)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
# Origins allowed to POST (login, tagging) when the app is behind an HTTPS proxy: "https://newsdiff.example.org".
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# HTTPS. Production defaults: redirect http to https, HSTS for a year with subdomains and preload, cookies
# only over https. NEWSDIFF_PLAIN_HTTP=1 (a local demo on http://127.0.0.1) or DEBUG=1 turns the defaults off;
# each variable still overrides its own default.
HTTPS = not (DEBUG or envbool("NEWSDIFF_PLAIN_HTTP", "false"))
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(HTTPS))
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(HTTPS))
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(HTTPS))
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(HTTPS))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(HTTPS))
# Behind a proxy that terminates TLS: the header it sets to "https" on secure requests (X-Forwarded-Proto).
# Unset by default: trusting the header is only safe when the proxy always sets (or strips) it.
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "newsdiff",
]

MIDDLEWARE = [
    "newsdiff.middleware.DatabaseBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsdiff.nul.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): the pages load only the app's own scripts, styles, images and fonts;
# no inline script or style (newsdiff.js holds every handler; data-driven widths are SVG geometry, shades
# classes), no eval, no plugins, no framing, forms post only here. htmx is told not to inject its indicator
# <style> (templates/base.html, <meta name="htmx-config">).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Admin login throttling (django-axes): AXES_FAILURE_LIMIT failed logins for one username from one client
# address lock that pair out for AXES_COOLOFF_HOURS (429 and a message); a success resets the count.
# Locking by the pair (not the username alone) keeps a stranger from locking an editor out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(hours=float(os.environ.get("AXES_COOLOFF_HOURS", 1)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "newsdiff/locked_out.html"
# Behind a proxy every request comes from the proxy's address: CLIENT_IP_HEADER names the header in which the
# proxy passes the client's address (X-Real-IP in the README's nginx snippet). Unset: REMOTE_ADDR.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip()
AXES_CLIENT_IP_CALLABLE = "newsdiff.security.client_ip"

ROOT_URLCONF = "newsdiff.urls"
WSGI_APPLICATION = "newsdiff.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers never wait for the writer (WAL); a writer waits for the lock up to `timeout` seconds, longer
    # than any write transaction the app makes (an alignment's write is the longest: it is held through the
    # grouping it runs beside, 13-19 s at 1,000 articles), and takes the lock when its transaction begins
    # (IMMEDIATE), so two writers queue instead of failing midway.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", 60)),
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        # Inline by default so the demo needs no worker; TASKS_BACKEND=django_tasks_db.DatabaseBackend
        # queues jobs for `manage.py db_worker` instead.
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
        "QUEUES": ["default"],
    }
}
# May a web request (the admin's "Run alignment") run a job inline when the backend above is inline? Yes off
# production (DEBUG, or NEWSDIFF_PLAIN_HTTP=1: the local demo has no worker); in production no: the action
# refuses and says how to run the worker, and `check --deploy` refuses an inline backend (newsdiff.queueing).
NEWSDIFF_INLINE_JOBS = envbool("NEWSDIFF_INLINE_JOBS", str(not HTTPS))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))  # where collectstatic writes
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# A running alignment job writes a heartbeat at each phase and progress step; one silent for longer than
# this (seconds) is taken for dead: the next alignment of its story, or `manage.py reap_jobs`, marks it failed
# (a job in a live process of this host gets ten times longer; one whose process is gone, none).
NEWSDIFF_JOB_HEARTBEAT_LIMIT = int(os.environ.get("NEWSDIFF_JOB_HEARTBEAT_LIMIT", 300))

# Ingest refuses article files larger than this (bytes).
NEWSDIFF_MAX_ARTICLE_BYTES = int(os.environ.get("NEWSDIFF_MAX_ARTICLE_BYTES", 2 * 1024 * 1024))
# Processes that encode a story folder's passages at ingest (newsdiff.encoder_pool); 0: one per CPU this
# process may use. With a queued TASKS_BACKEND each article is encoded by a task on the workers instead.
NEWSDIFF_ENCODE_WORKERS = int(os.environ.get("NEWSDIFF_ENCODE_WORKERS", 0))
if NEWSDIFF_ENCODE_WORKERS < 0:
    raise ImproperlyConfigured("NEWSDIFF_ENCODE_WORKERS must be 0 (one per CPU) or a number of processes")
# add_article: seconds to wait for a page, in all (a slow server is refused, never waited on).
NEWSDIFF_FETCH_TIMEOUT = float(os.environ.get("NEWSDIFF_FETCH_TIMEOUT", 15))
# Fetch pages from local and private addresses too (an intranet's); off: an editor's URL is fetched
# by the server, which must not be made to reach the database or a metadata service.
NEWSDIFF_FETCH_PRIVATE = os.environ.get("NEWSDIFF_FETCH_PRIVATE", "0") == "1"

# Logs go to stdout, one line each: "2024-03-01 12:00:00,123 WARNING newsdiff.middleware 503 for GET /...".
# gunicorn writes its access log to stdout in its own format (`--access-logfile -`).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "line"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own request log repeats every 4xx; the access log has them. Errors (5xx) still show.
    "loggers": {"django.request": {"level": "ERROR"}, "django.server": {"level": "ERROR"},
                "axes": {"level": "WARNING"}},  # axes logs every start and every attempt at INFO
}
