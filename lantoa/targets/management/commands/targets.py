"""``lantoa targets load-defaults [--owner MÃ]``: write the default target programme."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lantoa.targets.services import target_rules_load_defaults
from lantoa.units.models import Unit


class Command(BaseCommand):
    help = (
        "Chỉ tiêu: load-defaults nạp bộ chỉ tiêu mặc định (fanpage LĐLĐ tỉnh ≥ 4 tin, bài/ngày, "
        "≥ 3 chiến dịch/năm, trả lời trong 24 giờ…) cho đơn vị gốc hoặc đơn vị --owner. Chạy "
        "lại chỉ cập nhật, không tạo trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load-defaults"])
        parser.add_argument(
            "--owner", default="", help="Mã đơn vị đặt chỉ tiêu (mặc định: đơn vị gốc)."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        owner = None
        if opts["owner"]:
            owner = Unit.objects.filter(code=opts["owner"]).first()
            if owner is None:
                raise CommandError(_("Không có đơn vị mã “%(owner)s”.") % {"owner": opts["owner"]})
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
