from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created, when_updated
from lantoa.core.text import fold


class RosterRole(models.TextChoices):
    COMMUNICATOR = "communicator", _("Cán bộ truyền thông")
    BRIEFER = "briefer", _("Báo cáo viên")
    BOTH = "both", _("Cán bộ truyền thông và báo cáo viên")


class Communicator(models.Model):
    """A person on a unit's roster of communicators and briefers (not necessarily a user)."""

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="communicators",
        verbose_name=_("đơn vị"),
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    role = models.CharField(_("vai trò"), max_length=16, choices=RosterRole.choices)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # Declared trained (e.g. trained before the system existed) or set by a recorded training.
    trained = models.BooleanField(_("đã qua tập huấn"), default=False)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    search_text = models.TextField(editable=False, default="")
    created_at = when_created()
    updated_at = when_updated()

    class Meta:
        verbose_name = _("cán bộ truyền thông, báo cáo viên")
        verbose_name_plural = _("cán bộ truyền thông, báo cáo viên")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["unit", "active"])]

    def __str__(self) -> str:
        return self.full_name

    def refresh_search_text(self) -> None:
        self.search_text = fold(f"{self.full_name} {self.position}")


class Training(models.Model):
    """A training course (lớp tập huấn) for communicators and briefers."""

    title = models.CharField(_("tên lớp tập huấn"), max_length=255)
    organizer = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="trainings",
        verbose_name=_("đơn vị tổ chức"),
    )
    held_on = models.DateField(_("ngày tổ chức"))
    hours = models.PositiveSmallIntegerField(_("số giờ"), default=0)
    attendees = models.ManyToManyField(
        Communicator, through="TrainingAttendance", related_name="trainings"
    )

    class Meta:
        verbose_name = _("lớp tập huấn")
        verbose_name_plural = _("lớp tập huấn")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class TrainingAttendance(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE)
    communicator = models.ForeignKey(Communicator, on_delete=models.CASCADE)
    passed = models.BooleanField(_("hoàn thành"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["training", "communicator"], name="training_attendance_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.communicator_id} @ {self.training_id}"
