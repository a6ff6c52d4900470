"""Lan Tỏa settings. Every setting comes from the environment (see README, "Cấu hình").

Defaults are the embedded ones used by ``lantoa demo`` and the tests: SQLite under
LANTOA_DATA_DIR and a filesystem queue for the background worker. Production sets
DATABASE_URL (PostgreSQL), REDIS_URL and LANTOA_SECRET_KEY, and runs with DEBUG off.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("LANTOA_DEBUG", False)
DATA_DIR = Path(env_str("LANTOA_DATA_DIR", str(Path.cwd() / "data"))).resolve()


def local_secret_key(data_dir: Path) -> str:
    """The key of a local install: made once, at random, into ``<data dir>/secret_key`` (owner
    read/write only) and read from there afterwards, so every local command (the demo, its
    worker, ``lantoa report``, ``lantoa otp``) shares one key with nothing to configure, as
    other self-hosted tools do. Written to a temporary file and linked into place, so two
    processes starting at once agree on one key."""
    path = data_dir / "secret_key"
    for _ in range(50):
        try:
            key = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            key = ""
        if key:
            return key
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            tmp = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_urlsafe(50) + "\n")
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process was first: read its key
            finally:
                tmp.unlink()
            continue
        time.sleep(0.02)  # an empty file: give up after a second
    raise ImproperlyConfigured(f"{path} is empty: delete it, or set LANTOA_SECRET_KEY.")


# Where the key comes from: "environment" (LANTOA_SECRET_KEY, production), "insecure" (a fixed
# key, only when LANTOA_ALLOW_INSECURE_KEY=1 or DEBUG: tests, benchmarks, type checks) or
# "data-dir" (a local install: ``local_secret_key``). The production servers (``lantoa serve``,
# ``serve-webhooks``, ``worker``) refuse to start on a data-dir key.
_INSECURE_KEY = "lantoa-insecure-local-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("LANTOA_SECRET_KEY", "")
if SECRET_KEY:
    LANTOA_SECRET_KEY_SOURCE = "environment"  # noqa: S105 - where the key comes from
elif DEBUG or env_bool("LANTOA_ALLOW_INSECURE_KEY", False):
    LANTOA_SECRET_KEY_SOURCE = "insecure"  # noqa: S105 - where the key comes from
    SECRET_KEY = _INSECURE_KEY
else:
    LANTOA_SECRET_KEY_SOURCE = "data-dir"  # noqa: S105 - where the key comes from
    SECRET_KEY = local_secret_key(DATA_DIR)

ALLOWED_HOSTS = env_list("LANTOA_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("LANTOA_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "lantoa.portal.views.csrf_failure"

INSTALLED_APPS = [
    "lantoa.core.admin_config.LantoaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "csp",
    "lantoa.core",
    "lantoa.audit",
    "lantoa.units",
    "lantoa.accounts",
    "lantoa.access",
    "lantoa.channels",
    "lantoa.roster",
    "lantoa.notifications",
    "lantoa.kb",
    "lantoa.inquiries",
    "lantoa.connectors",
    "lantoa.campaigns",
    "lantoa.content",
    "lantoa.cascades",
    "lantoa.publishing",
    "lantoa.contests",
    "lantoa.surveys",
    "lantoa.livegame",
    "lantoa.publicsite",
    "lantoa.activities",
    "lantoa.periods",
    "lantoa.reports",
    "lantoa.targets",
    "lantoa.api",
    "lantoa.portal",
]

MIDDLEWARE = [
    # A database restart answers "busy, try again" (503), not an error page.
    "lantoa.core.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "lantoa.core.net.ForwardedForWarningMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lantoa.core.sessions.RenewingSessionMiddleware",
    "lantoa.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lantoa.accounts.middleware.SessionRecordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lantoa.urls"
WSGI_APPLICATION = "lantoa.wsgi.application"
ASGI_APPLICATION = "lantoa.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "lantoa.portal.context_processors.lantoa",
                "lantoa.notifications.context_processors.notices",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'lantoa.sqlite3'}"),
        conn_max_age=env_int("LANTOA_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django gives psycopg prepare_threshold=None, which turns prepared statements off on the
    # connection, even the ones asked for by name. Django's own cursors bind on the client and
    # never prepare; the statements lantoa.core.rawsql asks to prepare (a contest's autosave,
    # submission and start, the session they carry) are then planned once per connection.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
    if env_int("LANTOA_DB_POOL", 0) > 0:
        # A psycopg connection pool of this many connections per process, instead of
        # persistent connections per thread: what an ASGI process needs, since Django runs
        # each request's synchronous code in a thread of its own (lantoa/asgi.py sets it).
        # A connection the database closed (a restart) is replaced, not handed to a request:
        # Django gives the pool ``ConnectionPool.check_connection`` itself, since
        # ``conn_health_checks`` is on above (a "check" here too fails every connection).
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": env_int("LANTOA_DB_POOL", 0),
            "timeout": 10,
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (lantoa.accounts.selectors.login_throttle): inside the window, this many
# failures for one username from one address lock that pair, and MAX_FAILURES_PER_IP from one
# address lock the address; past MAX_FAILURES from everywhere a username is only slowed
# down, and a browser the officer signed in with before is held back by its own mistakes only.
LANTOA_LOGIN_MAX_FAILURES = env_int("LANTOA_LOGIN_MAX_FAILURES", 5)
LANTOA_LOGIN_MAX_FAILURES_PER_IP = env_int("LANTOA_LOGIN_MAX_FAILURES_PER_IP", 20)
LANTOA_LOGIN_WINDOW_SECONDS = env_int("LANTOA_LOGIN_WINDOW_SECONDS", 15 * 60)

# Idle timeout: a session dies after this many seconds without a request. Activity renews it,
# written at most once per LANTOA_SESSION_RENEW_SECONDS (lantoa/core/sessions.py), so an idle
# session ends between IDLE − RENEW and IDLE seconds after its last request.
SESSION_COOKIE_AGE = env_int("LANTOA_SESSION_IDLE_SECONDS", 30 * 60)
LANTOA_SESSION_RENEW_SECONDS = min(
    env_int("LANTOA_SESSION_RENEW_SECONDS", 60), SESSION_COOKIE_AGE // 2
)
SESSION_ENGINE = "lantoa.core.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = "Lan Tỏa"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("LANTOA_STATIC_ROOT", str(DATA_DIR / "static")))
# lantoa/static holds the shared look (app.css, htmx); "lantoa" itself is not an app.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("LANTOA_MEDIA_ROOT", str(DATA_DIR / "media")))
# Reports, imports, the content library, proofs: outside MEDIA_ROOT, handed out only by views
# that check the reader (lantoa.core.private_files). With nginx in front, the location it
# serves LANTOA_PRIVATE_MEDIA_ROOT from as ``internal`` (X-Accel-Redirect); empty: Django
# streams the files itself.
LANTOA_PRIVATE_MEDIA_ROOT = Path(
    env_str("LANTOA_PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private"))
).resolve()
LANTOA_PRIVATE_MEDIA_ACCEL = env_str("LANTOA_PRIVATE_MEDIA_ACCEL", "")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LANTOA_IMPORT_MAX_BYTES = env_int("LANTOA_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# Data rows an import file may hold (CSV or XLSX); every row is validated in memory.
LANTOA_IMPORT_MAX_ROWS = env_int("LANTOA_IMPORT_MAX_ROWS", 200_000)
# Zip archives officers upload (XLSX, DOCX) are checked before anything parses them
# (lantoa.core.archives): member count, each member's and all members' uncompressed size
# (declared, then counted while inflating), and the compression ratio of members over 1 MiB.
LANTOA_ARCHIVE_MAX_MEMBERS = env_int("LANTOA_ARCHIVE_MAX_MEMBERS", 1000)
LANTOA_ARCHIVE_MAX_MEMBER_BYTES = env_int("LANTOA_ARCHIVE_MAX_MEMBER_BYTES", 128 * 1024 * 1024)
LANTOA_ARCHIVE_MAX_TOTAL_BYTES = env_int("LANTOA_ARCHIVE_MAX_TOTAL_BYTES", 256 * 1024 * 1024)
LANTOA_ARCHIVE_MAX_RATIO = env_int("LANTOA_ARCHIVE_MAX_RATIO", 100)

STORAGES = {
    "default": {
        "BACKEND": env_str("LANTOA_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
    },
    "private": {
        "BACKEND": env_str(
            "LANTOA_PRIVATE_MEDIA_STORAGE", "lantoa.core.private_files.PrivateFileStorage"
        ),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env_bool("LANTOA_TESTING", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# E-mail: LANTOA_EMAIL_URL like smtp+tls://user:password@mail.example.org:587
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_email_url = os.environ.get("LANTOA_EMAIL_URL", "")
if _email_url:
    from urllib.parse import unquote, urlparse

    _parsed = urlparse(_email_url)
    EMAIL_HOST = _parsed.hostname or "localhost"
    EMAIL_PORT = _parsed.port or 25
    EMAIL_HOST_USER = unquote(_parsed.username or "")
    EMAIL_HOST_PASSWORD = unquote(_parsed.password or "")
    EMAIL_USE_TLS = _parsed.scheme == "smtp+tls"
    EMAIL_USE_SSL = _parsed.scheme == "smtps"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("LANTOA_EMAIL_FROM", "Lan Tỏa <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work. Production: REDIS_URL (Celery broker on Redis). Without it the worker uses
# a queue kept in files under the data directory, so `lantoa demo` needs no other service.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": 3600,
        # Queueing a task while Redis is down fails within a second instead of retrying for
        # several (lantoa/core/queueing.py: the work waits in the database for the sweep).
        # The worker's own reconnection keeps Celery's broker_connection_* settings.
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        "socket_connect_timeout": 1,
    }
else:
    _queue_dir = DATA_DIR / "queue"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        # Broadcast/fanout state (worker control); kombu's default is ./control in the cwd.
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("LANTOA_TASKS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks (Celery beat): each app registers its own in its contributions.py
# (lantoa.core.extensions.beat_schedule); CoreConfig.ready() hands them to the Celery app.

CACHES = {
    "default": (
        # Fails open: with Redis unreachable pages render uncached, rate limits let requests
        # through and nothing raises (lantoa/core/cache.py); /healthz reports it.
        {"BACKEND": "lantoa.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        # Without Redis (the demo): a file cache shared by all server and worker processes,
        # with locked writes, so that rate limits on public forms hold across gunicorn workers.
        else {
            "BACKEND": "lantoa.core.cache.LockedFileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    )
}

# /healthz (lantoa/core/health.py): the worker's heartbeat (written every 30 s) older than this
# many seconds, or platform messages waiting longer than this many seconds to become
# inquiries, make it answer 503; 0 leaves the check out.
LANTOA_HEALTH_WORKER_MAX_AGE = env_int("LANTOA_HEALTH_WORKER_MAX_AGE", 300)
LANTOA_HEALTH_INBOUND_MAX_AGE = env_int("LANTOA_HEALTH_INBOUND_MAX_AGE", 900)

# Security headers; the HTTPS ones switch on with LANTOA_HTTPS=1 behind a TLS proxy.
_HTTPS = env_bool("LANTOA_HTTPS", not DEBUG and bool(os.environ.get("LANTOA_SECRET_KEY")))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _HTTPS else None
SECURE_SSL_REDIRECT = _HTTPS
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (django-csp): scripts and styles only from our
# own static files (no inline script, style attribute or on* handler in any template: a
# test reads them all), a per-request nonce for any <script nonce="{{ CSP_NONCE }}"> a page
# may need, no framing, forms that post only to us. LANTOA_CSP_IMG_SRC adds image sources
# (e.g. the address of an S3 bucket set as LANTOA_MEDIA_STORAGE).
CONTENT_SECURITY_POLICY: dict[str, dict[str, Any]] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *env_list("LANTOA_CSP_IMG_SRC")],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors": {"()": "lantoa.core.logs.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LANTOA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["client_errors"]},
        # A page asked for under a name not in LANTOA_ALLOWED_HOSTS (the demo bound to
        # 0.0.0.0, opened by the machine's name): a 400 and one line, not a traceback.
        "django.security.DisallowedHost": {"filters": ["client_errors"]},
        # The demo's filesystem queue has no host, and kombu warns about it on every start.
        **(
            {"kombu.connection": {"level": "ERROR"}}
            if CELERY_BROKER_URL.startswith("filesystem:")
            else {}
        ),
    },
}

# Inquiry desk: first-response promise (hours) where a unit sets none.
LANTOA_INQUIRY_RESPONSE_HOURS = env_int("LANTOA_INQUIRY_RESPONSE_HOURS", 24)
# Closed inquiries lose the worker's contact details after this many days where no unit up
# the tree sets its own period (UnitInquirySettings.retention_days).
LANTOA_INQUIRY_RETENTION_DAYS = env_int("LANTOA_INQUIRY_RETENTION_DAYS", 730)

# Quiz contests (lantoa.contests.integrity): the proof-of-work asked before an attempt starts
# (leading zero bits of SHA-256; 16 takes a phone about a second) and how long it stays valid;
# the thresholds that flag an attempt for the organisers (never block it): seconds per
# question below which an attempt is implausibly fast, entrants on one device, entrants from
# one network address (factory networks are shared, so this one is high). The national ID,
# when a contest's rules ask for it, is kept as an HMAC with LANTOA_NATIONAL_ID_KEY (empty:
# a key derived from SECRET_KEY; set it so that a new SECRET_KEY keeps duplicates found).
LANTOA_CONTEST_POW_BITS = env_int("LANTOA_CONTEST_POW_BITS", 16)
LANTOA_CONTEST_POW_SECONDS = env_int("LANTOA_CONTEST_POW_SECONDS", 600)
LANTOA_CONTEST_FAST_SECONDS = env_int("LANTOA_CONTEST_FAST_SECONDS", 3)
LANTOA_CONTEST_DEVICE_ENTRANTS = env_int("LANTOA_CONTEST_DEVICE_ENTRANTS", 3)
LANTOA_CONTEST_IP_ENTRANTS = env_int("LANTOA_CONTEST_IP_ENTRANTS", 30)
# Video and photo contests (lantoa.contests.media): this many votes for one entry within the
# window (seconds) from voters verified at most NEW_SECONDS before voting flag those votes for
# the organisers' review (never refused).
LANTOA_CONTEST_VOTE_BURST = env_int("LANTOA_CONTEST_VOTE_BURST", 20)
LANTOA_CONTEST_VOTE_BURST_SECONDS = env_int("LANTOA_CONTEST_VOTE_BURST_SECONDS", 600)
LANTOA_CONTEST_VOTE_NEW_SECONDS = env_int("LANTOA_CONTEST_VOTE_NEW_SECONDS", 3600)
# How entrants get their one-time code (lantoa.contests.otp): console, email, zalo, sms.
LANTOA_CONTEST_OTP_BACKEND = env_str("LANTOA_CONTEST_OTP_BACKEND", "console")
LANTOA_CONTEST_OTP_ZALO_URL = env_str(
    "LANTOA_CONTEST_OTP_ZALO_URL", "https://business.openapi.zalo.me/message/template"
)
LANTOA_CONTEST_OTP_ZALO_TOKEN = env_str("LANTOA_CONTEST_OTP_ZALO_TOKEN", "")
LANTOA_CONTEST_OTP_ZALO_TEMPLATE = env_str("LANTOA_CONTEST_OTP_ZALO_TEMPLATE", "")
LANTOA_CONTEST_OTP_ZALO_CODE_PARAM = env_str("LANTOA_CONTEST_OTP_ZALO_CODE_PARAM", "otp")
LANTOA_CONTEST_OTP_SMS_URL = env_str("LANTOA_CONTEST_OTP_SMS_URL", "")
LANTOA_CONTEST_OTP_SMS_TOKEN = env_str("LANTOA_CONTEST_OTP_SMS_TOKEN", "")
LANTOA_CONTEST_OTP_SMS_SENDER = env_str("LANTOA_CONTEST_OTP_SMS_SENDER", "")
LANTOA_NATIONAL_ID_KEY = os.environ.get("LANTOA_NATIONAL_ID_KEY", "")

# Legal Q&A: an article is due for review this many months after its last review.
LANTOA_KB_REVIEW_MONTHS = env_int("LANTOA_KB_REVIEW_MONTHS", 12)
# Legal Q&A search: words and meaning together (lantoa.core.embedding, lantoa.kb.semantic);
# 0 searches by words only. Threads the model uses per embedding (0: every core; more than
# one spins against the web workers on a busy 2-core host: 1 s a query instead of 30 ms).
LANTOA_SEMANTIC_SEARCH = env_bool("LANTOA_SEMANTIC_SEARCH", True)
LANTOA_EMBEDDING_THREADS = env_int("LANTOA_EMBEDDING_THREADS", 1)
# In the background workers, which embed whole articles after a save (66 tokens: ≈ 80 ms on
# one thread, ≈ 40 ms on two) and answer no page: two threads.
LANTOA_WORKER_EMBEDDING_THREADS = env_int("LANTOA_WORKER_EMBEDDING_THREADS", 2)

# Public inquiry form and lookup page (/cau-hoi/): abuse limits, counted in the cache.
# Submissions per client address and per phone/e-mail, each in a sliding window (seconds).
LANTOA_INQUIRY_LIMIT_PER_IP = env_int("LANTOA_INQUIRY_LIMIT_PER_IP", 5)
LANTOA_INQUIRY_LIMIT_IP_WINDOW = env_int("LANTOA_INQUIRY_LIMIT_IP_WINDOW", 10 * 60)
LANTOA_INQUIRY_LIMIT_PER_CONTACT = env_int("LANTOA_INQUIRY_LIMIT_PER_CONTACT", 3)
LANTOA_INQUIRY_LIMIT_CONTACT_WINDOW = env_int("LANTOA_INQUIRY_LIMIT_CONTACT_WINDOW", 60 * 60)

# Public survey pages (/khao-sat/<slug>/<unit>/): questionnaires sent from one client address
# in a sliding window (seconds), counted in the cache under an HMAC of the address (never
# stored). Factory networks share an address, so the default is generous.
LANTOA_SURVEY_LIMIT_PER_IP = env_int("LANTOA_SURVEY_LIMIT_PER_IP", 30)
LANTOA_SURVEY_LIMIT_IP_WINDOW = env_int("LANTOA_SURVEY_LIMIT_IP_WINDOW", 60 * 60)
# Wrong tracking code/secret pairs per client address before the lookup page refuses.
LANTOA_INQUIRY_LOOKUP_FAILURES = env_int("LANTOA_INQUIRY_LOOKUP_FAILURES", 10)
LANTOA_INQUIRY_LOOKUP_WINDOW = env_int("LANTOA_INQUIRY_LOOKUP_WINDOW", 15 * 60)
# A form sent back faster than this after it was shown was filled by a script.
LANTOA_INQUIRY_MIN_FILL_SECONDS = env_int("LANTOA_INQUIRY_MIN_FILL_SECONDS", 3)
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the client is
# REMOTE_ADDR (the header is ignored, since anyone can send it).
LANTOA_TRUSTED_PROXY_COUNT = env_int("LANTOA_TRUSTED_PROXY_COUNT", 0)
# Public address of the site (https://congdoan.example.vn) for links printed on QR posters
# and in e-mails; empty: taken from the request.
LANTOA_PUBLIC_URL = env_str("LANTOA_PUBLIC_URL", "").rstrip("/")
# Address of the ASGI server (uvicorn) that serves live pages with event streams (the live
# game) when it is not the site's own address: ``lantoa demo`` runs its web server on WSGI
# threads and starts a one-process ASGI server beside it (port + 1). Empty: the same site
# (production: nginx sends those paths to the ASGI server, see README).
LANTOA_LIVE_URL = env_str("LANTOA_LIVE_URL", "").rstrip("/")
if LANTOA_LIVE_URL:
    # The PIN form (/choi/) sends the phone on to the live server, and a browser holds the
    # redirect after a form's POST to form-action as well.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(LANTOA_LIVE_URL)
# Folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf for the PDF posters; empty: the copy
# shipped in lantoa/fonts/.
LANTOA_PDF_FONT_DIR = env_str("LANTOA_PDF_FONT_DIR", "")

# Platform connectors (Zalo OA, Facebook Messenger, e-mail): see README, "Cấu hình".
# Secrets of connected pages are encrypted with LANTOA_FIELD_KEY (comma-separated: the first
# encrypts, all decrypt, for rotation); without it a key is derived from SECRET_KEY.
LANTOA_FIELD_KEY = env_str("LANTOA_FIELD_KEY", "")
LANTOA_ZALO_API_BASE = env_str("LANTOA_ZALO_API_BASE", "https://openapi.zalo.me")
LANTOA_ZALO_OAUTH_BASE = env_str("LANTOA_ZALO_OAUTH_BASE", "https://oauth.zaloapp.com")
LANTOA_GRAPH_API_BASE = env_str("LANTOA_GRAPH_API_BASE", "https://graph.facebook.com/v21.0")
LANTOA_FACEBOOK_VERIFY_TOKEN = env_str("LANTOA_FACEBOOK_VERIFY_TOKEN", "")
LANTOA_FACEBOOK_APP_SECRET = env_str("LANTOA_FACEBOOK_APP_SECRET", "")
LANTOA_IMAP_URL = env_str("LANTOA_IMAP_URL", "")
LANTOA_ATTACHMENT_MAX_BYTES = env_int("LANTOA_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
# Webhooks (Zalo, Messenger): "redis" acknowledges a verified message once it is queued in
# Redis (lantoa/connectors/ingest.py; needs REDIS_URL, and a Redis that keeps its data on
# disk); "database" stores each one in PostgreSQL before answering (slower, no Redis needed).
LANTOA_WEBHOOK_QUEUE = env_str("LANTOA_WEBHOOK_QUEUE", "redis" if REDIS_URL else "database")
if LANTOA_WEBHOOK_QUEUE not in ("redis", "database"):
    raise ImproperlyConfigured(
        f"LANTOA_WEBHOOK_QUEUE must be redis or database, not {LANTOA_WEBHOOK_QUEUE!r}"
    )
if LANTOA_WEBHOOK_QUEUE == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("LANTOA_WEBHOOK_QUEUE=redis needs REDIS_URL")
# Key prefix of the queue in Redis, and how long (seconds) a platform's message id is
# remembered there so that re-deliveries are not queued again (the database's unique index
# stops any that come later).
LANTOA_WEBHOOK_REDIS_PREFIX = env_str("LANTOA_WEBHOOK_REDIS_PREFIX", "lantoa:webhooks")
# The live game (lantoa/livegame): its state and events in Redis under this prefix when
# REDIS_URL is set (production: every server process of a game shares it); without Redis one
# process's memory (the demo).
LANTOA_LIVEGAME_REDIS_PREFIX = env_str("LANTOA_LIVEGAME_REDIS_PREFIX", "lantoa:live")
# Players joining a live game, per minute: from one network address (a factory hall shares
# one: generous, so that a whole hall is slowed at worst, never shut out) and into one game.
LANTOA_LIVEGAME_JOINS_PER_IP = env_int("LANTOA_LIVEGAME_JOINS_PER_IP", 120)
LANTOA_LIVEGAME_JOINS_PER_GAME = env_int("LANTOA_LIVEGAME_JOINS_PER_GAME", 1000)
# Unknown PINs tried from one address in 10 minutes before every PIN is refused to it for a
# while (except to phones already in that game): against guessing a 6-digit PIN.
LANTOA_LIVEGAME_PIN_MISSES_PER_IP = env_int("LANTOA_LIVEGAME_PIN_MISSES_PER_IP", 60)
LANTOA_WEBHOOK_SEEN_SECONDS = env_int("LANTOA_WEBHOOK_SEEN_SECONDS", 24 * 3600)
# A signed message dated more than this many hours before it reached us is not made an
# inquiry (a replay: Zalo re-sends for up to 12 hours, Meta for up to 36), nor one dated more
# than LANTOA_WEBHOOK_MAX_SKEW_SECONDS ahead of our clock; both are acknowledged, counted and
# listed on the connector page.
LANTOA_ZALO_MAX_EVENT_AGE_HOURS = env_int("LANTOA_ZALO_MAX_EVENT_AGE_HOURS", 18)
LANTOA_FACEBOOK_MAX_EVENT_AGE_HOURS = env_int("LANTOA_FACEBOOK_MAX_EVENT_AGE_HOURS", 42)
LANTOA_WEBHOOK_MAX_SKEW_SECONDS = env_int("LANTOA_WEBHOOK_MAX_SKEW_SECONDS", 300)
# Period reports and targets (lantoa.targets): a period's reports are due this many days after
# it ends; units report on these kinds of period (month, quarter, half, year). Dashboards are
# cached at most this many seconds (≤ 60; activity writes clear them at once). Target alerts
# to unit leaders go out every morning when due (Mondays, and after a period ends).
LANTOA_REPORT_DEADLINE_DAYS = env_int("LANTOA_REPORT_DEADLINE_DAYS", 10)
LANTOA_REPORT_PERIOD_KINDS = env_list("LANTOA_REPORT_PERIOD_KINDS", "month,half,year")
LANTOA_DASHBOARD_CACHE_SECONDS = min(env_int("LANTOA_DASHBOARD_CACHE_SECONDS", 60), 60)
# The public site (lantoa.publicsite) shows the news of this unit's subtree (a unit code);
# empty: the only province, or the national root when there are several.
LANTOA_SITE_UNIT = env_str("LANTOA_SITE_UNIT", "")
# How long the public site keeps a rendered page (seconds); publishing clears it at once.
LANTOA_SITE_CACHE_SECONDS = env_int("LANTOA_SITE_CACHE_SECONDS", 300)
