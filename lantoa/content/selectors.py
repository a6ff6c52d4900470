"""Reads over the content studio: lists, the schedule, approvers, versions and their diff."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lantoa import access
from lantoa.accounts.models import Membership, Role, User
from lantoa.content.models import (
    ApprovalSetting,
    ContentItem,
    ContentStatus,
    ContentVersion,
    MediaAsset,
    MediaKind,
)
from lantoa.content.sanitize import html_to_text
from lantoa.core.extensions import PrivateFile
from lantoa.core.private_files import THUMBNAIL
from lantoa.units.models import Unit, UnitClosure

DEFAULT_APPROVER_ROLES = (Role.ADMIN, Role.LEADER)


def items_of(
    unit: Unit,
    *,
    subtree: bool = False,
    status: str | None = None,
    kind: str | None = None,
    campaign_id: int | None = None,
    query: str = "",
) -> QuerySet[ContentItem]:
    if subtree:
        qs = ContentItem.objects.filter(unit__ancestor_links__ancestor_id=unit.pk)
    else:
        qs = ContentItem.objects.filter(unit_id=unit.pk)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    if query.strip():
        qs = qs.filter(Q(title__icontains=query.strip()) | Q(slug__contains=query.strip()))
    return qs.select_related("unit", "author", "campaign").order_by("-updated_at", "-id")


def items_visible_to(user: access.AnyUser, items: QuerySet[ContentItem]) -> QuerySet[ContentItem]:
    if user.is_superuser or access.sees_everything(user):
        return items
    return items.filter(unit__in=access.visible_units(user, "content.view"))


def scheduled_between(unit: Unit, start: dt.datetime, end: dt.datetime) -> list[ContentItem]:
    """Items of ``unit``'s subtree scheduled, published or going live (livestreams) in
    [start, end), by time: what the calendar shows."""
    in_tree = ContentItem.objects.filter(unit__ancestor_links__ancestor_id=unit.pk)
    rows = (
        in_tree.filter(
            Q(status=ContentStatus.SCHEDULED, scheduled_at__gte=start, scheduled_at__lt=end)
            | Q(status=ContentStatus.PUBLISHED, published_at__gte=start, published_at__lt=end)
            | Q(livestream_at__gte=start, livestream_at__lt=end)
        )
        .select_related("unit", "campaign")
        .order_by("pk")
    )

    def when(item: ContentItem) -> dt.datetime:
        if item.status == ContentStatus.SCHEDULED and item.scheduled_at:
            return item.scheduled_at
        if item.status == ContentStatus.PUBLISHED and item.published_at:
            return item.published_at
        return item.livestream_at or item.updated_at

    return sorted(rows, key=when)


def calendar_time(item: ContentItem) -> dt.datetime | None:
    if item.status == ContentStatus.SCHEDULED:
        return item.scheduled_at
    if item.status == ContentStatus.PUBLISHED:
        return item.published_at
    return item.livestream_at


def media_of(unit: Unit, *, kind: str | None = None) -> QuerySet[MediaAsset]:
    """The unit's library and those of the units above it (a province's photos serve its
    grassroots unions too)."""
    up = UnitClosure.objects.filter(descendant_id=unit.pk).values("ancestor_id")
    qs = MediaAsset.objects.filter(unit_id__in=up)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("unit").order_by("-created_at", "-id")


MEDIA_FILES = "content.media"  # the key in lantoa.core.extensions.private_files


def asset_for(user: Any, pk: int) -> MediaAsset:
    """An asset ``user`` may see: in their visible subtree, or in the library of a unit above
    one of their units (whose files their own items may use); 404 otherwise."""
    asset = MediaAsset.objects.select_related("unit").filter(pk=pk).first()
    if asset is None:
        raise Http404
    if access.can(user, "content.view", asset.unit):
        return asset
    member_units = [u for u, _role in access.memberships(user)]
    if UnitClosure.objects.filter(
        ancestor_id=asset.unit_id, descendant_id__in=member_units
    ).exists():
        return asset
    raise Http404


def media_file(user: Any, pk: int, variant: str) -> PrivateFile | None:
    """A library file (or its thumbnail) for an officer who may see the asset (the library's
    rule). The public site serves published photos through its own view."""
    asset = asset_for(user, pk)
    if variant == THUMBNAIL:
        stem = PurePath(asset.original_name).stem or "anh"
        return PrivateFile(asset.thumbnail.name, f"{stem}-nho.jpg", "image/jpeg", inline=True)
    if variant:
        return None
    return PrivateFile(
        asset.file.name,
        asset.original_name,
        asset.content_type or "application/octet-stream",
        inline=asset.kind == MediaKind.IMAGE,  # re-encoded by Pillow on upload
    )


def media_usable_by(unit: Unit, assets: Iterable[MediaAsset]) -> list[MediaAsset]:
    """Those of ``assets`` that ``unit`` may attach (not in its library or above: left out)."""
    allowed = set(media_of(unit).values_list("pk", flat=True))
    return [a for a in assets if a.pk in allowed]


# --- approvers --------------------------------------------------------------------------


def approval_setting_for(unit: Unit) -> ApprovalSetting | None:
    """The nearest setting up the tree (``unit`` itself first), None if there is none."""
    depths = dict(
        UnitClosure.objects.filter(descendant_id=unit.pk).values_list("ancestor_id", "depth")
    )
    settings_ = list(ApprovalSetting.objects.filter(unit_id__in=list(depths)))
    if not settings_:
        return None
    return min(settings_, key=lambda s: depths[s.unit_id])


def approver_roles(setting: ApprovalSetting | None) -> tuple[str, ...]:
    if setting is None:
        return tuple(DEFAULT_APPROVER_ROLES)
    return tuple(setting.roles)


def can_approve(user: access.AnyUser, item: ContentItem) -> bool:
    """Whether ``user`` is an approver for ``item``'s unit (four-eyes checked apart)."""
    if not user.is_authenticated or not user.is_active:
        return False
    unit = item.unit
    if not access.can(user, "unit.view", unit):
        return False
    if user.is_superuser:
        return True
    setting = approval_setting_for(unit)
    if setting is not None and setting.users.filter(pk=user.pk).exists():
        return True
    return bool(access.roles_at(user, unit) & set(approver_roles(setting)))


QUEUE_LIMIT = 200


def awaiting_approval(user: access.AnyUser) -> list[ContentItem]:
    """The leaders' "Chờ duyệt" queue: items sent for review that ``user`` may approve — in
    the units they see, where they are an approver (``can_approve``), and not written by them
    (four eyes) — the longest waiting first."""
    if not user.is_authenticated or not user.is_active:
        return []
    wrote_current = ContentVersion.objects.filter(
        item=OuterRef("pk"), number=OuterRef("version"), author_id=user.pk
    )
    items = (
        items_visible_to(user, ContentItem.objects.filter(status=ContentStatus.IN_REVIEW))
        .exclude(author_id=user.pk)
        .exclude(Exists(wrote_current))
        .select_related("unit", "author")
        .order_by("updated_at", "id")
    )
    allowed: dict[int, bool] = {}
    queue: list[ContentItem] = []
    for item in items[: QUEUE_LIMIT * 5]:
        if item.unit_id not in allowed:
            allowed[item.unit_id] = can_approve(user, item)
        if allowed[item.unit_id]:
            queue.append(item)
            if len(queue) >= QUEUE_LIMIT:
                break
    return queue


QUEUE_COUNT_TTL = 30


def _queue_count_key(user: access.AnyUser) -> str:
    return f"content:awaiting-approval:{user.pk}"


def awaiting_approval_count(user: access.AnyUser) -> int:
    """How many items wait for ``user``'s approval, for the header (kept 30 s)."""
    if not user.is_authenticated or not user.is_active:
        return 0
    found = cache.get(_queue_count_key(user))
    if found is None:
        found = remember_queue_count(user, len(awaiting_approval(user)))
    return int(found)


def remember_queue_count(user: access.AnyUser, count: int) -> int:
    """The queue was just read: the header shows what the page lists."""
    cache.set(_queue_count_key(user), count, QUEUE_COUNT_TTL)
    return count


def approves_by_role(user: access.AnyUser) -> bool:
    """Whether ``user`` holds a role that approves content by default (leader, admin)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(
        {role for _unit, role in access.memberships(user)} & set(DEFAULT_APPROVER_ROLES)
    )


def approvers_to_notify(item: ContentItem) -> list[User]:
    """The named approvers, and the holders of an approver role at the nearest unit up the
    tree where someone holds one (not every leader up to the national level)."""
    setting = approval_setting_for(item.unit)
    users: list[User] = list(setting.users.filter(is_active=True)) if setting else []
    roles = approver_roles(setting)
    if roles:
        depths = dict(
            UnitClosure.objects.filter(descendant_id=item.unit_id).values_list(
                "ancestor_id", "depth"
            )
        )
        rows = Membership.objects.filter(
            unit_id__in=list(depths), role__in=list(roles), user__is_active=True
        ).select_related("user")
        by_depth: dict[int, list[User]] = {}
        for m in rows:
            by_depth.setdefault(depths[m.unit_id], []).append(m.user)
        if by_depth:
            users += by_depth[min(by_depth)]
    return [u for u in dict.fromkeys(users) if u.pk != item.author_id]


# --- versions ---------------------------------------------------------------------------


@dataclass
class DiffLine:
    op: str  # "same" | "add" | "del"
    text: str


@dataclass
class FieldDiff:
    label: str | Promise
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.op != "same" for line in self.lines)


def _lines_diff(old: str, new: str) -> list[DiffLine]:
    out = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        out.append(DiffLine({"+ ": "add", "- ": "del"}.get(tag, "same"), text))
    return out


def version_diff(old: ContentVersion, new: ContentVersion) -> list[FieldDiff]:
    """Line diff of title, summary, body text and the attached media of two versions."""

    def media_text(v: ContentVersion) -> str:
        names = [m.get("title", "") for m in v.data.get("media", [])]
        att = v.data.get("attachment")
        if att:
            names.append(f"📎 {att.get('title', '')}")
        return "\n".join(names)

    return [
        FieldDiff(_("Tiêu đề"), _lines_diff(old.title, new.title)),
        FieldDiff(_("Tóm tắt"), _lines_diff(old.summary, new.summary)),
        FieldDiff(_("Nội dung"), _lines_diff(html_to_text(old.body), html_to_text(new.body))),
        FieldDiff(_("Ảnh, video, tệp"), _lines_diff(media_text(old), media_text(new))),
    ]
