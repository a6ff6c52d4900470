"""What a web process loads on its first requests, loaded once before the server forks.

Django imports the URLconf (every app's views and their imports), compiles each template,
reads the translation catalogs and builds the URL reversing tables on the first request that
needs them, in every worker process. ``lantoa serve`` runs gunicorn with ``--preload``: the
master imports ``lantoa.wsgi`` and forks its workers from it, so what ``warm()`` loads there
is shared by every worker (copy on write) instead of being loaded by each. That matters most
when a worker dies at the evening peak: its replacement answered its first requests after a
second or more of imports and template compiling, on cores the other workers need to carry
its share (bench/contests_load_bench.py kills one mid-burst).

Nothing here opens a connection (database, Redis): a connection made before the fork would
be shared by the workers. ``warm()`` ends by closing any database connection all the same.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")


@dataclass
class Warmed:
    """What ``warm()`` loaded (for the log and the tests)."""

    url_patterns: int = 0
    languages: list[str] = field(default_factory=list)
    templates: int = 0
    failed: list[str] = field(default_factory=list)


def _template_names(directory: Path) -> list[str]:
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
    )


def _populate(resolver: object, seen: set[int]) -> int:
    """Build the reversing tables of a resolver and of those it includes; the patterns."""
    from django.urls import URLResolver

    if not isinstance(resolver, URLResolver) or id(resolver) in seen:
        return 0
    seen.add(id(resolver))
    resolver.reverse_dict  # noqa: B018 - built on first access, per active language
    count = 0
    for pattern in resolver.url_patterns:
        count += _populate(pattern, seen) if isinstance(pattern, URLResolver) else 1
    return count


def warm() -> Warmed:
    from django.conf import settings
    from django.db import connections
    from django.template import engines
    from django.template.backends.django import DjangoTemplates
    from django.template.loaders.cached import Loader as CachedLoader
    from django.template.utils import get_app_template_dirs
    from django.urls import get_resolver
    from django.utils import translation

    done = Warmed()
    # The cache backends import redis-py on their first operation.
    import django.core.cache.backends.redis  # noqa: F401
    import redis  # noqa: F401

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            done.url_patterns = _populate(get_resolver(), set())
            done.languages.append(code)
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates) or not any(
            isinstance(loader, CachedLoader) for loader in engine.engine.template_loaders
        ):
            continue  # templates read again on each use (DEBUG): nothing would be kept
        directories = [Path(d) for d in engine.dirs]
        if engine.app_dirs:
            directories += [Path(d) for d in get_app_template_dirs("templates")]
        names: list[str] = []
        for directory in directories:
            names += [n for n in _template_names(directory) if n not in names]
        for name in names:
            try:
                engine.get_template(name)
            except Exception as exc:  # a broken template fails again when it is rendered
                done.failed.append(name)
                log.warning("warm-up: template %s not compiled (%s)", name, type(exc).__name__)
            else:
                done.templates += 1
    from django.contrib.staticfiles.storage import staticfiles_storage

    staticfiles_storage._setup()  # type: ignore[attr-defined]  # the manifest, read once
    connections.close_all()
    log.info(
        "warm-up: %d URL patterns (%s), %d templates compiled",
        done.url_patterns,
        ", ".join(done.languages),
        done.templates,
    )
    return done
