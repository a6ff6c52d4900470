"""`lantoa report --unit CODE --period 2022-H1 --format docx|xlsx|md --out FILE`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantoa.audit.services import audit_record
from lantoa.core.periods import FORMAT_HELP, PeriodError, parse_date, parse_period
from lantoa.core.text import format_int
from lantoa.reports.models import ReportFormat
from lantoa.reports.services import report_build
from lantoa.units.models import Unit


def _day(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise CommandError(f"Ngày lập báo cáo: {exc}") from exc


class Command(BaseCommand):
    help = (
        "Lập báo cáo kết quả công tác tuyên truyền của một đơn vị cho một kỳ (Word theo thể "
        "thức văn bản, Excel hoặc Markdown). Build an official report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, metavar="MÃ", help="Mã đơn vị.")
        parser.add_argument("--period", required=True, metavar="KỲ", help=f"Kỳ: {FORMAT_HELP}.")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=ReportFormat.values,
            default="docx",
            help="docx, xlsx, md",
        )
        parser.add_argument("--out", required=True, metavar="TỆP", help="Tệp kết quả.")
        parser.add_argument(
            "--date", metavar="NGÀY", help="Ngày lập báo cáo, dd/mm/yyyy (mặc định hôm nay)."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = Unit.objects.filter(code=opts["unit"]).select_related("successor").first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{opts['unit']}”.")
        try:
            period = parse_period(opts["period"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        issued_on = _day(opts["date"]) if opts["date"] else None
        try:
            content = report_build(unit=unit, period=period, fmt=opts["fmt"], issued_on=issued_on)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        out = Path(opts["out"])
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {out}: {exc.strerror}.") from exc
        audit_record(
            action="report.create",
            unit=unit,
            target=period.code,
            data={"format": opts["fmt"], "file": out.name},
            actor_label="lantoa report",
        )
        self.stdout.write(
            f"Đã lập báo cáo {unit.name}, {period.label}: {out} ({format_int(len(content))} byte)."
        )
