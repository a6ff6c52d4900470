"""What contests count for targets and for the period report: contests organised (approved,
with a round opening in the days, or — a video or photo contest — taking entries from a day
in them) and members taking part (entrants with a submitted attempt, or with a work sent in
the days and not rejected, counted for the unit they entered under and every unit above it;
a merged unit's for its successor)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy, ngettext

from lantoa.contests.models import Attempt, Contest, ContestKind, ContestStatus, MediaEntry
from lantoa.core.extensions import SUBTREE, DashboardShown
from lantoa.core.reporting import Part
from lantoa.core.templatetags.vn import vn_int
from lantoa.core.text import format_int
from lantoa.units.aggregates import SubtreeScope, Units, counts, per_unit
from lantoa.units.models import UnitKind


def _organised(start: dt.date, end: dt.date) -> QuerySet[Contest]:
    return Contest.objects.filter(
        Q(rounds__opens_at__date__gte=start, rounds__opens_at__date__lte=end)
        | Q(media__entries_open_at__date__gte=start, media__entries_open_at__date__lte=end),
        status=ContestStatus.APPROVED,
    )


def _works(start: dt.date, end: dt.date) -> QuerySet[MediaEntry]:
    """Works sent to video and photo contests in the days, not rejected."""
    return (
        MediaEntry.objects.filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
        .exclude(status="rejected")
        .order_by()
    )


def _add(*parts: dict[int, int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for part in parts:
        for pk, n in part.items():
            out[pk] = out.get(pk, 0) + n
    return out


def _taken(start: dt.date, end: dt.date) -> QuerySet[Attempt]:
    return Attempt.objects.filter(
        submitted_at__date__gte=start, submitted_at__date__lte=end
    ).order_by()


def contests_organised(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Approved contests the unit runs with a round opening in the days."""
    return counts(per_unit(_organised(start, end), units, scope, n=Count("pk", distinct=True)))


def contest_entrants(units: Units, start: dt.date, end: dt.date, scope: str) -> dict[int, int]:
    """Entrants of the unit (or its subtree) with an attempt submitted, or a work sent, in
    the days."""
    quiz = counts(
        per_unit(
            _taken(start, end),
            units,
            scope,
            field="entrant__unit",
            n=Count("entrant", distinct=True),
        )
    )
    works = counts(per_unit(_works(start, end), units, scope, n=Count("entrant", distinct=True)))
    return _add(quiz, works)


@dataclass
class ContestCounts:
    contests: int = 0  # contests organised in the subtree
    entrants: int = 0  # entrants of the subtree who submitted an attempt
    attempts: int = 0
    grassroots: int = 0  # grassroots unions with such entrants
    media_contests: int = 0  # of ``contests``: video and photo contests
    works: int = 0  # works sent to video and photo contests


def report_contests(
    scope: SubtreeScope, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> ContestCounts:
    out = ContestCounts()
    contests: set[int] = set()
    grassroots: set[int] = set()
    taken = _taken(start, end)
    for where in scope.parts("entrant__unit"):
        row = taken.filter(where).aggregate(
            entrants=Count("entrant", distinct=True), attempts=Count("pk")
        )
        out.entrants += int(row["entrants"] or 0)
        out.attempts += int(row["attempts"] or 0)
        grassroots.update(
            taken.filter(where, entrant__unit__kind=UnitKind.GRASSROOTS)
            .values_list("entrant__unit_id", flat=True)
            .distinct()
        )
    works = _works(start, end)
    for where in scope.parts("unit"):
        row = works.filter(where).aggregate(entrants=Count("entrant", distinct=True), n=Count("pk"))
        out.entrants += int(row["entrants"] or 0)
        out.works += int(row["n"] or 0)
        grassroots.update(
            works.filter(where, unit__kind=UnitKind.GRASSROOTS)
            .values_list("unit_id", flat=True)
            .distinct()
        )
    media: set[int] = set()
    for where in scope.parts("unit"):
        for pk, kind in _organised(start, end).filter(where).values_list("pk", "kind"):
            contests.add(pk)
            if kind != ContestKind.QUIZ:
                media.add(pk)
    out.contests = len(contests)
    out.media_contests = len(media)
    out.grassroots = len(grassroots)
    return out


@dataclass
class Contests:
    """The dashboard's contest figures of one subtree."""

    organised: int = 0  # contests of the subtree's units with a round opening in the days
    entrants: int = 0  # entrants of the subtree with an attempt submitted in the days
    attempts: int = 0


def dashboard_contests(
    unit: Any, ids: list[int], start: dt.date, end: dt.date
) -> dict[int, Contests]:
    """Per subtree of ``ids``: contests organised and entrants (by the unit they entered
    under; a merged unit's for its successor, through the closure table)."""
    organised = counts(per_unit(_organised(start, end), ids, SUBTREE, n=Count("pk", distinct=True)))
    taken = per_unit(
        _taken(start, end),
        ids,
        SUBTREE,
        field="entrant__unit",
        entrants=Count("entrant", distinct=True),
        attempts=Count("pk"),
    )
    works = counts(per_unit(_works(start, end), ids, SUBTREE, n=Count("entrant", distinct=True)))
    return {
        pk: Contests(
            organised=organised.get(pk, 0),
            entrants=int(taken.get(pk, {}).get("entrants") or 0) + works.get(pk, 0),
            attempts=int(taken.get(pk, {}).get("attempts") or 0),
        )
        for pk in set(organised) | set(taken) | set(works)
    }


def counted(figures: ContestCounts) -> bool:
    return bool(figures.contests or figures.entrants)


def report_results(data: Any) -> list[tuple[int, Any]]:
    """ "Cuộc thi tìm hiểu pháp luật trực tuyến": how many contests the subtree organised and how
    many members of how many grassroots unions took part."""
    figures: ContestCounts = data.counts.contests
    if not counted(figures):
        return []
    grassroots = data.unit.kind == UnitKind.GRASSROOTS
    sentences = []
    media = getattr(figures, "media_contests", 0)  # figures recorded before they existed
    works = getattr(figures, "works", 0)
    if figures.contests:
        who = "công đoàn cơ sở" if grassroots else "các cấp công đoàn"
        if media:
            quiz = figures.contests - media
            kinds = [f"{format_int(quiz)} cuộc thi tìm hiểu pháp luật"] if quiz else []
            kinds.append(f"{format_int(media)} cuộc thi video clip, ảnh")
            sentences.append(
                f"Trong kỳ, {who} đã tổ chức {format_int(figures.contests)} cuộc thi trực "
                f"tuyến ({', '.join(kinds)})."
            )
        else:
            sentences.append(
                f"Trong kỳ, {who} đã tổ chức {format_int(figures.contests)} cuộc thi tìm hiểu "
                "pháp luật trực tuyến."
            )
    if figures.entrants:
        where = (
            ""
            if grassroots or not figures.grassroots
            else f" của {format_int(figures.grassroots)} công đoàn cơ sở"
        )
        made = []
        if figures.attempts or not works:
            made.append(f"{format_int(figures.attempts)} bài thi")
        if works:
            made.append(f"{format_int(works)} tác phẩm video clip, ảnh")
        sentences.append(
            f"Đã có {format_int(figures.entrants)} lượt đoàn viên{where} tham gia cuộc thi "
            f"trực tuyến, với {' và '.join(made)}."
        )
    return [(110, Part("Cuộc thi tìm hiểu pháp luật trực tuyến", [" ".join(sentences)]))]


# --- on the dashboard page (``DashboardShown``) ------------------------------------------------


def _contests_tile(figures: Any, unit: Any) -> tuple[str, str]:
    n = figures.organised
    return vn_int(figures.entrants), ngettext(
        "lượt đoàn viên dự thi trực tuyến; %(n)s cuộc thi được tổ chức",
        "lượt đoàn viên dự thi trực tuyến; %(n)s cuộc thi được tổ chức",
        n,
    ) % {"n": n}


DASHBOARD_SHOWN = DashboardShown(
    stat=_contests_tile,
    column=gettext_lazy("Người dự thi"),
    cell=lambda figures, unit: vn_int(figures.entrants),
    note=gettext_lazy(
        "Cuộc thi trực tuyến: cuộc thi đã duyệt có đợt thi mở (cuộc thi video clip, ảnh: bắt đầu "
        "nhận tác phẩm) trong kỳ; người dự thi có bài thi nộp hoặc tác phẩm gửi (không bị từ chối) "
        "trong kỳ, tính cho đơn vị họ chọn khi đăng ký (kể cả phiếu giấy đã nhập)."
    ),
)
