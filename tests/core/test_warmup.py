"""The web application loads, before gunicorn forks its workers, what each worker would
otherwise load on its first requests (lantoa/core/warmup.py): the URLconf and its reversing
tables in each language, every template compiled, redis-py; no connection opened; then kept
out of the garbage collector's way (gc.freeze) so that the workers share it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connections
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

from lantoa.core.warmup import warm


def _cached_loader() -> CachedLoader:
    engine = engines["django"]
    loader = engine.engine.template_loaders[0]  # type: ignore[attr-defined]
    assert isinstance(loader, CachedLoader)
    return loader


def test_every_template_compiled_and_every_language_reversed() -> None:
    loader = _cached_loader()
    loader.reset()
    assert "contests/public/rules.html" not in loader.get_template_cache
    done = warm()
    assert done.failed == []
    assert done.languages == ["vi", "en"]
    assert done.url_patterns > 300
    cached = loader.get_template_cache
    for name in ("contests/public/rules.html", "contests/public/refused.html", "base.html"):
        assert name in cached and not isinstance(cached[name], type), name
    assert done.templates >= len(cached) > 250
    # No database connection is left for the forked workers to share.
    assert all(c.connection is None for c in connections.all(initialized_only=True))


def test_the_wsgi_module_warms_up_at_import(tmp_path: Path) -> None:
    """What ``gunicorn --preload`` imports in its master: the templates and URLs are there,
    and still none of the libraries loaded only when a file is written or a platform called
    (tests/core/test_startup_imports.py)."""
    script = (
        "import gc, json, sys\n"
        "import lantoa.wsgi\n"
        "from django.template import engines\n"
        "from django.urls import get_resolver\n"
        "from django.db import connection\n"
        "loader = engines['django'].engine.template_loaders[0]\n"
        "print(json.dumps({\n"
        "  'rules': 'contests/public/rules.html' in loader.get_template_cache,\n"
        "  'urls': 'urlconf_module' in vars(get_resolver()),\n"
        "  'redis': 'redis' in sys.modules,\n"
        "  'connected': connection.connection is not None,\n"
        "  'heavy': sorted(m for m in ('openpyxl', 'docx', 'httpx') if m in sys.modules),\n"
        "  'frozen': gc.get_freeze_count() > 10000,\n"
        "}))\n"
    )
    env = {
        **os.environ,
        "LANTOA_ALLOW_INSECURE_KEY": "1",
        "LANTOA_DATA_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "rules": True,
        "urls": True,
        "redis": True,
        "connected": False,
        "heavy": [],
        "frozen": True,  # kept out of the collector: shared with the workers, not copied
    }
