"""`lantoa activities import FILE` — load activity records from CSV/XLSX, all or nothing;
`lantoa activities template FILE` — the blank XLSX to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from lantoa.activities.importing import activities_import, template
from lantoa.core.tabular import (
    add_template_parser,
    command_user,
    import_command,
    template_command,
)


class Command(BaseCommand):
    help = (
        "Nhập hoạt động tuyên truyền từ tệp .csv hoặc .xlsx (cột unit_code, date, type, "
        "title, participants, quantity, note); template ghi tệp mẫu .xlsx. Import activity records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập hoạt động từ tệp .csv hoặc .xlsx.")
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
        import_command(
            Path(opts["file"]),
            activities_import,
            out=self.stdout.write,
            err=self.stderr.write,
            what=_("hoạt động"),
            actor=command_user(opts["as_user"]),
        )
