"""Settings of the servers that tests/resilience starts: the product's own (lantoa.settings,
read from the environment the test gives them), plus the test-only job kind."""

import os
from typing import Any

from lantoa.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.resilience.jobapp"]  # noqa: F405

# Static files are not what these tests are about: plain storage, so that pages render without
# running collectstatic first (production's manifest storage needs it).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


class _NoMigrations(dict[str, Any]):
    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


# The module prepares its database by creating the tables from the models (what pytest-django's
# --nomigrations does): running every migration takes half a minute on a busy machine, and
# `lantoa makemigrations --check` (CI) keeps the models and the migrations the same.
if os.environ.get("RESILIENCE_CREATE_TABLES") == "1":
    MIGRATION_MODULES = _NoMigrations()
