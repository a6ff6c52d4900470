"""lantoa.core.files: every stored file goes out with the same safety headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404

from lantoa.core.files import stored_file_response


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_inline_and_download_both_carry_nosniff_and_sandbox() -> None:
    name = default_storage.save("tep/anh.png", ContentFile(b"\x89PNG fake"))
    shown = stored_file_response(name, content_type="image/png")
    assert shown["Content-Disposition"].startswith("inline")
    saved = stored_file_response(
        name, content_type="image/png", download_name="minh-chung.png", inline=False
    )
    assert saved["Content-Disposition"] == 'attachment; filename="minh-chung.png"'
    for response in (shown, saved):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["Cache-Control"] == "private, max-age=3600"
        assert b"".join(response.streaming_content) == b"\x89PNG fake"  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["", None, "tep/khong-co.png"])
def test_missing_file_is_404(name: str | None) -> None:
    with pytest.raises(Http404):
        stored_file_response(name, content_type="image/png")
