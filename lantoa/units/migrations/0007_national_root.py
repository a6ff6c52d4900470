"""A fresh install has the national root (Tổng Liên đoàn Lao động Việt Nam) from the start, so
``lantoa kb import`` and ``lantoa units import`` work right after ``lantoa migrate``. A database
that already has a national unit keeps it: nothing is added."""

from django.db import migrations

from lantoa.core.text import fold

CODE = "VN"
NAME = "Tổng Liên đoàn Lao động Việt Nam"
SHORT_NAME = "Tổng LĐLĐVN"


def create_root(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    UnitClosure = apps.get_model("units", "UnitClosure")
    if Unit.objects.filter(kind="national").exists() or Unit.objects.filter(code=CODE).exists():
        return
    root = Unit.objects.create(
        code=CODE,
        name=NAME,
        short_name=SHORT_NAME,
        kind="national",
        depth=0,
        # As Unit.refresh_search_text writes it.
        search_text=" " + fold(" ".join([CODE, NAME, SHORT_NAME, ""])),
    )
    UnitClosure.objects.create(ancestor=root, descendant=root, depth=0)


class Migration(migrations.Migration):
    dependencies = [("units", "0006_private_files")]

    # Going back leaves the root: it may already hold the whole tree.
    operations = [migrations.RunPython(create_root, migrations.RunPython.noop)]
