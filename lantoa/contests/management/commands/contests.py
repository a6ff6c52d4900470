"""`lantoa contests import-bank CONTEST FILE` — add questions to a contest's bank from CSV or
XLSX, all or nothing; `lantoa contests import-entries CONTEST FILE` — paper or offline answer
sheets, scored like the online attempts, all or nothing; `lantoa contests template FILE`
(`--entries` for the answer sheets) — the blank XLSX to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lantoa.contests import entries_import
from lantoa.contests.importing import bank_import, template
from lantoa.contests.models import Contest
from lantoa.core.tabular import (
    add_template_parser,
    command_user,
    import_command,
    template_command,
)


def find_contest(ref: str) -> Contest:
    """A contest by its number, or by "UNIT_CODE/slug"."""
    ref = ref.strip()
    contest: Contest | None = None
    if ref.isdecimal():
        contest = Contest.objects.select_related("unit").filter(pk=int(ref)).first()
    elif "/" in ref:
        code, _sep, slug = ref.partition("/")
        contest = Contest.objects.select_related("unit").filter(unit__code=code, slug=slug).first()
    if contest is None:
        raise CommandError(
            _("Không có cuộc thi “%(ref)s” (ghi số của cuộc thi hoặc MÃ_ĐƠN_VỊ/đường-dẫn).")
            % {"ref": ref}
        )
    return contest


class Command(BaseCommand):
    help = (
        "Cuộc thi: import-bank CUỘC_THI TỆP nhập câu hỏi vào kho (cột Câu hỏi, Phương án A–F, "
        "Đáp án đúng, Chủ đề, Mức độ …); import-entries CUỘC_THI TỆP nhập phiếu dự thi giấy "
        "(Đợt thi, Họ và tên, Số điện thoại, Mã đơn vị, Câu trả lời, Dự đoán, Nộp lúc, Thời "
        "gian làm bài); template TỆP [--entries] ghi tệp mẫu .xlsx. Contest question bank and "
        "paper answer sheets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-bank", help="Nhập câu hỏi từ tệp .csv hoặc .xlsx.")
        imp.add_argument("contest", help="Số của cuộc thi, hoặc MÃ_ĐƠN_VỊ/đường-dẫn.")
        imp.add_argument("file")
        imp.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="Nhập với quyền của cán bộ này (mặc định: quyền hệ thống).",
        )
        sheets = sub.add_parser(
            "import-entries",
            help=(
                "Nhập phiếu dự thi giấy từ tệp .csv hoặc .xlsx; câu trả lời ghi dạng "
                "“1=B; 7=A,C” (số câu trong kho câu hỏi = phương án)."
            ),
        )
        sheets.add_argument("contest", help="Số của cuộc thi, hoặc MÃ_ĐƠN_VỊ/đường-dẫn.")
        sheets.add_argument("file")
        sheets.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="Nhập với quyền của cán bộ này (mặc định: quyền hệ thống).",
        )
        add_template_parser(sub)
        sub.choices["template"].add_argument(
            "--entries",
            action="store_true",
            help="Tệp mẫu phiếu dự thi giấy (mặc định: tệp mẫu kho câu hỏi).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "template":
            blank = entries_import.template() if opts.get("entries") else template()
            template_command(blank, Path(opts["file"]), self.stdout.write)
            return
        contest = find_contest(opts["contest"])
        if opts["action"] == "import-entries":
            import_command(
                Path(opts["file"]),
                entries_import.entries_import,
                out=self.stdout.write,
                err=self.stderr.write,
                what=_("phiếu dự thi"),
                contest=contest,
                actor=command_user(opts["as_user"]),
            )
            return
        import_command(
            Path(opts["file"]),
            bank_import,
            out=self.stdout.write,
            err=self.stderr.write,
            what=_("câu hỏi"),
            contest=contest,
            actor=command_user(opts["as_user"]),
        )
