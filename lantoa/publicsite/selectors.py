"""What the public site shows: only items a unit published to the site (a ``Publication``
with method "site", status "published", time reached), only campaigns under way or over,
only the units of the site's subtree. No officer names, no internal fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.campaigns.models import Campaign, CampaignStatus
from lantoa.content.models import ContentItem, ContentStatus, MediaAsset, MediaKind
from lantoa.publishing.models import Method, Publication, PublicationStatus
from lantoa.units import selectors as units_selectors
from lantoa.units.models import Unit, UnitClosure


def site_unit() -> Unit:
    """The site's unit (``lantoa.units.selectors.site_unit``); 404 on an empty installation."""
    root = units_selectors.site_unit()
    if root is None:
        raise Http404(_("Chưa có đơn vị nào."))
    return root


def in_site(unit: Unit, root: Unit) -> bool:
    return UnitClosure.objects.filter(ancestor_id=root.pk, descendant_id=unit.pk).exists()


def site_unit_by_code(code: str, root: Unit) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not in_site(unit, root):
        raise Http404
    return unit


def _on_site(now: dt.datetime) -> Q:
    return Q(method=Method.SITE, status=PublicationStatus.PUBLISHED, published_at__lte=now)


def news(
    root: Unit, *, unit: Unit | None = None, now: dt.datetime | None = None
) -> QuerySet[Publication]:
    """Site publications of ``root``'s subtree (or of ``unit``'s, which must be inside it),
    newest first, with their item, its unit and images."""
    now = now or timezone.now()
    anchor = unit or root
    return (
        Publication.objects.filter(
            _on_site(now),
            unit__ancestor_links__ancestor_id=anchor.pk,
            item__status=ContentStatus.PUBLISHED,
        )
        .select_related("item", "item__unit", "unit")
        .prefetch_related(
            Prefetch(
                "item__media",
                queryset=MediaAsset.objects.filter(kind=MediaKind.IMAGE).order_by("pk"),
                to_attr="images",
            )
        )
        .order_by("-published_at", "-pk")
    )


def article(root: Unit, unit_code: str, slug: str) -> tuple[ContentItem, Publication]:
    """The item ``slug`` of unit ``unit_code`` and its first site publication; 404 unless it
    is on the site."""
    now = timezone.now()
    item = (
        ContentItem.objects.filter(unit__code=unit_code, slug=slug, status=ContentStatus.PUBLISHED)
        .select_related("unit", "campaign", "attachment")
        .first()
    )
    if item is None or not in_site(item.unit, root):
        raise Http404
    publication = (
        Publication.objects.filter(_on_site(now), item=item).order_by("published_at").first()
    )
    if publication is None:
        raise Http404
    return item, publication


def item_images(item: ContentItem) -> list[MediaAsset]:
    return list(item.media.filter(kind=MediaKind.IMAGE).order_by("pk"))


@dataclass
class UnitNews:
    unit: Unit
    count: int
    latest: dt.datetime


def units_with_news(root: Unit, *, limit: int = 12) -> list[UnitNews]:
    """The units of the site whose news are freshest, for the home page."""
    now = timezone.now()
    rows = list(
        Publication.objects.filter(_on_site(now), unit__ancestor_links__ancestor_id=root.pk)
        .values("unit_id")
        .annotate(latest=Max("published_at"), n=Count("id"))
        .order_by("-latest")[:limit]
    )
    units = Unit.objects.in_bulk([r["unit_id"] for r in rows])
    return [
        UnitNews(units[r["unit_id"]], r["n"], r["latest"]) for r in rows if r["unit_id"] in units
    ]


def public_campaigns(root: Unit) -> QuerySet[Campaign]:
    """Campaigns of the site's subtree that are under way or over (not plans)."""
    return (
        Campaign.objects.filter(
            owner__ancestor_links__ancestor_id=root.pk,
            status__in=(CampaignStatus.RUNNING, CampaignStatus.FINISHED),
        )
        .select_related("owner")
        .order_by("status", "-starts_on", "name")
    )


def campaign_news(root: Unit, campaign: Campaign) -> QuerySet[Publication]:
    return news(root).filter(item__campaign=campaign)


def media_is_public(asset: MediaAsset) -> bool:
    """A file of the library is public once an item that uses it (as a photo, attachment or
    in its body) has been sent to a channel: posts and the site link to it."""
    from django.urls import reverse

    sent = Publication.objects.filter(item=OuterRef("pk")).exclude(
        status=PublicationStatus.CANCELLED
    )
    studio_url = reverse("content:media_file", kwargs={"pk": asset.pk})
    return (
        ContentItem.objects.filter(
            Q(media=asset) | Q(attachment=asset) | Q(body__contains=studio_url)
        )
        .filter(Exists(sent))
        .exists()
    )


def last_published(root: Unit, unit: Unit | None = None) -> dt.datetime | None:
    value = news(root, unit=unit).aggregate(latest=Max("published_at"))["latest"]
    return value if isinstance(value, dt.datetime) else None
