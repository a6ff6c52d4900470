"""A phone joining a live game: what the player is told (the public's "bạn" voice)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.livegame.engine import (
    ALIVE,
    counts,
    ensure_live,
    player_entry,
    publish,
    store,
    token_hash,
)
from lantoa.livegame.models import Game, GameMode, GameStatus, Player


def _entrant_problem(game: Game, entrant: Any) -> str:
    """Why this entrant may not join this game ("" when they may)."""
    if game.entrants_of_id is None:
        return _("Trò chơi này không dành riêng cho người dự thi của cuộc thi.")
    if entrant is None or entrant.contest_id != game.entrants_of_id or entrant.verified_at is None:
        return _(
            "Trò chơi này dành cho người dự thi đã xác minh của cuộc thi; vui lòng vào bằng số "
            "điện thoại đã đăng ký và mã xác minh."
        )
    if Player.objects.filter(game=game, entrant=entrant).exists():
        return _("Bạn đã vào trò chơi này trên một thiết bị khác; vui lòng chơi trên thiết bị đó.")
    return ""


def player_join(
    *, game: Game, name: str = "", unit: Any = None, token: str, entrant: Any = None
) -> Player:
    """A phone joins with a name and a unit of the organising unit's subtree — or, in a game
    of a contest's verified entrants, as the ``entrant`` whose code it gave (their name and
    unit from the entrant record, once per game). Joining is open in the lobby, and during a
    score game; an elimination game is closed once started."""
    from lantoa.units.models import UnitClosure

    errors: dict[str, str] = {}
    if game.entrants_of_id is not None or entrant is not None:
        problem = _entrant_problem(game, entrant)
        if problem:
            errors["__all__"] = problem
        else:
            name, unit = entrant.full_name[:80], entrant.unit  # as the contest verified them
    name = " ".join((name or "").split())
    if not name and not errors:
        errors["name"] = _("Vui lòng nhập tên của bạn.")
    elif len(name) > 80:
        errors["name"] = _("Tên dài quá 80 ký tự; vui lòng viết ngắn hơn.")
    if game.entrants_of_id is None and (
        unit is None
        or not unit.is_active
        or not UnitClosure.objects.filter(ancestor=game.unit, descendant=unit).exists()
    ):
        errors["unit"] = _("Vui lòng chọn đơn vị của bạn trong danh sách.")
    meta = ensure_live(game)
    status = meta.get("status", game.status)
    if status == GameStatus.FINISHED:
        errors["__all__"] = _("Trò chơi đã kết thúc.")
    elif status == GameStatus.RUNNING and game.mode == GameMode.ELIMINATION:
        errors["__all__"] = _("Trò chơi đã bắt đầu; không nhận thêm người chơi.")
    if errors:
        raise ValidationError(errors)
    try:
        player = Player.objects.create(
            game=game,
            name=name,
            unit=unit,
            entrant=entrant,
            token_hash=token_hash(token),
            last_seen=timezone.now(),
        )
    except IntegrityError as exc:  # the same entrant from two phones at once
        raise ValidationError(
            _("Bạn đã vào trò chơi này trên một thiết bị khác; vui lòng chơi trên thiết bị đó.")
        ) from exc
    s = store()
    s.set_players(game.pk, {player.pk: player_entry(player)})
    s.set_states(game.pk, {player.pk: ALIVE})
    s.set_token(game.pk, player.token_hash, player.pk)
    s.seen(game.pk, {player.pk: s.now_ms()})
    publish(
        game,
        "counts",
        {"counts": counts(game), "joined": {"name": name, "unit": unit.short_name or unit.name}},
        screens=True,
    )
    return player
