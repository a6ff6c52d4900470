"""What reports contribute to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from lantoa.core.extensions import job_kinds
from lantoa.reports.services import REPORT_JOBS

job_kinds.register(REPORT_JOBS)
