"""One e-mail → one ``InboundMessage`` for the registered handler (``connectors.inbound``).

Threading: the message carries the ids in its ``References`` and ``In-Reply-To``
(``replies_to``), so that the receiver can join a reply to the conversation of a message it
sent or received; failing that, the conversation is ``email:<first id of References>`` (the
root of the thread), else ``email:<In-Reply-To>``, else ``email:<own Message-ID>`` (a new
conversation).

Addressing ``hopthu+A-G1@…`` (the unit's code after a ``+``) names that unit as the one the
worker wrote to.
"""

from __future__ import annotations

import logging
import re
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction

from lantoa.connectors.email.parsing import EmailSkipped, ParsedEmail, parse_email
from lantoa.connectors.inbound import InboundMessage, Receipt, inbound_receive
from lantoa.connectors.models import Platform
from lantoa.units.models import Unit, UnitStatus

log = logging.getLogger(__name__)

_PLUS_TAG = re.compile(r"^[^+@]+\+([A-Za-z0-9._-]{1,40})@")


def replies_to(parsed: ParsedEmail) -> tuple[str, ...]:
    return (*parsed.references, *([parsed.in_reply_to] if parsed.in_reply_to else []))


def thread_key_for(parsed: ParsedEmail) -> str:
    """The conversation by the thread's root (see the module docstring)."""
    if replies_to(parsed):
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


def to_inbound(parsed: ParsedEmail) -> InboundMessage:
    return InboundMessage(
        platform=Platform.EMAIL,
        body=parsed.body,
        external_id=parsed.message_id,
        thread_key=thread_key_for(parsed),
        replies_to=replies_to(parsed),
        name=parsed.from_name,
        email=parsed.from_email,
        attachments=parsed.attachments,
        subject=parsed.subject,
        unit_hint=unit_hint_for(parsed),
    )


def email_ingest(raw: bytes) -> Receipt:
    """Store one e-mail (EmailRejected / EmailSkipped for what is not stored). Runs in its own
    transaction: when it returns, the message is committed."""
    parsed = parse_email(raw, max_attachment_bytes=settings.LANTOA_ATTACHMENT_MAX_BYTES)
    if parsed.from_email == parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower():
        # Our own reply came back (a copy to the intake mailbox): never a new question.
        raise EmailSkipped("Thư do chính hệ thống gửi, bỏ qua.")
    with transaction.atomic():
        received = inbound_receive(to_inbound(parsed))
    log.info(
        "e-mail stored as message %s (%s)",
        received.message_id,
        "duplicate" if received.duplicate else ("new" if received.created else "follow-up"),
    )
    return received
