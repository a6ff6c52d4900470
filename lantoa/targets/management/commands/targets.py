"""``lantoa targets``: the default target programme and numeric targets.

* ``load-defaults [--owner MÃ]`` — write the default programme (again: updates it);
* ``set MÃ_ĐƠN_VỊ CHỈ_TIÊU KỲ MỨC`` — give one unit one number;
* ``import FILE`` — give numbers from a CSV/XLSX file (``lantoa.targets.importing``);
* ``template FILE`` — the blank XLSX to fill in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lantoa.core.periods import PeriodError, parse_period_text
from lantoa.core.tabular import (
    add_template_parser,
    command_user,
    import_command,
    template_command,
)
from lantoa.core.text import format_int
from lantoa.periods.selectors import reporting_period
from lantoa.targets.importing import find_metric, targets_import, template
from lantoa.targets.services import target_assign, target_rules_load_defaults
from lantoa.units.models import Unit


def _as_option(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="Giao với quyền của cán bộ này (mặc định: quyền hệ thống).",
    )


class Command(BaseCommand):
    help = (
        "Chỉ tiêu: load-defaults nạp bộ chỉ tiêu mặc định (trang Facebook của LĐLĐ tỉnh ≥ 4 "
        "tin, bài/ngày, ≥ 3 chiến dịch/năm, trả lời trong 24 giờ…); set giao một chỉ tiêu bằng "
        "số cho một đơn vị; import giao chỉ tiêu từ tệp .csv/.xlsx (cột Mã đơn vị, Chỉ tiêu, Kỳ, "
        "Mức chỉ tiêu); template ghi tệp mẫu .xlsx."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load-defaults",
            help="Nạp bộ chỉ tiêu mặc định; chạy lại chỉ cập nhật, không tạo trùng.",
        )
        load.add_argument(
            "--owner", default="", help="Mã đơn vị đặt chỉ tiêu (mặc định: đơn vị gốc)."
        )
        put = sub.add_parser(
            "set",
            help="Giao một chỉ tiêu bằng số, ví dụ: set TN activity_outreach 2026-H1 1200.",
        )
        put.add_argument("unit", metavar="MÃ_ĐƠN_VỊ")
        put.add_argument(
            "metric", metavar="CHỈ_TIÊU", help="mã hoặc tên chỉ tiêu, ví dụ “Tuyên truyền”"
        )
        put.add_argument("period", metavar="KỲ", help="2026-H1, 2026-Q2, 2026-05, 2026 hoặc tên kỳ")
        put.add_argument("value", metavar="MỨC", help="số nguyên, ví dụ 1200 hoặc 1.200")
        _as_option(put)
        imp = sub.add_parser(
            "import", help="Giao chỉ tiêu từ tệp .csv/.xlsx; một dòng sai thì không ghi gì."
        )
        imp.add_argument("file")
        _as_option(imp)
        add_template_parser(sub)

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "load-defaults":
            self._load_defaults(opts["owner"])
        elif action == "set":
            self._set(opts)
        elif action == "template":
            template_command(template(), Path(opts["file"]), self.stdout.write)
        else:
            import_command(
                Path(opts["file"]),
                targets_import,
                out=self.stdout.write,
                err=self.stderr.write,
                what=_("chỉ tiêu"),
                actor=command_user(opts["as_user"]),
            )

    def _load_defaults(self, code: str) -> None:
        owner = None
        if code:
            owner = Unit.objects.filter(code=code).first()
            if owner is None:
                raise CommandError(_("Không có đơn vị mã “%(owner)s”.") % {"owner": code})
        try:
            created, updated = target_rules_load_defaults(owner=owner)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã nạp chỉ tiêu mặc định: %(created)s mới, %(updated)s cập nhật.")
                % {"created": created, "updated": updated}
            )
        )

    def _set(self, opts: dict[str, Any]) -> None:
        unit = Unit.objects.filter(code=opts["unit"].strip()).first()
        if unit is None:
            raise CommandError(_("Không có đơn vị mã “%(code)s”.") % {"code": opts["unit"]})
        try:
            metric = find_metric(opts["metric"])
            period = parse_period_text(opts["period"])
        except (PeriodError, ValueError) as exc:
            raise CommandError(str(exc)[:1].upper() + str(exc)[1:]) from exc
        try:
            assignment = target_assign(
                unit=unit,
                metric=metric.key,
                period=reporting_period(period),
                value=opts["value"],
                actor=command_user(opts["as_user"]),
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã giao %(unit)s chỉ tiêu “%(metric)s” %(period)s: %(value)s.")
                % {
                    "unit": unit.name,
                    "metric": metric.label,
                    "period": period.label,
                    "value": format_int(assignment.value),
                }
            )
        )
