"""`lantoa activities import FILE` — load activity records from CSV/XLSX, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantoa.accounts.models import User
from lantoa.activities.importing import activities_import
from lantoa.core.tabular import fail_command


class Command(BaseCommand):
    help = (
        "Nhập hoạt động tuyên truyền từ tệp .csv hoặc .xlsx (cột unit_code, date, type, "
        "title, participants, quantity, note). Import activity records."
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

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        actor = None
        if opts["as_user"]:
            actor = User.objects.filter(username=opts["as_user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản “{opts['as_user']}”.")
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        with path.open("rb") as fh:
            result = activities_import(
                fileobj=fh, filename=path.name, actor=actor, size=path.stat().st_size
            )
        if not result.ok:
            fail_command(result.errors, self.stderr.write, what="hoạt động")
        self.stdout.write(result.summary_text())
