"""`lantoa kb import|reindex` — the knowledge base from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lantoa.core.tabular import command_user, fail_command
from lantoa.core.text import format_int
from lantoa.kb.importing import SHIPPED_ARTICLES, import_path
from lantoa.kb.services import articles_reindex
from lantoa.units.models import Unit


class Command(BaseCommand):
    help = (
        "Kho hỏi đáp pháp luật: nhập bài từ tệp CSV/XLSX (cột title, question, answer, "
        "category, tags, law_refs; cập nhật bài trùng tiêu đề) hoặc dựng lại chỉ mục tìm kiếm. "
        "Knowledge base: import articles (upsert by title) or rebuild the search index."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập bài hỏi đáp từ tệp .csv hoặc .xlsx.")
        imp.add_argument(
            "file",
            nargs="?",
            help=f"Tệp cần nhập (mặc định: bộ bài có sẵn {SHIPPED_ARTICLES.name}).",
        )
        imp.add_argument(
            "--publish",
            action="store_true",
            help="Công khai các bài mới (khi tệp không có cột “Trạng thái”); mặc định nội bộ.",
        )
        imp.add_argument(
            "--unit",
            metavar="CODE",
            help="Mã đơn vị quản lý các bài mới (mặc định: đơn vị gốc của cây).",
        )
        imp.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="Ghi nhận người nhập là cán bộ này (mặc định: hệ thống).",
        )
        sub.add_parser("reindex", help="Dựng lại chỉ mục tìm kiếm của mọi bài.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "reindex":
            articles, postings = articles_reindex()
            self.stdout.write(
                _("Đã dựng lại chỉ mục: %(articles)s bài, %(postings)s mục từ.")
                % {"articles": format_int(articles), "postings": format_int(postings)}
            )
            return
        path = Path(opts["file"]) if opts["file"] else SHIPPED_ARTICLES
        if not path.is_file():
            raise CommandError(_("Không có tệp %(path)s.") % {"path": path})
        unit = None
        if opts["unit"]:
            unit = Unit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(_("Không có đơn vị mã “%(unit)s”.") % {"unit": opts["unit"]})
        actor = command_user(opts["as_user"])
        result = import_path(path, unit=unit, publish=opts["publish"], actor=actor)
        if not result.ok:
            fail_command(result.errors, self.stderr.write, what=_("bài"))
        self.stdout.write(result.summary_text())
