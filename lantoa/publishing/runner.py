"""The publication job: one run of one ``Publication`` (see ``lantoa.publishing.models``).

``publication_run`` claims the row with a conditional UPDATE (``pending`` and due →
``publishing``), so two workers never run the same job; a worker that dies leaves the row in
``publishing`` and the sweep of durable jobs (``lantoa.core.jobs``, ``PUBLICATIONS``) hands it
back after ``LEASE`` — or, once its worker died 3 times, fails it with the reason. Outcomes:

- success → ``published`` with the post's id and link (``posts`` count from here);
- ``TemporaryError`` (network, 5xx, rate limits, Zalo still making the article) → ``pending``
  again after ``backoff(attempts)`` (1, 2, 4 … minutes, at most an hour), until 24 hours after
  the first attempt: then ``failed``;
- ``PermanentError`` (expired token, missing permission, refused content) → ``failed`` at
  once, with the platform's message for the unit's officers (who are notified).

A crash never posts twice. Every platform call that creates something is preceded by a
committed write: ``posting_started_at`` before a Facebook post or a Zalo article/create,
``remote_token`` as soon as Zalo returns it, ``broadcast_started_at`` before a Zalo broadcast,
and a ``Delivery`` row moved to ``sending`` before each newsletter mail. A later run that finds
``posting_started_at`` set looks for the post on the platform first and adopts it; a Zalo
token is verified, never created again; a broadcast or a mail that may have gone out is not
sent again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from lantoa.audit.services import audit_record
from lantoa.connectors.errors import ConnectorError, PermanentError, TemporaryError
from lantoa.connectors.models import ConnectorAccount, Platform
from lantoa.connectors.selectors import account_for_sending
from lantoa.content.models import ContentStatus
from lantoa.core import jobs as durable
from lantoa.core.extensions import JobKind, figures_changed
from lantoa.core.messages import Num, Phrase, Text
from lantoa.publishing import compose, links
from lantoa.publishing.models import (
    Delivery,
    DeliveryStatus,
    Method,
    Publication,
    PublicationStatus,
    Subscriber,
)
from lantoa.publishing.signals import site_published

log = logging.getLogger(__name__)

S = PublicationStatus
# Longer than the run task's hard time limit: a row still "publishing" after this was left
# by a worker that died.
LEASE = dt.timedelta(minutes=15)
GIVE_UP_AFTER = dt.timedelta(hours=24)
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=1)
NEWSLETTER_BATCH = 200
SMTP_TIMEOUT = 30


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after ``attempts`` tries: 1, 2, 4, … minutes, ≤ 1 hour."""
    return durable.backoff(attempts, first=BACKOFF_FIRST, cap=BACKOFF_MAX)


@dataclass(frozen=True)
class Outcome:
    external_id: str = ""
    url: str = ""
    published_at: dt.datetime | None = None
    adopted: bool = False
    # Newsletter: more mails to send in a later run (not a failure).
    more: bool = False


class Unfinished(Exception):
    """Internal: the job made progress and continues in another run right away."""


def claim(pk: int, now: dt.datetime) -> bool:
    due = Publication.objects.filter(
        pk=pk,
        status=S.PENDING,
        next_attempt_at__isnull=False,
        next_attempt_at__lte=now,
        method__in=[Method.FACEBOOK, Method.ZALO_OA, Method.SITE, Method.NEWSLETTER],
    )
    return durable.claim(
        due,
        now=now,
        status=S.PUBLISHING,
        attempts=F("attempts") + 1,
        first_attempt_at=Coalesce(F("first_attempt_at"), Value(now, output_field=DateTimeField())),
        updated_at=now,
    )


def _mark(pub: Publication, **fields: object) -> None:
    """Write ``fields`` now (autocommit outside a transaction): marks that must survive a
    crash in the platform call that follows."""
    for name, value in fields.items():
        setattr(pub, name, value)
    Publication.objects.filter(pk=pub.pk).update(**fields, updated_at=timezone.now())


def publication_run(*, pk: int, now: dt.datetime | None = None) -> str | None:
    """Run one due publication; returns its new status, or None when it was not claimed
    (not due, taken by another worker, already done)."""
    now = now or timezone.now()
    if not claim(pk, now):
        return None
    pub = Publication.objects.select_related("item", "item__unit", "unit", "channel").get(pk=pk)
    try:
        _check_item(pub)
        outcome = HANDLERS[pub.method](pub, now)
    except PermanentError as exc:
        return _fail(pub, exc, now, permanent=True)
    except TemporaryError as exc:
        return _retry_or_give_up(pub, exc, now)
    except Unfinished:
        return _continue(pub, now)
    except Exception as exc:  # a bug or an outage we do not know: try again later
        log.exception("publication %s: unexpected error", pub.pk)
        error = TemporaryError(
            Text(gettext_noop("Lỗi hệ thống khi đăng (%(error)s)."), {"error": type(exc).__name__}),
            code="internal",
        )
        return _retry_or_give_up(pub, error, now)
    return _succeed(pub, outcome, now)


def _check_item(pub: Publication) -> None:
    if pub.item.status not in (ContentStatus.SCHEDULED, ContentStatus.PUBLISHED):
        raise PermanentError(
            Text(
                gettext_noop(
                    "Nội dung “%(item)s” đang ở trạng thái “%(status)s” (đã bị hủy hẹn giờ hoặc "
                    "sửa lại sau khi chọn kênh), nên không đăng. Vui lòng duyệt lại rồi chọn "
                    "kênh đăng."
                ),
                {
                    "item": pub.item.title,
                    "status": Phrase.of(ContentStatus(pub.item.status).label),
                },
            ),
            code="item_not_ready",
        )


# ---------------------------------------------------------------------------------------------
# Outcomes


def _succeed(pub: Publication, outcome: Outcome, now: dt.datetime) -> str:
    with transaction.atomic():
        done = Publication.objects.filter(pk=pub.pk, status=S.PUBLISHING).update(
            status=S.PUBLISHED,
            external_id=outcome.external_id[:255],
            url=outcome.url[:500],
            published_at=outcome.published_at or now,
            next_attempt_at=None,
            last_error="",
            last_error_text=None,
            permanent_error=False,
            remote_token="",
            updated_at=now,
        )
        if not done:
            return str(Publication.objects.values_list("status", flat=True).get(pk=pub.pk))
        transaction.on_commit(lambda: figures_changed([pub.unit_id]))
        audit_record(
            action="publishing.published",
            unit=pub.unit,
            target=pub.audit_target,
            data={
                "publication": pub.pk,
                "method": pub.method,
                "external_id": outcome.external_id,
                "adopted": outcome.adopted,
                "attempts": pub.attempts,
            },
        )
        if pub.method == Method.SITE:
            transaction.on_commit(lambda: site_published.send(sender=Publication, publication=pub))
    return S.PUBLISHED


def _continue(pub: Publication, now: dt.datetime) -> str:
    from lantoa.publishing.tasks import enqueue_run

    Publication.objects.filter(pk=pub.pk, status=S.PUBLISHING).update(
        status=S.PENDING, next_attempt_at=now, updated_at=now
    )
    transaction.on_commit(lambda: enqueue_run(pub.pk))
    return S.PENDING


def _fail(pub: Publication, exc: ConnectorError, now: dt.datetime, *, permanent: bool) -> str:
    message = str(exc)[:2000]
    with transaction.atomic():
        done = Publication.objects.filter(pk=pub.pk, status=S.PUBLISHING).update(
            status=S.FAILED,
            last_error=message,
            last_error_text=exc.stored(),
            permanent_error=permanent,
            next_attempt_at=None,
            updated_at=now,
        )
        if not done:
            return str(Publication.objects.values_list("status", flat=True).get(pk=pub.pk))
        audit_record(
            action="publishing.failed",
            unit=pub.unit,
            target=pub.audit_target,
            data={"publication": pub.pk, "code": str(exc.code or ""), "permanent": permanent},
        )
        _notify_failure(pub, exc.full_text() or message)
    return S.FAILED


def _retry_or_give_up(pub: Publication, exc: TemporaryError, now: dt.datetime) -> str:
    first = pub.first_attempt_at or now
    if now - first >= GIVE_UP_AFTER:
        hours = int((now - first).total_seconds() // 3600)
        return _fail(
            pub,
            TemporaryError(
                Text(
                    gettext_noop(
                        "Đã thử lại trong %(hours)s giờ (%(attempts)s lần) mà chưa đăng được; "
                        "lỗi lần cuối: %(error)s"
                    ),
                    {
                        "hours": Num(hours),
                        "attempts": Num(pub.attempts),
                        "error": exc.full_text() or str(exc),
                    },
                ),
                code=exc.code,
            ),
            now,
            permanent=False,
        )
    Publication.objects.filter(pk=pub.pk, status=S.PUBLISHING).update(
        status=S.PENDING,
        next_attempt_at=now + backoff(pub.attempts),
        last_error=str(exc)[:2000],
        last_error_text=exc.stored(),
        permanent_error=False,
        updated_at=now,
    )
    log.info("publication %s: temporary error, attempt %s", pub.pk, pub.attempts)
    return S.PENDING


def _notify_failure(pub: Publication, message: str | Text) -> None:
    from lantoa.notifications.services import notify

    users = [pub.created_by] if pub.created_by_id and pub.created_by else []
    if not users:
        return
    notify(
        users=users,
        kind="publishing.failed",
        title=Text(
            gettext_noop("Chưa đăng được lên %(channel)s: %(title)s"),
            {"channel": pub.channel_name_param, "title": pub.item.title},
        ),
        body=message,
        url=reverse("publishing:item", kwargs={"pk": pub.item_id}),
        unit=pub.unit,
    )


# ---------------------------------------------------------------------------------------------
# Handlers, one per method


def channel_account(pub: Publication, platform: str) -> ConnectorAccount:
    """The connected account of the publication's channel; PermanentError (in Vietnamese)
    when the channel is not connected, or its connection is failing or paused."""
    return account_for_sending(
        channel_id=pub.channel_id,
        platform=platform,
        not_connected=Text(
            gettext_noop(
                "Kênh “%(channel)s” chưa được kết nối (hoặc đã ngắt kết nối); cán bộ quản lý "
                "kênh cần kết nối lại rồi bấm “Thử lại”."
            ),
            {"channel": pub.channel_name_param},
        ),
    )


def _image_url(pub: Publication) -> str:
    image = compose.first_image(pub.item)
    if image is None:
        return ""
    return links.absolute(links.media_path(image), links.site_base())


def _facebook(pub: Publication, now: dt.datetime) -> Outcome:
    from lantoa.connectors.facebook import publish as fb

    account = channel_account(pub, Platform.FACEBOOK)
    message = compose.facebook_message(pub.item, pub.share_url)
    scheduled = pub.scheduled_at if pub.scheduled_at and pub.scheduled_at > now else None
    if scheduled is not None and scheduled < now + fb.SCHEDULE_MIN_AHEAD:
        scheduled = None  # retried too close to the time: post now rather than refuse
    if pub.posting_started_at is not None:
        found = fb.find_post(
            account,
            key=pub.idempotency_key,
            message=message,
            since=pub.posting_started_at,
            scheduled=pub.scheduled_at is not None,
        )
        if found is not None:
            log.info("publication %s: adopted the post made before an interruption", pub.pk)
            return Outcome(found.id, found.url, _when(pub, now), adopted=True)
    else:
        _mark(pub, posting_started_at=now)
    post = fb.publish_post(
        account,
        message=message,
        link=pub.share_url,
        photo_url=_image_url(pub),
        scheduled_at=scheduled,
    )
    return Outcome(post.id, post.url, scheduled or now)


def _when(pub: Publication, now: dt.datetime) -> dt.datetime:
    return pub.scheduled_at if pub.scheduled_at and pub.scheduled_at > now else now


def _zalo(pub: Publication, now: dt.datetime) -> Outcome:
    from lantoa.connectors.zalo import publish as zp

    account = channel_account(pub, Platform.ZALO)
    article: zp.Article | None = None
    if pub.remote_token:
        article = zp.verify_article(account, pub.remote_token)
    elif pub.posting_started_at is not None:
        article = zp.find_article(
            account,
            title=pub.item.title,
            key=pub.idempotency_key if pub.share_url else "",
            since=pub.posting_started_at,
        )
    if article is None:
        if pub.posting_started_at is None:
            _mark(pub, posting_started_at=now)
        base = links.site_base()
        cover = _image_url(pub) or links.absolute(links.default_cover_path(), base)
        payload = zp.article_payload(
            title=pub.item.title,
            description=compose.zalo_description(pub.item),
            paragraphs=compose.zalo_paragraphs(pub.item, pub.share_url),
            cover_url=cover,
            author=pub.unit.short_name or pub.unit.name,
        )
        token = zp.create_article(account, payload)
        _mark(pub, remote_token=token[:500])
        article = zp.verify_article(account, token)
    if pub.broadcast and pub.broadcast_started_at is None:
        _mark(pub, broadcast_started_at=timezone.now())
        zp.broadcast_article(account, article.id)
    return Outcome(article.id, article.url, now, adopted=article.adopted)


def _site(pub: Publication, now: dt.datetime) -> Outcome:
    url = links.absolute(links.article_path(pub.item), links.site_base())
    return Outcome("", url, now)


def _newsletter(pub: Publication, now: dt.datetime) -> Outcome:
    """Send the item to the unit's confirmed subscribers: one ``Delivery`` per address,
    each moved to ``sending`` before its mail and to ``sent`` after, so a retry sends only
    what has not gone out."""
    if not pub.deliveries.exists():
        active = Subscriber.objects.filter(
            unit_id=pub.unit_id, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        )
        Delivery.objects.bulk_create(
            [Delivery(publication=pub, subscriber=s) for s in active.only("pk")],
            ignore_conflicts=True,
        )
    # A mail in "sending" was handed to the server when the worker stopped: not again.
    pub.deliveries.filter(status=DeliveryStatus.SENDING).update(status=DeliveryStatus.UNCERTAIN)
    batch = list(
        pub.deliveries.filter(status=DeliveryStatus.PENDING)
        .select_related("subscriber")
        .order_by("pk")[:NEWSLETTER_BATCH]
    )
    if batch:
        _send_batch(pub, batch)
    if pub.deliveries.filter(status=DeliveryStatus.PENDING).exists():
        raise Unfinished
    sent = pub.deliveries.filter(status=DeliveryStatus.SENT).count()
    url = links.absolute(links.article_path(pub.item), links.site_base())
    return Outcome(f"{sent} thư", url, now)


def _send_batch(pub: Publication, batch: list[Delivery]) -> None:
    from lantoa.connectors.email.outbound import smtp_error

    base = links.site_base()
    article_url = links.absolute(links.article_path(pub.item), base)
    context = {
        "item": pub.item,
        "unit": pub.unit,
        "excerpt": compose.excerpt(pub.item, 2000),
        "article_url": article_url,
    }
    connection = get_connection(timeout=SMTP_TIMEOUT)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryError(
            Text(
                gettext_noop("Không kết nối được máy chủ thư (%(error)s)."),
                {"error": type(exc).__name__},
            ),
            code="smtp_connect",
        ) from exc
    try:
        for delivery in batch:
            if not Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENDING
            ):
                continue
            unsubscribe = links.absolute(
                reverse("publicsite:unsubscribe", kwargs={"token": delivery.subscriber.token}),
                base,
            )
            mail = _newsletter_mail(pub, delivery.subscriber.email, unsubscribe, context)
            mail.connection = connection
            try:
                mail.send()
            except smtplib.SMTPException as exc:
                error = smtp_error(exc)
                if isinstance(error, PermanentError):
                    _delivery(delivery, DeliveryStatus.FAILED, str(error))
                    continue
                if isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
                    # The server answered "not now": it did not take the mail.
                    _delivery(delivery, DeliveryStatus.PENDING, str(error))
                else:  # the connection broke during the mail: it may have gone out
                    _delivery(delivery, DeliveryStatus.UNCERTAIN, str(error))
                raise error from exc
            except OSError as exc:
                _delivery(delivery, DeliveryStatus.UNCERTAIN, type(exc).__name__)
                raise TemporaryError(
                    Text(
                        gettext_noop("Mất kết nối với máy chủ thư (%(error)s)."),
                        {"error": type(exc).__name__},
                    ),
                    code="smtp_io",
                ) from exc
            _delivery(delivery, DeliveryStatus.SENT, "")
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()


def _delivery(delivery: Delivery, status: str, error: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        error=error[:300],
        sent_at=timezone.now() if status == DeliveryStatus.SENT else None,
    )


def _newsletter_mail(
    pub: Publication, to: str, unsubscribe: str, context: dict[str, object]
) -> EmailMultiAlternatives:
    ctx = {**context, "unsubscribe_url": unsubscribe}
    text = render_to_string("publishing/email/newsletter.txt", ctx)
    html = render_to_string("publishing/email/newsletter.html", ctx)
    mail = EmailMultiAlternatives(
        subject=f"[{pub.unit.short_name or pub.unit.name}] {pub.item.title}"[:250],
        body=text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    mail.attach_alternative(html, "text/html")
    return mail


HANDLERS: dict[str, Callable[[Publication, dt.datetime], Outcome]] = {
    Method.FACEBOOK: _facebook,
    Method.ZALO_OA: _zalo,
    Method.SITE: _site,
    Method.NEWSLETTER: _newsletter,
}


def _hand_back_cancels(now: dt.datetime) -> None:
    # A job claimed by ``claim`` keeps its ``next_attempt_at``; a row claimed by a cancel of a
    # post scheduled on Facebook (``services.publication_cancel``) has none: that one goes
    # back to published (cancelling it again finds the post, or finds it already gone).
    cancels = Publication.objects.filter(
        status=S.PUBLISHING, claimed_at__lt=now - LEASE, next_attempt_at__isnull=True
    ).update(status=S.PUBLISHED, claimed_at=None, updated_at=now)
    if cancels:
        log.warning("publishing: %s stalled cancel(s) handed back", cancels)


def _before_sweep(now: dt.datetime) -> None:
    """What the sweep of publications does first, every minute: stalled cancels go back, and
    content items scheduled on the site become published once their time has come (the one
    clock of scheduled publishing)."""
    from lantoa.publishing.services import publication_items_due  # services imports runner

    _hand_back_cancels(now)
    publication_items_due(now=now)


def _fail_crashed(pk: int, reason: Text) -> None:
    pub = Publication.objects.select_related("item", "unit").get(pk=pk)
    _fail(pub, TemporaryError(reason, code="worker_stopped"), timezone.now(), permanent=False)


# Publications for the generic sweep of durable jobs (registered in the app's
# contributions.py): a job still "publishing" after LEASE was left by a worker that died and
# goes back to pending (the marks above keep a second run from posting twice); due jobs
# (scheduled times reached, retries after backoff) are queued.
PUBLICATIONS = JobKind(
    key="publishing.publication",
    model=Publication,
    running=Q(status=S.PUBLISHING, next_attempt_at__isnull=False),
    hand_back=lambda now: {"status": S.PENDING, "next_attempt_at": now, "updated_at": now},
    fail=_fail_crashed,
    requeue=lambda pk: _enqueue_run(pk),
    stale_after=LEASE,
    due=lambda now: Q(status=S.PENDING, next_attempt_at__lte=now),
    due_order=("next_attempt_at", "pk"),
    before_sweep=_before_sweep,
)


def _enqueue_run(pk: int) -> None:
    from lantoa.publishing.tasks import enqueue_run

    enqueue_run(pk)


def publications_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """The periodic pass (the sweep of durable jobs, ``PUBLICATIONS``): give back rows whose
    worker died (lease ran out), and return the ids of due jobs for the caller to queue."""
    kind = (
        PUBLICATIONS if limit == PUBLICATIONS.due_limit else replace(PUBLICATIONS, due_limit=limit)
    )
    return durable.sweep(kind, now=now, queue=False)
