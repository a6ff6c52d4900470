"""Test settings: the product's settings, read with the test defaults below set first."""

import os

os.environ.setdefault("LANTOA_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("LANTOA_TESTING", "1")
os.environ.setdefault("LANTOA_TASKS_EAGER", "1")
# The embedding model costs tens of milliseconds an article: tests that need it turn it on
# (tests/kb/conftest.py ``semantic``), the others search by words.
os.environ.setdefault("LANTOA_SEMANTIC_SEARCH", "0")

from lantoa.settings import *  # noqa: F403

# Fast hashing in tests only; production uses Argon2 (lantoa.settings.PASSWORD_HASHERS).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The contests' proof-of-work: a few tries, not a second of hashing per attempt.
LANTOA_CONTEST_POW_BITS = 4

# One in-memory cache per test process (xdist workers must not share rate-limit counters).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# SQLite tests use a file, not the shared-cache in-memory database: a real Celery worker thread
# (tests/test_inquiry_sla.py, the publishing tests) and the test thread then lock through SQLite's
# busy timeout instead of failing at once with "database table is locked". pytest-django adds the
# xdist worker's suffix to the name.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_lantoa.sqlite3")}  # noqa: F405
