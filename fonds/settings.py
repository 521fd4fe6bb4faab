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
SQLITE_BUSY_SECONDS = float(
    _env(
        "FONDS_SQLITE_BUSY_SECONDS",
        "30",
        "On SQLite, how long a write waits for another to finish (a finding aid loading) "
        "before it gives up; the portal then answers 503, try again.",
    )
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while a finding aid loads; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing half-way.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)};PRAGMA temp_store=MEMORY"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_SECONDS,
    }

REPLICA_URLS = [
    url.strip()
    for url in _env(
        "FONDS_DATABASE_REPLICA_URLS",
        "",
        "Comma-separated URLs of PostgreSQL streaming replicas of FONDS_DATABASE_URL: "
        "pages and searches read from them, writes go to the primary.",
    ).split(",")
    if url.strip()
]
for _number, _url in enumerate(REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = dj_database_url.parse(_url, conn_max_age=600)
    # tests run on the primary alone: a replica mirrors it
    DATABASES[f"replica{_number}"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["fonds.routing.ReplicaRouter"] if REPLICA_URLS else []
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # no JIT compilation: a search that counts facets over many rows passes
        # jit_above_cost and spends more compiling than the plan then saves
        _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"

FONDS_LOAD_BATCH_SIZE = int(
    _env("FONDS_LOAD_BATCH_SIZE", "2000", "Components written to the database per batch.")
)

_on_postgres = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
FONDS_SEARCH_BACKEND = _env(
    "FONDS_SEARCH_BACKEND",
    # on PostgreSQL the index is a table of the database: replicas serve it too
    "postgres" if _on_postgres else "embedded",
    "Search backend: embedded (a tantivy index in FONDS_INDEX_DIR) or postgres "
    "(full-text search in the PostgreSQL database; needs FONDS_DATABASE_URL on PostgreSQL). "
    "Default: postgres when FONDS_DATABASE_URL is PostgreSQL, else embedded.",
).strip()
FONDS_INDEX_DIR = Path(
    _env("FONDS_INDEX_DIR", str(FONDS_HOME / "index"), "Folder of the embedded search index.")
).resolve()

FONDS_EAD_DOWNLOAD_MAX_MB = int(
    _env(
        "FONDS_EAD_DOWNLOAD_MAX_MB",
        "50",
        "Largest EAD file (MB) the portal prepares for download on request.",
    )
)

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
    "fonds.linked",
    "fonds.workflow",
    "simple_history",
    "fonds.staff",
    "fonds.guides",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fonds.security.SecurityHeadersMiddleware",
    "fonds.routing.PinPrimaryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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

ARCHIVE_DESCRIPTION = _env(
    "FONDS_ARCHIVE_DESCRIPTION",
    "Records of the national and grassroots organizations, and of the individuals, who "
    "campaigned from the 1960s to the 1990s for the freedom of Jews in the Soviet Union to "
    "live as Jews and to emigrate.",
    "The sentence under the archive's name on the home page (empty: none).",
)
SEARCH_EXAMPLES = [
    example.strip()
    for example in _env(
        "FONDS_SEARCH_EXAMPLES",
        "Sharansky, Щаранский, Helsinki, rally",
        "Comma-separated examples shown in the home page's search box (empty: none).",
    ).split(",")
    if example.strip()
]

ARCHIVE_ACCENT_COLOUR = _env(
    "FONDS_ARCHIVE_ACCENT_COLOUR",
    "#0b4f8a",
    "Colour of links and buttons (a CSS hex colour such as #0b4f8a).",
)
ARCHIVE_HEADER_COLOUR = _env(
    "FONDS_ARCHIVE_HEADER_COLOUR", "#1d2330", "Background colour of the page header."
)
ARCHIVE_LOGO_URL = _env(
    "FONDS_ARCHIVE_LOGO_URL",
    "",
    "Address of the archive's logo, shown in the header (empty: the name alone).",
)

BASE_URL = _env(
    "FONDS_BASE_URL",
    "http://127.0.0.1:8000",
    "The portal's public address, for absolute links in exports, OAI-PMH, sitemaps and "
    "linked data (no trailing slash).",
).rstrip("/")
OAI_REPOSITORY_IDENTIFIER = _env(
    "FONDS_OAI_IDENTIFIER",
    "soviet-jewry-movement.example.org",
    "The repository identifier in OAI-PMH identifiers (oai:IDENTIFIER:collection/ID).",
)
ADMIN_EMAIL = _env(
    "FONDS_ADMIN_EMAIL", "archive@example.org", "Contact address given in OAI-PMH Identify."
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

# -- staff sign-in: sessions, passwords, the sign-in limit (fonds.staff)
SESSION_COOKIE_AGE = 3600 * int(
    _env("FONDS_SESSION_HOURS", "8", "Hours a staff sign-in lasts before it must be renewed.")
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = _flag(
    "FONDS_SESSION_EXPIRE_AT_BROWSER_CLOSE",
    True,
    "End a staff sign-in when the browser closes, even before FONDS_SESSION_HOURS.",
)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["fonds.staff.backends.LimitedModelBackend"]
FONDS_SIGNIN_ATTEMPTS = int(
    _env(
        "FONDS_SIGNIN_ATTEMPTS",
        "10",
        "Failed sign-ins allowed per user name or address per FONDS_SIGNIN_WINDOW; 0: no limit.",
    )
)
FONDS_SIGNIN_WINDOW = int(
    _env("FONDS_SIGNIN_WINDOW", "900", "The sign-in limit's window, in seconds.")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# -- reference requests and mail
# The contact page, the reference-request form and the mail it sends. Address and
# hours span several lines; their variables separate the lines with "|".
from django.core.exceptions import ImproperlyConfigured  # noqa: E402


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.split("|") if line.strip()]


FONDS_CONTACT_ADDRESS = _lines(
    _env(
        "FONDS_CONTACT_ADDRESS",
        "Archive of the American Soviet Jewry Movement|c/o Example Library, Room 000"
        "|1 Placeholder Plaza|Anytown, NY 00000|United States",
        "The archive's postal address on the contact page; lines separated by |.",
    )
)
FONDS_CONTACT_PHONE = _env(
    "FONDS_CONTACT_PHONE", "+1 212 555 0142", "The reference desk's telephone number."
)
FONDS_REFERENCE_EMAIL = _env(
    "FONDS_REFERENCE_EMAIL",
    "reference@example.org",
    "The reference staff's address: shown on the contact page, receives reference requests.",
)
FONDS_READING_ROOM_HOURS = _lines(
    _env(
        "FONDS_READING_ROOM_HOURS",
        "Monday to Thursday, 10:00 to 16:00, by appointment"
        "|Closed on Fridays, weekends, and Jewish and federal holidays",
        "Reading-room hours on the contact page; lines separated by |.",
    )
)
FONDS_REFERENCE_RATE_LIMIT = int(
    _env(
        "FONDS_REFERENCE_RATE_LIMIT",
        "5",
        "Reference requests one client may send per FONDS_REFERENCE_RATE_WINDOW; 0: no limit.",
    )
)
FONDS_REFERENCE_RATE_WINDOW = int(
    _env("FONDS_REFERENCE_RATE_WINDOW", "3600", "The rate limit's window, in seconds.")
)
FONDS_REFERENCE_MIN_SECONDS = float(
    _env(
        "FONDS_REFERENCE_MIN_SECONDS",
        "3",
        "Seconds a form must stay open before it is sent; faster sends are turned back.",
    )
)
FONDS_PROXY_COUNT = int(
    _env(
        "FONDS_PROXY_COUNT",
        "0",
        "Reverse proxies in front of fonds that append to X-Forwarded-For; 0: use the peer.",
    )
)

# Over https (FONDS_BASE_URL says so) browsers are told to keep to https and cookies
# never travel over plain http. Behind a proxy that ends TLS, its X-Forwarded-Proto
# header tells a request came over https.
FONDS_HSTS_SECONDS = int(
    _env(
        "FONDS_HSTS_SECONDS",
        "31536000",
        "Strict-Transport-Security max-age when FONDS_BASE_URL is https; 0: no HSTS.",
    )
)
if BASE_URL.startswith("https://"):
    SECURE_HSTS_SECONDS = FONDS_HSTS_SECONDS
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    if FONDS_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_email_backend = _env(
    "FONDS_EMAIL_BACKEND", "smtp", "smtp sends mail; console prints it (development only)."
)
if _email_backend.strip().lower() not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"FONDS_EMAIL_BACKEND={_email_backend!r}: expected one of {', '.join(_EMAIL_BACKENDS)}"
    )
EMAIL_BACKEND = _EMAIL_BACKENDS[_email_backend.strip().lower()]
EMAIL_HOST = _env("FONDS_EMAIL_HOST", "localhost", "The SMTP server's host name.")
EMAIL_PORT = int(_env("FONDS_EMAIL_PORT", "25", "The SMTP server's port (587 STARTTLS, 465 SSL)."))
EMAIL_HOST_USER = _env("FONDS_EMAIL_USER", "", "SMTP user name; empty: no authentication.")
EMAIL_HOST_PASSWORD = _env("FONDS_EMAIL_PASSWORD", "", "SMTP password.")
EMAIL_USE_TLS = _flag("FONDS_EMAIL_STARTTLS", False, "Upgrade the SMTP connection with STARTTLS.")
EMAIL_USE_SSL = _flag("FONDS_EMAIL_SSL", False, "Connect to the SMTP server over TLS (SMTPS).")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("FONDS_EMAIL_STARTTLS and FONDS_EMAIL_SSL exclude each other.")
EMAIL_TIMEOUT = float(
    _env("FONDS_EMAIL_TIMEOUT", "10", "Seconds to wait for the SMTP server before giving up.")
)
DEFAULT_FROM_EMAIL = _env(
    "FONDS_EMAIL_FROM", "fonds@example.org", "The From address of the mail fonds sends."
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
