"""Private files (issue 11): the files move out of MEDIA_ROOT, which the web server publishes,
into the private storage under random names (lantoa.core.private_files). A missing file is
logged and its row left as it is; the originals are deleted once the migration commits."""

import lantoa.core.private_files
from django.db import migrations, models

from lantoa.core.private_files import move_to_private, move_to_public


def to_private(apps, schema_editor):
    move_to_private(
        apps.get_model("cascades", "CascadeAttachment"), ["file", "thumbnail"], "cascades"
    )
    move_to_private(
        apps.get_model("cascades", "CascadeRecipient"),
        ["proof_photo", "proof_thumbnail"],
        "cascades",
    )


def to_public(apps, schema_editor):
    move_to_public(apps.get_model("cascades", "CascadeAttachment"), ["file", "thumbnail"])
    move_to_public(
        apps.get_model("cascades", "CascadeRecipient"), ["proof_photo", "proof_thumbnail"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cascades", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cascadeattachment",
            name="file",
            field=models.FileField(
                max_length=255,
                storage=lantoa.core.private_files.private_storage,
                upload_to="",
                verbose_name="tệp",
            ),
        ),
        migrations.AlterField(
            model_name="cascadeattachment",
            name="thumbnail",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=lantoa.core.private_files.private_storage,
                upload_to="",
                verbose_name="ảnh thu nhỏ",
            ),
        ),
        migrations.AlterField(
            model_name="cascaderecipient",
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
            model_name="cascaderecipient",
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
