"""The answer row carries its response's unit (``Answer.unit``), so that a cross-tab by unit
groups a question's answers without joining their responses (bench/README.md, issue 16).

Three steps, in three migrations so that a long backfill interrupted on a large database is
resumed by running ``migrate`` again: the column, nullable (instant on both engines); the
copy of the responses' units, batch by batch (0005); then NOT NULL and the covering index
(0006)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_collection"),
        ("units", "0008_import_job_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.unit",
            ),
        ),
    ]
