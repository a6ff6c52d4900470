"""The building blocks of the period report (sơ kết, tổng kết), for every app that writes
part of it (``lantoa.core.extensions.ReportSection``): numbered parts and their paragraphs,
appendix tables as plain rows, and the phrases the report words its figures with. Numbers
are written the Vietnamese way (1.174; 220,6%); no database here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from lantoa.core.text import format_int, format_percent

PEOPLE = "lượt đoàn viên, công nhân, viên chức, lao động"
MAX_NAMED = 5  # units named in one sentence before "…"


@dataclass
class Part:
    """A numbered part of a section ("1. Công tác tuyên truyền trực tiếp") and its paragraphs;
    an empty heading for paragraphs straight under the section."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Ratio:
    """This period over the same period last year (1.125 is printed 112,5%)."""

    value: float | None


Cell = int | str | Ratio | None


@dataclass
class ReportTable:
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None
    widths: list[float] = field(default_factory=list)  # relative column widths for DOCX


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Ratio):
        return format_percent(cell.value) if cell.value is not None else "—"
    if isinstance(cell, int):
        return format_int(cell)
    return cell


def ratio(now: int, before: int) -> Ratio:
    return Ratio(now / before if before else None)


# --- phrases ---------------------------------------------------------------------------------


def change_phrase(current: int, previous: int, previous_year: int) -> str:
    """ "tăng 12,5% so với cùng kỳ năm 2021" / "giảm …" / "bằng cùng kỳ năm 2021"; "" when
    there is nothing to compare with."""
    if previous <= 0:
        return ""
    ratio = current / previous - 1
    if abs(ratio) < 0.0005:
        return f"bằng cùng kỳ năm {previous_year}"
    verb = "tăng" if ratio > 0 else "giảm"
    return f"{verb} {format_percent(abs(ratio))} so với cùng kỳ năm {previous_year}"


def change_item(label: str, now: int, before: int, previous_year: int, *, up: bool) -> str:
    """ "sáng kiến (tăng 12,5%)" where ``now`` rose (``up``) or fell against ``before``; ""
    otherwise: an item of "nhiều kết quả tăng: …" / "một số kết quả giảm …"."""
    if before and ((now > before) if up else (now < before)):
        phrase = change_phrase(now, before, previous_year)
        return f"{label} ({phrase.split(' so với')[0]})"
    return ""


def compare_clause(items: list[tuple[str, int, int]], previous_year: int) -> str:
    """(what, this period, same period last year) → "số buổi tuyên truyền tăng 8,7%, số lượt
    người tham gia giảm 2,0% so với cùng kỳ năm 2025"; items without a base are left out."""
    moved, same = [], []
    for what, current, previous in items:
        if previous <= 0:
            continue
        ratio = current / previous - 1
        if abs(ratio) < 0.0005:
            same.append(what)
        else:
            verb = "tăng" if ratio > 0 else "giảm"
            moved.append(f"{what} {verb} {format_percent(abs(ratio))}")
    parts = []
    if moved:
        parts.append(", ".join(moved) + f" so với cùng kỳ năm {previous_year}")
    if same:
        tail = " bằng cùng kỳ" if moved else f" bằng cùng kỳ năm {previous_year}"
        parts.append(", ".join(same) + tail)
    return "; ".join(parts)


def target_phrase(value: int, target: int | None) -> str:
    """ "đạt 220,6% so với chỉ tiêu 1.000": the target stated beside the share, so that the
    reader can check it; "" without a target."""
    if not target:
        return ""
    return f"đạt {format_percent(value / target)} so với chỉ tiêu {format_int(target)}"


def share_phrase(part: int, whole: int) -> str:
    """ "45,2%" of a whole; "" when the whole is zero."""
    return format_percent(part / whole) if whole else ""


def names(items: list[str]) -> str:
    """The first ``MAX_NAMED`` names, then "…"."""
    shown = ", ".join(items[:MAX_NAMED])
    return shown + (", …" if len(items) > MAX_NAMED else "")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def duration_text(value: dt.timedelta) -> str:
    """ "45 phút", "5,2 giờ", "24 giờ": a response time the way a report writes it."""
    seconds = value.total_seconds()
    if seconds < 3600:
        minutes = round(seconds / 60)
        return f"{minutes} phút" if minutes else "dưới 1 phút"
    hours = Decimal(str(seconds / 3600)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    whole, _, tenth = f"{hours:f}".partition(".")
    text = format_int(int(whole)) + (f",{tenth}" if tenth and tenth != "0" else "")
    return f"{text} giờ"
