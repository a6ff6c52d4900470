"""Private files (issue 11): the files move out of MEDIA_ROOT, which the web server publishes,
into the private storage under random names (lantoa.core.private_files). A missing file is
logged and its row left as it is; the originals are deleted once the migration commits."""

import lantoa.core.private_files
from django.db import migrations, models

from lantoa.core.private_files import move_to_private, move_to_public


def to_private(apps, schema_editor):
    move_to_private(apps.get_model("reports", "ReportJob"), ["file"], "reports")


def to_public(apps, schema_editor):
    move_to_public(apps.get_model("reports", "ReportJob"), ["file"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_report_job_durable"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportjob",
            name="file",
            field=models.FileField(
                blank=True,
                storage=lantoa.core.private_files.private_storage,
                upload_to=lantoa.core.private_files.RandomName("reports"),
                verbose_name="tệp",
            ),
        ),
        migrations.RunPython(to_private, to_public),
    ]
