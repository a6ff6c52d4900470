"""Serving stored files (uploads, proofs, generated reports) from our own views."""

from __future__ import annotations

from typing import cast

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse


def stored_file_response(
    name: str | None,
    *,
    content_type: str,
    download_name: str = "",
    inline: bool = True,
    cache: str = "private, max-age=3600",
) -> HttpResponse:
    """The stored file ``name`` (404 when empty or missing), with the same safety headers
    everywhere: the browser must not sniff another type, and a file shown inline (an image, a
    PDF, an uploaded HTML disguised as one) runs no script and reaches nothing."""
    if not name:
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not inline,
        filename=download_name or name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # ``policy`` types views as returning HttpResponse; Django serves streaming ones the same.
    return cast(HttpResponse, response)
