from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantoa.core.extensions import SEED, DemoContext, demo_as_of, run_demo_builders
from lantoa.core.periods import parse_date
from lantoa.core.text import format_int, timing_line
from lantoa.units.models import Unit, UnitKind
from lantoa.units.seed import DEFAULT_SEED, SIZES, seed_database, totals_lines
from lantoa.units.selectors import tree_is_empty


def _day(raw: str) -> dt.date:
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu mẫu xác định (cùng --seed cho cùng dữ liệu): demo = một LĐLĐ tỉnh "
        "(~1.000 CĐCS, có hợp nhất Bắc Kạn vào Thái Nguyên), province = một tỉnh ~4.000 "
        "đơn vị, national = 34 tỉnh, ~130.000 đơn vị. Chỉ chạy trên CSDL chưa có đơn vị "
        "nào ngoài Tổng Liên đoàn."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=SIZES,
            default="demo",
            help="Quy mô dữ liệu: demo, province hoặc national (mặc định demo).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Hạt giống ngẫu nhiên (mặc định {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--as-of",
            type=_day,
            default=None,
            help="Ngày cuối của dữ liệu mẫu, dạng dd/mm/yyyy (mặc định hôm qua).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not tree_is_empty():
            existing = Unit.objects.count()
            raise CommandError(
                f"Cơ sở dữ liệu đã có {format_int(existing)} đơn vị công đoàn; lệnh seed chỉ "
                "nạp dữ liệu mẫu vào CSDL trống để không trộn lẫn với dữ liệu thật. Vui lòng dùng "
                "một CSDL mới (ví dụ đặt LANTOA_DATA_DIR hoặc DATABASE_URL khác)."
            )
        size, seed = opts["size"], opts["seed"]
        verbose = opts["verbosity"] >= 1
        started = time.monotonic()

        def log(line: str) -> None:
            if verbose:
                self.stdout.write(line)

        log(f"Đang sinh dữ liệu mẫu quy mô “{size}” với hạt giống {seed}…")
        totals = seed_database(size=size, seed=seed, log=log)
        # The apps above fill the tree: channels, roster, and for the demo size activities
        # and targets (the SEED builders of lantoa.core.extensions.demo_builders).
        root = Unit.objects.get(parent=None, kind=UnitKind.NATIONAL)
        ctx = DemoContext(
            root=root, seed=seed, out=log, size=size, as_of=opts["as_of"] or demo_as_of()
        )
        seeded = time.monotonic()
        run_demo_builders(SEED, ctx)
        if opts["verbosity"] >= 2:
            # What each step took: read by bench/first_run_bench.py.
            self.stdout.write(timing_line("seed: đơn vị", seeded - started))
            for key, seconds in ctx.timings:
                self.stdout.write(timing_line(f"seed: {key}", seconds))
        log(
            self.style.SUCCESS(
                f"Xong sau {time.monotonic() - started:.1f} giây. Tổng số:".replace(".", ",", 1)
            )
        )
        for line in [*totals_lines(totals), *ctx.totals]:
            log(line)
