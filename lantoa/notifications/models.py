"""In-app notices to officers (with an e-mail copy when they have an address)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.core.fields import when_created
from lantoa.core.messages import text_render


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Dotted kind ("inquiry.escalated", "inquiry.warned", "cascade.due"…) for filtering.
    kind = models.CharField(max_length=40)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = when_created()
    read_at = models.DateTimeField(null=True, blank=True)
    # What the title and body were made from ({"title": msgid, "body": msgid, "params": {…}}),
    # so the list shows them in the reader's language; ``title`` and ``body`` keep the text in
    # the site's language (e-mails, older notices, notices written without a msgid).
    texts = models.JSONField(default=dict, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.title

    def _shown(self, part: str, stored: str) -> str:
        msgid = self.texts.get(part)
        if not msgid:
            return stored
        shown = text_render({"msgid": msgid, "params": self.texts.get("params") or {}})
        return stored if shown is None else shown

    @property
    def shown_title(self) -> str:
        """The title in the reader's language."""
        return self._shown("title", self.title)

    @property
    def shown_body(self) -> str:
        """The body in the reader's language."""
        return self._shown("body", self.body)
