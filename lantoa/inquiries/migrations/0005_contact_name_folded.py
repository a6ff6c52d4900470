"""The inbox search finds a case by the worker's name (without diacritics) for officers who
may see the contact: a folded copy of the name beside it, filled for the existing contacts."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    from lantoa.core.text import fold

    InquiryContact = apps.get_model("inquiries", "InquiryContact")
    batch: list[Any] = []
    for contact in InquiryContact.objects.exclude(name="").order_by("pk").iterator(chunk_size=500):
        contact.name_folded = (" " + fold(contact.name))[:160]
        batch.append(contact)
        if len(batch) >= 500:
            InquiryContact.objects.bulk_update(batch, ["name_folded"])
            batch = []
    if batch:
        InquiryContact.objects.bulk_update(batch, ["name_folded"])


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0004_worker_email_updates")]

    operations = [
        migrations.AddField(
            model_name="inquirycontact",
            name="name_folded",
            field=models.CharField(blank=True, default="", editable=False, max_length=160),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
