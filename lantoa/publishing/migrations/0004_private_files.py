"""Private files (issue 11): the files move out of MEDIA_ROOT, which the web server publishes,
into the private storage under random names (lantoa.core.private_files). A missing file is
logged and its row left as it is; the originals are deleted once the migration commits."""

import lantoa.core.private_files
from django.db import migrations, models

from lantoa.core.private_files import move_to_private, move_to_public


def to_private(apps, schema_editor):
    move_to_private(
        apps.get_model("publishing", "Publication"), ["proof_photo", "proof_thumbnail"], "proofs"
    )


def to_public(apps, schema_editor):
    move_to_public(apps.get_model("publishing", "Publication"), ["proof_photo", "proof_thumbnail"])


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0003_publication_crashes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="publication",
            name="proof_photo",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=lantoa.core.private_files.private_storage,
                upload_to="",
                verbose_name="ảnh minh chứng",
            ),
        ),
        migrations.AlterField(
            model_name="publication",
            name="proof_thumbnail",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=lantoa.core.private_files.private_storage,
                upload_to="",
            ),
        ),
        migrations.RunPython(to_private, to_public),
    ]
