"""The content studio: items (tin, bài, infographic, video, livestream, tài liệu định hướng,
thông cáo báo chí), their versions and workflow events, who approves at a unit, and the unit's
media library.

Workflow: draft → in_review → approved → scheduled → published; a reviewer may return an item
(with comments), which goes back to draft on the next edit. Every transition goes through
``lantoa.content.services`` and leaves a ``ContentEvent``. Publishing to channels comes later
as per-channel publication jobs that point at an item in ``scheduled``/``published``; nothing
here assumes a single destination.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated, who
from lantoa.core.private_files import private_storage


class ContentKind(models.TextChoices):
    NEWS = "news", _("Tin, bài")
    INFOGRAPHIC = "infographic", _("Infographic")
    VIDEO = "video", _("Video clip")
    LIVESTREAM = "livestream", _("Livestream")
    BRIEF = "brief", _("Tài liệu định hướng tuyên truyền")
    PRESS_RELEASE = "press_release", _("Thông cáo báo chí")


class ContentStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    IN_REVIEW = "in_review", _("Chờ duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Đã duyệt")
    SCHEDULED = "scheduled", _("Đã hẹn giờ đăng")
    PUBLISHED = "published", _("Đã đăng")


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Ảnh")
    DOCUMENT = "document", _("Tài liệu (PDF, DOCX)")
    VIDEO = "video", _("Tệp video (MP4)")
    VIDEO_LINK = "video_link", _("Đường dẫn video")


class MediaAsset(models.Model):
    """One file (or video link) in a unit's media library. Files are kept in the private
    storage under random names (``lantoa.core.private_files``); the uploader's file name is
    only displayed and used as the download name. A photo reaches the public only through the
    public site's view, once an item using it is published."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="media", verbose_name=_("đơn vị")
    )
    kind = models.CharField(_("loại"), max_length=12, choices=MediaKind.choices)
    title = models.CharField(_("tên"), max_length=255)
    file = models.FileField(_("tệp"), max_length=255, blank=True, storage=private_storage)
    thumbnail = models.FileField(
        _("ảnh thu nhỏ"), max_length=255, blank=True, storage=private_storage
    )
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    url = models.URLField(_("đường dẫn video"), max_length=500, blank=True)
    uploaded_by = who()
    created_at = when_created()

    class Meta:
        verbose_name = _("tệp đa phương tiện")
        verbose_name_plural = _("thư viện đa phương tiện")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "kind", "created_at"], name="media_unit_kind")]

    def __str__(self) -> str:
        return self.title


class ContentItem(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="content_items",
        verbose_name=_("đơn vị"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="content_items",
        verbose_name=_("chiến dịch"),
    )
    kind = models.CharField(_("loại nội dung"), max_length=16, choices=ContentKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    slug = models.SlugField(_("đường dẫn rút gọn"), max_length=120, allow_unicode=False)
    summary = models.TextField(_("tóm tắt"), blank=True)
    body = models.TextField(_("nội dung"), blank=True)  # sanitised HTML (content.sanitize)
    tags = models.JSONField(_("từ khóa"), default=list, blank=True)
    video_url = models.URLField(_("đường dẫn video"), max_length=500, blank=True)
    livestream_url = models.URLField(_("đường dẫn livestream"), max_length=500, blank=True)
    livestream_at = models.DateTimeField(_("thời điểm livestream"), null=True, blank=True)
    attachment = models.ForeignKey(
        MediaAsset,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attached_to",
        verbose_name=_("tệp đính kèm"),
    )
    media = models.ManyToManyField(
        MediaAsset, blank=True, related_name="content_items", verbose_name=_("ảnh, video")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="authored_content",
        verbose_name=_("tác giả"),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=ContentStatus.choices,
        default=ContentStatus.DRAFT,
    )
    # The time content shows for a scheduled item. Publishing sets it with the status
    # (``content_schedule``); the schedule itself is the item's publications'
    # (``Publication.scheduled_at``), run by publishing's sweep. Nothing acts on this field.
    scheduled_at = models.DateTimeField(_("hẹn giờ đăng"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("nội dung")
        verbose_name_plural = _("nội dung")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "slug"], name="content_unit_slug"),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="content_unit_status"),
            models.Index(fields=["campaign", "unit"], name="content_campaign_unit"),
            models.Index(fields=["status", "scheduled_at"], name="content_scheduled"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("content:detail", kwargs={"pk": self.pk})


class ContentVersion(models.Model):
    """A full snapshot taken at every save of an item."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tiêu đề"), max_length=255)
    summary = models.TextField(_("tóm tắt"), blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    # Other fields (kind, links, tags, attachment, media ids and titles) as they were.
    data = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = when_created()

    class Meta:
        verbose_name = _("phiên bản nội dung")
        verbose_name_plural = _("phiên bản nội dung")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="content_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.number}"


class ContentEventKind(models.TextChoices):
    CREATED = "created", _("Tạo mới")
    EDITED = "edited", _("Sửa")
    SUBMITTED = "submitted", _("Gửi duyệt")
    RETURNED = "returned", _("Trả lại")
    APPROVED = "approved", _("Duyệt")
    SCHEDULED = "scheduled", _("Hẹn giờ đăng")
    UNSCHEDULED = "unscheduled", _("Hủy hẹn giờ")
    PUBLISHED = "published", _("Đăng")
    RESTORED = "restored", _("Khôi phục phiên bản")
    COMMENTED = "commented", _("Góp ý")


class ContentEvent(models.Model):
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=ContentEventKind.choices)
    from_status = models.CharField(max_length=12, choices=ContentStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ContentStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("nhận xét"), blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    created_at = when_created()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind}"


class ApprovalSetting(models.Model):
    """Who may approve content of a unit and its subtree (nearest setting up the tree wins;
    without one anywhere: leaders and admins)."""

    unit = models.OneToOneField(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="content_approval",
        verbose_name=_("đơn vị"),
    )
    roles = models.JSONField(_("vai trò được duyệt"), default=list, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("cán bộ được duyệt")
    )
    updated_by = who()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("thiết lập người duyệt")
        verbose_name_plural = _("thiết lập người duyệt")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.roles}"
