"""Publishing content items to a unit's channels, one durable job per channel.

A ``Publication`` is one content item on one channel of one unit: a post on the unit's
Facebook page or Zalo OA (through their APIs), the item in the unit's news on the public site,
a newsletter to the unit's e-mail subscribers, or — for channels with no API (Zalo groups,
loudspeakers, bulletin boards, the press) — an officer's record that it was posted, with
proof. Posts per channel, unit and day are counted from these rows
(``lantoa.publishing.selectors.posts_by_unit``).

Jobs (``lantoa.publishing.runner``): ``pending`` → ``publishing`` (claimed by a conditional
UPDATE) → ``published``, or back to ``pending`` with a later ``next_attempt_at`` (temporary
errors, exponential backoff for up to 24 h), or ``failed`` (permanent errors, or 24 h of
temporary ones). ``posting_started_at`` is written before the platform is called: a job that
finds it set after a crash looks for its post on the platform (by the idempotency key it
carries) and adopts it instead of posting twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lantoa.core.fields import when_created, when_updated, who
from lantoa.core.jobs import DurableJob
from lantoa.core.messages import Phrase, Text
from lantoa.core.private_files import private_storage


class Method(models.TextChoices):
    FACEBOOK = "facebook", _("Trang Facebook (đăng tự động)")
    ZALO_OA = "zalo_oa", _("Zalo OA (đăng tự động)")
    SITE = "site", _("Trang tin công khai")
    NEWSLETTER = "newsletter", _("Bản tin thư điện tử")
    MANUAL = "manual", _("Ghi nhận đã đăng")


# How the publish form names the unit's own two places; a publication stores the name in the
# site's language (``channel_name``) and shows it in the reader's (``shown_channel_name``).
SITE_LABEL = _("Trang tin công khai (cổng thông tin Lan Tỏa)")
NEWSLETTER_LABEL = _("Bản tin thư điện tử")


def stored_name(label: object) -> str:
    """A channel's name as publications keep it: in the site's language, whoever publishes."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)[:255]


# Methods that run as background jobs (manual records are written directly).
JOB_METHODS = (Method.FACEBOOK, Method.ZALO_OA, Method.SITE, Method.NEWSLETTER)


class PublicationStatus(models.TextChoices):
    PENDING = "pending", _("Chờ đăng")
    PUBLISHING = "publishing", _("Đang đăng")
    PUBLISHED = "published", _("Đã đăng")
    FAILED = "failed", _("Lỗi")
    RECORDED = "recorded", _("Đã ghi nhận")
    CANCELLED = "cancelled", _("Đã hủy")


# Statuses that count as a post.
POSTED = (PublicationStatus.PUBLISHED, PublicationStatus.RECORDED)


class Publication(DurableJob):
    """A durable job (``lantoa.core.jobs``): ``claimed_at`` and ``crashes`` come from
    ``DurableJob``; running one is ``lantoa.publishing.runner.publication_run``."""

    item = models.ForeignKey(
        "content.ContentItem",
        on_delete=models.CASCADE,
        related_name="publications",
        verbose_name=_("nội dung"),
    )
    # The unit that publishes: the item's own unit, or a unit below it republishing.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("đơn vị"),
    )
    # None for the built-in channels (public site, newsletter), which every unit has.
    channel = models.ForeignKey(
        "channels.Channel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publications",
        verbose_name=_("kênh"),
    )
    method = models.CharField(_("cách đăng"), max_length=12, choices=Method.choices)
    # ChannelKind value, kept when the channel is deleted: what posts are counted by.
    channel_kind = models.CharField(_("loại kênh"), max_length=20)
    channel_name = models.CharField(_("tên kênh"), max_length=255)
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PENDING,
    )
    scheduled_at = models.DateTimeField(_("hẹn giờ đăng"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    # Written (and committed) right before the platform is called.
    posting_started_at = models.DateTimeField(null=True, blank=True)
    # Zalo: the token article/create returned, kept until article/verify gives the id.
    remote_token = models.CharField(max_length=500, blank=True)
    # Zalo: the broadcast to the OA's followers was started (never sent twice).
    broadcast = models.BooleanField(_("gửi thông báo tới người quan tâm"), default=False)
    broadcast_started_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=32, unique=True)
    # The public link the post carries (with the idempotency key in utm_content).
    share_url = models.URLField(max_length=500, blank=True)
    external_id = models.CharField(_("mã bài trên nền tảng"), max_length=255, blank=True)
    url = models.URLField(_("đường dẫn bài đăng"), max_length=500, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # The same error as a stored Text (lantoa.core.messages), shown in the reader's language.
    last_error_text = models.JSONField(null=True, blank=True)
    permanent_error = models.BooleanField(default=False)
    published_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True)
    # Manual channels: who recorded it and the proof.
    recorded_by = who()
    proof_url = models.URLField(_("đường dẫn minh chứng"), max_length=500, blank=True)
    proof_photo = models.FileField(
        _("ảnh minh chứng"), max_length=255, blank=True, storage=private_storage
    )
    proof_thumbnail = models.FileField(max_length=255, blank=True, storage=private_storage)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = who()
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("lượt đăng")
        verbose_name_plural = _("lượt đăng")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "channel"],
                condition=models.Q(channel__isnull=False),
                name="publication_item_channel",
            ),
            models.UniqueConstraint(
                fields=["item", "unit", "method"],
                condition=models.Q(channel__isnull=True),
                name="publication_item_unit_builtin",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="publication_due"),
            models.Index(fields=["unit", "published_at"], name="publication_unit_day"),
            models.Index(fields=["method", "status", "published_at"], name="publication_site"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.channel_name}"

    @property
    def shown_channel_name(self) -> str:
        """``channel_name`` in the reader's language: the site and the newsletter by their
        label, a channel's kind ("Trang Facebook: …") translated before its own name."""
        from lantoa.channels.models import ChannelKind

        if self.method == Method.SITE:
            return str(SITE_LABEL)
        if self.method == Method.NEWSLETTER:
            return str(NEWSLETTER_LABEL)
        if self.channel_kind in ChannelKind.values:
            label = ChannelKind(self.channel_kind).label
            prefix = stored_name(label) + ": "
            if self.channel_name.startswith(prefix):
                return f"{label}: {self.channel_name.removeprefix(prefix)}"
        return self.channel_name

    @property
    def channel_name_param(self) -> str | Phrase | Text:
        """``channel_name`` as a parameter of a stored ``Text``: shown in the reader's
        language as ``shown_channel_name`` is."""
        from lantoa.channels.models import ChannelKind

        if self.method == Method.SITE:
            return Phrase.of(SITE_LABEL)
        if self.method == Method.NEWSLETTER:
            return Phrase.of(NEWSLETTER_LABEL)
        if self.channel_kind in ChannelKind.values:
            label = ChannelKind(self.channel_kind).label
            prefix = stored_name(label) + ": "
            if self.channel_name.startswith(prefix):
                return Text(
                    gettext_noop("%(kind)s: %(name)s"),
                    {"kind": Phrase.of(label), "name": self.channel_name.removeprefix(prefix)},
                )
        return self.channel_name

    @property
    def audit_target(self) -> str:
        """How audit entries name the publication: the item's title and the channel."""
        return f"{self.item.title} → {self.channel_name}"

    @property
    def scheduled_on_platform(self) -> bool:
        """Published on the platform as a post that goes live later (Facebook scheduling)."""
        from django.utils import timezone

        return bool(
            self.status == PublicationStatus.PUBLISHED
            and self.published_at
            and self.published_at > timezone.now()
        )


class Subscriber(models.Model):
    """An e-mail address that receives a unit's newsletter. Double opt-in: nothing is sent
    (but the confirmation) before ``confirmed_at``; every mail carries ``token`` in its
    unsubscribe link. The address is personal data: never logged, never shown in full."""

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="subscribers",
        verbose_name=_("đơn vị"),
    )
    email = models.EmailField(_("thư điện tử"), max_length=254)
    token = models.CharField(max_length=64, unique=True)
    created_at = when_created()
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("hủy đăng ký lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("người nhận bản tin")
        verbose_name_plural = _("người nhận bản tin")
        constraints = [
            models.UniqueConstraint(fields=["unit", "email"], name="subscriber_unit_email"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: #{self.pk}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Lỗi")
    # The worker stopped between handing the mail to the server and writing it down: it may
    # have gone out, so it is not sent again.
    UNCERTAIN = "uncertain", _("Không rõ (không gửi lại)")


class Delivery(models.Model):
    """One newsletter mail to one subscriber: the unit of "never twice" for the newsletter."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "subscriber"], name="delivery_publication_subscriber"
            ),
        ]
        indexes = [models.Index(fields=["publication", "status"], name="delivery_status")]

    def __str__(self) -> str:
        return f"{self.publication_id}/{self.subscriber_id}: {self.status}"
