"""Writes of publishing: choosing channels for an item (now or at a time), retrying,
cancelling, recording posts on channels without an API, and newsletter subscriptions.
Each writes its audit row and queues the jobs after commit; the jobs themselves are in
``lantoa.publishing.runner``."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.content import media as media_check
from lantoa.content import services as content
from lantoa.content.models import ContentItem, ContentStatus
from lantoa.core.extensions import figures_changed
from lantoa.core.services import acting_user
from lantoa.core.weblinks import clean_links
from lantoa.publishing import links, selectors
from lantoa.publishing.models import (
    JOB_METHODS,
    Method,
    Publication,
    PublicationStatus,
    Subscriber,
    stored_name,
)
from lantoa.units.models import Unit, UnitClosure

log = logging.getLogger(__name__)

S = PublicationStatus
PUBLISHABLE = (ContentStatus.APPROVED, ContentStatus.SCHEDULED, ContentStatus.PUBLISHED)
UTM_SOURCE = {Method.FACEBOOK: "facebook", Method.ZALO_OA: "zalo", Method.NEWSLETTER: "email"}
MAX_NOTE = 500
CONFIRM_RESEND_AFTER = dt.timedelta(minutes=10)


def _when(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%H:%M %d/%m/%Y")


def new_key() -> str:
    return secrets.token_hex(10)


def _require(actor: Any, perm: str, unit: Unit) -> None:
    if actor is not None and not access.can(actor, perm, unit):
        raise PermissionDenied(_("Anh/chị không có quyền đăng tải nội dung cho đơn vị này."))


def may_publish_for(item: ContentItem, unit: Unit) -> bool:
    """The item's own unit, or a unit below it republishing what came down the tree."""
    return UnitClosure.objects.filter(ancestor_id=item.unit_id, descendant_id=unit.pk).exists()


def _on_site(item: ContentItem, unit: Unit, keys: set[str]) -> bool:
    if selectors.SITE_KEY in keys:
        return True
    return Publication.objects.filter(
        item=item, method=Method.SITE, status__in=selectors.ACTIVE_STATUSES
    ).exists()


def publication_schedule(
    *,
    item: ContentItem,
    unit: Unit,
    keys: Iterable[str],
    at: dt.datetime | None,
    actor: Any,
    broadcast: bool = False,
    base_url: str = "",
) -> list[Publication]:
    """Publish ``item`` on the chosen channels of ``unit`` (``keys`` from
    ``selectors.channel_options``), now (``at`` None) or at ``at``.

    The item's own unit moves the item along its workflow (approved → published, or →
    scheduled for ``at``); a unit below republishes an item that is already published.
    Facebook posts are scheduled on Facebook itself (10 minutes to 30 days ahead); other
    jobs wait for their time here. Channels without an API get a publication waiting for
    an officer's record.

    The steps: check the choice (item, time, channels and each platform's window), move the
    item along its workflow, write one row per channel, audit, queue the jobs due now."""
    _require(actor, "publishing.publish", unit)
    keys = set(keys)
    now = timezone.now()
    chosen = _check_choice(item=item, unit=unit, keys=keys, at=at, now=now)
    share_base = (base_url or links.site_base()) if _on_site(item, unit, keys) else ""
    with transaction.atomic():
        _move_item(item=item, unit=unit, at=at, actor=actor)
        created = [
            _write_publication(
                item=item,
                unit=unit,
                option=option,
                at=at,
                now=now,
                share_base=share_base,
                broadcast=broadcast,
                actor=actor,
            )
            for option in chosen
        ]
        audit_record(
            action="publishing.schedule",
            actor=actor,
            unit=unit,
            target=item.title[:255],
            data={
                "item": item.pk,
                "channels": [p.channel_name for p in created],
                "at": at.isoformat() if at else None,
            },
        )
        _enqueue_due([p for p in created if p.next_attempt_at and p.next_attempt_at <= now])
    return created


class _Errors(dict[str, list[str]]):
    """Refusals by form field, gathered so that the officer sees them all at once."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _check_choice(
    *, item: ContentItem, unit: Unit, keys: set[str], at: dt.datetime | None, now: dt.datetime
) -> list[selectors.ChannelOption]:
    """The channels chosen, once the whole choice holds; ValidationError by field if not."""
    if not may_publish_for(item, unit):
        raise ValidationError(_("Đơn vị này không nhận được nội dung này nên không đăng lại được."))
    errors = _Errors()
    _check_item_state(item, unit, errors)
    _check_time(at, now, errors)
    chosen = _check_channels(item=item, unit=unit, keys=keys, at=at, now=now, errors=errors)
    if errors:
        raise ValidationError(dict(errors))
    return chosen


def _check_item_state(item: ContentItem, unit: Unit, errors: _Errors) -> None:
    if item.status not in PUBLISHABLE:
        errors.add(
            "__all__",
            _("Nội dung đang ở trạng thái “%(status)s”; chỉ đăng được nội dung đã duyệt.")
            % {"status": item.get_status_display()},
        )
    elif unit.pk != item.unit_id and item.status != ContentStatus.PUBLISHED:
        errors.add("__all__", _("Chỉ đăng lại được nội dung mà đơn vị cấp trên đã đăng."))


def _check_time(at: dt.datetime | None, now: dt.datetime, errors: _Errors) -> None:
    if at is None:
        return
    if timezone.is_naive(at):
        raise ValidationError({"at": _("Giờ đăng phải có múi giờ.")})
    if at <= now:
        errors.add(
            "at",
            _("Giờ đăng %(at)s đã qua; vui lòng chọn thời điểm sau, hoặc đăng ngay.")
            % {"at": _when(at)},
        )


def _check_channels(
    *,
    item: ContentItem,
    unit: Unit,
    keys: set[str],
    at: dt.datetime | None,
    now: dt.datetime,
    errors: _Errors,
) -> list[selectors.ChannelOption]:
    """The options of ``keys`` that are still open (in key order); each is also held to its
    platform's window."""
    options = {o.key: o for o in selectors.channel_options(unit, item)}
    if not keys:
        errors.add("channels", _("Vui lòng chọn ít nhất một kênh."))
    chosen = []
    for key in sorted(keys):
        option = _open_option(options.get(key), errors)
        if option is None:
            continue
        _check_platform_window(option, unit, at, now, errors)
        chosen.append(option)
    return chosen


def _open_option(
    option: selectors.ChannelOption | None, errors: _Errors
) -> selectors.ChannelOption | None:
    if option is None:
        errors.add(
            "channels", _("Kênh đã chọn không còn (đã xóa hoặc tạm dừng); vui lòng tải lại trang.")
        )
        return None
    if option.taken is not None:
        errors.add(
            "channels",
            _("“%(option_label)s” đã có lượt đăng nội dung này (%(status)s).")
            % {"option_label": option.label, "status": option.taken.get_status_display().lower()},
        )
        return None
    return option


def _check_platform_window(
    option: selectors.ChannelOption,
    unit: Unit,
    at: dt.datetime | None,
    now: dt.datetime,
    errors: _Errors,
) -> None:
    """What each platform allows: Facebook schedules 10 minutes to 30 days ahead; the
    newsletter needs confirmed subscribers."""
    if option.method == Method.FACEBOOK and at is not None and "at" not in errors:
        from lantoa.connectors.facebook.publish import check_schedule_window

        try:
            check_schedule_window(at, now=now)
        except ValidationError as exc:
            errors.add("at", f"{option.label}: {exc.messages[0]}")
    if option.method == Method.NEWSLETTER and not selectors.active_subscribers(unit).exists():
        errors.add(
            "channels",
            _("Bản tin thư điện tử: đơn vị chưa có người nhận nào đã xác nhận đăng ký."),
        )


def _move_item(*, item: ContentItem, unit: Unit, at: dt.datetime | None, actor: Any) -> None:
    """The item's own unit moves it along its workflow: published now, or scheduled for
    ``at`` (content's services set the statuses content shows). A unit below moves nothing."""
    if unit.pk != item.unit_id:
        return
    locked = ContentItem.objects.select_for_update().get(pk=item.pk)
    if at is None and locked.status in (ContentStatus.APPROVED, ContentStatus.SCHEDULED):
        content.content_publish(item=item, actor=actor)
    elif at is not None and locked.status == ContentStatus.APPROVED:
        content.content_schedule(item=item, actor=actor, at=at)


def _write_publication(
    *,
    item: ContentItem,
    unit: Unit,
    option: selectors.ChannelOption,
    at: dt.datetime | None,
    now: dt.datetime,
    share_base: str,
    broadcast: bool,
    actor: Any,
) -> Publication:
    """The row of one channel, due now or at ``at`` (Facebook: now, the platform holds the
    post). ``share_base``: the site's address when the item is on the site (posts then link
    to it), else empty."""
    # A failed or cancelled publication on the same channel is taken up again, with its key:
    # a post an interrupted attempt made is still found and adopted.
    pub = _earlier(item, unit, option) or Publication(
        item=item, unit=unit, idempotency_key=new_key()
    )
    due: dt.datetime | None = None
    if option.method in JOB_METHODS:
        due = now if at is None or option.method == Method.FACEBOOK else at
    source = UTM_SOURCE.get(Method(option.method), "")
    pub.channel = option.channel
    pub.method = option.method
    pub.channel_kind = option.channel_kind
    pub.channel_name = stored_name(option.label)
    pub.status = S.PENDING
    pub.scheduled_at = at
    pub.next_attempt_at = due
    pub.first_attempt_at = None
    pub.permanent_error = False
    pub.share_url = (
        links.share_link(item, share_base, source=source, key=pub.idempotency_key)
        if source and share_base
        else ""
    )
    pub.broadcast = broadcast and option.method == Method.ZALO_OA
    pub.created_by = acting_user(actor)
    try:
        with transaction.atomic():
            pub.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("“%(option_label)s” vừa được chọn đăng ở một phiên khác; vui lòng tải lại trang.")
            % {"option_label": option.label}
        ) from exc
    return pub


def _earlier(item: ContentItem, unit: Unit, option: selectors.ChannelOption) -> Publication | None:
    qs = Publication.objects.select_for_update().filter(
        item=item, status__in=(S.FAILED, S.CANCELLED)
    )
    if option.channel is not None:
        return qs.filter(channel=option.channel).first()
    return qs.filter(unit=unit, channel__isnull=True, method=option.method).first()


def _enqueue_due(pubs: list[Publication]) -> None:
    from lantoa.publishing.tasks import enqueue_run

    for pub in pubs:
        transaction.on_commit(lambda pk=pub.pk: enqueue_run(pk))  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# The content page's buttons: publish on the public site now, at a time, or cancel the time.
# Content shows the statuses (scheduled, published); publishing sets them, through content's
# services, when it writes the publications — one clock (``Publication.next_attempt_at``, run
# by the sweep) and one schedule (``Publication.scheduled_at``).


def _site_publication(item: ContentItem) -> Publication | None:
    return Publication.objects.filter(
        item=item, unit_id=item.unit_id, method=Method.SITE, channel__isnull=True
    ).first()


def _release_waiting_site(item: ContentItem) -> None:
    """A site publication of the item's unit still waiting for its time is cancelled, to be
    taken up again (with its key) by ``publication_schedule`` in the same transaction: a
    refusal there leaves it waiting as it was."""
    waiting = _site_publication(item)
    if waiting is not None and waiting.status == S.PENDING and waiting.scheduled_at:
        Publication.objects.filter(pk=waiting.pk, status=S.PENDING).update(
            status=S.CANCELLED, next_attempt_at=None, updated_at=timezone.now()
        )


def _site_publish(
    *, item: ContentItem, actor: Any, at: dt.datetime | None, base_url: str
) -> Publication:
    """The content page's site publication, now (``at`` None) or at ``at``: one still waiting
    for another time is released first, so the item keeps one site row."""
    _require(actor, "publishing.publish", item.unit)
    with transaction.atomic():
        _release_waiting_site(item)
        (pub,) = publication_schedule(
            item=item,
            unit=item.unit,
            keys={selectors.SITE_KEY},
            at=at,
            actor=actor,
            base_url=base_url,
        )
    return pub


def publication_site_now(*, item: ContentItem, actor: Any, base_url: str = "") -> Publication:
    """“Publish” on the content page: the item goes on its unit's public site now, through a
    site publication (so it is in the site's record like any channel's post), and the item
    becomes published. A site publication still waiting for its time is brought forward;
    the item's other channels keep their times."""
    return _site_publish(item=item, actor=actor, at=None, base_url=base_url)


def publication_site_schedule(
    *, item: ContentItem, actor: Any, at: dt.datetime, base_url: str = ""
) -> Publication:
    """“Schedule” on the content page: a site publication at ``at`` (one still waiting for
    another time is moved to this one); the item becomes scheduled, and published when its
    time comes (``publication_items_due``)."""
    return _site_publish(item=item, actor=actor, at=at, base_url=base_url)


def publication_unschedule(*, item: ContentItem, actor: Any) -> list[Publication]:
    """“Cancel the time” on the content page: the item goes back to approved and its unit's
    publications still waiting for their time are cancelled. A Facebook post already handed
    to Facebook for later is cancelled on the item's publishing page (it is deleted there)."""
    _require(actor, "publishing.publish", item.unit)
    now = timezone.now()
    with transaction.atomic():
        content.content_unschedule(item=item, actor=actor)
        waiting = list(
            Publication.objects.select_for_update()
            .filter(item=item, unit_id=item.unit_id, status=S.PENDING, scheduled_at__isnull=False)
            .select_related("item")
        )
        for pub in waiting:
            Publication.objects.filter(pk=pub.pk, status=S.PENDING).update(
                status=S.CANCELLED, next_attempt_at=None, updated_at=now
            )
            audit_record(
                action="publishing.cancel",
                actor=actor,
                unit=item.unit,
                target=pub.audit_target,
                data={"publication": pub.pk, "unscheduled": True},
            )
    return waiting


def publication_items_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Items their unit scheduled become published when the time of their publications has
    come (the sweep, every minute). Each item is claimed by its status under a row lock, so
    two workers never publish it twice."""
    now = now or timezone.now()
    reached = Publication.objects.filter(
        item=OuterRef("pk"), unit_id=OuterRef("unit_id"), scheduled_at__lte=now
    ).exclude(status=S.CANCELLED)
    due = ContentItem.objects.filter(status=ContentStatus.SCHEDULED).filter(Exists(reached))
    done = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            item = (
                ContentItem.objects.select_for_update(of=("self",))
                .select_related("unit")
                .filter(pk=pk, status=ContentStatus.SCHEDULED)
                .first()
            )
            if item is None:
                continue
            content.content_publish(item=item)
        done += 1
    return done


def publication_retry(*, publication: Publication, actor: Any) -> Publication:
    """Try a failed (or cancelled) publication again, with a new 24-hour window. A previous
    attempt that may have reached the platform is looked for before posting."""
    _require(actor, "publishing.publish", publication.unit)
    if publication.method not in JOB_METHODS:
        raise ValidationError(
            _("Kênh này không đăng tự động; vui lòng ghi nhận đã đăng kèm minh chứng.")
        )
    now = timezone.now()
    at = publication.scheduled_at
    # Facebook posts are scheduled on Facebook: the job runs now (and posts at once if the
    # time has passed); the other jobs wait for a time still ahead.
    due = at if at and at > now and publication.method != Method.FACEBOOK else now
    with transaction.atomic():
        done = Publication.objects.filter(
            pk=publication.pk, status__in=(S.FAILED, S.CANCELLED)
        ).update(
            status=S.PENDING,
            next_attempt_at=due,
            first_attempt_at=None,
            permanent_error=False,
            updated_at=now,
        )
        if not done:
            raise ValidationError(_("Chỉ thử lại được lượt đăng bị lỗi hoặc đã hủy."))
        audit_record(
            action="publishing.retry",
            actor=actor,
            unit=publication.unit,
            target=publication.audit_target,
            data={"publication": publication.pk},
        )
        if due <= now:
            _enqueue_due([publication])
    publication.refresh_from_db()
    return publication


NOT_CANCELLABLE = gettext_noop(
    "Lượt đăng này đang chạy hoặc đã xong nên không hủy được; bài đã lên nền tảng "
    "thì gỡ trực tiếp trên trang đó."
)


def publication_cancel(*, publication: Publication, actor: Any) -> Publication:
    """Cancel a publication that has not started (a scheduled job, or a manual channel not
    yet recorded), or a Facebook post that Facebook holds for later (scheduled on the
    platform): that one is deleted from the page first (``DELETE /{post-id}``). A post
    already live is not cancelled here."""
    _require(actor, "publishing.publish", publication.unit)
    now = timezone.now()
    with transaction.atomic():
        done = Publication.objects.filter(pk=publication.pk, status=S.PENDING).update(
            status=S.CANCELLED, next_attempt_at=None, updated_at=now
        )
        if done:
            audit_record(
                action="publishing.cancel",
                actor=actor,
                unit=publication.unit,
                target=publication.audit_target,
                data={"publication": publication.pk},
            )
    if not done:
        _cancel_scheduled_on_facebook(publication, actor, now)
    publication.refresh_from_db()
    return publication


def _cancel_scheduled_on_facebook(publication: Publication, actor: Any, now: dt.datetime) -> None:
    """Delete a post scheduled on Facebook, then mark the publication cancelled.

    The row is claimed first with a conditional UPDATE (published, still in the future →
    ``publishing`` with no ``next_attempt_at``, which no job ever has), so two officers
    clicking at once make one call; the Graph call runs outside any transaction, and a
    failure puts the row back as it was. A worker that dies in between leaves the row to
    ``runner.publications_sweep``, which hands it back as published."""
    from lantoa.connectors.errors import ConnectorError
    from lantoa.connectors.facebook import publish as fb
    from lantoa.connectors.models import Platform
    from lantoa.publishing.runner import channel_account

    current = (
        Publication.objects.filter(pk=publication.pk)
        .values("status", "published_at", "claimed_at", "external_id", "next_attempt_at")
        .first()
    )
    if current is None:
        raise ValidationError(_("Lượt đăng không còn; vui lòng tải lại trang."))
    published_at = current["published_at"]
    scheduled = (
        publication.method == Method.FACEBOOK
        and current["status"] == S.PUBLISHED
        and published_at is not None
        and published_at > now
        and bool(current["external_id"])
    )
    if not scheduled:
        if current["status"] == S.CANCELLED:
            raise ValidationError(_("Lượt đăng này đã được hủy."))
        if current["status"] == S.PUBLISHING and current["next_attempt_at"] is None:
            raise ValidationError(
                _(
                    "Lượt đăng này đang được hủy ở phiên khác (đang gỡ bài khỏi "
                    "trang Facebook); vui lòng tải lại trang sau ít giây."
                )
            )
        raise ValidationError(_(NOT_CANCELLABLE))
    claimed = Publication.objects.filter(
        pk=publication.pk,
        method=Method.FACEBOOK,
        status=S.PUBLISHED,
        published_at=published_at,
        external_id=current["external_id"],
    ).update(status=S.PUBLISHING, claimed_at=now, next_attempt_at=None, updated_at=now)
    if not claimed:
        raise ValidationError(
            _(
                "Lượt đăng này vừa được xử lý ở phiên khác (có thể đang được "
                "hủy); vui lòng tải lại trang."
            )
        )

    def restore() -> None:
        Publication.objects.filter(
            pk=publication.pk, status=S.PUBLISHING, next_attempt_at__isnull=True
        ).update(status=S.PUBLISHED, claimed_at=current["claimed_at"], updated_at=timezone.now())

    post_id = str(current["external_id"])
    try:
        account = channel_account(publication, Platform.FACEBOOK)
        deleted = fb.delete_post(account, post_id)
    except ConnectorError as exc:
        restore()
        raise ValidationError(
            _("Không gỡ được bài hẹn giờ khỏi trang Facebook nên lượt đăng chưa bị hủy. %(exc)s")
            % {"exc": exc.shown()},
            code="fb_delete_failed",
        ) from exc
    except BaseException:
        restore()
        raise
    with transaction.atomic():
        Publication.objects.filter(
            pk=publication.pk, status__in=(S.PUBLISHING, S.PUBLISHED), external_id=post_id
        ).update(
            status=S.CANCELLED,
            published_at=None,
            url="",
            claimed_at=None,
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
        audit_record(
            action="publishing.cancel",
            actor=actor,
            unit=publication.unit,
            target=publication.audit_target,
            data={
                "publication": publication.pk,
                "removed_from": "facebook",
                "external_id": post_id,
                "scheduled_for": published_at.isoformat() if published_at else None,
                # False: the post was already gone from the page (deleted there by hand).
                "deleted": deleted,
            },
        )


def publication_record(
    *,
    publication: Publication,
    actor: Any,
    proof_url: str = "",
    proof_photo: tuple[IO[bytes], str] | None = None,
    posted_at: dt.datetime | None = None,
    note: str = "",
) -> Publication:
    """Record that the item was posted by hand on the publication's channel (a Zalo group,
    the loudspeaker, the bulletin board, a newspaper — or a page whose automatic post
    failed), with a link to the post or a photo as proof."""
    _require(actor, "publishing.publish", publication.unit)
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    links_: list[str] = []
    try:
        links_ = clean_links([proof_url], limit=1, what=_("Đường dẫn minh chứng"))
    except ValidationError as exc:
        errors.setdefault("proof_url", []).extend(exc.messages)
    checked = None
    if proof_photo is not None:
        upload, name = proof_photo
        size = getattr(upload, "size", None)
        if not isinstance(size, int):
            upload.seek(0, 2)
            size = upload.tell()
            upload.seek(0)
        try:
            checked = media_check.check_upload(upload, size)
            if checked.kind != "image":
                raise ValidationError(
                    _("Tệp “%(name)s” không phải ảnh JPG, PNG hoặc WebP.") % {"name": name},
                    code="image_format",
                )
        except ValidationError as exc:
            checked = None
            message = exc.messages[0] if exc.messages else ""
            if name and f"“{name}”" not in message:
                message = _("Ảnh “%(name)s”: %(detail)s") % {
                    "name": name,
                    "detail": message[:1].lower() + message[1:],
                }
            errors.setdefault("proof_photo", []).append(message)
    if not links_ and proof_photo is None and not errors:
        errors.setdefault("proof_url", []).append(
            _(
                "Cần đường dẫn bài đã đăng hoặc ảnh chụp (bảng tin, lịch "
                "phát loa, bài báo) làm minh chứng."
            )
        )
    posted_at = posted_at or now
    if timezone.is_naive(posted_at):
        raise ValidationError({"posted_at": _("Thời điểm đăng phải có múi giờ.")})
    if posted_at > now + dt.timedelta(minutes=5):
        errors.setdefault("posted_at", []).append(
            _("Thời điểm đăng %(posted_at)s chưa tới; chỉ ghi nhận bài đã đăng.")
            % {"posted_at": _when(posted_at)}
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors.setdefault("note", []).append(
            _("Ghi chú dài quá %(max_note)s ký tự.") % {"max_note": MAX_NOTE}
        )
    if publication.status not in (S.PENDING, S.FAILED):
        errors.setdefault("__all__", []).append(
            _("Lượt đăng đang ở trạng thái “%(status)s”; không ghi nhận thêm.")
            % {"status": publication.get_status_display()}
        )
    if errors:
        raise ValidationError(errors)

    saved: tuple[str, str] = ("", "")
    if checked is not None and proof_photo is not None:
        saved = media_check.store(checked, proof_photo[0], publication.unit_id, folder="proofs")
    try:
        with transaction.atomic():
            done = Publication.objects.filter(
                pk=publication.pk, status__in=(S.PENDING, S.FAILED)
            ).update(
                status=S.RECORDED,
                published_at=posted_at,
                recorded_by=acting_user(actor),
                proof_url=links_[0] if links_ else "",
                proof_photo=saved[0],
                proof_thumbnail=saved[1],
                note=note,
                next_attempt_at=None,
                url=links_[0] if links_ else publication.url,
                updated_at=now,
            )
            if not done:
                raise ValidationError(
                    _("Lượt đăng vừa được xử lý ở nơi khác; vui lòng tải lại trang.")
                )
            unit_id = publication.unit_id
            transaction.on_commit(lambda: figures_changed([unit_id]))
            audit_record(
                action="publishing.record",
                actor=actor,
                unit=publication.unit,
                target=publication.audit_target,
                data={
                    "publication": publication.pk,
                    "link": bool(links_),
                    "photo": bool(saved[0]),
                },
            )
    except Exception:
        media_check.discard(saved)
        raise
    publication.refresh_from_db()
    return publication


# ---------------------------------------------------------------------------------------------
# Newsletter subscriptions (double opt-in)


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": _("Vui lòng nhập địa chỉ thư điện tử.")})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {
                "email": _("“%(email)s” không phải địa chỉ thư điện tử hợp lệ.")
                % {"email": email[:100]}
            }
        ) from exc
    # One subscription per mailbox: providers treat the local part case-insensitively.
    return email.lower()


def subscriber_subscribe(*, unit: Unit, email: str, base_url: str = "") -> Subscriber:
    """Ask for ``unit``'s newsletter: a confirmation mail goes out (after commit); nothing
    else is sent before the address is confirmed. Answers the same whether or not the
    address was known, so the form does not tell who subscribes."""
    email = _clean_email(email)
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            unit=unit, email=email, defaults={"token": secrets.token_urlsafe(32)}
        )
        if not created and subscriber.unsubscribed_at is not None:
            subscriber.unsubscribed_at = None
            subscriber.confirmed_at = None
            subscriber.save(update_fields=["unsubscribed_at", "confirmed_at"])
        if created:
            audit_record(
                action="publishing.subscribe",
                unit=unit,
                target=f"#{subscriber.pk}",
                actor_label="(công khai)",
            )
        if subscriber.confirmed_at is None:
            from lantoa.publishing.tasks import send_confirmation

            pk = subscriber.pk
            transaction.on_commit(lambda: _queue_confirmation(send_confirmation, pk, base_url))
    return subscriber


def _queue_confirmation(task: Any, pk: int, base_url: str) -> None:
    from lantoa.core import queueing

    queueing.enqueue(task, pk, base_url=base_url)


def subscriber_send_confirmation(*, subscriber_id: int, base_url: str = "") -> bool:
    """Send the double opt-in mail, at most once per ``CONFIRM_RESEND_AFTER``."""
    now = timezone.now()
    claimed = (
        Subscriber.objects.filter(pk=subscriber_id, confirmed_at__isnull=True)
        .exclude(confirm_sent_at__gt=now - CONFIRM_RESEND_AFTER)
        .update(confirm_sent_at=now)
    )
    if not claimed:
        return False
    subscriber = Subscriber.objects.select_related("unit").get(pk=subscriber_id)
    base = base_url or links.site_base()
    context = {
        "unit": subscriber.unit,
        "confirm_url": links.absolute(
            reverse("publicsite:confirm", kwargs={"token": subscriber.token}), base
        ),
    }
    send_mail(
        subject=f"Xác nhận nhận bản tin của {subscriber.unit.name}"[:250],
        message=render_to_string("publishing/email/confirm.txt", context),
        from_email=None,
        recipient_list=[subscriber.email],
        fail_silently=False,
    )
    return True


def subscriber_confirm(*, token: str) -> Subscriber | None:
    subscriber = Subscriber.objects.filter(token=token).select_related("unit").first()
    if subscriber is None:
        return None
    if subscriber.confirmed_at is None or subscriber.unsubscribed_at is not None:
        now = timezone.now()
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=now, unsubscribed_at=None)
        subscriber.confirmed_at, subscriber.unsubscribed_at = now, None
        audit_record(
            action="publishing.subscribe_confirm",
            unit=subscriber.unit,
            target=f"#{subscriber.pk}",
            actor_label="(công khai)",
        )
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    subscriber = Subscriber.objects.filter(token=token).select_related("unit").first()
    if subscriber is None:
        return None
    if subscriber.unsubscribed_at is None:
        now = timezone.now()
        Subscriber.objects.filter(pk=subscriber.pk).update(unsubscribed_at=now)
        subscriber.unsubscribed_at = now
        audit_record(
            action="publishing.unsubscribe",
            unit=subscriber.unit,
            target=f"#{subscriber.pk}",
            actor_label="(công khai)",
        )
    return subscriber
