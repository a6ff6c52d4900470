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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.content import media as media_check
from lantoa.content import services as content
from lantoa.content.models import ContentItem, ContentStatus
from lantoa.core.services import acting_user
from lantoa.publicsite import links
from lantoa.publishing import selectors
from lantoa.publishing.models import (
    JOB_METHODS,
    Method,
    Publication,
    PublicationStatus,
    Subscriber,
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
        raise PermissionDenied("Bạn không có quyền đăng tải nội dung cho đơn vị này.")


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
    an officer's record."""
    _require(actor, "publishing.publish", unit)
    keys = set(keys)
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not may_publish_for(item, unit):
        raise ValidationError("Đơn vị này không nhận được nội dung này nên không đăng lại được.")
    if item.status not in PUBLISHABLE:
        error(
            "__all__",
            f"Nội dung đang ở trạng thái “{item.get_status_display()}”; chỉ đăng được nội dung "
            "đã duyệt.",
        )
    elif unit.pk != item.unit_id and item.status != ContentStatus.PUBLISHED:
        error("__all__", "Chỉ đăng lại được nội dung mà đơn vị cấp trên đã đăng.")
    now = timezone.now()
    if at is not None:
        if timezone.is_naive(at):
            raise ValidationError({"at": "Giờ đăng phải có múi giờ."})
        if at <= now:
            error("at", f"Giờ đăng {_when(at)} đã qua; hãy chọn thời điểm sau, hoặc đăng ngay.")
    options = {o.key: o for o in selectors.channel_options(unit, item)}
    if not keys:
        error("channels", "Hãy chọn ít nhất một kênh.")
    chosen = []
    for key in sorted(keys):
        option = options.get(key)
        if option is None:
            error("channels", "Kênh đã chọn không còn (đã xoá hoặc tạm dừng); hãy tải lại trang.")
            continue
        if option.taken is not None:
            error(
                "channels",
                f"“{option.label}” đã có lượt đăng nội dung này "
                f"({option.taken.get_status_display().lower()}).",
            )
            continue
        if option.method == Method.FACEBOOK and at is not None and "at" not in errors:
            from lantoa.connectors.facebook.publish import check_schedule_window

            try:
                check_schedule_window(at, now=now)
            except ValidationError as exc:
                error("at", f"{option.label}: {exc.messages[0]}")
        if option.method == Method.NEWSLETTER and not selectors.active_subscribers(unit).exists():
            error(
                "channels",
                "Bản tin thư điện tử: đơn vị chưa có người nhận nào đã xác nhận đăng ký.",
            )
        chosen.append(option)
    if errors:
        raise ValidationError(errors)

    base = base_url or links.site_base()
    on_site = _on_site(item, unit, keys)
    created: list[Publication] = []
    with transaction.atomic():
        if unit.pk == item.unit_id:
            locked = ContentItem.objects.select_for_update().get(pk=item.pk)
            if at is None and locked.status in (ContentStatus.APPROVED, ContentStatus.SCHEDULED):
                content.content_publish(item=item, actor=actor)
            elif at is not None and locked.status == ContentStatus.APPROVED:
                content.content_schedule(item=item, actor=actor, at=at)
        for option in chosen:
            # A failed or cancelled publication on the same channel is taken up again, with
            # its key: a post an interrupted attempt made is still found and adopted.
            earlier = _earlier(item, unit, option)
            pub = earlier or Publication(item=item, unit=unit, idempotency_key=new_key())
            due: dt.datetime | None = None
            if option.method in JOB_METHODS:
                due = now if at is None or option.method == Method.FACEBOOK else at
            source = UTM_SOURCE.get(Method(option.method), "")
            pub.channel = option.channel
            pub.method = option.method
            pub.channel_kind = option.channel_kind
            pub.channel_name = option.label[:255]
            pub.status = S.PENDING
            pub.scheduled_at = at
            pub.next_attempt_at = due
            pub.first_attempt_at = None
            pub.permanent_error = False
            pub.share_url = (
                links.share_link(item, base, source=source, key=pub.idempotency_key)
                if source and on_site
                else ""
            )
            pub.broadcast = broadcast and option.method == Method.ZALO_OA
            pub.created_by = acting_user(actor)
            try:
                with transaction.atomic():
                    pub.save()
            except IntegrityError as exc:
                raise ValidationError(
                    f"“{option.label}” vừa được chọn đăng ở một phiên khác; hãy tải lại trang."
                ) from exc
            created.append(pub)
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


def publication_retry(*, publication: Publication, actor: Any) -> Publication:
    """Try a failed (or cancelled) publication again, with a new 24-hour window. A previous
    attempt that may have reached the platform is looked for before posting."""
    _require(actor, "publishing.publish", publication.unit)
    if publication.method not in JOB_METHODS:
        raise ValidationError("Kênh này không đăng tự động; hãy ghi nhận đã đăng kèm minh chứng.")
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
            raise ValidationError("Chỉ thử lại được lượt đăng bị lỗi hoặc đã huỷ.")
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


NOT_CANCELLABLE = (
    "Lượt đăng này đang chạy hoặc đã xong nên không huỷ được; bài đã lên nền tảng "
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
        raise ValidationError("Lượt đăng không còn; hãy tải lại trang.")
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
            raise ValidationError("Lượt đăng này đã được huỷ.")
        if current["status"] == S.PUBLISHING and current["next_attempt_at"] is None:
            raise ValidationError(
                "Lượt đăng này đang được huỷ ở phiên khác (đang gỡ bài khỏi trang Facebook); "
                "hãy tải lại trang sau ít giây."
            )
        raise ValidationError(NOT_CANCELLABLE)
    claimed = Publication.objects.filter(
        pk=publication.pk,
        method=Method.FACEBOOK,
        status=S.PUBLISHED,
        published_at=published_at,
        external_id=current["external_id"],
    ).update(status=S.PUBLISHING, claimed_at=now, next_attempt_at=None, updated_at=now)
    if not claimed:
        raise ValidationError(
            "Lượt đăng này vừa được xử lý ở phiên khác (có thể đang được huỷ); hãy tải lại trang."
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
            f"Không gỡ được bài hẹn giờ khỏi trang Facebook nên lượt đăng chưa bị huỷ. {exc}",
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
    from lantoa.cascades.files import clean_links

    _require(actor, "publishing.publish", publication.unit)
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    links_: list[str] = []
    try:
        links_ = clean_links([proof_url], limit=1, what="Đường dẫn minh chứng")
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
                    f"Tệp “{name}” không phải ảnh JPG, PNG hoặc WebP.", code="image_format"
                )
        except ValidationError as exc:
            checked = None
            message = exc.messages[0] if exc.messages else ""
            if name and f"“{name}”" not in message:
                message = f"Ảnh “{name}”: {message[:1].lower()}{message[1:]}"
            errors.setdefault("proof_photo", []).append(message)
    if not links_ and proof_photo is None and not errors:
        errors.setdefault("proof_url", []).append(
            "Cần đường dẫn bài đã đăng hoặc ảnh chụp (bảng tin, lịch phát loa, bài báo) làm "
            "minh chứng."
        )
    posted_at = posted_at or now
    if timezone.is_naive(posted_at):
        raise ValidationError({"posted_at": "Thời điểm đăng phải có múi giờ."})
    if posted_at > now + dt.timedelta(minutes=5):
        errors.setdefault("posted_at", []).append(
            f"Thời điểm đăng {_when(posted_at)} chưa tới; chỉ ghi nhận bài đã đăng."
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors.setdefault("note", []).append(f"Ghi chú dài quá {MAX_NOTE} ký tự.")
    if publication.status not in (S.PENDING, S.FAILED):
        errors.setdefault("__all__", []).append(
            f"Lượt đăng đang ở trạng thái “{publication.get_status_display()}”; không ghi nhận "
            "thêm."
        )
    if errors:
        raise ValidationError(errors)

    saved: tuple[str, str] = ("", "")
    if checked is not None and proof_photo is not None:
        saved = media_check.store(checked, proof_photo[0], publication.unit_id)
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
                raise ValidationError("Lượt đăng vừa được xử lý ở nơi khác; hãy tải lại trang.")
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
        raise ValidationError({"email": "Vui lòng nhập địa chỉ thư điện tử."})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": f"“{email[:100]}” không phải địa chỉ thư điện tử hợp lệ."}
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
    try:
        task.apply_async((pk,), {"base_url": base_url}, retry=False)
    except Exception:
        log.warning("could not queue the confirmation mail of subscriber %s", pk)


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
