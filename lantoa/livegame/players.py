"""A phone joining a live game: what the player is told (the public's "bạn" voice)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
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


def player_join(*, game: Game, name: str, unit: Any, token: str) -> Player:
    """A phone joins with a name and a unit of the organising unit's subtree. Joining is open
    in the lobby, and during a score game; an elimination game is closed once started."""
    from lantoa.units.models import UnitClosure

    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Vui lòng nhập tên của bạn.")
    elif len(name) > 80:
        errors["name"] = _("Tên dài quá 80 ký tự; vui lòng viết ngắn hơn.")
    if (
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
    player = Player.objects.create(
        game=game, name=name, unit=unit, token_hash=token_hash(token), last_seen=timezone.now()
    )
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
