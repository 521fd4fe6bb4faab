"""The one settings module of fonds.

Every value an operator may change is read from an environment variable named
``FONDS_*``. Each one is declared through :func:`_env` with its default and a
sentence of documentation; ``docs/configuration.md`` lists them all and a test
fails when one is missing there.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

ENVIRONMENT_VARIABLES: dict[str, tuple[str, str]] = {}


def _env(name: str, default: str, doc: str) -> str:
    ENVIRONMENT_VARIABLES[name] = (default, doc)
    return os.environ.get(name, default)


def _flag(name: str, default: bool, doc: str) -> bool:
    value = _env(name, "true" if default else "false", doc)
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent

FONDS_HOME = Path(
    _env("FONDS_HOME", "./fonds-data", "Data folder: the SQLite database, secret key, uploads.")
).resolve()

DEBUG = _flag("FONDS_DEBUG", False, "Show Django's debug pages. Never in production.")

ALLOWED_HOSTS = [
    h.strip()
    for h in _env(
        "FONDS_ALLOWED_HOSTS",
        "127.0.0.1,localhost,[::1],testserver",
        "Comma-separated host names the site answers to.",
    ).split(",")
    if h.strip()
]


def _secret_key() -> str:
    explicit = os.environ.get("FONDS_SECRET_KEY")
    if explicit:
        return explicit
    key_file = FONDS_HOME / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        pass
    try:
        FONDS_HOME.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key
    except OSError:
        # A read-only data folder: a per-process key still lets read-only commands run.
        return secrets.token_urlsafe(50)


_env(
    "FONDS_SECRET_KEY",
    "(generated once into FONDS_HOME/secret_key)",
    "Django's secret key for sessions and CSRF tokens.",
)
SECRET_KEY = _secret_key()

DATABASES = {
    "default": dj_database_url.parse(
        _env(
            "FONDS_DATABASE_URL",
            f"sqlite:///{FONDS_HOME / 'fonds.sqlite3'}",
            "Database URL: sqlite:///path or postgres://user:pass@host:port/name.",
        ),
        conn_max_age=600,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while a finding aid loads; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing half-way.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=30000;PRAGMA temp_store=MEMORY"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

FONDS_LOAD_BATCH_SIZE = int(
    _env("FONDS_LOAD_BATCH_SIZE", "2000", "Components written to the database per batch.")
)

FONDS_SEARCH_BACKEND = _env(
    "FONDS_SEARCH_BACKEND",
    "embedded",
    "Search backend: embedded (a tantivy index in FONDS_INDEX_DIR).",
)
FONDS_INDEX_DIR = Path(
    _env("FONDS_INDEX_DIR", str(FONDS_HOME / "index"), "Folder of the embedded search index.")
).resolve()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "fonds.findingaids",
    "fonds.authorities",
    "fonds.timeline",
    "fonds.bibliography",
    "fonds.pages",
    "fonds.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fonds.urls"
WSGI_APPLICATION = "fonds.wsgi.application"

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
                "fonds.pages.context_processors.archive",
            ],
        },
    },
]

ARCHIVE_NAME = _env(
    "FONDS_ARCHIVE_NAME",
    "Archive of the American Soviet Jewry Movement",
    "The archive's name, shown in every page header and in exports.",
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = FONDS_HOME / "static"
try:  # WhiteNoise warns about a missing STATIC_ROOT; collectstatic fills it for production
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
