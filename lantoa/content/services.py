"""Writes of the content studio. Every change of an item goes through here: it keeps a full
version on every edit, checks the workflow rules, writes a ``ContentEvent`` and an audit row,
and notifies reviewers or the author after commit.

Workflow (``TRANSITIONS``)::

    draft ──submit──▶ in_review ──approve──▶ approved ──schedule──▶ scheduled
      ▲                  │                     │  ▲                    │
      │               return                publish└──unschedule───────┤
      │                  ▼                     ▼                     publish (at the time)
      └────edit──── returned                published ◀──────────────┘

An edit of an approved or scheduled item voids the approval (back to draft); a returned item
goes back to draft on its next edit. Published items are not edited in place.

Content owns drafting and review up to "approved". Schedule, unschedule and publish are
publishing's steps (``lantoa.publishing.services``): publishing writes the publications, keeps
the one clock and calls ``content_schedule``/``content_unschedule``/``content_publish`` here to
set the statuses content shows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from lantoa import access
from lantoa.accounts.models import Role, User
from lantoa.audit.services import audit_record
from lantoa.campaigns.models import Campaign
from lantoa.content import media as media_check
from lantoa.content.models import (
    ApprovalSetting,
    ContentEvent,
    ContentEventKind,
    ContentItem,
    ContentKind,
    ContentStatus,
    ContentVersion,
    MediaAsset,
    MediaKind,
)
from lantoa.content.sanitize import sanitize_html
from lantoa.content.selectors import approvers_to_notify, can_approve, media_usable_by
from lantoa.core.services import acting_user
from lantoa.core.text import fold
from lantoa.notifications.services import Text
from lantoa.units.models import Unit

S = ContentStatus
STATUS_LABEL = dict(ContentStatus.choices)

# action → statuses it may start from, status it leads to
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((S.DRAFT, S.RETURNED), S.IN_REVIEW),
    "return": ((S.IN_REVIEW, S.APPROVED, S.SCHEDULED), S.RETURNED),
    "approve": ((S.IN_REVIEW,), S.APPROVED),
    "schedule": ((S.APPROVED,), S.SCHEDULED),
    "unschedule": ((S.SCHEDULED,), S.APPROVED),
    "publish": ((S.APPROVED, S.SCHEDULED), S.PUBLISHED),
}
ACTION_LABEL = {
    "submit": gettext_lazy("gửi duyệt"),
    "return": gettext_lazy("trả lại"),
    "approve": gettext_lazy("duyệt"),
    "schedule": gettext_lazy("hẹn giờ đăng"),
    "unschedule": gettext_lazy("hủy hẹn giờ"),
    "publish": gettext_lazy("đăng"),
    "edit": gettext_lazy("sửa"),
}
EDITABLE_STATUSES = (S.DRAFT, S.RETURNED, S.IN_REVIEW, S.APPROVED, S.SCHEDULED)

ITEM_FIELDS = (
    "kind",
    "title",
    "summary",
    "body",
    "campaign",
    "tags",
    "video_url",
    "livestream_url",
    "livestream_at",
    "attachment",
    "media",
)
VIDEO_DOMAINS = ("youtube.com", "youtu.be", "tiktok.com", "facebook.com", "fb.watch", "fb.com")
MAX_TAGS = 20
_url_validator = URLValidator(schemes=["http", "https"])
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


# --- helpers ------------------------------------------------------------------------------


def slugify_vi(text: str, *, max_length: int = 100) -> str:
    """ "Đoàn viên Công đoàn" → "doan-vien-cong-doan" (diacritics folded, đ → d)."""
    slug = _SLUG_JUNK.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-")


def unique_slug(unit: Unit, title: str) -> str:
    """The item's address within its unit; fixed at creation so links keep working."""
    base = slugify_vi(title) or "noi-dung"
    taken = set(
        ContentItem.objects.filter(unit=unit, slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _on_domain(url: str, domains: Sequence[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _clean_url(url: str, field: str, errors: dict[str, str], label: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    try:
        _url_validator(url)
    except ValidationError:
        errors[field] = _("%(label)s: đường dẫn “%(url)s” không hợp lệ.") % {
            "label": label,
            "url": url,
        }
        return url
    if not _on_domain(url, VIDEO_DOMAINS):
        errors[field] = _(
            "%(label)s phải là đường dẫn YouTube, TikTok hoặc Facebook (đã nhập “%(url)s”)."
        ) % {"label": label, "url": url}
    elif len(url) > 500:
        errors[field] = _("%(label)s: đường dẫn dài quá 500 ký tự.") % {"label": label}
    return url


def _clean_tags(tags: Iterable[str] | str | None, errors: dict[str, str]) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned = list(dict.fromkeys(t.strip() for t in (tags or []) if t and t.strip()))
    long = [t for t in cleaned if len(t) > 50]
    if long:
        errors["tags"] = _("Từ khóa “%(long)s…” dài quá 50 ký tự.") % {"long": long[0][:50]}
    elif len(cleaned) > MAX_TAGS:
        errors["tags"] = _("Tối đa %(max_tags)s từ khóa (đã nhập %(count)s).") % {
            "max_tags": MAX_TAGS,
            "count": len(cleaned),
        }
    return cleaned


def _require_edit(actor: Any, item_unit: Unit) -> None:
    if actor is not None and not access.can(actor, "content.edit", item_unit):
        raise PermissionDenied(_("Anh/chị không có quyền soạn nội dung của đơn vị này."))


def _clean_fields(unit: Unit, values: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check the editable fields; ValidationError keyed by field."""
    from lantoa.campaigns.selectors import campaign_includes

    errors: dict[str, str] = {}
    out = dict(values)
    if out["kind"] not in ContentKind.values:
        errors["kind"] = _("Loại nội dung không hợp lệ.")
    out["title"] = (out.get("title") or "").strip()
    if not out["title"]:
        errors["title"] = _("Vui lòng nhập tiêu đề.")
    elif len(out["title"]) > 255:
        errors["title"] = _("Tiêu đề dài %(count)s ký tự, tối đa 255.") % {
            "count": len(out["title"])
        }
    out["summary"] = (out.get("summary") or "").strip()
    if len(out["summary"]) > 2000:
        errors["summary"] = _("Tóm tắt dài quá 2.000 ký tự.")
    out["body"] = sanitize_html(out.get("body") or "")
    out["tags"] = _clean_tags(out.get("tags"), errors)
    out["video_url"] = _clean_url(out.get("video_url", ""), "video_url", errors, "Video")
    out["livestream_url"] = _clean_url(
        out.get("livestream_url", ""), "livestream_url", errors, "Livestream"
    )
    when = out.get("livestream_at")
    if when is not None and timezone.is_naive(when):
        errors["livestream_at"] = _("Thời điểm livestream thiếu múi giờ.")
    campaign: Campaign | None = out.get("campaign")
    if campaign is not None and not campaign_includes(campaign, unit):
        errors["campaign"] = _("Chiến dịch “%(campaign_name)s” không có đơn vị này tham gia.") % {
            "campaign_name": campaign.name
        }
    attachment: MediaAsset | None = out.get("attachment")
    if attachment is not None:
        if attachment.kind != MediaKind.DOCUMENT:
            errors["attachment"] = _(
                "Tệp đính kèm “%(attachment_title)s” phải là PDF hoặc DOCX."
            ) % {"attachment_title": attachment.title}
        elif not media_usable_by(unit, [attachment]):
            errors["attachment"] = _(
                "Tệp “%(attachment_title)s” không thuộc thư viện của đơn vị."
            ) % {"attachment_title": attachment.title}
    media = list(out.get("media") or [])
    usable = media_usable_by(unit, media)
    if len(usable) != len(media):
        stray = next(m for m in media if m not in usable)
        errors["media"] = _("Tệp “%(stray_title)s” không thuộc thư viện của đơn vị.") % {
            "stray_title": stray.title
        }
    out["media"] = media
    if errors:
        raise ValidationError(errors)
    return out


def _ready_for_review(item: ContentItem) -> None:
    """What each kind needs before a reviewer sees it."""
    errors: dict[str, str] = {}
    media = list(item.media.all())
    if item.kind in (ContentKind.NEWS, ContentKind.PRESS_RELEASE) and not item.body.strip():
        errors["body"] = _("Tin, bài và thông cáo báo chí cần có nội dung trước khi gửi duyệt.")
    if item.kind == ContentKind.INFOGRAPHIC and not any(m.kind == MediaKind.IMAGE for m in media):
        errors["media"] = _("Infographic cần ít nhất một ảnh trước khi gửi duyệt.")
    if item.kind == ContentKind.VIDEO and not (
        item.video_url or any(m.kind in (MediaKind.VIDEO, MediaKind.VIDEO_LINK) for m in media)
    ):
        errors["video_url"] = _(
            "Video clip cần đường dẫn video hoặc tệp video trước khi gửi duyệt."
        )
    if item.kind == ContentKind.LIVESTREAM:
        if not item.livestream_url:
            errors["livestream_url"] = _("Livestream cần đường dẫn trước khi gửi duyệt.")
        if not item.livestream_at:
            errors["livestream_at"] = _("Livestream cần thời điểm bắt đầu trước khi gửi duyệt.")
    if item.kind == ContentKind.BRIEF:
        if item.attachment_id is None:
            errors["attachment"] = _("Tài liệu định hướng cần tệp PDF hoặc DOCX đính kèm.")
        if not item.summary:
            errors["summary"] = _("Tài liệu định hướng cần phần tóm tắt.")
    if errors:
        raise ValidationError(errors)


def _snapshot(item: ContentItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "tags": list(item.tags),
        "video_url": item.video_url,
        "livestream_url": item.livestream_url,
        "livestream_at": item.livestream_at.isoformat() if item.livestream_at else None,
        "campaign_id": item.campaign_id,
        "attachment": (
            {"id": item.attachment.pk, "title": item.attachment.title} if item.attachment else None
        ),
        "media": [{"id": m.pk, "title": m.title} for m in item.media.all().order_by("pk")],
    }


def _new_version(item: ContentItem, actor: Any, note: str = "") -> ContentVersion:
    item.version += 1
    ContentItem.objects.filter(pk=item.pk).update(version=item.version)
    return ContentVersion.objects.create(
        item=item,
        number=item.version,
        title=item.title,
        summary=item.summary,
        body=item.body,
        data=_snapshot(item),
        author=acting_user(actor),
        note=note[:255],
    )


def _event(
    item: ContentItem,
    kind: str,
    actor: Any,
    *,
    from_status: str = "",
    comment: str = "",
) -> ContentEvent:
    return ContentEvent.objects.create(
        item=item,
        kind=kind,
        from_status=from_status,
        to_status=item.status,
        actor=acting_user(actor),
        comment=comment,
        version=item.version,
    )


def _audit(item: ContentItem, action: str, actor: Any, **data: Any) -> None:
    audit_record(
        action=f"content.{action}",
        actor=actor,
        unit=item.unit,
        target=f"{item.pk}: {item.title}",
        data={"status": item.status, "version": item.version, **data},
    )


def _notify(
    users: Iterable[User], kind: str, title: Text, item: ContentItem, body: str | Text = ""
) -> None:
    from lantoa.notifications.services import notify

    users = [u for u in users if u is not None]
    if users:
        notify(
            users=users,
            kind=kind,
            title=title,
            body=body,
            url=item.get_absolute_url(),
            unit=item.unit,
        )


# --- create and edit ------------------------------------------------------------------------


def content_create(
    *,
    unit: Unit,
    kind: str,
    title: str,
    author: Any,
    summary: str = "",
    body: str = "",
    campaign: Campaign | None = None,
    tags: Iterable[str] | str | None = None,
    video_url: str = "",
    livestream_url: str = "",
    livestream_at: dt.datetime | None = None,
    attachment: MediaAsset | None = None,
    media: Iterable[MediaAsset] = (),
) -> ContentItem:
    _require_edit(author, unit)
    values = _clean_fields(
        unit,
        {
            "kind": kind,
            "title": title,
            "summary": summary,
            "body": body,
            "campaign": campaign,
            "tags": tags,
            "video_url": video_url,
            "livestream_url": livestream_url,
            "livestream_at": livestream_at,
            "attachment": attachment,
            "media": media,
        },
    )
    media_list = values.pop("media")
    with transaction.atomic():
        item = ContentItem(unit=unit, author=author, status=S.DRAFT, **values)
        item.slug = unique_slug(unit, item.title)
        item.save()
        item.media.set(media_list)
        _new_version(item, author, "Tạo mới")
        _event(item, ContentEventKind.CREATED, author)
        _audit(item, "create", author, kind=item.kind)
    return item


def content_update(
    *,
    item: ContentItem,
    actor: Any,
    note: str = "",
    event_kind: str = ContentEventKind.EDITED,
    **fields: Any,
) -> bool:
    """Save an edit as a new version; False when nothing changed (no version then).
    Approved or scheduled items go back to draft (the approval was for the old text);
    returned ones go back to draft too. ``item`` is refreshed in place."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown content fields: {sorted(unknown)}")
    _require_edit(actor, item.unit)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().get(pk=item.pk)
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationError(
                _("Nội dung ở trạng thái “%(locked_status)s” không sửa được nữa.")
                % {"locked_status": STATUS_LABEL[locked.status]}
            )
        current = {f: getattr(locked, f) for f in ITEM_FIELDS if f != "media"}
        current["media"] = list(locked.media.all())
        values = _clean_fields(item.unit, {**current, **fields})
        media_list = values.pop("media")
        changed = [k for k, v in values.items() if v != current[k]]
        if {m.pk for m in media_list} != {m.pk for m in current["media"]}:
            changed.append("media")
        if not changed:
            return False
        before = locked.status
        for key, value in values.items():
            setattr(locked, key, value)
        if before in (S.APPROVED, S.SCHEDULED, S.RETURNED):
            locked.status = S.DRAFT
            locked.scheduled_at = None
        locked.save()
        locked.media.set(media_list)
        _new_version(locked, actor, note)
        _event(locked, event_kind, actor, from_status=before, comment=note)
        _audit(locked, "update", actor, fields=changed)
    _refresh(item, locked)
    return True


def _refresh(target: ContentItem, source: ContentItem) -> None:
    for f in source._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def content_restore(*, item: ContentItem, version: ContentVersion, actor: Any) -> bool:
    """Make an old version the current text again, as a new version (history is kept).
    False when the current text already is that version."""
    if version.item_id != item.pk:
        raise ValidationError(_("Phiên bản này không thuộc nội dung đang xem."))
    data = version.data or {}
    media_ids = [m["id"] for m in data.get("media", [])]
    media = list(MediaAsset.objects.filter(pk__in=media_ids))
    att = data.get("attachment")
    attachment = MediaAsset.objects.filter(pk=att["id"]).first() if att else None
    livestream_at = data.get("livestream_at")
    campaign = (
        Campaign.objects.filter(pk=data["campaign_id"]).first() if data.get("campaign_id") else None
    )
    return content_update(
        item=item,
        actor=actor,
        note=f"Khôi phục phiên bản {version.number}",
        event_kind=ContentEventKind.RESTORED,
        title=version.title,
        summary=version.summary,
        body=version.body,
        kind=data.get("kind", item.kind),
        tags=data.get("tags", []),
        video_url=data.get("video_url", ""),
        livestream_url=data.get("livestream_url", ""),
        livestream_at=dt.datetime.fromisoformat(livestream_at) if livestream_at else None,
        campaign=campaign,
        attachment=attachment,
        media=media,
    )


# --- workflow ---------------------------------------------------------------------------------


def _transition(
    item: ContentItem, action: str, actor: Any, *, comment: str = "", **changes: Any
) -> tuple[ContentItem, str]:
    """Check that ``action`` may start from the item's current status (re-read under a row
    lock, so two reviewers cannot both act on the same version) and apply it."""
    allowed, target = TRANSITIONS[action]
    locked = ContentItem.objects.select_for_update().get(pk=item.pk)
    if locked.status not in allowed:
        froms = ", ".join(f"“{STATUS_LABEL[s]}”" for s in allowed)
        raise ValidationError(
            _(
                "Không thể %(action)s nội dung đang ở trạng thái "
                "“%(locked_status)s”; chỉ %(action)s được khi nội dung ở "
                "trạng thái %(froms)s."
            )
            % {
                "action": ACTION_LABEL[action],
                "locked_status": STATUS_LABEL[locked.status],
                "froms": froms,
            },
            code="bad_status",
        )
    before = locked.status
    locked.status = target
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.save(update_fields=["status", "updated_at", *changes])
    kind = {
        "submit": ContentEventKind.SUBMITTED,
        "return": ContentEventKind.RETURNED,
        "approve": ContentEventKind.APPROVED,
        "schedule": ContentEventKind.SCHEDULED,
        "unschedule": ContentEventKind.UNSCHEDULED,
        "publish": ContentEventKind.PUBLISHED,
    }[action]
    _event(locked, kind, actor, from_status=before, comment=comment)
    _audit(locked, action, actor, **({"from": before} | ({"comment": True} if comment else {})))
    _refresh(item, locked)
    return item, before


def content_submit(*, item: ContentItem, actor: Any) -> ContentItem:
    _require_edit(actor, item.unit)
    _ready_for_review(item)
    with transaction.atomic():
        _transition(item, "submit", actor)
        _notify(
            approvers_to_notify(item),
            "content.submitted",
            Text(gettext_noop("Nội dung chờ duyệt: %(title)s"), {"title": item.title}),
            item,
            body=Text(
                gettext_noop("%(actor)s đã gửi duyệt “%(title)s” (%(unit)s)."),
                {"actor": actor, "title": item.title, "unit": item.unit.name},
            ),
        )
    return item


def _require_approver(actor: Any, item: ContentItem) -> None:
    if not can_approve(actor, item):
        raise ValidationError(
            _("Anh/chị không có quyền duyệt nội dung của đơn vị này."), code="not_approver"
        )


def _require_four_eyes(actor: Any, item: ContentItem) -> None:
    """The author, or whoever wrote the version under review, may not approve it."""
    wrote_current = ContentVersion.objects.filter(
        item=item, number=item.version, author_id=actor.pk
    ).exists()
    if item.author_id == actor.pk or wrote_current:
        raise ValidationError(
            _(
                "Anh/chị là tác giả của nội dung này nên không thể tự duyệt; cần "
                "một cán bộ khác duyệt."
            ),
            code="four_eyes",
        )


def content_approve(*, item: ContentItem, actor: Any, comment: str = "") -> ContentItem:
    _require_approver(actor, item)
    _require_four_eyes(actor, item)
    with transaction.atomic():
        _transition(item, "approve", actor, comment=comment.strip())
        _notify(
            [item.author] if item.author else [],
            "content.approved",
            Text(gettext_noop("Đã duyệt: %(title)s"), {"title": item.title}),
            item,
            body=comment.strip(),
        )
    return item


def content_return(*, item: ContentItem, actor: Any, comment: str) -> ContentItem:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Vui lòng ghi nhận xét để tác giả biết cần sửa gì.")}, code="no_comment"
        )
    _require_approver(actor, item)
    with transaction.atomic():
        _transition(item, "return", actor, comment=comment, scheduled_at=None)
        _notify(
            [item.author] if item.author else [],
            "content.returned",
            Text(gettext_noop("Trả lại để sửa: %(title)s"), {"title": item.title}),
            item,
            body=comment,
        )
    return item


# Scheduling and publishing belong to publishing (``lantoa.publishing.services``): it writes
# the publications, runs the one clock, and sets the statuses content shows through these
# three services. ``scheduled_at`` is the time content shows; nothing here acts on it.


def content_schedule(*, item: ContentItem, actor: Any, at: dt.datetime) -> ContentItem:
    _require_edit(actor, item.unit)
    if at is None or timezone.is_naive(at):
        raise ValidationError({"scheduled_at": _("Vui lòng nhập ngày giờ đăng.")})
    if at <= timezone.now():
        local = timezone.localtime(at)
        raise ValidationError(
            {
                "scheduled_at": _("Giờ đăng %(local)s đã qua; vui lòng chọn thời điểm sau.")
                % {"local": format(local, "%H:%M %d/%m/%Y")}
            }
        )
    with transaction.atomic():
        _transition(item, "schedule", actor, scheduled_at=at)
    return item


def content_unschedule(*, item: ContentItem, actor: Any) -> ContentItem:
    _require_edit(actor, item.unit)
    with transaction.atomic():
        _transition(item, "unschedule", actor, scheduled_at=None)
    return item


def content_publish(*, item: ContentItem, actor: Any = None) -> ContentItem:
    """Mark the item published now (publishing does, as it publishes it). ``actor`` None:
    publishing's sweep did it at the scheduled time."""
    if actor is not None:
        _require_edit(actor, item.unit)
    with transaction.atomic():
        _transition(item, "publish", actor, published_at=timezone.now())
    return item


# --- approval settings ------------------------------------------------------------------------


def approval_setting_save(
    *, unit: Unit, roles: Iterable[str], users: Iterable[User], actor: Any
) -> ApprovalSetting:
    roles = [r for r in dict.fromkeys(roles)]
    bad = [r for r in roles if r not in Role.values]
    if bad:
        raise ValidationError({"roles": _("Không có vai trò “%(bad)s”.") % {"bad": bad[0]}})
    users = list(users)
    outsiders = [u for u in users if not access.can(u, "content.view", unit)]
    if outsiders:
        raise ValidationError(
            {
                "users": _("%(outsiders)s không có vai trò nào ở đơn vị này hoặc cấp trên.")
                % {"outsiders": outsiders[0]}
            }
        )
    if not roles and not users:
        raise ValidationError(
            {"roles": _("Vui lòng chọn ít nhất một vai trò hoặc một cán bộ được duyệt.")}
        )
    with transaction.atomic():
        setting, _created = ApprovalSetting.objects.update_or_create(
            unit=unit,
            defaults={
                "roles": roles,
                "updated_by": acting_user(actor),
            },
        )
        setting.users.set(users)
        audit_record(
            action="content.approval_setting",
            actor=actor,
            unit=unit,
            target=unit.code,
            data={"roles": roles, "users": [u.pk for u in users]},
        )
    return setting


def approval_setting_clear(*, unit: Unit, actor: Any) -> int:
    with transaction.atomic():
        _, per_model = ApprovalSetting.objects.filter(unit=unit).delete()
        deleted = per_model.get(ApprovalSetting._meta.label, 0)
        if deleted:
            audit_record(
                action="content.approval_setting_clear", actor=actor, unit=unit, target=unit.code
            )
    return deleted


# --- media library ---------------------------------------------------------------------------


def media_upload(
    *, unit: Unit, file: IO[bytes], size: int, original_name: str, actor: Any, title: str = ""
) -> MediaAsset:
    """Check and store one uploaded file in the unit's library."""
    _require_edit(actor, unit)
    checked = media_check.check_upload(file, size)
    name, thumb = media_check.store(checked, file, unit.pk)
    stored_size = len(checked.data) if checked.data is not None else size
    try:
        with transaction.atomic():
            asset = MediaAsset.objects.create(
                unit=unit,
                kind=checked.kind,
                title=(title or original_name or "").strip()[:255] or "Tệp không tên",
                file=name,
                thumbnail=thumb,
                original_name=(original_name or "")[:255],
                content_type=checked.content_type,
                size=stored_size,
                width=checked.width,
                height=checked.height,
                uploaded_by=acting_user(actor),
            )
            audit_record(
                action="content.media_upload",
                actor=actor,
                unit=unit,
                target=f"{asset.pk}: {asset.title}",
                data={"kind": asset.kind, "size": asset.size},
            )
    except Exception:
        # Nothing half-written: the stored files go if the row does not make it.
        media_check.discard((name, thumb))
        raise
    return asset


def media_add_link(*, unit: Unit, url: str, actor: Any, title: str = "") -> MediaAsset:
    _require_edit(actor, unit)
    errors: dict[str, str] = {}
    url = _clean_url(url, "url", errors, "Video")
    if not url and "url" not in errors:
        errors["url"] = _("Vui lòng nhập đường dẫn video.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        asset = MediaAsset.objects.create(
            unit=unit,
            kind=MediaKind.VIDEO_LINK,
            title=(title or url).strip()[:255],
            url=url,
            uploaded_by=acting_user(actor),
        )
        audit_record(
            action="content.media_link",
            actor=actor,
            unit=unit,
            target=f"{asset.pk}: {asset.title}",
            data={"url": url},
        )
    return asset


def media_delete(*, asset: MediaAsset, actor: Any) -> None:
    _require_edit(actor, asset.unit)
    if asset.content_items.exists() or asset.attached_to.exists():
        raise ValidationError(
            _(
                "Tệp “%(asset_title)s” đang được dùng trong nội dung; vui lòng gỡ "
                "khỏi nội dung trước khi xóa."
            )
            % {"asset_title": asset.title}
        )
    names = [n for n in (asset.file.name, asset.thumbnail.name) if n]
    with transaction.atomic():
        audit_record(
            action="content.media_delete",
            actor=actor,
            unit=asset.unit,
            target=f"{asset.pk}: {asset.title}",
        )
        asset.delete()
        transaction.on_commit(lambda: media_check.discard(names))
