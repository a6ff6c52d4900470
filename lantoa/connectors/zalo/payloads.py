"""Typed Zalo OA webhook events (Official Account API v3, "Webhook" events).

A user's message to the OA::

    {"app_id": "…", "user_id_by_app": "…", "event_name": "user_send_text",
     "timestamp": "1718000000000", "sender": {"id": "<user id>"},
     "recipient": {"id": "<OA id>"},
     "message": {"msg_id": "…", "text": "…",
                 "attachments": [{"type": "file", "payload": {"url": "…", "name": "…",
                                  "size": "81839", "type": "docx", "checksum": "…"}}]}}

Samples: tests/fixtures/connectors/zalo/.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Events that carry a worker's message to the OA. Everything else (follow, unfollow,
# user_seen_message, user_received_message, oa_send_*, anonymous_* …) is acknowledged and
# ignored.
MESSAGE_EVENTS = frozenset(
    {
        "user_send_text",
        "user_send_image",
        "user_send_gif",
        "user_send_link",
        "user_send_audio",
        "user_send_video",
        "user_send_sticker",
        "user_send_location",
        "user_send_file",
    }
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class ZaloEnvelope(_Model):
    """The fields needed before the signature can be checked."""

    app_id: str = Field(min_length=1)
    event_name: str = Field(min_length=1)
    timestamp: str = Field(min_length=1)


class ZaloId(_Model):
    id: str = Field(min_length=1)


class ZaloCoordinates(_Model):
    latitude: str = ""
    longitude: str = ""


class ZaloAttachmentPayload(_Model):
    url: str = ""
    thumbnail: str = ""
    name: str = ""
    # Zalo sends the size as a string of bytes ("81839").
    size: int | None = None
    type: str = ""
    description: str = ""
    id: str = ""
    coordinates: ZaloCoordinates | None = None


class ZaloAttachment(_Model):
    type: str = Field(min_length=1)
    payload: ZaloAttachmentPayload = Field(default_factory=ZaloAttachmentPayload)

    def as_dict(self) -> dict[str, Any]:
        """The platform-neutral form kept on ``Message.attachments``."""
        p = self.payload
        name = p.name or ""
        content_type = ""
        if name or p.type:
            guessed, _ = mimetypes.guess_type(name or f"x.{p.type}")
            content_type = guessed or ""
        if not content_type and self.type in ("image", "gif", "sticker"):
            content_type = "image/gif" if self.type == "gif" else "image/jpeg"
        out: dict[str, Any] = {
            "type": self.type,
            "name": name,
            "url": p.url or p.thumbnail,
            "content_type": content_type,
            "size": p.size,
        }
        if p.description:
            out["description"] = p.description[:500]
        if p.coordinates is not None:
            out["latitude"] = p.coordinates.latitude
            out["longitude"] = p.coordinates.longitude
        return out


class ZaloMessage(_Model):
    msg_id: str = Field(min_length=1)
    text: str = ""
    attachments: list[ZaloAttachment] = Field(default_factory=list)


class ZaloMessageEvent(ZaloEnvelope):
    """``user_send_*``: a worker wrote to the OA."""

    sender: ZaloId
    recipient: ZaloId
    message: ZaloMessage
    user_id_by_app: str = ""
