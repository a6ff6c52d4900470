"""POST /webhooks/zalo/ — Zalo OA events.

1. Read the raw body (≤ 256 KB) and its JSON; ``app_id`` and ``timestamp`` come from it.
2. Find the connected OA by app id + OA id (``recipient.id`` of ``user_send_*`` events);
   unknown → 404.
3. Check ``X-ZEvent-Signature`` = ``mac=`` + SHA-256 hex of app_id + raw body + timestamp +
   OA secret key; missing → 401, wrong → 401.
4. Events that are not a worker's message → 200, ignored, counted.
5. Validate the message (msg_id, sender, attachments; an attachment above
   ``LANTOA_ATTACHMENT_MAX_BYTES`` → 413) and store it as an ``InboundEvent`` (a re-delivered
   msg_id is not stored twice); answer 200 at once — Zalo wants an answer within 2 s and
   re-sends for hours otherwise. The background worker turns it into an inquiry
   (``connectors.tasks.request_processing``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from lantoa.access import PUBLIC, policy
from lantoa.connectors.inbound import InboundMessage
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    CounterReason,
    Platform,
)
from lantoa.connectors.services import inbound_event_record
from lantoa.connectors.webhooks import (
    MAX_BODY_BYTES,
    Rejected,
    WebhookAccount,
    accepted,
    digest_equals,
    from_millis,
    ignored,
    millis,
    missing_fields,
    parse_object,
    read_body,
    rejection,
    sha256_hex,
)
from lantoa.connectors.zalo.payloads import MESSAGE_EVENTS, ZaloEnvelope, ZaloMessageEvent
from lantoa.core.text import format_int

PLATFORM = Platform.ZALO
SIGNATURE_HEADER = "HTTP_X_ZEVENT_SIGNATURE"


def signature(*, app_id: str, raw: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The value Zalo puts in ``X-ZEvent-Signature`` (also used by the tests and the bench)."""
    digest = sha256_hex(app_id.encode(), raw, timestamp.encode(), oa_secret_key.encode())
    return f"mac={digest}"


# What the webhook reads of an account: the other secrets are not decrypted on every event.
_FIELDS_USED = ("id", "external_id", "webhook_secret", "status")

# Events about the OA's own messages: the OA is the sender.
_OA_SENDS = frozenset({"user_seen_message", "user_received_message"})


def _oa_id(data: dict[str, Any]) -> str:
    """The OA an event belongs to: ``oa_id`` where given (follow, unfollow …), else the
    recipient of a user's event, the sender of the OA's own."""
    if data.get("oa_id"):
        return str(data["oa_id"])
    name = str(data.get("event_name", ""))
    side = "recipient" if name.startswith("user_") and name not in _OA_SENDS else "sender"
    who = data.get(side)
    if isinstance(who, dict) and who.get("id") is not None:
        return str(who["id"])
    return ""


def accounts_of_app(app_id: str) -> list[WebhookAccount]:
    """The OAs connected through the Zalo app ``app_id``, from the database."""
    return [
        WebhookAccount(
            id=a.pk,
            external_id=a.external_id,
            secret=a.webhook_secret,
            paused=a.status == AccountStatus.PAUSED,
        )
        for a in ConnectorAccount.objects.filter(platform=PLATFORM, app_id=app_id).only(
            *_FIELDS_USED
        )
    ]


def _verified(
    raw: bytes, envelope: ZaloEnvelope, header: str, accounts: list[WebhookAccount]
) -> WebhookAccount | None:
    given = header.strip()
    if not given.lower().startswith("mac="):
        return None
    for account in accounts:
        if not account.secret:
            continue
        expected = signature(
            app_id=envelope.app_id,
            raw=raw,
            timestamp=envelope.timestamp,
            oa_secret_key=account.secret,
        )
        if digest_equals(expected[4:], given[4:]):
            return account
    return None


@dataclass(frozen=True)
class Accepted:
    """A verified worker's message: store ``payload`` once under ``event_id``."""

    account: WebhookAccount
    event_id: str
    payload: dict[str, Any]


def check(
    raw: bytes, header: str, accounts_of: Callable[[str], list[WebhookAccount]]
) -> Accepted | None:
    """The verified message event in ``raw`` (signed with ``header``), None for an event we
    acknowledge and ignore; else ``Rejected``. ``accounts_of(app_id)``: the OAs of an app."""
    if len(raw) > MAX_BODY_BYTES:
        raise Rejected(413, CounterReason.TOO_LARGE, "Nội dung yêu cầu quá lớn.")
    data = parse_object(raw)
    try:
        envelope = ZaloEnvelope.model_validate(data)
    except ValidationError as exc:
        raise missing_fields(exc) from exc
    handled = envelope.event_name in MESSAGE_EVENTS
    oa_id = _oa_id(data)
    if handled and not oa_id:
        raise Rejected(400, CounterReason.MISSING_FIELDS, "Thiếu hoặc sai trường: recipient.id.")
    accounts = accounts_of(envelope.app_id)
    if oa_id:
        accounts = [a for a in accounts if a.external_id == oa_id]
    if not accounts:
        raise Rejected(404, CounterReason.UNKNOWN_ACCOUNT, "OA chưa được kết nối với Lan Tỏa.")
    if not header.strip():
        raise Rejected(401, CounterReason.MISSING_SIGNATURE, "Thiếu chữ ký X-ZEvent-Signature.")
    account = _verified(raw, envelope, header, accounts)
    if account is None:
        raise Rejected(401, CounterReason.BAD_SIGNATURE, "Chữ ký X-ZEvent-Signature không đúng.")
    if not handled or account.paused:
        return None
    try:
        event = ZaloMessageEvent.model_validate(data)
    except ValidationError as exc:
        raise missing_fields(exc) from exc
    limit = settings.LANTOA_ATTACHMENT_MAX_BYTES
    for i, attachment in enumerate(event.message.attachments):
        size = attachment.payload.size
        if size is not None and size > limit:
            raise Rejected(
                413,
                CounterReason.OVERSIZED_ATTACHMENT,
                f"Tệp đính kèm thứ {i + 1} quá lớn ({format_int(size)} byte, tối đa "
                f"{format_int(limit)} byte).",
            )
    if not event.message.text.strip() and not event.message.attachments:
        raise Rejected(400, CounterReason.MISSING_FIELDS, "Tin nhắn không có nội dung.")
    return Accepted(account=account, event_id=event.message.msg_id, payload=data)


@csrf_exempt
@require_POST
@policy(PUBLIC)  # authenticated by the signature, not a session
def zalo_webhook(request: HttpRequest) -> HttpResponse:
    try:
        raw = read_body(request)
        checked = check(raw, request.META.get(SIGNATURE_HEADER, ""), accounts_of_app)
    except Rejected as exc:
        return rejection(PLATFORM, exc)
    if checked is None:
        ignored(PLATFORM)
        return accepted(ignored=True)
    inbound_event_record(
        platform=PLATFORM,
        account_id=checked.account.id,
        event_id=checked.event_id,
        payload=checked.payload,
    )
    return accepted()


def sent_at(payload: dict[str, Any]) -> dt.datetime | None:
    """When Zalo says the stored event happened (``timestamp``, milliseconds, part of what
    the signature covers); None when it cannot be read."""
    return millis(payload.get("timestamp"))


def to_inbound(account: ConnectorAccount, payload: dict[str, Any]) -> InboundMessage:
    """A stored Zalo event → the message it carries."""
    event = ZaloMessageEvent.model_validate(payload)
    channel = account.channel
    user_id = event.sender.id
    return InboundMessage(
        platform=PLATFORM,
        body=event.message.text,
        received_at=from_millis(event.timestamp),
        external_id=event.message.msg_id,
        thread_key=f"zalo:{account.external_id}:{user_id}",
        channel=channel,
        platform_user_id=user_id,
        attachments=[a.as_dict() for a in event.message.attachments],
        unit_hint=channel.unit,
    )
