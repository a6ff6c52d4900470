"""Everything a report says, gathered once and rendered as DOCX, XLSX or Markdown.

``report_data`` reads the figures (this period and the same period a year earlier): those of
the registered report sections (``lantoa.core.extensions.report_sections``: the activity
records, ``lantoa.activities.report_sections``), and the counts the system already keeps
(posts on channels, cascades carried out, inquiries answered; ``lantoa.reports.counts``), the
letterhead (issuing body, its superior, place) and targets; the renderers and the narrative
only format what is here, so the three formats always carry the same figures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.core.extensions import report_sections
from lantoa.core.periods import Period
from lantoa.reports.counts import SystemCounts, system_counts
from lantoa.reports.targets import target_for
from lantoa.units.models import Unit, UnitEvent, UnitEventKind, UnitKind, UnitStatus

Progress = Callable[[int, str], None]
"""Called as ``progress(percent, what is being done)``."""

# "Số: …/BC-LĐLĐ": the issuing body's abbreviation by kind of unit.
ISSUER_SHORT = {
    UnitKind.NATIONAL: "TLĐ",
    UnitKind.PROVINCE: "LĐLĐ",
    UnitKind.SECTOR: "CĐN",
    UnitKind.INDUSTRIAL_ZONE: "CĐKCN",
    UnitKind.COMMUNE: "CĐ",
    UnitKind.OTHER_UPPER: "CĐ",
    UnitKind.GRASSROOTS: "CĐCS",
}
NATIONAL_PLACE = "Hà Nội"
_PLACE = re.compile(r"\b(?:tỉnh|thành phố|TP\.?)\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Letterhead:
    superior: str  # the superior body's name, as written (upper-cased when printed); may be ""
    issuer: str  # the issuing body's name
    short: str  # its abbreviation after "BC-"
    place: str  # where it is issued ("Thái Nguyên")
    on_behalf: str  # "TM. BAN THƯỜNG VỤ"
    signer_title: str  # "CHỦ TỊCH"
    recipients: tuple[str, ...]


@dataclass
class ReportData:
    unit: Unit
    period: Period
    issued_on: dt.date
    letterhead: Letterhead
    # The activity figures (``lantoa.activities.report_sections``): roll-ups of this period
    # and of the same period last year, the grassroots units of the subtree (the base of the
    # coverage rate), the press outlets.
    current: Any
    previous: Any
    grassroots_total: int
    targets: dict[str, int] = field(default_factory=dict)  # name → target, where one is set
    outlets: list[tuple[str, str, int]] = field(default_factory=list)
    # Posts, cascades and inquiries of the subtree: this period, the same period last year.
    counts: SystemCounts = field(default_factory=SystemCounts)
    counts_before: SystemCounts = field(default_factory=SystemCounts)

    @property
    def last_day(self) -> dt.date:
        """The last day counted: the period's end, or the day before an ended unit ended."""
        return self.current.end if self.current.as_of is None else self.current.as_of

    @property
    def subject(self) -> str:
        return f"Kết quả công tác tuyên truyền {self.period.label}"


def check_reportable(unit: Unit, period: Period, *, today: dt.date | None = None) -> None:
    """Refuse periods a report cannot cover, with a Vietnamese reason."""
    today = today or timezone.localdate()
    if period.start > today:
        raise ValidationError(
            _("Kỳ %(period)s chưa bắt đầu; chỉ lập báo cáo cho kỳ đang diễn ra hoặc đã qua.")
            % {"period": period.name}
        )
    if not unit.is_active and unit.ended_on is not None and period.start >= unit.ended_on:
        successor = unit.successor
        values = {"unit": unit.name, "day": f"{unit.ended_on:%d/%m/%Y}"}
        if successor is not None:
            raise ValidationError(
                _(
                    "“%(unit)s” đã hợp nhất vào “%(successor)s” từ ngày %(day)s; chỉ lập được "
                    "báo cáo của đơn vị này cho các kỳ trước ngày đó, các kỳ sau vui lòng lập "
                    "cho “%(successor)s”."
                )
                % {**values, "successor": successor.name}
            )
        if unit.status == UnitStatus.DISSOLVED:
            message = _(
                "“%(unit)s” đã giải thể từ ngày %(day)s; chỉ lập được báo cáo của đơn vị này cho "
                "các kỳ trước ngày đó."
            )
        else:
            message = _(
                "“%(unit)s” đã hợp nhất từ ngày %(day)s; chỉ lập được báo cáo của đơn vị này cho "
                "các kỳ trước ngày đó."
            )
        raise ValidationError(message % values)


def _parent_then(unit: Unit) -> Unit | None:
    """The superior body: today's parent, or for an ended unit the parent it had before."""
    if not unit.is_active and unit.ended_on is not None:
        event = (
            UnitEvent.objects.filter(
                unit=unit, kind=UnitEventKind.MOVED, occurred_on__gte=unit.ended_on
            )
            .exclude(old_parent__isnull=True)
            .select_related("old_parent")
            .order_by("occurred_on", "id")
            .first()
        )
        if event is not None:
            return event.old_parent
    return unit.parent


def place_of(unit: Unit) -> str:
    """The province or city a unit belongs to, as the place of issue ("Thái Nguyên")."""
    if unit.kind == UnitKind.NATIONAL:
        return NATIONAL_PLACE
    node: Unit | None = unit
    seen = 0
    while node is not None and seen < 10:
        if node.kind == UnitKind.PROVINCE:
            match = _PLACE.search(node.name)
            return match.group(1).strip() if match else node.name
        node = _parent_then(node)
        seen += 1
    return NATIONAL_PLACE


def letterhead(unit: Unit) -> Letterhead:
    superior = _parent_then(unit)
    grassroots = unit.kind == UnitKind.GRASSROOTS
    council = "Ban Chấp hành" if grassroots else "Ban Thường vụ"
    recipients = []
    if superior is not None:
        recipients.append(f"{superior.name} (để báo cáo);")
    recipients.append(f"Các đồng chí Ủy viên {council};")
    if not grassroots:
        recipients.append("Các đơn vị trực thuộc;")
    recipients.append("Lưu: VT, TG.")
    return Letterhead(
        superior=superior.name if superior is not None else "",
        issuer=unit.name,
        short=ISSUER_SHORT.get(UnitKind(unit.kind), "CĐ"),
        place=place_of(unit),
        on_behalf=f"TM. {council.upper()}",
        signer_title="CHỦ TỊCH",
        recipients=tuple(recipients),
    )


def report_data(
    unit: Unit,
    period: Period,
    *,
    issued_on: dt.date | None = None,
    progress: Progress | None = None,
) -> ReportData:
    """Gather a report's figures. Call ``check_reportable`` first."""
    report: Progress = progress or (lambda percent, stage: None)
    gathered: dict[str, Any] = {}
    targets: dict[str, int] = {}
    for section in report_sections:
        gathered.update(section.gather(unit, period, report))
        for name, metric in section.targets().items():
            value = target_for(unit=unit, period=period, metric=metric)
            if value is not None and value > 0:
                targets[name] = value
    report(70, "Đang tổng hợp tin, bài trên các kênh, triển khai văn bản và giải đáp")
    last_year = period.same_period_last_year()
    counts = system_counts(unit, period.start, period.end)
    counts_before = system_counts(unit, last_year.start, last_year.end)
    return ReportData(
        unit=unit,
        period=period,
        issued_on=issued_on or timezone.localdate(),
        letterhead=letterhead(unit),
        targets=targets,
        counts=counts,
        counts_before=counts_before,
        **gathered,
    )


__all__ = [
    "Letterhead",
    "ReportData",
    "SystemCounts",
    "check_reportable",
    "letterhead",
    "place_of",
    "report_data",
]
