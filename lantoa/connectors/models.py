"""Connected platform accounts, received webhook events and webhook counters."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.connectors.fields import EncryptedTextField
from lantoa.core.fields import when_created, when_updated, who
from lantoa.core.jobs import DurableJob


class Platform(models.TextChoices):
    ZALO = "zalo_oa", _("Zalo OA")
    FACEBOOK = "facebook_page", _("Facebook Messenger")
    EMAIL = "email", _("Thư điện tử")


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    ERROR = "error", _("Lỗi, cần kết nối lại")
    PAUSED = "paused", _("Tạm dừng")


class ConnectorAccount(models.Model):
    """A unit's Zalo OA or Facebook page, connected so that messages come in and replies go
    out. Secrets are encrypted at rest and never shown back in the UI.

    Zalo OA: ``external_id`` = OA id, ``app_id`` = the Zalo app, ``app_secret`` = the app's
    secret key (token refresh), ``webhook_secret`` = the OA secret key (``X-ZEvent-Signature``),
    ``access_token``/``refresh_token`` = OA tokens (the refresh token is single-use).
    Facebook page: ``external_id`` = page id, ``app_secret`` = the Meta app's secret (blank:
    ``LANTOA_FACEBOOK_APP_SECRET``), ``access_token`` = the page access token.
    """

    channel = models.OneToOneField(
        "channels.Channel",
        on_delete=models.CASCADE,
        related_name="connector",
        verbose_name=_("kênh"),
    )
    platform = models.CharField(_("nền tảng"), max_length=20, choices=Platform.choices)
    external_id = models.CharField(_("ID OA / ID trang"), max_length=100)
    app_id = models.CharField(_("ID ứng dụng"), max_length=100, blank=True)
    app_secret = EncryptedTextField(blank=True, default="")
    webhook_secret = EncryptedTextField(blank=True, default="")
    access_token = EncryptedTextField(blank=True, default="")
    refresh_token = EncryptedTextField(blank=True, default="")
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    token_refreshed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # The same error as a stored Text (lantoa.core.messages), shown in the reader's language.
    last_error_text = models.JSONField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(_("nhận sự kiện gần nhất"), null=True, blank=True)
    connected_by = who()
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("kết nối nền tảng")
        verbose_name_plural = _("kết nối nền tảng")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="connector_account_unique_external_id"
            )
        ]
        indexes = [models.Index(fields=["platform", "app_id"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.external_id}"


class Hold(models.TextChoices):
    """Why a verified event was kept out of the inbox (``InboundEvent.held``)."""

    STALE = "stale", _("Quá cũ: quá thời gian nền tảng còn gửi lại")
    FUTURE = "future", _("Ghi thời điểm ở tương lai")


class InboundEvent(DurableJob):
    """One verified platform event (a worker's message), stored before it is processed.

    The webhook answers as soon as this row is written; the worker turns it into an inquiry
    message and sets ``processed_at`` (``lantoa.connectors.processing``). A durable job
    (``lantoa.core.jobs``): ``claimed_at`` (the start of the worker's lease, renewed while it
    works) and ``crashes`` come from ``DurableJob``; a lease not renewed in time is a dead
    worker's and is taken again within seconds, so a lost enqueue or a worker killed
    mid-burst loses nothing. An event dated outside the platform's re-delivery window is
    ``held``: acknowledged, kept for the connector page, never made an inquiry.
    """

    platform = models.CharField(max_length=20, choices=Platform.choices)
    # Platform message id (Zalo msg_id, Messenger mid): a re-delivery is ignored.
    event_id = models.CharField(max_length=255)
    account = models.ForeignKey(
        ConnectorAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    payload = models.JSONField()
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    message = models.ForeignKey(
        "inquiries.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the platform says the message was sent (its signed timestamp), set on processing.
    sent_at = models.DateTimeField(null=True, blank=True)
    # Not made an inquiry, and why (blank: it was). Also a database default: the webhook
    # inserts its rows with raw SQL.
    held = models.CharField(
        max_length=10, choices=Hold.choices, blank=True, default="", db_default=""
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "event_id"], name="connector_inbound_event_unique"
            )
        ]
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.platform} event #{self.pk}"


class CounterReason(models.TextChoices):
    MISSING_SIGNATURE = "missing_signature", _("Thiếu chữ ký")
    BAD_SIGNATURE = "bad_signature", _("Sai chữ ký")
    MALFORMED = "malformed", _("Nội dung không phải JSON hợp lệ")
    MISSING_FIELDS = "missing_fields", _("Thiếu trường bắt buộc")
    UNKNOWN_ACCOUNT = "unknown_account", _("OA/trang chưa được kết nối")
    OVERSIZED_ATTACHMENT = "oversized_attachment", _("Tệp đính kèm quá lớn")
    TOO_LARGE = "too_large", _("Yêu cầu quá lớn")
    BAD_VERIFY_TOKEN = "bad_verify_token", _("Sai mã xác minh webhook")
    IGNORED = "ignored", _("Sự kiện không cần xử lý (bỏ qua)")
    FAILED = "failed", _("Xử lý thất bại")
    STALE_EVENT = "stale_event", _("Sự kiện quá cũ (có thể bị phát lại), không tạo câu hỏi")
    FUTURE_EVENT = "future_event", _("Sự kiện ghi thời điểm ở tương lai, không tạo câu hỏi")
    REJECTED = "rejected", _("Thư bị từ chối")


class WebhookCounter(models.Model):
    """How many requests each platform's webhook rejected or ignored, and why.

    Incremented with a single UPDATE … SET count = count + 1, so web processes and workers can
    count at the same time without losing updates.
    """

    platform = models.CharField(max_length=20, choices=Platform.choices)
    reason = models.CharField(max_length=30, choices=CounterReason.choices)
    count = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "reason"], name="webhook_counter_unique")
        ]
        ordering = ["platform", "reason"]

    def __str__(self) -> str:
        return f"{self.platform}/{self.reason}: {self.count}"
