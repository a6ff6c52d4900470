"""/webhooks/facebook/ — Messenger Platform webhook.

GET: Meta's subscription check. ``hub.mode=subscribe`` with ``hub.verify_token`` equal to
``LANTOA_FACEBOOK_VERIFY_TOKEN`` → the ``hub.challenge`` echoed back; anything else → 403.

POST: ``X-Hub-Signature-256`` = ``sha256=`` + HMAC-SHA256 of the raw body with the Meta app's
secret. Which secret: Meta signs a POST with the secret of the ONE app the webhook belongs to,
and one POST may batch entries of several pages subscribed to that app. A page's app secret is
the one stored on its connection, or, when that is blank, the deployment-wide
``LANTOA_FACEBOOK_APP_SECRET`` (the usual set-up: one Meta app for every unit's page). The
body is accepted if it verifies with one of these secrets; then only the entries of pages
whose app secret is that very secret are taken — an entry for a page of another app (or an
unknown page) in the same POST is skipped and counted, never trusted. If no entry is left the
answer is 404; a failure to verify is 401 and stores nothing.

Messages are validated, echoes (``message.is_echo``), delivery/read receipts and other events
are counted as ignored, and each message is stored once per ``mid`` as an ``InboundEvent``;
the answer is 200 at once and the background worker does the rest
(``connectors.tasks.request_processing``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from lantoa.access import PUBLIC, policy
from lantoa.connectors.facebook.payloads import FbMessaging, FbWebhook
from lantoa.connectors.inbound import InboundMessage
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    CounterReason,
    Platform,
)
from lantoa.connectors.services import counter_increment, inbound_event_record
from lantoa.connectors.webhooks import (
    MAX_BODY_BYTES,
    Rejected,
    WebhookAccount,
    accepted,
    digest_equals,
    from_millis,
    hmac_sha256_hex,
    ignored,
    millis,
    missing_fields,
    parse_object,
    read_body,
    rejection,
)

PLATFORM = Platform.FACEBOOK
SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"
_CHALLENGE = re.compile(r"^[A-Za-z0-9_.\-]{1,256}$")
# What the webhook reads of a page's account: the page token is not decrypted on every event.
_FIELDS_USED = ("id", "external_id", "app_secret", "status")


def signature(app_secret: str, raw: bytes) -> str:
    """The value Meta puts in ``X-Hub-Signature-256`` (also used by the tests and the bench)."""
    return "sha256=" + hmac_sha256_hex(app_secret, raw)


def app_secret_of(account: ConnectorAccount) -> str:
    return account.app_secret or settings.LANTOA_FACEBOOK_APP_SECRET


def accounts_of_pages(page_ids: set[str]) -> dict[str, WebhookAccount]:
    """The connected pages among ``page_ids``, from the database, by page id."""
    return {
        a.external_id: WebhookAccount(
            id=a.pk,
            external_id=a.external_id,
            secret=app_secret_of(a),
            paused=a.status == AccountStatus.PAUSED,
        )
        for a in ConnectorAccount.objects.filter(platform=PLATFORM, external_id__in=page_ids).only(
            *_FIELDS_USED
        )
    }


def _verify_get(request: HttpRequest) -> HttpResponse:
    expected = settings.LANTOA_FACEBOOK_VERIFY_TOKEN
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if (
        expected
        and mode == "subscribe"
        and constant_time_compare(token, expected)
        and _CHALLENGE.match(challenge)
    ):
        return HttpResponse(challenge, content_type="text/plain; charset=utf-8")
    counter_increment(platform=PLATFORM, reason=CounterReason.BAD_VERIFY_TOKEN)
    return JsonResponse({"error": "Mã xác minh webhook không đúng."}, status=403)


def _verifying_secret(raw: bytes, header: str, secrets: set[str]) -> str | None:
    given = header.strip()
    if not given.lower().startswith("sha256="):
        return None
    for secret in secrets:
        if secret and digest_equals(hmac_sha256_hex(secret, raw), given[7:]):
            return secret
    return None


@dataclass(frozen=True)
class Accepted:
    """A verified worker's message: store ``payload`` once under ``event_id`` (the mid)."""

    account: WebhookAccount
    event_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Checked:
    messages: list[Accepted]
    ignored: int  # receipts, echoes, paused pages' messages …
    unknown: int  # entries of pages not connected (or of another app)


def check(
    raw: bytes, header: str, accounts_of: Callable[[set[str]], dict[str, WebhookAccount]]
) -> Checked:
    """The verified messages of a POST (signed with ``header``); else ``Rejected``.
    ``accounts_of(page_ids)``: the connected pages among those, by page id."""
    if len(raw) > MAX_BODY_BYTES:
        raise Rejected(413, CounterReason.TOO_LARGE, "Nội dung yêu cầu quá lớn.")
    data = parse_object(raw)
    try:
        hook = FbWebhook.model_validate(data)
    except ValidationError as exc:
        raise missing_fields(exc) from exc
    if hook.object != "page":
        raise Rejected(400, CounterReason.MALFORMED, "Chỉ nhận sự kiện của trang (object = page).")
    if not header.strip():
        raise Rejected(401, CounterReason.MISSING_SIGNATURE, "Thiếu chữ ký X-Hub-Signature-256.")
    accounts = accounts_of({entry.id for entry in hook.entry})
    secrets = {a.secret for a in accounts.values()}
    if settings.LANTOA_FACEBOOK_APP_SECRET:
        secrets.add(settings.LANTOA_FACEBOOK_APP_SECRET)
    secrets.discard("")
    if not secrets:
        raise Rejected(404, CounterReason.UNKNOWN_ACCOUNT, "Trang chưa được kết nối với Lan Tỏa.")
    secret = _verifying_secret(raw, header, secrets)
    if secret is None:
        raise Rejected(401, CounterReason.BAD_SIGNATURE, "Chữ ký X-Hub-Signature-256 không đúng.")

    messages: list[Accepted] = []
    skipped = unknown = 0
    for entry in hook.entry:
        account = accounts.get(entry.id)
        if account is None or account.secret != secret:
            unknown += 1
            continue
        for item in entry.messaging:
            if not isinstance(item, dict) or "message" not in item:
                skipped += 1  # delivery, read, postback, reaction, referral …
                continue
            try:
                messaging = FbMessaging.model_validate(item)
            except ValidationError as exc:
                raise missing_fields(exc) from exc
            msg = messaging.message
            if (
                msg is None
                or msg.is_echo
                or messaging.sender.id == entry.id
                or account.paused
                or not (msg.text.strip() or msg.attachments)
            ):
                skipped += 1
                continue
            messages.append(
                Accepted(
                    account=account,
                    event_id=msg.mid,
                    payload={"page_id": entry.id, "messaging": item},
                )
            )
    if not messages and not skipped and unknown:
        raise Rejected(404, CounterReason.UNKNOWN_ACCOUNT, "Trang chưa được kết nối với Lan Tỏa.")
    return Checked(messages=messages, ignored=skipped, unknown=unknown)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@policy(PUBLIC)  # GET: the verify token; POST: the signature
def facebook_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _verify_get(request)
    try:
        raw = read_body(request)
        checked = check(raw, request.META.get(SIGNATURE_HEADER, ""), accounts_of_pages)
    except Rejected as exc:
        return rejection(PLATFORM, exc)
    if checked.ignored:
        ignored(PLATFORM, checked.ignored)
    if checked.unknown:
        counter_increment(
            platform=PLATFORM, reason=CounterReason.UNKNOWN_ACCOUNT, by=checked.unknown
        )
    stored = 0
    for message in checked.messages:
        event = inbound_event_record(
            platform=PLATFORM,
            account_id=message.account.id,
            event_id=message.event_id,
            payload=message.payload,
        )
        stored += event is not None
    return accepted(stored=stored)


def sent_at(payload: dict[str, Any]) -> dt.datetime | None:
    """When Meta says the stored message was sent (``messaging.timestamp``, milliseconds; the
    signature covers the whole body); None when it cannot be read."""
    messaging = payload.get("messaging")
    return millis(messaging.get("timestamp")) if isinstance(messaging, dict) else None


def to_inbound(account: ConnectorAccount, payload: dict[str, Any]) -> InboundMessage:
    """A stored Messenger event → the message it carries."""
    messaging = FbMessaging.model_validate(payload["messaging"])
    message = messaging.message
    if message is None:
        raise ValueError("Sự kiện không chứa tin nhắn.")
    channel = account.channel
    psid = messaging.sender.id
    return InboundMessage(
        platform=PLATFORM,
        body=message.text,
        received_at=from_millis(messaging.timestamp),
        external_id=message.mid,
        thread_key=f"facebook:{account.external_id}:{psid}",
        channel=channel,
        platform_user_id=psid,
        attachments=[a.as_dict() for a in message.attachments],
        unit_hint=channel.unit,
    )
