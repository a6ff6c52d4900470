"""Typed Messenger Platform webhook events (``object: "page"``, field ``messages``).

One POST may batch several entries (pages) and several messaging events each::

    {"object": "page",
     "entry": [{"id": "<page id>", "time": 1718000000000,
                "messaging": [{"sender": {"id": "<PSID>"}, "recipient": {"id": "<page id>"},
                               "timestamp": 1718000000000,
                               "message": {"mid": "m_…", "text": "…",
                                           "attachments": [{"type": "image",
                                                            "payload": {"url": "…"}}]}}]}]}

Echoes of the page's own messages carry ``message.is_echo``; delivery and read receipts carry
``delivery`` / ``read`` instead of ``message``. Samples: tests/fixtures/connectors/facebook/.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class FbId(_Model):
    id: str = Field(min_length=1)


class FbAttachmentPayload(_Model):
    url: str = ""
    title: str = ""
    sticker_id: str = ""


class FbAttachment(_Model):
    type: str = Field(min_length=1)
    payload: FbAttachmentPayload | None = None
    title: str = ""

    def as_dict(self) -> dict[str, Any]:
        p = self.payload or FbAttachmentPayload()
        content_type = {"image": "image/jpeg", "video": "video/mp4", "audio": "audio/mpeg"}.get(
            self.type, ""
        )
        return {
            "type": self.type,
            "name": (self.title or p.title)[:255],
            "url": p.url,
            "content_type": content_type,
            # Messenger does not tell the size of an attachment.
            "size": None,
        }


class FbMessage(_Model):
    mid: str = Field(min_length=1)
    text: str = ""
    attachments: list[FbAttachment] = Field(default_factory=list)
    is_echo: bool = False


class FbMessaging(_Model):
    sender: FbId
    recipient: FbId
    timestamp: str = ""
    message: FbMessage | None = None


class FbEntry(_Model):
    id: str = Field(min_length=1)
    time: str = ""
    # Kept raw: each item is validated on its own, so that receipts and other event kinds
    # we do not model pass through and are ignored.
    messaging: list[dict[str, Any]] = Field(default_factory=list)


class FbWebhook(_Model):
    object: str = Field(min_length=1)
    entry: list[FbEntry]
