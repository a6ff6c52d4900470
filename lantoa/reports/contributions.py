"""What reports adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    FiguresListener,
    PrivateFileKind,
    WorkLink,
    figures_listeners,
    job_kinds,
    private_files,
    work_links,
)
from lantoa.reports.files import REPORT_FILES, report_file
from lantoa.reports.freshness import figures_changed
from lantoa.reports.services import REPORT_JOBS

work_links.register(
    WorkLink(
        key="reports",
        label=_("Lập báo cáo"),
        description=_("Báo cáo sơ kết, tổng kết theo kỳ (Word, Excel)"),
        url_name="reports:unit",
        visible=lambda held, unit: "report.create" in held,
        order=80,
        nav_order=60,
    )
)


job_kinds.register(REPORT_JOBS)


# New, changed or deleted activity records void the cached dashboards of their units and of
# every unit above them.
figures_listeners.register(FiguresListener(key="reports.dashboard_cache", changed=figures_changed))


# Report files: private, downloaded only by the officer who asked (lantoa.core.private_files).
private_files.register(
    PrivateFileKind(
        key=REPORT_FILES,
        label=_("báo cáo kỳ"),
        fields=("reports.ReportJob.file",),
        find=report_file,
    )
)
