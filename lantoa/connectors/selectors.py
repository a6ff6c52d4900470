"""Reads of the connectors app, scoped to what the caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_noop

from lantoa.channels.models import Channel, ChannelKind
from lantoa.connectors.errors import PermanentError
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    CounterReason,
    InboundEvent,
    Platform,
    WebhookCounter,
)
from lantoa.core.messages import Text
from lantoa.units.models import Unit
from lantoa.units.selectors import subtree_ids

CONNECTABLE_KINDS = (ChannelKind.ZALO_OA, ChannelKind.FACEBOOK_PAGE)


def connectable_channels(unit: Unit, *, subtree: bool = False) -> QuerySet[Channel]:
    """The unit's Zalo OA and Facebook page channels (and their connections)."""
    qs = Channel.objects.filter(kind__in=CONNECTABLE_KINDS)
    qs = qs.filter(unit__in=subtree_ids(unit)) if subtree else qs.filter(unit=unit)
    return qs.select_related("unit", "connector").order_by(
        "unit__depth", "unit__name", "kind", "name"
    )


def account_for_sending(
    *, channel_id: int | None, platform: str, not_connected: Text
) -> ConnectorAccount:
    """The channel's connected ``platform`` account, fit to send with (an inquiry's reply, a
    publication); else ``PermanentError`` (a ``Text``): ``not_connected`` (the caller's words,
    code ``not_connected``) when the channel has no connection to that platform, or the
    connection is failing (``account_error``, with the platform's last error, in the reader's
    language where it was stored as a ``Text``) or paused (``account_paused``)."""
    account = (
        ConnectorAccount.objects.filter(channel_id=channel_id, platform=platform).first()
        if channel_id
        else None
    )
    if account is None:
        raise PermanentError(not_connected, code="not_connected")
    if account.status == AccountStatus.ERROR:
        raise PermanentError(
            Text(
                gettext_noop("Kết nối của kênh đang lỗi, cần kết nối lại: %(last_error)s"),
                {"last_error": _last_error(account)},
            ),
            code="account_error",
        )
    if account.status == AccountStatus.PAUSED:
        raise PermanentError(
            Text(gettext_noop("Kết nối của kênh đang tạm dừng."), {}), code="account_paused"
        )
    return account


def _last_error(account: ConnectorAccount) -> Any:
    """The account's last error as a parameter of another text: its stored ``Text`` (shown in
    the reader's language), or the string of a row from before it was stored."""
    stored = account.last_error_text
    if isinstance(stored, dict) and stored.get("msgid"):
        return stored
    return account.last_error


@dataclass(frozen=True)
class CounterRow:
    platform: str
    platform_label: str
    reason: str
    reason_label: str
    count: int


def webhook_counters() -> list[CounterRow]:
    """Rejected and ignored webhook requests per platform and reason (deployment-wide)."""
    platforms = dict(Platform.choices)
    reasons = dict(CounterReason.choices)
    return [
        CounterRow(
            platform=c.platform,
            platform_label=str(platforms.get(c.platform, c.platform)),
            reason=c.reason,
            reason_label=str(reasons.get(c.reason, c.reason)),
            count=c.count,
        )
        for c in WebhookCounter.objects.order_by("platform", "reason")
    ]


def _account_ids(channels: list[Channel]) -> list[int]:
    return [c.connector.pk for c in channels if hasattr(c, "connector")]


def event_backlog(channels: list[Channel]) -> dict[int, dict[str, int]]:
    """Per connected channel: events waiting to be processed, events that failed, and events
    held out of the inbox (dated outside the platform's re-delivery window)."""
    rows = (
        InboundEvent.objects.filter(account_id__in=_account_ids(channels))
        .values("account__channel_id")
        .annotate(
            waiting=Count("pk", filter=Q(processed_at__isnull=True)),
            failed=Count("pk", filter=~Q(error="")),
            held=Count("pk", filter=~Q(held="")),
        )
    )
    return {
        r["account__channel_id"]: {
            "waiting": r["waiting"],
            "failed": r["failed"],
            "held": r["held"],
        }
        for r in rows
    }


def held_events(channels: list[Channel], *, limit: int = 50) -> list[InboundEvent]:
    """The latest events of these channels held out of the inbox (kept for ``RETENTION``), for
    the connector page: when, which channel, why — never the worker's text or id."""
    return list(
        InboundEvent.objects.filter(account_id__in=_account_ids(channels))
        .exclude(held="")
        .select_related("account__channel")
        .defer("payload")
        .order_by("-received_at", "-pk")[:limit]
    )
