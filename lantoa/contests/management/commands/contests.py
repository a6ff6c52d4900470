"""`lantoa contests import-bank CONTEST FILE` — add questions to a contest's bank from CSV or
XLSX, all or nothing; `lantoa contests template FILE` — the blank XLSX to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
        "Đáp án đúng, Chủ đề, Mức độ …); template TỆP ghi tệp mẫu .xlsx. Contest question bank."
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
        add_template_parser(sub)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "template":
            template_command(template(), Path(opts["file"]), self.stdout.write)
            return
        contest = find_contest(opts["contest"])
        import_command(
            Path(opts["file"]),
            bank_import,
            out=self.stdout.write,
            err=self.stderr.write,
            what=_("câu hỏi"),
            contest=contest,
            actor=command_user(opts["as_user"]),
        )
