"""`lantoa kb import|export|template|reindex` and `lantoa kb laws import|export|link` — the
knowledge base and its register of legal documents from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lantoa.core import tabular
from lantoa.core.tabular import (
    add_template_parser,
    command_user,
    fail_command,
    import_command,
    template_command,
)
from lantoa.core.text import format_int
from lantoa.kb.importing import (
    SHIPPED_ARTICLES,
    articles_link_references,
    check_duplicates,
    import_path,
    template,
)
from lantoa.kb.services import articles_reindex
from lantoa.units.models import Unit


class Command(BaseCommand):
    help = (
        "Hỏi đáp pháp luật: nhập bài từ tệp CSV/XLSX (cột title, question, answer, "
        "category, tags, law_refs, reviewed_on; cập nhật bài trùng tiêu đề), xuất bài, dựng lại "
        "chỉ mục tìm kiếm, ghi tệp mẫu .xlsx; nhập, xuất danh mục văn bản pháp luật. "
        "Knowledge base: import/export articles, rebuild the search index, import/export the "
        "register of legal documents."
    )

    def _embed(self) -> None:
        from lantoa.core import embedding
        from lantoa.kb.semantic import embed_articles, stale_articles

        try:
            embedding.model()
        except embedding.EmbeddingUnavailable as exc:
            raise CommandError(
                _("Không dùng được mô hình ngữ nghĩa (%(error)s); tìm kiếm vẫn chạy theo từ.")
                % {"error": exc}
            ) from exc
        ids = list(stale_articles().order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), 200):
            done += embed_articles(ids[start : start + 200])
        self.stdout.write(_("Đã tính véc-tơ cho %(count)s bài.") % {"count": format_int(done)})

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
        add_template_parser(sub)
        exp = sub.add_parser(
            "export", help="Xuất mọi bài (trừ bản nháp) ra tệp .csv hoặc .xlsx, nhập lại được."
        )
        exp.add_argument("file", help="Tệp cần ghi (.csv hoặc .xlsx).")
        sub.add_parser("reindex", help="Dựng lại chỉ mục tìm kiếm của mọi bài.")
        sub.add_parser(
            "embed",
            help="Tính véc-tơ ngữ nghĩa cho các bài chưa có hoặc đã cũ (tìm kiếm theo nghĩa).",
        )

        laws = sub.add_parser("laws", help="Danh mục văn bản pháp luật mà các bài dẫn.")
        laws_sub = laws.add_subparsers(dest="laws_action", required=True)
        limp = laws_sub.add_parser(
            "import",
            help=(
                "Nhập danh mục từ tệp .csv hoặc .xlsx (cập nhật văn bản trùng số hiệu); văn bản "
                "chuyển sang sửa đổi, bị thay thế hoặc hết hiệu lực thì các bài dẫn nó được đánh "
                "dấu cần rà soát."
            ),
        )
        limp.add_argument("file", nargs="?", help="Tệp cần nhập (mặc định: danh mục có sẵn).")
        limp.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="Ghi nhận người nhập là cán bộ này (mặc định: hệ thống).",
        )
        lexp = laws_sub.add_parser("export", help="Xuất danh mục ra tệp .csv hoặc .xlsx.")
        lexp.add_argument("file", help="Tệp cần ghi (.csv hoặc .xlsx).")
        laws_sub.add_parser(
            "link",
            help=(
                "Đối chiếu căn cứ dạng chữ của các bài viết trước khi có danh mục với danh mục; "
                "căn cứ chưa khớp được giữ nguyên và bài được đánh dấu cần rà soát."
            ),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "reindex":
            articles, postings = articles_reindex()
            self.stdout.write(
                _("Đã dựng lại chỉ mục: %(articles)s bài, %(postings)s mục từ.")
                % {"articles": format_int(articles), "postings": format_int(postings)}
            )
        elif action == "embed":
            self._embed()
        elif action == "export":
            from lantoa.kb.exporting import export_to_path

            path = _output(opts["file"])
            count = export_to_path(path)
            self.stdout.write(
                _("Đã xuất %(count)s bài ra %(path)s.") % {"count": format_int(count), "path": path}
            )
        elif action == "template":
            template_command(template(), Path(opts["file"]), self.stdout.write)
        elif action == "laws":
            self._laws(opts)
        else:
            self._import(opts)

    def _import(self, opts: dict[str, Any]) -> None:
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
        self.stdout.write(check_duplicates(result).summary_text())

    def _laws(self, opts: dict[str, Any]) -> None:
        from lantoa.kb import laws
        from lantoa.kb.register import SHIPPED_LAWS

        action = opts["laws_action"]
        if action == "import":
            path = Path(opts["file"]) if opts["file"] else SHIPPED_LAWS
            import_command(
                path,
                laws.laws_import,
                out=self.stdout.write,
                err=self.stderr.write,
                what=_("văn bản"),
                actor=command_user(opts["as_user"]),
            )
        elif action == "export":
            path = _output(opts["file"])
            rows = list(laws.laws_export_rows())
            header = laws.laws_export_header()
            if path.suffix.lower() == ".xlsx":
                path.write_bytes(tabular.xlsx_spool("Văn bản", header, rows).read())
            else:
                path.write_text("".join(tabular.csv_chunks(header, rows)), encoding="utf-8")
            self.stdout.write(
                _("Đã xuất %(count)s văn bản ra %(path)s.")
                % {"count": format_int(len(rows)), "path": path}
            )
        else:
            result = articles_link_references()
            self.stdout.write(
                _(
                    "Đã đối chiếu %(articles)s bài: %(linked)s căn cứ khớp danh mục, "
                    "%(unmatched)s căn cứ chưa khớp (bài được đánh dấu cần rà soát)."
                )
                % {
                    "articles": format_int(result.articles),
                    "linked": format_int(result.linked),
                    "unmatched": format_int(result.unmatched),
                }
            )


def _output(name: str) -> Path:
    path = Path(name)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise CommandError(_("Tệp cần ghi phải có đuôi .csv hoặc .xlsx."))
    if not path.parent.is_dir():
        raise CommandError(_("Không có thư mục %(path)s.") % {"path": path.parent})
    return path
