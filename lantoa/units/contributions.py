"""What units contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from lantoa.core.extensions import job_kinds
from lantoa.units.importing import UNIT_IMPORT_JOBS

job_kinds.register(UNIT_IMPORT_JOBS)
