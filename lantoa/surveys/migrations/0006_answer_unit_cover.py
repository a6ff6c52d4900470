"""Every answer has its unit now (0005): the column becomes NOT NULL, so a way of writing
answers that forgot it fails at once instead of leaving answers out of the cross-tabs; then
the index the cross-tabs by unit read alone: WHERE question, row GROUP BY unit, choice, and
the distinct responses of a multiple choice. On SQLite the NOT NULL rebuilds the table (a
few minutes at 22,5 million rows), hence before the index."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0005_answer_unit_fill"),
        ("units", "0008_import_job_language"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answer",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.unit",
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=["question", "row", "unit", "choice", "response"],
                name="answer_unit_cover",
            ),
        ),
    ]
