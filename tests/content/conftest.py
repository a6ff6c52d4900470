"""Fixtures for every content test: uploads go to a temporary media folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def media_root(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")  # type: ignore[attr-defined]
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")  # type: ignore[attr-defined]
    return tmp_path / "media"
