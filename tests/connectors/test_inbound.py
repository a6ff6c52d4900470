"""The hand-over of workers' messages: ``connectors.inbound.inbound_receive`` passes each one to
the registered handler, and fails loudly when no app receives them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lantoa.connectors.inbound import (
    InboundHandler,
    InboundMessage,
    Receipt,
    inbound_handlers,
    inbound_receive,
)
from lantoa.connectors.models import Platform

MESSAGE = InboundMessage(
    platform=Platform.ZALO, body="Hỏi", external_id="m-1", thread_key="zalo:1:2"
)


@pytest.fixture
def without_handlers() -> Iterator[None]:
    saved = list(inbound_handlers)
    for handler in saved:
        inbound_handlers.unregister(handler.key)
    yield
    for handler in inbound_handlers:
        inbound_handlers.unregister(handler.key)
    for handler in saved:
        inbound_handlers.register(handler)


def test_the_first_handler_in_order_receives_the_message(without_handlers: None) -> None:
    seen: list[tuple[str, InboundMessage]] = []

    def handler(key: str, message_id: int) -> InboundHandler:
        def receive(message: InboundMessage) -> Receipt:
            seen.append((key, message))
            return Receipt(message_id=message_id, created=True, duplicate=False)

        return InboundHandler(key=key, receive=receive, order=message_id)

    inbound_handlers.register(handler("later", 2))
    inbound_handlers.register(handler("first", 1))
    assert inbound_receive(MESSAGE) == Receipt(message_id=1, created=True, duplicate=False)
    assert seen == [("first", MESSAGE)]


def test_no_handler_is_an_error(without_handlers: None) -> None:
    with pytest.raises(LookupError):
        inbound_receive(MESSAGE)
