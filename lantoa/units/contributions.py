"""What units contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import PrivateFileKind, job_kinds, private_files
from lantoa.units.importing import UNIT_IMPORT_FILES, UNIT_IMPORT_JOBS, unit_import_file

job_kinds.register(UNIT_IMPORT_JOBS)

# Uploaded unit lists: private, downloaded only by the officer who uploaded them.
private_files.register(
    PrivateFileKind(
        key=UNIT_IMPORT_FILES,
        label=_("tệp nhập đơn vị"),
        fields=("units.UnitImportJob.file",),
        find=unit_import_file,
    )
)
