"""What the inquiry desk contributes to lower apps (see ``lantoa.core.extensions``)."""

from __future__ import annotations

from lantoa.connectors.inbound import InboundHandler, inbound_handlers
from lantoa.inquiries.inbound import inbound_receive

# Workers' messages from Zalo, Messenger and the mailbox become inquiry messages.
inbound_handlers.register(InboundHandler(key="inquiries", receive=inbound_receive))
