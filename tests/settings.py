"""Test settings: the product's settings, read with the test defaults below set first."""

import os

os.environ.setdefault("LANTOA_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("LANTOA_TESTING", "1")
os.environ.setdefault("LANTOA_TASKS_EAGER", "1")

from lantoa.settings import *  # noqa: F403

# Fast hashing in tests only; production uses Argon2 (lantoa.settings.PASSWORD_HASHERS).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
