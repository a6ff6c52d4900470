"""What the public site hooks into lower apps (imported by ``CoreConfig.ready()``)."""

from __future__ import annotations

from typing import Any

from lantoa.publicsite.cache import site_changed
from lantoa.publishing.signals import site_published


def _site_published(sender: Any, **kwargs: Any) -> None:
    site_changed()


site_published.connect(_site_published, dispatch_uid="publicsite.cache")
