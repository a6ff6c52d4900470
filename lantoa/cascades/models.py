"""Cascades (triển khai xuống cơ sở): an upper unit sends a content package down its subtree,
each receiving unit marks received → acknowledged → done with proof, and completion rolls up
the tree.

``Cascade`` is what was sent: its own package (title, instructions, attachments, links) and/or
a content item of the studio, the actions required, the due date and the target (the whole
subtree of the sender, or chosen unit kinds and/or levels below it). Sending writes one
``CascadeRecipient`` per active unit of the target in a single INSERT … SELECT from the
closure table (``lantoa.cascades.services.cascade_send``); the roll-up joins those rows with
``UnitClosure`` (``lantoa.cascades.selectors``). Writes go through ``lantoa.cascades.services``.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who
from lantoa.core.private_files import private_storage


class CascadeAction(models.TextChoices):
    READ = "read", _("Đọc, nắm nội dung")
    REPUBLISH = "republish", _("Đăng lại trên kênh của đơn vị")
    BOARD = "board", _("Đưa lên bảng tin hoặc loa truyền thanh")
    OUTREACH = "outreach", _("Sử dụng trong buổi tuyên truyền trực tiếp")


class CascadeStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SENT = "sent", _("Đã gửi")
    CLOSED = "closed", _("Đã kết thúc")


class Cascade(models.Model):
    sender = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="cascades_sent",
        verbose_name=_("đơn vị gửi"),
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    instructions = models.TextField(_("hướng dẫn thực hiện"), blank=True)
    # A studio item sent down (a guidance brief with its attachment, an infographic…).
    content_item = models.ForeignKey(
        "content.ContentItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cascades",
        verbose_name=_("nội dung trong kho"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cascades",
        verbose_name=_("chiến dịch"),
    )
    # Action values (CascadeAction), at least one.
    actions = models.JSONField(_("việc cần làm"), default=list)
    # http(s) addresses that come with the package (the original article, a video…).
    links = models.JSONField(_("đường dẫn kèm theo"), default=list, blank=True)
    due_on = models.DateField(_("hạn hoàn thành"))
    # Empty lists: the whole subtree. Kinds are UnitKind values; levels count down from the
    # sender (1: its direct children). Both given: a unit must match both.
    target_kinds = models.JSONField(_("loại đơn vị nhận"), default=list, blank=True)
    target_levels = models.JSONField(_("cấp nhận"), default=list, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=8,
        choices=CascadeStatus.choices,
        default=CascadeStatus.DRAFT,
    )
    # Written once by cascade_send, in the same transaction as the recipient rows.
    recipient_count = models.PositiveIntegerField(_("số đơn vị nhận"), default=0)
    created_by = who(_("người tạo"))
    created_at = when_created()
    updated_at = when_updated()
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    # Claimed by the task that tells receiving officers about a new cascade (sent once).
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("đợt triển khai")
        verbose_name_plural = _("đợt triển khai")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sender", "status", "due_on"], name="cascade_sender_status"),
            models.Index(fields=["status", "due_on"], name="cascade_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cascades:detail", kwargs={"pk": self.pk})

    @property
    def deadline(self) -> dt.datetime:
        """The first instant after the due day, in Vietnam time: done before it is on time."""
        return deadline_of(self.due_on)

    @property
    def is_overdue(self) -> bool:
        return self.status == CascadeStatus.SENT and timezone.now() >= self.deadline

    # What "done" must come with (checked by services.recipient_advance, explained on the
    # receiving unit's page): a bulletin board or loudspeaker is proven by a photo; a
    # republished post by its link, or by a screenshot where the post has no public address
    # (a Zalo group). Reading and outreach sessions need no proof; a note is welcome.
    @property
    def proof_photo_required(self) -> bool:
        return CascadeAction.BOARD in self.actions

    @property
    def proof_link_required(self) -> bool:
        return CascadeAction.REPUBLISH in self.actions

    def action_labels(self) -> list[str]:
        return [str(CascadeAction(a).label) for a in self.actions if a in CascadeAction.values]

    def target_kind_labels(self) -> list[str]:
        from lantoa.units.models import UnitKind

        return [str(UnitKind(k).label) for k in self.target_kinds if k in UnitKind.values]


def deadline_of(due_on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time.min))


class AttachmentKind(models.TextChoices):
    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word (DOCX)")
    IMAGE = "image", _("Ảnh")


class CascadeAttachment(models.Model):
    """A file of the cascade's own package, kept in the private storage under a random name;
    served only through the access-checked view."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("loại tệp"), max_length=8, choices=AttachmentKind.choices)
    file = models.FileField(_("tệp"), max_length=255, storage=private_storage)
    thumbnail = models.FileField(
        _("ảnh thu nhỏ"), max_length=255, blank=True, storage=private_storage
    )
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    uploaded_by = who()
    created_at = when_created()

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class RecipientState(models.TextChoices):
    PENDING = "pending", _("Chưa nhận")
    RECEIVED = "received", _("Đã nhận")
    ACKNOWLEDGED = "acknowledged", _("Đã nắm")
    DONE = "done", _("Đã thực hiện")


# The order of the states; a recipient only ever moves forward.
STATE_ORDER = {
    RecipientState.PENDING: 0,
    RecipientState.RECEIVED: 1,
    RecipientState.ACKNOWLEDGED: 2,
    RecipientState.DONE: 3,
}


class CascadeRecipient(models.Model):
    """One receiving unit of a cascade. Written in bulk by ``cascade_send``; every column
    without a value there takes its model default (see ``services._insert_recipients``)."""

    # The (cascade, unit) constraint's index serves lookups by cascade: no separate one.
    cascade = models.ForeignKey(
        Cascade, on_delete=models.CASCADE, related_name="recipients", db_index=False
    )
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="cascade_receipts",
        verbose_name=_("đơn vị"),
    )
    state = models.CharField(
        _("tình trạng"),
        max_length=12,
        choices=RecipientState.choices,
        default=RecipientState.PENDING,
    )
    received_at = models.DateTimeField(_("đã nhận lúc"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("đã nắm lúc"), null=True, blank=True)
    done_at = models.DateTimeField(_("đã thực hiện lúc"), null=True, blank=True)
    done_by = who(_("người báo cáo"))
    # Addresses of the unit's own posts (Facebook, Zalo, website…), validated.
    proof_links = models.JSONField(_("đường dẫn minh chứng"), default=list, blank=True)
    proof_photo = models.FileField(
        _("ảnh minh chứng"), max_length=255, blank=True, storage=private_storage
    )
    proof_thumbnail = models.FileField(max_length=255, blank=True, storage=private_storage)
    note = models.TextField(_("ghi chú"), blank=True)
    # Set when a reminder round covered this row (at most one a day; see tasks.remind_due).
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị nhận triển khai")
        verbose_name_plural = _("đơn vị nhận triển khai")
        constraints = [
            models.UniqueConstraint(fields=["cascade", "unit"], name="cascade_recipient_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.cascade_id} → {self.unit_id} ({self.state})"

    @property
    def rank(self) -> int:
        return STATE_ORDER[RecipientState(self.state)]

    @property
    def is_done(self) -> bool:
        return self.state == RecipientState.DONE

    @property
    def done_on_time(self) -> bool:
        return self.done_at is not None and self.done_at < self.cascade.deadline
