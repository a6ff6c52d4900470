"""Reads of publishing: where a unit can publish, an item's publications, a unit's list, and
the post counts other apps use (targets, scoreboards)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.channels.models import Channel, ChannelKind, ChannelStatus
from lantoa.connectors.models import AccountStatus, ConnectorAccount, Platform
from lantoa.content.models import ContentItem
from lantoa.core.extensions import PrivateFile
from lantoa.core.private_files import THUMBNAIL
from lantoa.core.text import format_int
from lantoa.publishing.models import (
    NEWSLETTER_LABEL,
    POSTED,
    SITE_LABEL,
    Method,
    Publication,
    PublicationStatus,
    Subscriber,
)
from lantoa.units.models import Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SITE_KEY = "site"
NEWSLETTER_KEY = "newsletter"
# Still under way or done: a second publication on the same channel is not offered.
ACTIVE_STATUSES = (
    PublicationStatus.PENDING,
    PublicationStatus.PUBLISHING,
    PublicationStatus.PUBLISHED,
    PublicationStatus.RECORDED,
)
API_PLATFORMS = {ChannelKind.FACEBOOK_PAGE: Platform.FACEBOOK, ChannelKind.ZALO_OA: Platform.ZALO}


@dataclass(frozen=True)
class ChannelOption:
    """One place the officer may tick on the publish form."""

    key: str  # "site", "newsletter" or "c<channel id>"
    label: StrOrPromise  # in the reader's language; publications store it in the site's
    method: str  # Method value
    channel_kind: str
    channel: Channel | None = None
    detail: str = ""
    taken: Publication | None = None  # an active publication already there

    @property
    def automatic(self) -> bool:
        return self.method != Method.MANUAL


def channel_options(unit: Unit, item: ContentItem | None = None) -> list[ChannelOption]:
    """The unit's channels, in the order the form shows them: the built-in public site and
    newsletter, then the unit's active channels (connected Facebook pages and Zalo OAs are
    posted to by API; the others are recorded by hand)."""
    taken: dict[str, Publication] = {}
    if item is not None:
        for pub in Publication.objects.filter(
            item=item, unit=unit, status__in=ACTIVE_STATUSES
        ).select_related("channel"):
            key = f"c{pub.channel_id}" if pub.channel_id else pub.method
            taken[key] = pub
    subscribers = active_subscribers(unit).count()
    options = [
        ChannelOption(
            SITE_KEY,
            SITE_LABEL,
            Method.SITE,
            ChannelKind.WEBSITE,
            detail=_("Tin hiện trong mục tin tức của đơn vị, có RSS."),
            taken=taken.get(Method.SITE),
        ),
        ChannelOption(
            NEWSLETTER_KEY,
            NEWSLETTER_LABEL,
            Method.NEWSLETTER,
            ChannelKind.EMAIL_LIST,
            detail=_("%(subscribers)s người nhận đã xác nhận.")
            % {"subscribers": format_int(subscribers)},
            taken=taken.get(Method.NEWSLETTER),
        ),
    ]
    channels = list(
        Channel.objects.filter(unit=unit, status=ChannelStatus.ACTIVE).order_by("kind", "name")
    )
    connected = {
        a.channel_id: a
        for a in ConnectorAccount.objects.filter(channel__in=channels).only(
            "channel_id", "platform", "status"
        )
    }
    for channel in channels:
        if channel.kind == ChannelKind.EMAIL_LIST:
            continue  # the newsletter above is the unit's e-mail list
        account = connected.get(channel.pk)
        platform = API_PLATFORMS.get(ChannelKind(channel.kind))
        if platform and account is not None and account.platform == platform:
            method = Method.FACEBOOK if platform == Platform.FACEBOOK else Method.ZALO_OA
            detail = (
                _("Đăng tự động.")
                if account.status == AccountStatus.ACTIVE
                else _("Kết nối đang lỗi hoặc tạm dừng: cần kết nối lại trước khi đăng.")
            )
        else:
            method = Method.MANUAL
            detail = (
                _("Chưa kết nối: tự đăng trên kênh rồi ghi nhận kèm minh chứng.")
                if platform
                else _("Kênh này không đăng tự động được: tự đăng rồi ghi nhận kèm minh chứng.")
            )
        options.append(
            ChannelOption(
                f"c{channel.pk}",
                format_lazy("{}: {}", ChannelKind(channel.kind).label, channel.name),
                method,
                channel.kind,
                channel=channel,
                detail=detail,
                taken=taken.get(f"c{channel.pk}"),
            )
        )
    return options


def active_subscribers(unit: Unit) -> QuerySet[Subscriber]:
    return Subscriber.objects.filter(
        unit=unit, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    )


def publications_of_item(item: ContentItem) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(item=item)
        .select_related("unit", "channel", "recorded_by")
        .order_by("unit__depth", "unit__name", "method", "channel_name", "pk")
    )


def publications_of_unit(
    unit: Unit, *, subtree: bool = False, status: str = "", method: str = ""
) -> QuerySet[Publication]:
    if subtree:
        qs = Publication.objects.filter(unit__ancestor_links__ancestor_id=unit.pk)
    else:
        qs = Publication.objects.filter(unit_id=unit.pk)
    if status:
        qs = qs.filter(status=status)
    if method:
        qs = qs.filter(method=method)
    return qs.select_related("item", "unit", "channel").order_by("-created_at", "-pk")


def _posted(start: dt.datetime, end: dt.datetime, channel_kinds: Iterable[str] | None) -> Q:
    q = Q(status__in=POSTED, published_at__gte=start, published_at__lt=end)
    if channel_kinds is not None:
        q &= Q(channel_kind__in=list(channel_kinds))
    return q


def posts_by_unit(
    units_or_subtree: Unit | Iterable[Unit | int],
    start: dt.datetime,
    end: dt.datetime,
    channel_kinds: Iterable[str] | None = None,
) -> dict[int, int]:
    """Posts (published or recorded publications) in [start, end) per publishing unit, in one
    aggregate query. ``units_or_subtree``: a Unit (every unit of its subtree, itself
    included) or an iterable of units/ids (those units only). Units without posts are left
    out. ``channel_kinds``: ChannelKind values to count (the public site counts as
    "website", the newsletter as "email_list"); None: all."""
    qs = Publication.objects.filter(_posted(start, end, channel_kinds))
    if isinstance(units_or_subtree, Unit):
        qs = qs.filter(unit__ancestor_links__ancestor_id=units_or_subtree.pk)
    else:
        ids = [u.pk if isinstance(u, Unit) else int(u) for u in units_or_subtree]
        qs = qs.filter(unit_id__in=ids)
    rows = qs.values("unit_id").annotate(n=Count("id")).order_by()
    return {row["unit_id"]: row["n"] for row in rows}


def posts_by_day_and_kind(
    unit: Unit, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.date, str, int]]:
    """(local day, channel kind, posts) over ``unit``'s subtree, in one grouped query."""
    rows = (
        Publication.objects.filter(
            _posted(start, end, None), unit__ancestor_links__ancestor_id=unit.pk
        )
        .annotate(day=TruncDate("published_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "channel_kind")
        .annotate(n=Count("id"))
        .order_by("day", "channel_kind")
    )
    return [(r["day"], r["channel_kind"], r["n"]) for r in rows]


def posts_by_kind(unit: Unit, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    rows = (
        Publication.objects.filter(
            _posted(start, end, None), unit__ancestor_links__ancestor_id=unit.pk
        )
        .values("channel_kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["channel_kind"]: r["n"] for r in rows}


PROOF_FILES = "publishing.proof"  # the key in lantoa.core.extensions.private_files


def publication_for(user: access.AnyUser, pk: int, perm: str = "publishing.view") -> Publication:
    """Publication ``pk`` if ``user`` holds ``perm`` at its unit (404 outside their subtree,
    403 when seen but not allowed)."""
    pub = Publication.objects.select_related("item", "unit", "channel").filter(pk=pk).first()
    if pub is None:
        raise Http404
    access.require(user, perm, pub.unit)
    return pub


def proof_file(user: access.AnyUser, pk: int, variant: str) -> PrivateFile | None:
    """The proof photo of a recorded publication (or its thumbnail), for whoever may see the
    unit's publications (the rule of the publications page)."""
    pub = publication_for(user, pk)
    if variant not in ("", THUMBNAIL):
        return None
    name = pub.proof_thumbnail.name if variant else pub.proof_photo.name
    kind = mimetypes.guess_type(name or "")[0] or "application/octet-stream"
    # Proof photos are decoded and written again on upload: safe to show in the tab.
    suffix = PurePath(name or ".jpg").suffix
    return PrivateFile(name, f"minh-chung-{pub.pk}{suffix}", kind, inline=True)
