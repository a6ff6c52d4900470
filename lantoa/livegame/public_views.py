"""The players' pages at /choi/: enter the PIN, join with a name and a unit, play. A phone is
known by a random token in a cookie (only its hash is stored): coming back on the same device
within 60 seconds keeps the player's state and score."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lantoa.access import PUBLIC, policy
from lantoa.core.forms import add_service_errors
from lantoa.core.net import client_ip
from lantoa.inquiries import ratelimit
from lantoa.livegame import engine, players, streams
from lantoa.livegame.models import Game, GameStatus
from lantoa.livegame.public_forms import JoinForm, PinForm
from lantoa.units.picker import picker_results
from lantoa.units.selectors import units_in_subtree

COOKIE_AGE = 24 * 3600
PIN_LENGTH = 6


def cookie_name(game: Game) -> str:
    return f"lantoa_choi_{game.pk}"


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


def joins_per_ip() -> ratelimit.Limit:
    return ratelimit.Limit("livegame-join-ip", int(settings.LANTOA_LIVEGAME_JOINS_PER_IP), 60)


def joins_per_game() -> ratelimit.Limit:
    return ratelimit.Limit("livegame-join-game", int(settings.LANTOA_LIVEGAME_JOINS_PER_GAME), 60)


def searches_per_ip() -> ratelimit.Limit:
    """The unit search while typing: a few requests per player, the whole hall on one
    address."""
    return ratelimit.Limit("livegame-units-ip", 10 * int(settings.LANTOA_LIVEGAME_JOINS_PER_IP), 60)


def _join_refused(request: HttpRequest, game: Game) -> str | None:
    """Why this join must wait (too many from this network, or into this game), or None."""
    if not joins_per_ip().hit(ratelimit.ip_key(client_ip(request))):
        ratelimit.count_event("livegame.join_limited.ip")
        return _(
            "Có quá nhiều người vào trò chơi từ cùng một mạng trong một phút. Vui lòng đợi "
            "khoảng 30 giây rồi bấm “Vào chơi” lại; tên và đơn vị bạn nhập vẫn được giữ."
        )
    if not joins_per_game().hit(str(game.pk)):
        ratelimit.count_event("livegame.join_limited.game")
        return _(
            "Trò chơi đang nhận rất nhiều người cùng lúc. Vui lòng đợi khoảng 30 giây rồi bấm "
            "“Vào chơi” lại; tên và đơn vị bạn nhập vẫn được giữ."
        )
    return None


def _joined(request: HttpRequest, game: Game, token: str) -> HttpResponse:
    response = redirect("livegame_public:play", pin=game.pin)
    response.set_cookie(
        cookie_name(game),
        token,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _units(game: Game) -> Any:
    return units_in_subtree(game.unit, active_only=True)


@policy(PUBLIC)
@never_cache
def join(request: HttpRequest, pin: str) -> HttpResponse:
    game = _game(pin)
    if _player(request, game) is not None:
        return redirect("livegame_public:play", pin=pin)
    form = JoinForm(
        request.POST or None,
        units=_units(game),
        search_url=reverse("livegame_public:units", kwargs={"pin": pin}),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        refused = _join_refused(request, game)
        if refused:
            form.add_error(None, refused)
            status = 429
        else:
            token = secrets.token_urlsafe(24)
            try:
                players.player_join(
                    game=game,
                    name=form.cleaned_data["name"],
                    unit=form.cleaned_data["unit"],
                    token=token,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _joined(request, game, token)
    response = render(
        request,
        "livegame/public/join.html",
        {"game": game, "form": form, "closed": game.status == GameStatus.FINISHED},
        status=status if status != 200 else (400 if form.errors else 200),
    )
    if status == 429:
        response["Retry-After"] = "30"
    return response


@policy(PUBLIC)
def unit_search(request: HttpRequest, pin: str) -> HttpResponse:
    """The join form's unit search (JSON): the active units of the organiser's subtree."""
    game = _game(pin)
    if not searches_per_ip().hit(ratelimit.ip_key(client_ip(request))):
        ratelimit.count_event("livegame.search_limited")
        response = JsonResponse(
            {"error": _("Có quá nhiều lượt tìm từ mạng này; vui lòng đợi vài giây rồi gõ tiếp.")},
            status=429,
        )
        response["Retry-After"] = "10"
        return response
    return JsonResponse(picker_results(_units(game), request.GET.get("q", "")))


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
