"""Plain helpers shared by several test modules of this folder."""

from __future__ import annotations

import io

from PIL import Image

from lantoa.content import services
from lantoa.content.models import ContentItem, MediaAsset


def news_item(
    unit: object, author: object, title: str = "Tin hoạt động Tháng Công nhân", **kw: object
) -> ContentItem:
    return services.content_create(
        unit=unit,  # type: ignore[arg-type]
        kind="news",
        title=title,
        author=author,
        body=kw.pop("body", "<p>Nội dung tin.</p>"),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def png_bytes(w: int = 1000, h: int = 500) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (w, h), (200, 30, 40, 128)).save(out, "PNG")
    return out.getvalue()


def upload(
    unit: object, actor: object, data: bytes, name: str = "x.bin", size: int | None = None
) -> MediaAsset:
    return services.media_upload(
        unit=unit,  # type: ignore[arg-type]
        file=io.BytesIO(data),
        size=len(data) if size is None else size,
        original_name=name,
        actor=actor,
    )
