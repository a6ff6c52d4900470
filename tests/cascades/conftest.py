"""Fixtures for every cascade test: uploads go to a temporary media folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "media"
