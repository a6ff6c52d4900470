"""Plain helpers shared by several test modules of this folder."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from PIL import Image

from lantoa.cascades import services
from lantoa.cascades.models import Cascade, CascadeRecipient
from lantoa.units.models import Unit


def make(sender: Unit, actor: Any = None, *, send: bool = False, **kw: Any) -> Cascade:
    fields: dict[str, Any] = {
        "title": "Hướng dẫn tuyên truyền Tháng Công nhân năm 2026",
        "instructions": "Đăng lại bài và treo bảng tin trước ngày 30/4.",
        "actions": ["read"],
        "due_on": timezone.localdate() + dt.timedelta(days=7),
    }
    fields.update(kw)
    cascade = services.cascade_create(sender=sender, actor=actor, **fields)
    if send:
        services.cascade_send(cascade=cascade, actor=actor)
    return cascade


def recipient_codes(cascade: Cascade) -> set[str]:
    return set(
        CascadeRecipient.objects.filter(cascade=cascade).values_list("unit__code", flat=True)
    )


def row(cascade: Cascade, unit: Unit) -> CascadeRecipient:
    return CascadeRecipient.objects.select_related("cascade").get(cascade=cascade, unit=unit)


def jpeg(size: tuple[int, int] = (640, 480), *, exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 40))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (21.0, 35.0, 0.0)}  # GPSInfo
        exif[0x010F] = "Điện thoại thử"  # Make
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Tài liệu định hướng tuyên truyền")
    document.save(out)
    return out.getvalue()
