"""What the connectors hand on: a worker's message as a platform delivered it.

The adapters (Zalo and Messenger webhooks, the mailbox) turn what a platform sends into an
``InboundMessage`` in the platform's own terms; they do not know what becomes of it. The app
that receives workers' messages — the inquiry desk — registers an ``InboundHandler`` (from its
``contributions.py``), and ``inbound_receive`` passes each message to it: the processing of
stored webhook events (``connectors.processing``) and the e-mail intake
(``connectors.email.ingest``) call it inside their transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lantoa.channels.models import Channel
from lantoa.core.extensions import Registry
from lantoa.units.models import Unit


@dataclass(frozen=True)
class InboundMessage:
    """One worker's message. ``platform`` is a ``connectors.models.Platform`` value."""

    platform: str
    body: str
    # The platform's message id (Zalo msg_id, Messenger mid, e-mail Message-ID): a
    # re-delivery carries the same one.
    external_id: str
    # The conversation on the platform: "zalo:<oa>:<user>", "facebook:<page>:<psid>",
    # "email:<root Message-ID of the thread>" (the message's own id when it answers none).
    thread_key: str
    received_at: dt.datetime | None = None
    # The unit's channel (Zalo OA, Facebook page) the message came through.
    channel: Channel | None = None
    platform_user_id: str = ""
    name: str = ""
    email: str = ""
    subject: str = ""
    attachments: Sequence[dict[str, Any]] = ()
    # The unit the worker wrote to (the OA's or page's owner, "hopthu+<unit code>@…").
    unit_hint: Unit | None = None
    # E-mail: the Message-IDs the message answers (References, then In-Reply-To), so that the
    # receiver can join it to the conversation of a message it sent or received earlier.
    replies_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Receipt:
    """What the handler did with a message."""

    message_id: int  # the stored message (``InboundEvent.message``)
    created: bool  # it opened a new conversation
    duplicate: bool  # it had been received before (a platform's re-delivery)


@dataclass(frozen=True)
class InboundHandler:
    """Receives every ``InboundMessage``; ``receive`` raises ``ValueError`` for a message it
    refuses for good (empty, unknown platform …): retrying it would not help."""

    key: str
    receive: Callable[[InboundMessage], Receipt]
    order: int = 100


inbound_handlers: Registry[InboundHandler] = Registry("inbound_handlers")


def inbound_receive(message: InboundMessage) -> Receipt:
    """Hand ``message`` to the registered handler (the first in order)."""
    for handler in inbound_handlers:
        return handler.receive(message)
    raise LookupError("No app receives workers' messages (connectors.inbound.inbound_handlers).")
