"""The results of a quiz contest: prize lists, their publication and the announcement.

- **Prizes for individuals**: the first N of the overall ranking (``selectors``), N set by
  the organisers; excluded attempts count nowhere.
- **Prizes for units**: the grassroots unions of the organiser's subtree (a merged one's
  entrants count for its successor, where it now stands), ranked by entrants (people with a
  submitted attempt not excluded) ↓, then by entrants ÷ members ↓; and by that rate ↓, then
  entrants ↓ (units with members on record only). Ties after both go by name.
- **Publishing the results** needs every round closed and every flagged attempt reviewed
  (``integrity``); then the public results page shows the prize lists (name, unit, score;
  the phone masked) and the officers may draft the announcement: a content item that goes
  through the unit's usual review and publishing (a ``Publication``) and can be cascaded
  down the tree from the cascades screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from lantoa import access
from lantoa.audit.services import audit_record
from lantoa.content.models import ContentItem, ContentKind
from lantoa.content.services import content_create
from lantoa.contests import entry, integrity, selectors
from lantoa.contests.models import Contest, Entrant
from lantoa.core.text import format_int, natural_key
from lantoa.units.models import Unit, UnitClosure, UnitKind, UnitStatus

MAX_PRIZES = 1000


def mask_phone(phone: str) -> str:
    """0912345678 → 0912***678: enough to tell two namesakes apart, not to call them."""
    if len(phone) < 7:
        return "***"
    return f"{phone[:4]}{'*' * (len(phone) - 7)}{phone[-3:]}"


@dataclass
class UnitPrizeRow:
    rank: int
    unit: Unit
    entrants: int
    members: int

    @property
    def rate(self) -> float | None:
        return self.entrants / self.members if self.members else None


@dataclass
class Prizes:
    individuals: list[selectors.OverallRow]
    by_entrants: list[UnitPrizeRow]
    by_rate: list[UnitPrizeRow]


def unit_standings(contest: Contest) -> list[UnitPrizeRow]:
    """Every active grassroots union of the organiser's subtree with entrants: entrants (kept
    attempts) and members. A grassroots union merged into another stays where it was in the
    tree; its entrants count for its successor (``Unit.successor``). A few grouped queries."""
    per_grassroots = {
        row["unit__ancestor_links__ancestor_id"]: int(row["n"])
        for row in Entrant.objects.filter(
            contest=contest,
            attempts__submitted_at__isnull=False,
            attempts__excluded=False,
            unit__ancestor_links__ancestor__kind=UnitKind.GRASSROOTS,
        )
        .values("unit__ancestor_links__ancestor_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    }
    if not per_grassroots:
        return []
    units = Unit.objects.in_bulk(list(per_grassroots))
    entrants: dict[int, int] = {}
    for pk, count in per_grassroots.items():
        unit: Unit | None = units[pk]
        for _hop in range(10):  # an ended unit's successor, or its successor's …
            if unit is None or unit.status == UnitStatus.ACTIVE:
                break
            unit = Unit.objects.filter(pk=unit.successor_id).first() if unit.successor_id else None
        if unit is not None and unit.status == UnitStatus.ACTIVE and unit.is_grassroots:
            entrants[unit.pk] = entrants.get(unit.pk, 0) + count
    inside = set(
        UnitClosure.objects.filter(
            ancestor_id=contest.unit_id, descendant_id__in=list(entrants)
        ).values_list("descendant_id", flat=True)
    )
    entrants = {pk: n for pk, n in entrants.items() if pk in inside}
    members = {
        row["ancestor_id"]: int(row["m"] or 0)
        for row in UnitClosure.objects.filter(
            ancestor_id__in=list(entrants), descendant__status=UnitStatus.ACTIVE
        )
        .values("ancestor_id")
        .annotate(m=Sum("descendant__member_count"))
        .order_by()
    }
    units = Unit.objects.in_bulk(list(entrants))
    return [
        UnitPrizeRow(rank=0, unit=units[pk], entrants=n, members=members.get(pk, 0))
        for pk, n in entrants.items()
    ]


def _ranked(rows: list[UnitPrizeRow], key: Any, limit: int) -> list[UnitPrizeRow]:
    ordered = sorted(rows, key=key)[:limit]
    return [
        UnitPrizeRow(rank=i, unit=r.unit, entrants=r.entrants, members=r.members)
        for i, r in enumerate(ordered, start=1)
    ]


def prizes(contest: Contest) -> Prizes:
    standings = (
        unit_standings(contest)
        if (contest.prizes_units_entrants or contest.prizes_units_rate)
        else []
    )
    return Prizes(
        individuals=(
            selectors.overall_ranking(contest, limit=contest.prizes_individual)
            if contest.prizes_individual
            else []
        ),
        by_entrants=_ranked(
            standings,
            lambda r: (-r.entrants, -(r.rate or 0), natural_key(r.unit.name), r.unit.pk),
            contest.prizes_units_entrants,
        ),
        by_rate=_ranked(
            [r for r in standings if r.members],
            lambda r: (-(r.rate or 0), -r.entrants, natural_key(r.unit.name), r.unit.pk),
            contest.prizes_units_rate,
        ),
    )


# --- writes -------------------------------------------------------------------------------


def _require(actor: Any, contest: Contest) -> None:
    if actor is not None and not access.can(actor, "contest.manage", contest.unit):
        raise PermissionDenied(_("Anh/chị không có quyền với cuộc thi của đơn vị này."))


def _audit(contest: Contest, action: str, actor: Any, **data: Any) -> None:
    audit_record(
        action=f"contest.{action}",
        actor=actor,
        unit=contest.unit,
        target=f"{contest.pk}: {contest.title}"[:255],
        data=data,
        actor_label="" if actor is not None else "lantoa",
    )


def prizes_set(
    *,
    contest: Contest,
    individual: int,
    units_entrants: int,
    units_rate: int,
    actor: Any = None,
) -> Contest:
    """How many prizes of each list the organisers give (0: no such list)."""
    _require(actor, contest)
    values = {
        "prizes_individual": individual,
        "prizes_units_entrants": units_entrants,
        "prizes_units_rate": units_rate,
    }
    errors = {
        name: _("Vui lòng nhập số giải từ 0 đến %(max)s.") % {"max": format_int(MAX_PRIZES)}
        for name, value in values.items()
        if not isinstance(value, int) or not 0 <= value <= MAX_PRIZES
    }
    if errors:
        raise ValidationError(errors)
    if contest.results_published_at is not None:
        raise ValidationError(
            _("Kết quả cuộc thi đã công bố nên không đổi được số giải."), code="published"
        )
    with transaction.atomic():
        Contest.objects.filter(pk=contest.pk).update(**values)
        for key, value in values.items():
            setattr(contest, key, value)
        _audit(contest, "prizes_set", actor, **values)
    selectors.public_forget(contest.pk)  # once committed: an update() sends no post_save
    return contest


def results_publish(
    *, contest: Contest, actor: Any = None, now: dt.datetime | None = None
) -> Contest:
    """Make the results public: every round closed, every open attempt closed and every
    flagged attempt reviewed first."""
    _require(actor, contest)
    now = now or timezone.now()
    if not contest.is_approved:
        raise ValidationError(_("Cuộc thi chưa được duyệt."), code="not_approved")
    if contest.results_published_at is not None:
        return contest
    rounds = list(contest.rounds.all())
    # A round's last attempts may still be handed in during the grace after its close.
    still_open = [r.title for r in rounds if r.closes_at + entry.GRACE > now]
    if still_open:
        raise ValidationError(
            _("Vui lòng chờ các đợt thi kết thúc trước khi công bố kết quả (còn mở: %(rounds)s).")
            % {"rounds": ", ".join(still_open)},
            code="open_round",
        )
    for rnd in rounds:
        entry.attempts_expire(now=now, round=rnd)
    integrity.flags_detect(contest)
    pending = integrity.pending_flags(contest)
    if pending:
        raise ValidationError(
            _(
                "Vui lòng xem xét %(count)s bài thi có dấu hiệu bất thường (giữ hoặc loại) "
                "trước khi công bố kết quả."
            )
            % {"count": format_int(pending)},
            code="pending_flags",
        )
    with transaction.atomic():
        Contest.objects.filter(pk=contest.pk).update(results_published_at=now)
        contest.results_published_at = now
        _audit(contest, "results_publish", actor)
    selectors.public_forget(contest.pk)  # once committed: an update() sends no post_save
    return contest


def announcement_body(contest: Contest, board: Prizes) -> str:
    """The announcement's HTML (names and units only: it goes on public channels)."""
    parts: list[str] = [
        format_html(
            "<p>{} thông báo kết quả cuộc thi “{}”. Ban tổ chức xin chúc mừng các cá nhân, "
            "đơn vị đạt giải và cảm ơn các đoàn viên, người lao động đã tham gia.</p>",
            contest.unit.name,
            contest.title,
        )
    ]
    if board.individuals:
        parts.append("<h2>Giải cá nhân</h2>")
        parts.append(
            "<ol>"
            + format_html_join(
                "",
                "<li>{} ({}): {} câu đúng</li>",
                ((r.full_name, r.unit_name, r.score) for r in board.individuals),
            )
            + "</ol>"
        )
    if board.by_entrants:
        parts.append("<h2>Giải đơn vị có nhiều người dự thi nhất</h2>")
        parts.append(
            "<ol>"
            + format_html_join(
                "",
                "<li>{}: {} người dự thi</li>",
                ((r.unit.name, format_int(r.entrants)) for r in board.by_entrants),
            )
            + "</ol>"
        )
    if board.by_rate:
        parts.append("<h2>Giải đơn vị có tỷ lệ người dự thi cao nhất</h2>")
        parts.append(
            "<ol>"
            + format_html_join(
                "",
                "<li>{}: {}% đoàn viên dự thi</li>",
                (
                    (r.unit.name, f"{(r.rate or 0) * 100:.1f}".replace(".", ","))
                    for r in board.by_rate
                ),
            )
            + "</ol>"
        )
    return "".join(str(p) for p in parts)


def announcement_draft(
    *,
    contest: Contest,
    actor: Any,
    summary: str,
    body: Callable[[], str],
    audit: Callable[..., None],
) -> ContentItem:
    """The draft announcement of a contest's published results, in the unit's content (one per
    contest: asked again, the same item), for every kind of contest: the quiz's prize lists or
    a video/photo contest's winning works (``body``). It is then reviewed, published (a
    ``Publication``) and, if the unit wishes, cascaded down the tree like any content item."""
    if contest.results_published_at is None:
        raise ValidationError(
            _("Vui lòng công bố kết quả trước khi soạn tin thông báo kết quả."),
            code="not_published",
        )
    if contest.announcement_id is not None:
        existing = ContentItem.objects.filter(pk=contest.announcement_id).first()
        if existing is not None:
            return existing
    with transaction.atomic():
        item = content_create(
            unit=contest.unit,
            kind=ContentKind.NEWS,
            title=f"Kết quả cuộc thi “{contest.title}”"[:255],
            author=actor,
            summary=summary[:2000],
            body=body(),
        )
        Contest.objects.filter(pk=contest.pk).update(announcement=item)
        contest.announcement = item
        audit(contest, "announce", actor, content=item.pk)
    selectors.public_forget(contest.pk)  # once committed: an update() sends no post_save
    return item


def results_announce(*, contest: Contest, actor: Any) -> ContentItem:
    """The quiz's announcement: its prize lists for individuals and units."""
    _require(actor, contest)
    return announcement_draft(
        contest=contest,
        actor=actor,
        summary=(
            f"{contest.unit.name} công bố kết quả cuộc thi “{contest.title}” và danh sách "
            "cá nhân, đơn vị đạt giải."
        ),
        body=lambda: announcement_body(contest, prizes(contest)),
        audit=_audit,
    )
