"""One e-mail → one inquiry message: threading by Message-ID, de-duplication, the unit.

Threading: a reply is recognised by the ids in its ``References`` and ``In-Reply-To``:

1. one of them is the Message-ID of a reply we sent (``OutboundReply.external_id``) or of a
   message we received → the conversation of that inquiry;
2. otherwise the thread is ``email:<first id of References>`` (the root of the thread), else
   ``email:<In-Reply-To>``, else ``email:<own Message-ID>`` (a new conversation).

The message is stored once per Message-ID. Addressing ``hopthu+A-G1@…`` (the unit's code after
a ``+``) sends the inquiry to that unit.
"""

from __future__ import annotations

import logging
import re
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction

from lantoa.connectors.email.parsing import EmailSkipped, ParsedEmail, parse_email
from lantoa.inquiries.intake import Incoming, Received, inquiry_receive
from lantoa.inquiries.models import Message, OutboundReply, Source
from lantoa.units.models import Unit, UnitStatus

log = logging.getLogger(__name__)

_PLUS_TAG = re.compile(r"^[^+@]+\+([A-Za-z0-9._-]{1,40})@")


def thread_key_for(parsed: ParsedEmail) -> str:
    ids = [*parsed.references, *([parsed.in_reply_to] if parsed.in_reply_to else [])]
    if ids:
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
        root = parsed.references[0] if parsed.references else parsed.in_reply_to
        return f"email:{root}"[:255]
    return f"email:{parsed.message_id}"[:255]


def unit_hint_for(parsed: ParsedEmail) -> Unit | None:
    for address in parsed.recipients:
        match = _PLUS_TAG.match(address)
        if match:
            unit = Unit.objects.filter(
                code__iexact=match.group(1), status=UnitStatus.ACTIVE
            ).first()
            if unit is not None:
                return unit
    return None


def to_incoming(parsed: ParsedEmail) -> Incoming:
    return Incoming(
        source=Source.EMAIL,
        body=parsed.body,
        external_id=parsed.message_id,
        thread_key=thread_key_for(parsed),
        name=parsed.from_name,
        email=parsed.from_email,
        attachments=parsed.attachments,
        subject=parsed.subject,
        unit_hint=unit_hint_for(parsed),
    )


def email_ingest(raw: bytes) -> Received:
    """Store one e-mail (EmailRejected / EmailSkipped for what is not stored). Runs in its own
    transaction: when it returns, the message is committed."""
    parsed = parse_email(raw, max_attachment_bytes=settings.LANTOA_ATTACHMENT_MAX_BYTES)
    if parsed.from_email == parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower():
        # Our own reply came back (a copy to the intake mailbox): never a new question.
        raise EmailSkipped("Thư do chính hệ thống gửi, bỏ qua.")
    with transaction.atomic():
        received = inquiry_receive(to_incoming(parsed))
    log.info(
        "e-mail stored as message %s (%s)",
        received.message.pk,
        "duplicate" if received.duplicate else ("new" if received.created else "follow-up"),
    )
    return received
