"""One clock: items scheduled on the content page used to wait for content's own periodic task
(``content.publish_due`` over ``ContentItem.scheduled_at``), with no publication. Each such
item becomes a site publication of its unit waiting for the same time, so that publishing's
sweep publishes it (on the public site, and the item with it). Items whose unit already has a
scheduled publication of them are publishing's already and are left alone."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import migrations

SITE_LABEL = "Trang tin công khai (cổng thông tin Lan Tỏa)"  # selectors.SITE_LABEL
REVIVABLE = ("failed", "cancelled")


def scheduled_content_to_site(apps: Any, schema_editor: Any) -> None:
    ContentItem = apps.get_model("content", "ContentItem")
    ContentEvent = apps.get_model("content", "ContentEvent")
    Publication = apps.get_model("publishing", "Publication")
    items = ContentItem.objects.filter(status="scheduled", scheduled_at__isnull=False)
    for item in items.order_by("pk").iterator():
        own = Publication.objects.filter(item_id=item.pk, unit_id=item.unit_id)
        if own.exclude(status="cancelled").filter(scheduled_at__isnull=False).exists():
            continue
        site = own.filter(method="site", channel__isnull=True).first()
        if site is not None and site.status not in REVIVABLE:
            continue
        scheduled_by = (
            ContentEvent.objects.filter(item_id=item.pk, kind="scheduled")
            .order_by("-created_at", "-pk")
            .values_list("actor_id", flat=True)
            .first()
        )
        if site is None:
            site = Publication(
                item_id=item.pk, unit_id=item.unit_id, idempotency_key=secrets.token_hex(10)
            )
        site.method = "site"
        site.channel_id = None
        site.channel_kind = "website"
        site.channel_name = SITE_LABEL
        site.status = "pending"
        site.scheduled_at = item.scheduled_at
        site.next_attempt_at = item.scheduled_at
        site.first_attempt_at = None
        site.permanent_error = False
        site.share_url = ""
        site.created_by_id = scheduled_by
        site.save()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("publishing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(scheduled_content_to_site, migrations.RunPython.noop),
    ]
