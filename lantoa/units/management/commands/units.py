"""`lantoa units import|export|template|merge-provinces` — bulk work on the union tree from a
shell."""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from lantoa.audit.services import audit_record
from lantoa.core.tabular import (
    add_template_parser,
    command_user,
    import_command,
    template_command,
)
from lantoa.core.text import fold, format_int
from lantoa.units.exporting import export_to_path
from lantoa.units.importing import template, units_import
from lantoa.units.models import Unit, UnitKind, UnitStatus
from lantoa.units.services import unit_merge, unit_update

KIND_WORDS = {"tinh": "tỉnh", "thanh pho": "thành phố"}
_PLACE_IN_NAME = re.compile(r"\b(?:tinh|thanh pho|tp\.?)\s+(.+)$")
_PLACE_IN_SHORT = re.compile(
    r"^(?:ldld|lien doan lao dong)\s+(?:tinh\s+|thanh pho\s+|tp\.?\s*)?(.+)$"
)
_PREFIX_IN_NAME = re.compile(r"\b(?:tỉnh|thành phố|tp\.?)\s+\S.*$", re.IGNORECASE)


def _norm(text: str) -> str:
    """fold() plus one spelling of the dash ("Bà Rịa – Vũng Tàu", "Bà Rịa-Vũng Tàu")."""
    text = re.sub(r"\s*[-–—]\s*", " - ", fold(text))
    return re.sub(r"\s+", " ", text).strip()


def _places(unit: Unit) -> set[str]:
    places = set()
    match = _PLACE_IN_NAME.search(_norm(unit.name))
    if match:
        places.add(match.group(1))
    match = _PLACE_IN_SHORT.match(_norm(unit.short_name))
    if match:
        places.add(match.group(1))
    return places


def _renamed(name: str, kind_word: str, place: str) -> str:
    name = unicodedata.normalize("NFC", name)
    match = _PREFIX_IN_NAME.search(name)
    if match:
        return f"{name[: match.start()]}{kind_word} {place}"
    return f"Liên đoàn Lao động {kind_word} {place}"


@dataclass
class MergePlan:
    merges: list[tuple[Unit, Unit]] = field(default_factory=list)  # (source, target)
    renames: list[tuple[Unit, str, str]] = field(default_factory=list)  # (unit, name, short)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def plan_province_merger(path: Path) -> MergePlan:
    """Read old_province,new_province,new_kind rows and work out every step, changing nothing."""
    plan = MergePlan()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        plan.errors.append(_("Không đọc được tệp %(path)s: %(exc)s") % {"path": path, "exc": exc})
        return plan
    reader = csv.DictReader(text.splitlines())
    missing = {"old_province", "new_province", "new_kind"} - set(reader.fieldnames or [])
    if missing:
        plan.errors.append(
            _("Tệp thiếu cột: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
        )
        return plan

    index: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("pk"):
        for place in _places(unit):
            index.setdefault(place, []).append(unit)

    groups: dict[str, list[tuple[int, dict[str, str], Unit]]] = {}
    for number, row in enumerate(reader, start=2):
        old, new = (row.get("old_province") or "").strip(), (row.get("new_province") or "").strip()
        kind_key = _norm(row.get("new_kind") or "")
        if not old or not new or kind_key not in KIND_WORDS:
            plan.errors.append(
                _("Dòng %(number)s: cần đủ tên tỉnh cũ, tên mới và loại (tỉnh hoặc thành phố).")
                % {"number": number}
            )
            continue
        # A province renamed by an earlier run ("Thừa Thiên Huế" → "Huế") is found by its new
        # name, so that running the command twice is harmless.
        found = index.get(_norm(old), []) or index.get(_norm(new), [])
        active = [u for u in found if u.status == UnitStatus.ACTIVE]
        candidates = active or found
        if not candidates:
            plan.errors.append(
                _("Dòng %(number)s: không tìm thấy LĐLĐ tỉnh, thành phố “%(old)s”.")
                % {"number": number, "old": old}
            )
            continue
        if len(candidates) > 1:
            codes = ", ".join(u.code for u in candidates)
            plan.errors.append(
                _("Dòng %(number)s: tên “%(old)s” khớp nhiều đơn vị (%(codes)s).")
                % {"number": number, "old": old, "codes": codes}
            )
            continue
        groups.setdefault(_norm(new), []).append((number, row, candidates[0]))

    for members in groups.values():
        new = members[0][1]["new_province"].strip()
        kind_word = KIND_WORDS[_norm(members[0][1]["new_kind"])]
        survivor = next(
            (m for m in members if _norm(m[1]["old_province"]) == _norm(new)), members[0]
        )
        target = survivor[2]
        if not target.is_active:
            plan.errors.append(
                _("Dòng %(row)s: “%(target_name)s” đã hợp nhất, không thể nhận đơn vị khác.")
                % {"row": survivor[0], "target_name": target.name}
            )
            continue
        for _number, _row, unit in members:
            if unit.pk == target.pk:
                continue
            if not unit.is_active:
                plan.skipped.append(
                    _("%(unit_name)s (%(unit_code)s) đã hợp nhất trước đó.")
                    % {"unit_name": unit.name, "unit_code": unit.code}
                )
                continue
            plan.merges.append((unit, target))
        old_place = survivor[1]["old_province"].strip()
        name = _renamed(target.name, kind_word, new)
        short = target.short_name
        if old_place != new and old_place in short:
            short = short.replace(old_place, new)
        if _norm(name) != _norm(target.name) or short != target.short_name:
            plan.renames.append((target, name, short))
    return plan


class Command(BaseCommand):
    help = (
        "Nhập, xuất danh sách đơn vị (CSV/XLSX), ghi tệp mẫu để nhập và áp dụng việc sắp xếp "
        "tỉnh, thành phố. "
        "Import/export units; apply the 2025 province merger."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập đơn vị từ tệp .csv hoặc .xlsx.")
        imp.add_argument("file")
        imp.add_argument(
            "--update", action="store_true", help="Cập nhật các đơn vị đã có mã trong hệ thống."
        )
        imp.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="Nhập với quyền của cán bộ này (mặc định: quyền hệ thống).",
        )
        exp = sub.add_parser("export", help="Xuất đơn vị ra tệp .csv hoặc .xlsx.")
        exp.add_argument("file")
        exp.add_argument("--root", metavar="CODE", help="Chỉ xuất cây con của đơn vị này.")
        exp.add_argument(
            "--include-ended", action="store_true", help="Xuất cả đơn vị đã hợp nhất, giải thể."
        )
        add_template_parser(sub)
        merge = sub.add_parser(
            "merge-provinces",
            help="Hợp nhất LĐLĐ tỉnh theo tệp old_province,new_province,new_kind.",
        )
        merge.add_argument("file")
        merge.add_argument(
            "--on",
            type=dt.date.fromisoformat,
            default=dt.date(2025, 7, 1),
            help="Ngày hợp nhất, YYYY-MM-DD (mặc định 2025-07-01).",
        )
        merge.add_argument(
            "--dry-run", action="store_true", help="Chỉ in kế hoạch, không thay đổi gì."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "import":
            self.do_import(Path(opts["file"]), update=opts["update"], username=opts["as_user"])
        elif action == "export":
            self.do_export(
                opts["file"], root_code=opts["root"], include_ended=opts["include_ended"]
            )
        elif action == "template":
            template_command(template(), Path(opts["file"]), self.stdout.write)
        else:
            self.do_merge(Path(opts["file"]), on=opts["on"], dry_run=opts["dry_run"])

    def do_import(self, path: Path, *, update: bool, username: str | None) -> None:
        import_command(
            path,
            units_import,
            out=self.stdout.write,
            err=self.stderr.write,
            what=_("đơn vị"),
            actor=command_user(username),
            update=update,
        )

    def do_export(self, path: str, *, root_code: str | None, include_ended: bool) -> None:
        root = None
        if root_code:
            root = Unit.objects.filter(code=root_code).first()
            if root is None:
                raise CommandError(
                    _("Không có đơn vị mã “%(root_code)s”.") % {"root_code": root_code}
                )
        try:
            count = export_to_path(path, root=root, include_ended=include_ended)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        audit_record(
            action="unit.export",
            unit=root,
            target=Path(path).name,
            data={"rows": count, "include_ended": include_ended},
            actor_label="lantoa units export",
        )
        self.stdout.write(
            _("Đã xuất %(count)s đơn vị ra %(path)s.") % {"count": format_int(count), "path": path}
        )

    def do_merge(self, path: Path, *, on: dt.date, dry_run: bool) -> None:
        plan = plan_province_merger(path)
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(error)
            raise CommandError(
                _("%(count)s lỗi; không thay đổi gì.") % {"count": len(plan.errors)}, returncode=1
            )
        prefix = _("[Chạy thử] ") if dry_run else ""
        for source, target in plan.merges:
            self.stdout.write(
                _(
                    "%(prefix)sHợp nhất %(source_name)s (%(source_code)s) vào "
                    "%(target_name)s (%(target_code)s)."
                )
                % {
                    "prefix": prefix,
                    "source_name": source.name,
                    "source_code": source.code,
                    "target_name": target.name,
                    "target_code": target.code,
                }
            )
        for unit, name, short in plan.renames:
            self.stdout.write(
                (
                    _("%(prefix)sĐổi tên %(unit_name)s (%(unit_code)s) thành %(name)s")
                    % {
                        "prefix": prefix,
                        "unit_name": unit.name,
                        "unit_code": unit.code,
                        "name": name,
                    }
                )
                + (_(", viết tắt %(short)s") % {"short": short} if short != unit.short_name else "")
                + "."
            )
        for line in plan.skipped:
            self.stdout.write(_("%(prefix)sBỏ qua: %(line)s") % {"prefix": prefix, "line": line})
        if dry_run:
            self.stdout.write(_("Chạy thử: không thay đổi gì."))
            return
        with transaction.atomic():
            for source, target in plan.merges:
                unit_merge(
                    source=source,
                    target=target,
                    on=on,
                    note="Sắp xếp đơn vị hành chính cấp tỉnh 2025",
                )
            for unit, name, short in plan.renames:
                unit.refresh_from_db()
                unit_update(unit=unit, name=name, short_name=short)
            audit_record(
                action="unit.merge_provinces",
                target=path.name,
                actor_label="lantoa units merge-provinces",
                data={
                    "on": on.isoformat(),
                    "merged": [[s.code, t.code] for s, t in plan.merges],
                    "renamed": [u.code for u, _, _ in plan.renames],
                },
            )
        self.stdout.write(
            _("Đã hợp nhất %(count)s đơn vị, đổi tên %(renamed)s đơn vị.")
            % {"count": len(plan.merges), "renamed": len(plan.renames)}
        )
