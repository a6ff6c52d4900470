"""Plain helpers shared by several test modules of this folder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lantoa.audit.models import AuditEvent
from lantoa.inquiries.intake import Incoming, inquiry_receive
from lantoa.inquiries.models import Inquiry, Source
from lantoa.units.models import Unit

PHONE = "0987654321"


NAME = "Trần Thị Công Nhân"


def receive(
    unit: Unit | None,
    body: str = "Công ty không trả lương làm thêm giờ cho tôi",
    *,
    source: str = Source.WEB,
    at: dt.datetime | None = None,
    contact: bool = True,
    **extra: Any,
) -> Inquiry:
    identity: dict[str, Any] = {"name": NAME, "phone": PHONE, "consent": True} if contact else {}
    if source in (Source.ZALO, Source.FACEBOOK):
        extra.setdefault("platform_user_id", "psid-1")
        extra.setdefault("thread_key", f"{source}:page:psid-1")
    if source == Source.EMAIL:
        identity["email"] = "cong.nhan@example.vn"
    return inquiry_receive(
        Incoming(source=source, body=body, unit_hint=unit, received_at=at, **identity, **extra)
    ).inquiry


def audits(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


QUESTION = "Công ty nợ lương tháng 5 của tôi đã hai tuần, tôi phải làm gì?"
