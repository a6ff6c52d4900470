"""The inbox search also matches the tracking code as read over the phone ("HD HV2C EYZZ",
"HV2C-EYZZ", "hv2ceyzz") and the workplace: refresh every case's search text."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def refresh(apps: Any, schema_editor: Any) -> None:
    from lantoa.inquiries.intake import search_text_of

    Inquiry = apps.get_model("inquiries", "Inquiry")
    Message = apps.get_model("inquiries", "Message")
    batch: list[Any] = []
    cases = Inquiry.objects.select_related("workplace_unit").order_by("pk")
    for inquiry in cases.iterator(chunk_size=500):
        bodies = Message.objects.filter(inquiry_id=inquiry.pk, direction="in").values_list(
            "body", flat=True
        )
        workplace = " ".join(
            filter(None, [inquiry.workplace, getattr(inquiry.workplace_unit, "name", "")])
        )
        inquiry.search_text = search_text_of(
            code=inquiry.code, subject=inquiry.subject, workplace=workplace, bodies=bodies
        )
        batch.append(inquiry)
        if len(batch) >= 500:
            Inquiry.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Inquiry.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0002_outbound_reply_crashes")]
    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
