"""`lantoa surveys import-responses FILE --survey …` — load a survey's responses from XLSX/CSV,
all or nothing; `lantoa surveys template FILE --survey …` — the blank XLSX to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lantoa.core.tabular import command_user, import_command
from lantoa.surveys.importing import responses_import, template_bytes
from lantoa.surveys.models import Survey


def _survey(ref: str) -> Survey:
    survey = Survey.objects.select_related("unit").filter(slug=ref).first()
    if survey is None and ref.isdecimal():
        survey = Survey.objects.select_related("unit").filter(pk=int(ref)).first()
    if survey is None:
        raise CommandError(
            _("Không có cuộc khảo sát “%(ref)s” (ghi số hoặc đường dẫn rút gọn của nó).")
            % {"ref": ref}
        )
    return survey


class Command(BaseCommand):
    help = (
        "Nhập phiếu trả lời khảo sát từ tệp .xlsx hoặc .csv (cột Mã đơn vị, Mã phiếu và một cột "
        "cho mỗi câu hỏi như tệp xuất); template ghi tệp mẫu. Import survey responses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-responses", help="Nhập phiếu trả lời từ tệp .xlsx hoặc .csv.")
        imp.add_argument("file")
        imp.add_argument(
            "--survey",
            required=True,
            metavar="SỐ|ĐƯỜNG-DẪN",
            help="Cuộc khảo sát: số hoặc đường dẫn rút gọn.",
        )
        imp.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="Nhập với quyền của cán bộ này (mặc định: quyền hệ thống).",
        )
        tpl = sub.add_parser("template", help="Ghi tệp mẫu .xlsx để nhập phiếu trả lời.")
        tpl.add_argument("file", metavar="TỆP.xlsx")
        tpl.add_argument("--survey", required=True, metavar="SỐ|ĐƯỜNG-DẪN")

    def handle(self, *args: Any, **opts: Any) -> None:
        survey = _survey(opts["survey"])
        path = Path(opts["file"])
        if opts["action"] == "template":
            if path.suffix.lower() != ".xlsx":
                raise CommandError(_("Vui lòng đặt tên tệp mẫu có đuôi .xlsx."))
            path.write_bytes(template_bytes(survey))
            self.stdout.write(_("Đã ghi tệp mẫu %(path)s.") % {"path": path})
            return
        import_command(
            path,
            responses_import,
            out=self.stdout.write,
            err=self.stderr.write,
            what=_("phiếu trả lời"),
            survey=survey,
            actor=command_user(opts["as_user"]),
        )
