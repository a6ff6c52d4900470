from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import who


class AuditEvent(models.Model):
    """A security-relevant action. Never holds workers' personal data."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = who(_("người thực hiện"))
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=64, db_index=True)
    unit = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    target = models.CharField(_("đối tượng"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("sự kiện bảo mật")
        verbose_name_plural = _("nhật ký bảo mật")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.action}"
