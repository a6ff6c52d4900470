"""Lan Tỏa settings. Every setting comes from the environment (see README, "Cấu hình").

Defaults are the embedded ones used by ``lantoa demo`` and the tests: SQLite under
LANTOA_DATA_DIR and a filesystem queue for the background worker. Production sets
DATABASE_URL (PostgreSQL), REDIS_URL and LANTOA_SECRET_KEY, and runs with DEBUG off.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
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

# The insecure key only exists for local runs; production must set LANTOA_SECRET_KEY.
_INSECURE_KEY = "lantoa-insecure-local-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("LANTOA_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or env_bool("LANTOA_ALLOW_INSECURE_KEY", False)):
        raise ImproperlyConfigured(
            "LANTOA_SECRET_KEY is not set. Set it in production; `lantoa demo` and the tests "
            "set LANTOA_ALLOW_INSECURE_KEY=1 for local use."
        )
    SECRET_KEY = _INSECURE_KEY

ALLOWED_HOSTS = env_list("LANTOA_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("LANTOA_CSRF_TRUSTED_ORIGINS")

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
    "lantoa.core",
    "lantoa.audit",
    "lantoa.units",
    "lantoa.accounts",
    "lantoa.channels",
    "lantoa.roster",
    "lantoa.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
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
                "lantoa.core.context_processors.lantoa",
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

# Login throttling: this many failures for one username, or from one address, inside the
# window locks further attempts until the window has passed.
LANTOA_LOGIN_MAX_FAILURES = env_int("LANTOA_LOGIN_MAX_FAILURES", 5)
LANTOA_LOGIN_WINDOW_SECONDS = env_int("LANTOA_LOGIN_WINDOW_SECONDS", 15 * 60)

# Idle timeout: the session cookie is renewed on every request and dies after this many
# seconds without one.
SESSION_COOKIE_AGE = env_int("LANTOA_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LANTOA_IMPORT_MAX_BYTES = env_int("LANTOA_IMPORT_MAX_BYTES", 50 * 1024 * 1024)

STORAGES = {
    "default": {
        "BACKEND": env_str("LANTOA_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
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
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    _queue_dir = DATA_DIR / "queue"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
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

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LANTOA_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

CELERY_BEAT_SCHEDULE = {
    "prune-login-failures": {"task": "accounts.prune_login_failures", "schedule": 3600.0},
}
