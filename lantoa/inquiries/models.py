"""Workers' questions, complaints and legal-advice requests (phản ánh, kiến nghị, tư vấn pháp
luật), from every channel, in one inbox per unit.

Identity is kept apart from the case: ``InquiryContact`` holds the only personal data and is
absent for anonymous inquiries. Views of it are audited (``inquiry.contact_viewed``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.connectors.fields import EncryptedTextField
from lantoa.core.fields import when_created, when_updated
from lantoa.core.jobs import DurableJob
from lantoa.core.text import fold
from lantoa.kb.models import Category


class Kind(models.TextChoices):
    QUESTION = "question", _("Hỏi đáp")
    COMPLAINT = "complaint", _("Phản ánh")
    PETITION = "petition", _("Kiến nghị")
    LEGAL_ADVICE = "legal_advice", _("Tư vấn pháp luật")


class Source(models.TextChoices):
    """The channel an inquiry came in on; replies go back on the same one."""

    WEB = "web", _("Biểu mẫu trên trang web")
    ZALO = "zalo", _("Zalo OA")
    FACEBOOK = "facebook", _("Facebook Messenger")
    EMAIL = "email", _("Thư điện tử")
    HOTLINE = "hotline", _("Đường dây nóng")
    WALK_IN = "walk_in", _("Trực tiếp tại trụ sở")


class Status(models.TextChoices):
    NEW = "new", _("Mới")
    ASSIGNED = "assigned", _("Đã phân công")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED)


class Inquiry(models.Model):
    # Tracking code shown to the worker (e.g. "HD-7K3M-9QX2"); the lookup secret is stored
    # only as a hash, like a password.
    code = models.CharField(_("mã tra cứu"), max_length=20, unique=True)
    lookup_secret_hash = models.CharField(max_length=128, blank=True)

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="inquiries",
        verbose_name=_("đơn vị xử lý"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_inquiries",
        verbose_name=_("người xử lý"),
    )
    source = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=Source.choices)
    kind = models.CharField(_("loại"), max_length=15, choices=Kind.choices, default=Kind.QUESTION)
    category = models.CharField(_("lĩnh vực"), max_length=15, choices=Category.choices, blank=True)
    subject = models.CharField(_("tóm tắt"), max_length=255, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    urgent = models.BooleanField(_("khẩn"), default=False)
    # Machine-readable reasons ("wages_many", "accident", "strike"…) set by the urgency rules.
    urgent_reasons = models.JSONField(default=list, blank=True)
    anonymous = models.BooleanField(_("ẩn danh"), default=False)

    # What the worker said about the workplace (employer, industrial zone or commune) and the
    # grassroots unit it was matched to, if any.
    workplace = models.CharField(_("nơi làm việc"), max_length=255, blank=True)
    workplace_unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("công đoàn cơ sở nơi làm việc"),
    )

    # Conversation key: "zalo:<oa>:<user>", "facebook:<page>:<psid>", "email:<root msg id>".
    # A new message with the same key joins the open (or latest) inquiry.
    thread_key = models.CharField(max_length=255, blank=True, db_index=True)
    # The Channel (Zalo OA, Facebook page) it came in through, for replies.
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    response_hours = models.PositiveSmallIntegerField(default=24)
    first_response_due = models.DateTimeField(_("hạn trả lời"))
    first_responded_at = models.DateTimeField(_("trả lời lần đầu lúc"), null=True, blank=True)
    # The deadline the SLA engine watches: set while a worker's message awaits a reply (the
    # first one, or a follow-up that reopened the case), cleared by a reply.
    reply_due = models.DateTimeField(_("hạn trả lời"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # SLA bookkeeping: 75 % warning sent; how many levels it has been escalated; the unit
    # whose officers now see it as escalated.
    warned_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_to = models.ForeignKey(
        "units.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    # Folded (no diacritics, lower case) subject + messages, for officers' search.
    search_text = models.TextField(blank=True, default="")
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("câu hỏi, phản ánh")
        verbose_name_plural = _("câu hỏi, phản ánh")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["unit", "status", "received_at"]),
            models.Index(fields=["reply_due"]),
            models.Index(fields=["escalated_to", "status"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is None or _COUNTED_FIELDS.intersection(fields):
            # The header's count of new questions is counted afresh once this is committed.
            from lantoa.inquiries.counts import bump

            transaction.on_commit(bump)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# What the count of new questions depends on (``lantoa.inquiries.counts``).
_COUNTED_FIELDS = frozenset({"status", "assignee", "unit", "escalated_to"})


class InquiryContact(models.Model):
    """The worker's identity. Absent for anonymous inquiries; deleted on request."""

    inquiry = models.OneToOneField(Inquiry, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(_("họ tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # Platform id to reply to: Zalo user id (per OA), Messenger PSID (per page).
    platform_user_id = models.CharField(max_length=100, blank=True)
    consent_at = models.DateTimeField(_("đồng ý xử lý dữ liệu lúc"), null=True, blank=True)
    # The worker of a web question asked for the codes, then each answer, by e-mail to
    # ``email`` (lantoa.inquiries.outbox: ``receipt_enqueue`` and ``outbox_enqueue``).
    email_updates = models.BooleanField(_("nhận mã và câu trả lời qua thư"), default=False)
    # The name folded (" nguyen van an"), for the sender search of officers who may see it.
    name_folded = models.CharField(max_length=160, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("thông tin liên hệ")
        verbose_name_plural = _("thông tin liên hệ")
        indexes = [models.Index(fields=["phone"]), models.Index(fields=["email"])]

    def __str__(self) -> str:
        # Never the personal data itself: str() ends up in logs and admin titles.
        return f"contact #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_name_folded()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    def refresh_name_folded(self) -> None:
        self.name_folded = (" " + fold(self.name))[:160] if self.name.strip() else ""


class Direction(models.TextChoices):
    IN = "in", _("Người lao động gửi")
    OUT = "out", _("Trả lời")
    NOTE = "note", _("Ghi chú nội bộ")


class Message(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    body = models.TextField(_("nội dung"))
    # [{"name", "url", "content_type", "size"}] as received from the platform.
    attachments = models.JSONField(default=list, blank=True)
    # Platform message id (Zalo msg_id, Messenger mid, e-mail Message-ID) for de-duplication.
    source = models.CharField(max_length=10, choices=Source.choices)
    external_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="inquiry_message_unique_external_id",
            )
        ]
        indexes = [models.Index(fields=["inquiry", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} #{self.pk}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")


class OutboundReply(DurableJob):
    """Durable outbox: one row per reply to deliver on the inquiry's channel — and, for a web
    question whose worker asked for e-mail, one per answer (``source`` "email") and one for the
    receipt with the codes, attached to the worker's question (``message`` an incoming one).

    A worker claims a row with a conditional UPDATE (pending → sending), so two workers never
    send the same reply; ``idempotency_key`` is passed to platforms that accept one. A durable
    job (``lantoa.core.jobs``): ``claimed_at`` and ``crashes`` come from ``DurableJob``.
    """

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="outbound")
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    # The same error as a stored Text (lantoa.core.messages), shown in the reader's language.
    last_error_text = models.JSONField(null=True, blank=True)
    permanent_error = models.BooleanField(default=False)
    external_id = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A receipt's lookup secret, encrypted, until the message is sent or given up (then
    # emptied): the only copy in clear is the worker's.
    secret = EncryptedTextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"outbound #{self.pk} ({self.status})"


class EventKind(models.TextChoices):
    CREATED = "created", _("Tiếp nhận")
    MESSAGE = "message", _("Tin nhắn mới")
    ASSIGNED = "assigned", _("Phân công")
    REASSIGNED = "reassigned", _("Chuyển đơn vị xử lý")
    ANSWERED = "answered", _("Trả lời")
    CLOSED = "closed", _("Đóng")
    REOPENED = "reopened", _("Mở lại")
    WARNED = "warned", _("Nhắc hạn")
    ESCALATED = "escalated", _("Chuyển lên cấp trên do quá hạn")
    CATEGORISED = "categorised", _("Phân loại")
    REPLY_FAILED = "reply_failed", _("Gửi trả lời lỗi")
    CONTACT_ERASED = "contact_erased", _("Xóa thông tin cá nhân")


class InquiryEvent(models.Model):
    """What happened to an inquiry, for its timeline."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%d/%m/%Y %H:%M}"


class CannedAnswer(models.Model):
    """A reusable answer; visible to the unit's subtree."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="canned_answers")
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    category = models.CharField(_("lĩnh vực"), max_length=15, choices=Category.choices, blank=True)
    created_at = when_created()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class UnitInquirySettings(models.Model):
    """Per-unit desk settings; a unit without a row inherits its nearest ancestor's."""

    unit = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="inquiry_settings"
    )
    response_hours = models.PositiveSmallIntegerField(_("hạn trả lời lần đầu (giờ)"), default=24)
    # Closed inquiries older than this lose the worker's contact details (and lookup secret).
    retention_days = models.PositiveIntegerField(
        _("thời hạn lưu dữ liệu cá nhân (ngày)"), default=730
    )

    def __str__(self) -> str:
        return f"settings of unit #{self.unit_id}"


class InquiryVector(models.Model):
    """The meaning of a worker's question, to find others asking the same in the last days
    (``lantoa.inquiries.similar``): the embedding of its subject and first message, float16
    bytes, written by a background job, never in the request. It derives from the worker's
    text: deleted with their contact details (erase link, retention) and once the inquiry is
    older than the window it serves. ``received_at`` copies the inquiry's."""

    inquiry = models.OneToOneField(
        Inquiry, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    vector = models.BinaryField()
    model = models.CharField(max_length=64)
    digest = models.CharField(max_length=40)
    received_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.inquiry_id} ({self.model})"
