"""Run by tests/resilience before the servers start (DJANGO_SETTINGS_MODULE =
tests.resilience.server_settings): create the tables and a small union tree."""

from __future__ import annotations

import os

os.environ["RESILIENCE_CREATE_TABLES"] = "1"

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from lantoa.units.models import UnitKind  # noqa: E402
from lantoa.units.services import unit_create, unit_root_ensure  # noqa: E402

call_command("migrate", run_syncdb=True, verbosity=0)
vn = unit_root_ensure()  # the one the migration made
pa = unit_create(
    code="P-A", name="Liên đoàn Lao động tỉnh An Giang", kind=UnitKind.PROVINCE, parent=vn
)
unit_create(
    code="A-G1",
    name="Công đoàn cơ sở Công ty TNHH May Ánh Dương",
    kind=UnitKind.GRASSROOTS,
    parent=pa,
    member_count=1200,
)
print("prepared")
