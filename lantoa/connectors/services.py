"""Writes of the connectors app: connected accounts, received events, webhook counters."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.channels.models import Channel
from lantoa.connectors.errors import ConnectorError
from lantoa.connectors.models import (
    AccountStatus,
    ConnectorAccount,
    InboundEvent,
    Platform,
    WebhookCounter,
)
from lantoa.core.services import acting_user

log = logging.getLogger(__name__)

SECRET_FIELDS = ("app_secret", "webhook_secret", "access_token", "refresh_token")
# Zalo: an access token lives about 25 hours, a refresh token three months (single use).
ZALO_REFRESH_TOKEN_LIFETIME = dt.timedelta(days=90)
_NUMERIC_ID = re.compile(r"^\d{5,30}$")

# ---------------------------------------------------------------------------------------------
# Counters


def counter_increment(*, platform: str, reason: str, by: int = 1) -> None:
    """Add ``by`` to a (platform, reason) counter; safe across processes."""
    now = timezone.now()
    updated = WebhookCounter.objects.filter(platform=platform, reason=reason).update(
        count=F("count") + by, updated_at=now
    )
    if updated:
        return
    try:
        with transaction.atomic():
            WebhookCounter.objects.create(
                platform=platform, reason=reason, count=by, updated_at=now
            )
    except IntegrityError:
        # Another process created the row between our UPDATE and INSERT.
        WebhookCounter.objects.filter(platform=platform, reason=reason).update(
            count=F("count") + by, updated_at=now
        )


# ---------------------------------------------------------------------------------------------
# Received events


_INSERTED_COLUMNS = ("platform", "event_id", "account", "payload", "received_at")


def _field(name: str) -> models.Field[Any, Any]:
    field = InboundEvent._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


@functools.cache
def _insert_once_sql(vendor: str) -> str:
    """Insert an ``InboundEvent`` unless one with the same (platform, event_id) exists;
    returns the new id, no row for a duplicate. Names from the model, quoted by the backend;
    columns not listed take their defaults (NULL, 0, '').

    ``NOT EXISTS`` reads the committed row without waiting, whereas the unique index alone
    would make a re-delivery wait for a worker's open transaction on that event (claiming or
    marking it processed) — the platforms re-send while the worker is at it.
    ``ON CONFLICT DO NOTHING`` settles two first deliveries racing each other.
    """
    quote = connection.ops.quote_name
    columns = [quote(str(_field(name).column)) for name in _INSERTED_COLUMNS]
    columns += [quote(str(_field("attempts").column)), quote(str(_field("error").column))]
    platform, event_id = (quote(str(_field(n).column)) for n in ("platform", "event_id"))
    table, pk = quote(InboundEvent._meta.db_table), quote(str(_field("id").column))
    values = ", ".join(["%s"] * len(_INSERTED_COLUMNS))
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values}, 0, '' "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {platform} = %s AND {event_id} = %s) "
        f"ON CONFLICT ({platform}, {event_id}) DO NOTHING RETURNING {pk}"
    )


def inbound_event_record(
    *,
    platform: str,
    account_id: int | None,
    event_id: str,
    payload: dict[str, Any],
    received_at: dt.datetime | None = None,
) -> InboundEvent | None:
    """Store one verified event and queue its processing after commit; None for a duplicate.

    One statement that skips a duplicate instead of failing on it: a re-delivery (platforms
    send each event up to three times, sometimes at the same instant) costs one round trip,
    no error, rollback or savepoint, and never waits for the worker (see _insert_once_sql).
    """
    from lantoa.connectors.tasks import request_processing

    event = InboundEvent(
        platform=platform,
        account_id=account_id,
        event_id=event_id[:255],
        payload=payload,
        received_at=received_at or timezone.now(),
    )
    params = [
        _field(name).get_db_prep_save(getattr(event, _field(name).attname), connection)
        for name in _INSERTED_COLUMNS
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_once_sql(connection.vendor), [*params, *params[:2]])
        row = cursor.fetchone()
    if row is None:
        return None
    event.pk = row[0]
    event._state.adding = False
    event_pk = event.pk
    transaction.on_commit(lambda: request_processing(event_pk))
    return event


# ---------------------------------------------------------------------------------------------
# Accounts


def _clean_account(account: ConnectorAccount) -> None:
    errors: dict[str, str] = {}
    account.external_id = (account.external_id or "").strip()
    account.app_id = (account.app_id or "").strip()
    what = "OA" if account.platform == Platform.ZALO else "trang"
    if not account.external_id:
        errors["external_id"] = _("Vui lòng nhập ID %(what)s.") % {"what": what}
    elif not _NUMERIC_ID.match(account.external_id):
        errors["external_id"] = _("ID %(what)s chỉ gồm chữ số (đã nhập “%(external_id)s”).") % {
            "what": what,
            "external_id": account.external_id,
        }
    if account.app_id and not _NUMERIC_ID.match(account.app_id):
        errors["app_id"] = _("ID ứng dụng chỉ gồm chữ số (đã nhập “%(app_id)s”).") % {
            "app_id": account.app_id
        }
    # (field, missing?, message) — the messages for secrets the platform needs.
    required: list[tuple[str, bool, str]] = []
    if account.platform == Platform.ZALO:
        required = [
            ("app_id", not account.app_id, _("Vui lòng nhập ID ứng dụng Zalo (App ID).")),
            (
                "app_secret",
                not account.app_secret,
                _("Vui lòng nhập khóa bí mật của ứng dụng (App Secret Key)."),
            ),
            (
                "webhook_secret",
                not account.webhook_secret,
                _("Vui lòng nhập khóa bí mật của OA (OA Secret Key)."),
            ),
            (
                "refresh_token",
                not account.refresh_token and not account.access_token,
                _("Vui lòng nhập refresh token của OA."),
            ),
        ]
    elif account.platform == Platform.FACEBOOK:
        required = [
            (
                "access_token",
                not account.access_token,
                _("Vui lòng nhập mã truy cập trang (Page Access Token)."),
            ),
            (
                "app_secret",
                not account.app_secret and not settings.LANTOA_FACEBOOK_APP_SECRET,
                _(
                    "Vui lòng nhập khóa bí mật ứng dụng Meta (App Secret); máy "
                    "chủ chưa được cấu hình khóa chung "
                    "LANTOA_FACEBOOK_APP_SECRET."
                ),
            ),
        ]
    else:
        errors["platform"] = _("Nền tảng không hợp lệ.")
    for name, missing, message in required:
        if missing:
            errors[name] = message
    if not errors:
        same = ConnectorAccount.objects.filter(
            platform=account.platform, external_id=account.external_id
        ).exclude(pk=account.pk)
        if same.exists():
            errors["external_id"] = _(
                "ID %(what)s “%(external_id)s” đã được kết nối với một kênh khác."
            ) % {"what": what, "external_id": account.external_id}
    if errors:
        raise ValidationError(errors)


def platform_of(channel: Channel) -> str:
    if channel.kind == Platform.ZALO:
        return Platform.ZALO
    if channel.kind == Platform.FACEBOOK:
        return Platform.FACEBOOK
    raise ValidationError({"platform": _("Chỉ kết nối được kênh Zalo OA hoặc trang Facebook.")})


def connector_account_save(
    *,
    channel: Channel,
    actor: Any,
    external_id: str,
    app_id: str = "",
    secrets: dict[str, str] | None = None,
    access_token_expires_at: dt.datetime | None = None,
) -> ConnectorAccount:
    """Connect ``channel`` (or update its connection). Secrets left blank keep their stored
    value; a new token puts the account back to "active"."""
    platform = platform_of(channel)
    secrets = {k: (v or "").strip() for k, v in (secrets or {}).items() if (v or "").strip()}
    unknown = set(secrets) - set(SECRET_FIELDS)
    if unknown:
        raise TypeError(f"unknown secret fields: {sorted(unknown)}")
    with transaction.atomic():
        account = ConnectorAccount.objects.select_for_update().filter(
            channel=channel
        ).first() or ConnectorAccount(channel=channel, platform=platform)
        creating = account.pk is None
        before = {"external_id": account.external_id, "app_id": account.app_id}
        account.platform = platform
        account.external_id = external_id
        account.app_id = app_id
        for name, value in secrets.items():
            setattr(account, name, value)
        if "access_token" in secrets:
            account.access_token_expires_at = access_token_expires_at
        if "refresh_token" in secrets:
            account.refresh_token_expires_at = timezone.now() + ZALO_REFRESH_TOKEN_LIFETIME
        _clean_account(account)
        if secrets:
            account.status = AccountStatus.ACTIVE
            account.last_error = ""
            account.last_error_text = None
            account.last_error_at = None
        if creating:
            account.connected_by = acting_user(actor)
        account.save()
        changed = [k for k, v in before.items() if getattr(account, k) != v] + sorted(secrets)
        audit_record(
            action="connector.connect" if creating else "connector.update",
            actor=actor,
            unit=channel.unit,
            target=f"{channel.pk}: {channel.name}",
            # Names of the fields changed, never a secret's value.
            data={"platform": platform, "external_id": account.external_id, "changed": changed},
        )
    return account


def connector_account_disconnect(*, account: ConnectorAccount, actor: Any) -> None:
    channel = account.channel
    with transaction.atomic():
        audit_record(
            action="connector.disconnect",
            actor=actor,
            unit=channel.unit,
            target=f"{channel.pk}: {channel.name}",
            data={"platform": account.platform, "external_id": account.external_id},
        )
        account.delete()


def connector_account_mark_error(account: ConnectorAccount, error: ConnectorError) -> None:
    """The platform refused our credentials: stop using them until an officer reconnects.
    The error is kept as text in the site's language and as a ``Text`` (``last_error_text``)
    shown in each officer's language."""
    now = timezone.now()
    message, stored = str(error)[:2000], error.stored()
    ConnectorAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.ERROR,
        last_error=message,
        last_error_text=stored,
        last_error_at=now,
        updated_at=now,
    )
    account.status = AccountStatus.ERROR
    account.last_error = message
    account.last_error_text = stored
    account.last_error_at = now
    log.warning("connector account %s marked as failing", account.pk)
