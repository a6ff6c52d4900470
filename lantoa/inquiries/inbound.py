"""Workers' messages from the connected platforms → inquiry messages.

The connectors hand each message on as a ``connectors.inbound.InboundMessage`` in the
platform's terms; ``inbound_receive`` (registered in ``contributions.py``) files it through
``inquiry_receive``: the platform becomes the inquiry's ``Source``, and an e-mail that answers
a reply we sent or a message we received (its ``References`` / ``In-Reply-To``) joins that
inquiry's conversation.
"""

from __future__ import annotations

from lantoa.connectors.inbound import InboundMessage, Receipt
from lantoa.connectors.models import Platform
from lantoa.inquiries.intake import Incoming, inquiry_receive
from lantoa.inquiries.models import Message, OutboundReply, Source

SOURCES: dict[str, str] = {
    Platform.ZALO: Source.ZALO,
    Platform.FACEBOOK: Source.FACEBOOK,
    Platform.EMAIL: Source.EMAIL,
}


def email_thread_key(ids: tuple[str, ...]) -> str:
    """The conversation of a reply we sent (``OutboundReply.external_id``) or a message we
    received among the Message-IDs ``ids``; "" when none is ours."""
    if not ids:
        return ""
    ours = (
        OutboundReply.objects.filter(source=Source.EMAIL, external_id__in=ids)
        .select_related("message__inquiry")
        .order_by("-pk")
        .first()
    )
    if ours is not None and ours.message.inquiry.thread_key:
        return ours.message.inquiry.thread_key
    known = (
        Message.objects.filter(source=Source.EMAIL, external_id__in=ids)
        .select_related("inquiry")
        .order_by("-pk")
        .first()
    )
    if known is not None and known.inquiry.thread_key:
        return known.inquiry.thread_key
    return ""


def incoming_from(message: InboundMessage) -> Incoming:
    source = SOURCES.get(message.platform)
    if source is None:
        raise ValueError(f"Kênh tiếp nhận không hợp lệ: {message.platform}")
    thread_key = message.thread_key
    if source == Source.EMAIL:
        thread_key = email_thread_key(message.replies_to) or thread_key
    return Incoming(
        source=source,
        body=message.body,
        received_at=message.received_at,
        external_id=message.external_id,
        thread_key=thread_key,
        channel=message.channel,
        platform_user_id=message.platform_user_id,
        name=message.name,
        email=message.email,
        attachments=message.attachments,
        subject=message.subject,
        unit_hint=message.unit_hint,
    )


def inbound_receive(message: InboundMessage) -> Receipt:
    received = inquiry_receive(incoming_from(message))
    return Receipt(
        message_id=received.message.pk, created=received.created, duplicate=received.duplicate
    )
