"""Gaoxin settings.

The embedded default needs nothing but Python: SQLite in WAL mode, an in-process cache and a SQLite-backed
task queue, all under ``GAOXIN_DATA_DIR`` (default ``./var``). Production selects its services from the
environment:

- ``DATABASE_URL``   e.g. ``postgres://gaoxin@db:5432/gaoxin`` (PostgreSQL through psycopg 3)
- ``REDIS_URL``      e.g. ``redis://cache:6379/0`` (cache, sessions and the task queue)
- ``GAOXIN_ENV=production`` with ``GAOXIN_SECRET_KEY`` and ``GAOXIN_ALLOWED_HOSTS`` for a deployment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Django's generic classes (``admin.ModelAdmin[Case]`` …) accept the type parameters the stubs give them.
django_stubs_ext.monkeypatch(include_builtins=False)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GAOXIN_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = os.environ.get("GAOXIN_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
TESTING = "pytest" in sys.modules or os.environ.get("GAOXIN_TESTING") == "1"

if PRODUCTION and not os.environ.get("GAOXIN_SECRET_KEY"):
    raise RuntimeError("GAOXIN_SECRET_KEY must be set when GAOXIN_ENV=production")
SECRET_KEY = os.environ.get("GAOXIN_SECRET_KEY", "gaoxin-development-only-key-never-use-in-production-3f9a1c")
DEBUG = os.environ.get("GAOXIN_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("GAOXIN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("GAOXIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

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
    "huey.contrib.djhuey",
    "gaoxin.core",
    "gaoxin.accounts",
    "gaoxin.grids",
    "gaoxin.cases",
    "gaoxin.enterprises",
    "gaoxin.indicators",
    "gaoxin.reports",
    "gaoxin.simulation",
    "gaoxin.web",
    "gaoxin.api",
    "gaoxin.hotline",
    "gaoxin.notify",
    "gaoxin.ledgers",
    "gaoxin.land",
    "gaoxin.projects",
    "gaoxin.innovation",
    "gaoxin.talent",
    "gaoxin.policies",
    "gaoxin.finance",
    "gaoxin.compute",
]

# What a case event sets off outside the case engine, called by it in the transaction of the change
# (gaoxin.cases.effects): the 12345 reply outbox; the text messages to handlers, grid workers and reporters.
GAOXIN_CASE_EFFECTS = ["gaoxin.hotline.outbox.case_event_recorded", "gaoxin.notify.capture.case_event_recorded"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gaoxin.web.csp.ContentSecurityPolicyMiddleware",
    "gaoxin.web.middleware.VaryOnHtmxMiddleware",
]

ROOT_URLCONF = "gaoxin.urls"
WSGI_APPLICATION = "gaoxin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gaoxin.projects.navigation.links",
            ],
        },
    },
]


def database_config(url: str | None, data_dir: Path) -> dict:
    """PostgreSQL (or any dj-database-url URL) if given, else embedded SQLite in WAL mode."""
    if url:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=int(os.environ.get("GAOXIN_DB_CONN_MAX_AGE", "60"))))
        config["CONN_HEALTH_CHECKS"] = True
        if config["ENGINE"] == "django.db.backends.postgresql":
            # Parameters bound by the server, and a statement run five times on a connection is prepared there:
            # PostgreSQL then skips parsing and planning it (the intake's statements cost about half the server
            # CPU they did; docs/PERFORMANCE.md, API intake).
            config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": data_dir / "gaoxin.sqlite3",
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of deadlocking on upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
            ),
        },
    }


DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"), DATA_DIR)}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Each pytest-xdist worker keeps its own keys, so one worker's cleanup never touches another's.
            "KEY_PREFIX": f"gaoxin-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}" if TESTING else "gaoxin",
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": f"gaoxin-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}" if TESTING else "gaoxin",
        "url": REDIS_URL,
        "immediate": TESTING,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gaoxin"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gaoxin",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": TESTING,
        "consumer": {"workers": 1, "worker_type": "thread"},
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gaoxin.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Argon2id first (memory-hard); the others only verify old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if TESTING:
    # Hashing cost is not what the tests measure; lockout and roles are.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed-login lockout: after LOCKOUT_THRESHOLD consecutive failures the account is locked for
# LOCKOUT_MINUTES; a correct password during the lock is refused too.
GAOXIN_LOCKOUT_THRESHOLD = int(os.environ.get("GAOXIN_LOCKOUT_THRESHOLD", "5"))
GAOXIN_LOCKOUT_MINUTES = int(os.environ.get("GAOXIN_LOCKOUT_MINUTES", "15"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("GAOXIN_STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("GAOXIN_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions and cookies: strict by default, HTTPS-only in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("GAOXIN_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("GAOXIN_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    USE_X_FORWARDED_HOST = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GAOXIN_LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING"}},
}

# Optional map tiles (offline by default: polygons on a plain background).
GAOXIN_TILE_URL = os.environ.get("GAOXIN_TILE_URL", "")

# --- Web app (gaoxin.web): front-end libraries and Content-Security-Policy --------------------------------------
# htmx, ECharts and Leaflet are pinned npm packages (package.json / package-lock.json) installed by `npm ci` into
# ./node_modules. The vendor finder serves exactly the dist files the pages use under /static/vendor/ (the whole
# ECharts dist is 46 MB; collecting and compressing it on every `gaoxin serve` would be waste). No CDN.
GAOXIN_NODE_MODULES = Path(os.environ.get("GAOXIN_NODE_MODULES", BASE_DIR.parent / "node_modules"))
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "gaoxin.web.vendor.VendorFinder",
]
# Uploads through the web pages (photos): images only, checked by their magic bytes.
GAOXIN_WEB_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# Public reporting page: reports per client IP per hour (one count for all workers: core.ratelimit, Redis or the DB).
GAOXIN_PUBLIC_REPORTS_PER_HOUR = int(os.environ.get("GAOXIN_PUBLIC_REPORTS_PER_HOUR", "5"))

# 一码管地: the county-level code (县级行政区划代码) every 不动产单元代码 of the zone starts with (GB/T 37346).
GAOXIN_LAND_COUNTY_CODE = os.environ.get("GAOXIN_LAND_COUNTY_CODE", "410171")
# The city compute network: the prefix of the job names the broker gives the schedulers (``{prefix}-{number}-{seq}``;
# after a restart it finds its jobs by these names, so two platforms sharing a cluster need different prefixes).
GAOXIN_COMPUTE_JOB_PREFIX = os.environ.get("GAOXIN_COMPUTE_JOB_PREFIX", "gx")
