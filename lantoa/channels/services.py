"""Writes to communication channels and their audience history."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.channels.models import (
    ONLINE_KINDS,
    Channel,
    ChannelKind,
    ChannelStat,
    ChannelStatus,
)
from lantoa.core.services import assign_validated
from lantoa.core.weblinks import normalise_url
from lantoa.units.models import Unit

CHANNEL_EDITABLE_FIELDS = ("kind", "name", "url", "identifier", "owner", "status")

# Kinds that only exist as a web address.
URL_REQUIRED_KINDS = (
    ChannelKind.FACEBOOK_PAGE,
    ChannelKind.YOUTUBE,
    ChannelKind.TIKTOK,
    ChannelKind.WEBSITE,
)
ZALO_KINDS = (ChannelKind.ZALO_OA, ChannelKind.ZALO_GROUP)

# kind → (accepted registrable domains, name shown in the error message)
EXPECTED_DOMAINS: dict[str, tuple[tuple[str, ...], str]] = {
    ChannelKind.FACEBOOK_PAGE: (("facebook.com", "fb.com"), "facebook.com"),
    ChannelKind.YOUTUBE: (("youtube.com", "youtu.be"), "youtube.com"),
    ChannelKind.TIKTOK: (("tiktok.com",), "tiktok.com"),
    ChannelKind.ZALO_OA: (("zalo.me",), "zalo.me"),
    ChannelKind.ZALO_GROUP: (("zalo.me",), "zalo.me"),
}

_url_validator = URLValidator(schemes=["http", "https"])


def _on_domain(url: str, domains: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _clean_channel(channel: Channel) -> None:
    """Check kind-specific rules; raise a ValidationError keyed by field, in Vietnamese."""
    errors: dict[str, str] = {}
    channel.name = (channel.name or "").strip()
    channel.identifier = (channel.identifier or "").strip()
    channel.owner = (channel.owner or "").strip()
    channel.url = normalise_url(channel.url)
    if channel.kind not in ChannelKind.values:
        errors["kind"] = _("Loại kênh không hợp lệ.")
    if channel.status not in ChannelStatus.values:
        errors["status"] = _("Trạng thái kênh không hợp lệ.")
    if not channel.name:
        errors["name"] = _("Vui lòng nhập tên kênh.")
    elif len(channel.name) > 255:
        errors["name"] = _("Tên kênh dài quá 255 ký tự.")
    kind_label = ChannelKind(channel.kind).label if channel.kind in ChannelKind.values else ""

    if channel.url:
        try:
            _url_validator(channel.url)
        except ValidationError:
            errors["url"] = _("Đường dẫn “%(channel_url)s” không hợp lệ.") % {
                "channel_url": channel.url
            }
        else:
            if channel.kind in EXPECTED_DOMAINS:
                domains, shown = EXPECTED_DOMAINS[channel.kind]
                if not _on_domain(channel.url, domains):
                    errors["url"] = _(
                        "Đường dẫn của %(kind_label)s phải thuộc %(shown)s (đã nhập "
                        "“%(channel_url)s”)."
                    ) % {"kind_label": kind_label, "shown": shown, "channel_url": channel.url}
        if len(channel.url) > 500 and "url" not in errors:
            errors["url"] = _("Đường dẫn dài quá 500 ký tự.")
    elif channel.kind in URL_REQUIRED_KINDS:
        errors["url"] = _("Vui lòng nhập đường dẫn của %(kind_label)s.") % {
            "kind_label": kind_label
        }
    elif channel.kind in ONLINE_KINDS and not channel.identifier:
        if channel.kind in ZALO_KINDS:
            errors["identifier"] = _(
                "Vui lòng nhập đường dẫn (zalo.me/…) hoặc mã định danh của %(kind_label)s."
            ) % {"kind_label": kind_label}
        else:
            errors["identifier"] = _(
                "Vui lòng nhập đường dẫn hoặc mã định danh của %(kind_label)s."
            ) % {"kind_label": kind_label}
    if errors:
        raise ValidationError(errors)

    if channel.status == ChannelStatus.ACTIVE:
        same = Channel.objects.filter(
            unit_id=channel.unit_id, kind=channel.kind, status=ChannelStatus.ACTIVE
        ).exclude(pk=channel.pk)
        if channel.url:
            if same.filter(url__iexact=channel.url).exists():
                raise ValidationError(
                    {
                        "url": _(
                            "Đơn vị đã có %(kind_label)s đang hoạt động với đường dẫn "
                            "“%(channel_url)s”."
                        )
                        % {"kind_label": kind_label, "channel_url": channel.url}
                    }
                )
        elif (
            channel.identifier
            and same.filter(url="", identifier__iexact=channel.identifier).exists()
        ):
            raise ValidationError(
                {
                    "identifier": _(
                        "Đơn vị đã có %(kind_label)s đang hoạt động với mã định danh "
                        "“%(channel_identifier)s”."
                    )
                    % {"kind_label": kind_label, "channel_identifier": channel.identifier}
                }
            )


def channel_create(
    *,
    unit: Unit,
    kind: str,
    name: str,
    url: str = "",
    identifier: str = "",
    owner: str = "",
    status: str = ChannelStatus.ACTIVE,
    actor: Any = None,
) -> Channel:
    channel = Channel(
        unit=unit, kind=kind, name=name, url=url, identifier=identifier, owner=owner, status=status
    )
    _clean_channel(channel)
    with transaction.atomic():
        channel.save()
        if actor is not None:
            audit_record(
                action="channel.create",
                actor=actor,
                unit=unit,
                target=f"{channel.pk}: {channel.name}",
                data={"kind": channel.kind, "url": channel.url},
            )
    return channel


def channel_update(*, channel: Channel, actor: Any = None, **fields: Any) -> Channel:
    changed = assign_validated(
        channel, fields, allowed=CHANNEL_EDITABLE_FIELDS, clean=_clean_channel
    )
    with transaction.atomic():
        channel.save()
        if actor is not None and changed:
            audit_record(
                action="channel.update",
                actor=actor,
                unit=channel.unit,
                target=f"{channel.pk}: {channel.name}",
                data={k: getattr(channel, k) for k in changed},
            )
    return channel


def channel_delete(*, channel: Channel, actor: Any = None) -> None:
    with transaction.atomic():
        if actor is not None:
            audit_record(
                action="channel.delete",
                actor=actor,
                unit=channel.unit,
                target=f"{channel.pk}: {channel.name}",
                data={"kind": channel.kind, "url": channel.url},
            )
        channel.delete()


def channel_record_audience(
    *, channel: Channel, recorded_on: dt.date, audience: int, actor: Any = None
) -> ChannelStat:
    """Record the audience on a day (replacing that day's figure). The channel's current
    audience follows only the newest day, so back-filling history leaves it alone."""
    errors: dict[str, str] = {}
    if not isinstance(audience, int) or isinstance(audience, bool) or audience < 0:
        errors["audience"] = _("Số người theo dõi/thành viên phải là số nguyên không âm.")
    if recorded_on > timezone.localdate():
        errors["recorded_on"] = _(
            "Ngày %(recorded_on)s ở tương lai; chỉ ghi nhận số liệu đã có."
        ) % {"recorded_on": format(recorded_on, "%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        stat, _created = ChannelStat.objects.update_or_create(
            channel=channel, recorded_on=recorded_on, defaults={"audience": audience}
        )
        # Re-read under the transaction so that two recordings cannot leave an older figure.
        current = Channel.objects.select_for_update().only("audience_on").get(pk=channel.pk)
        if current.audience_on is None or recorded_on >= current.audience_on:
            Channel.objects.filter(pk=channel.pk).update(
                audience=audience, audience_on=recorded_on, updated_at=timezone.now()
            )
            channel.audience = audience
            channel.audience_on = recorded_on
        if actor is not None:
            audit_record(
                action="channel.audience",
                actor=actor,
                unit=channel.unit,
                target=f"{channel.pk}: {channel.name}",
                data={"on": recorded_on.isoformat(), "audience": audience},
            )
    return stat
