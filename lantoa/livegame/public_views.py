"""The players' pages at /choi/: enter the PIN, join with a name and a unit, play. A phone is
known by a random token in a cookie (only its hash is stored): coming back on the same device
within 60 seconds keeps the player's state and score."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.access import PUBLIC, policy
from lantoa.core.forms import add_service_errors
from lantoa.livegame import engine, players, streams
from lantoa.livegame.models import Game, GameStatus
from lantoa.livegame.public_forms import JoinForm, PinForm
from lantoa.units.selectors import units_in_subtree

COOKIE_AGE = 24 * 3600
PIN_LENGTH = 6


def cookie_name(game: Game) -> str:
    return cookie_name_of(game.pk)


def cookie_name_of(game_id: int) -> str:
    """The phone's token cookie of a game (also read by ``fastpath``)."""
    return f"lantoa_choi_{game_id}"


def _game(pin: str) -> Game:
    game = Game.objects.select_related("unit").filter(pin=pin).first()
    if game is None:
        raise Http404
    return game


def _player(request: HttpRequest, game: Game) -> int | None:
    return engine.player_of(game, request.COOKIES.get(cookie_name(game)))


@policy(PUBLIC)
def enter_pin(request: HttpRequest) -> HttpResponse:
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pin = form.cleaned_data["pin"].strip()
        if Game.objects.filter(pin=pin).exclude(status=GameStatus.FINISHED).exists():
            path = reverse("livegame_public:join", kwargs={"pin": pin})
            return redirect(settings.LANTOA_LIVE_URL + path)
        form.add_error("pin", _("Không có trò chơi nào đang mở với mã này; vui lòng kiểm tra lại."))
    return render(request, "livegame/public/pin.html", {"form": form})


@policy(PUBLIC)
def join(request: HttpRequest, pin: str) -> HttpResponse:
    game = _game(pin)
    if _player(request, game) is not None:
        return redirect("livegame_public:play", pin=pin)
    units = list(units_in_subtree(game.unit, active_only=True).order_by("depth", "name")[:3000])
    form = JoinForm(request.POST or None, units=units)
    token = ""
    if request.method == "POST" and form.is_valid():
        unit = next((u for u in units if str(u.pk) == form.cleaned_data["unit"]), None)
        token = secrets.token_urlsafe(24)
        try:
            players.player_join(game=game, name=form.cleaned_data["name"], unit=unit, token=token)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            response = redirect("livegame_public:play", pin=pin)
            response.set_cookie(
                cookie_name(game),
                token,
                max_age=COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    return render(
        request,
        "livegame/public/join.html",
        {"game": game, "form": form, "closed": game.status == GameStatus.FINISHED},
    )


@policy(PUBLIC)
def play(request: HttpRequest, pin: str) -> HttpResponse:
    game = _game(pin)
    if _player(request, game) is None:
        return redirect("livegame_public:join", pin=pin)
    return render(request, "livegame/public/play.html", {"game": game})


@policy(PUBLIC)
def player_events(request: HttpRequest, pin: str) -> HttpResponseBase:
    game = _game(pin)
    player = _player(request, game)
    if player is None:
        return JsonResponse({"error": _("Vui lòng vào lại trò chơi bằng mã PIN.")}, status=403)
    return streams.event_stream(request, game, player=player)


@policy(PUBLIC)
@require_POST
def answer(request: HttpRequest, pin: str) -> HttpResponse:
    """One answer, idempotent: a retry gets the stored answer back (the first one wins)."""
    game = _game(pin)
    player = _player(request, game)
    if player is None:
        return JsonResponse({"error": _("Vui lòng vào lại trò chơi bằng mã PIN.")}, status=403)
    try:
        body = json.loads(request.body or b"{}")
        question = int(body["question"])
        options = [int(o) for o in body["options"]]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Câu trả lời không hợp lệ.")}, status=400)
    result = engine.answer(game=game, player=player, question=question, options=options)
    status = 200 if result["status"] in ("ok", "dup") else 409
    return JsonResponse(result, status=status)
