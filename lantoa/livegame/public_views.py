"""The players' pages at /choi/: enter the PIN, join with a name and a unit, play. A phone is
known by a random token in a cookie (only its hash is stored): coming back on the same device
within 60 seconds keeps the player's state and score."""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable
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
from lantoa.livegame.public_forms import EntrantPhoneForm, JoinForm, PinForm
from lantoa.units.picker import picker_results
from lantoa.units.selectors import units_in_subtree

COOKIE_AGE = 24 * 3600
PIN_LENGTH = 6


def cookie_name(game: Game) -> str:
    return cookie_name_of(game.pk)


def cookie_name_of(game_id: int) -> str:
    """The phone's token cookie of a game (also read by ``fastpath``)."""
    return f"lantoa_choi_{game_id}"


def pin_misses_per_ip() -> ratelimit.Limit:
    """Unknown PINs tried from one address in 10 minutes (guessing a 6-digit PIN to slip into
    someone's game). Generous, since a hall shares one address and people mistype."""
    return ratelimit.Limit(
        "livegame-pin-miss-ip", int(settings.LANTOA_LIVEGAME_PIN_MISSES_PER_IP), 600
    )


class PinLimited(Exception):
    """Too many unknown PINs from this address: every PIN is refused alike for a while (a
    known game included, so the answer tells a guesser nothing), except to the phones that
    already play in that game."""


def _pin_limited_message() -> str:
    return _(
        "Đã có quá nhiều lần nhập mã PIN sai từ mạng này. Vui lòng đợi vài phút rồi nhập lại "
        "mã PIN trên màn hình chiếu."
    )


def _game(pin: str, request: HttpRequest | None = None) -> Game:
    """The game of a PIN, or 404. With the request, unknown PINs count against the address
    and, past the limit, every lookup without that game's cookie raises ``PinLimited``."""
    game = Game.objects.select_related("unit").filter(pin=pin).first()
    if request is None:
        if game is None:
            raise Http404
        return game
    ip = ratelimit.ip_key(client_ip(request))
    limited = pin_misses_per_ip().exceeded(ip)
    if game is not None and limited and request.COOKIES.get(cookie_name(game)) is None:
        game = None
    if game is None:
        pin_misses_per_ip().hit(ip)
        if limited:
            ratelimit.count_event("livegame.pin_limited")
            raise PinLimited
        raise Http404
    return game


def _pin_guarded(as_json: bool = False) -> Callable[[Any], Any]:
    """A view that looks its game up by PIN answers 429 (page or JSON) past the PIN limit."""

    def decorate(view: Any) -> Any:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except PinLimited:
                if not as_json:
                    return _pin_refused(request)
                response = JsonResponse({"error": _pin_limited_message()}, status=429)
                response["Retry-After"] = "300"
                return response

        return wrapped

    return decorate


def _pin_refused(request: HttpRequest, form: PinForm | None = None) -> HttpResponse:
    context = {"form": form or PinForm(), "limited": _pin_limited_message()}
    response = render(request, "livegame/public/pin.html", context, status=429)
    response["Retry-After"] = "300"
    return response


def _player(request: HttpRequest, game: Game) -> int | None:
    return engine.player_of(game, request.COOKIES.get(cookie_name(game)))


@policy(PUBLIC)
def enter_pin(request: HttpRequest) -> HttpResponse:
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pin = form.cleaned_data["pin"].strip()
        try:
            game = _game(pin, request)
        except PinLimited:
            return _pin_refused(request, form)
        except Http404:
            game = None
        if game is not None and game.status != GameStatus.FINISHED:
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
        return _too_many_from_network()
    if not joins_per_game().hit(str(game.pk)):
        ratelimit.count_event("livegame.join_limited.game")
        return _game_busy()
    return None


def _too_many_from_network() -> str:
    return _(
        "Có quá nhiều người vào trò chơi từ cùng một mạng trong một phút. Vui lòng đợi "
        "khoảng 30 giây rồi bấm nút gửi lại; những gì bạn đã nhập vẫn được giữ."
    )


def _game_busy() -> str:
    return _(
        "Trò chơi đang nhận rất nhiều người cùng lúc. Vui lòng đợi khoảng 30 giây rồi bấm "
        "nút gửi lại; những gì bạn đã nhập vẫn được giữ."
    )


def _closed(game: Game) -> bool:
    return game.status == GameStatus.FINISHED


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
@_pin_guarded()
def join(request: HttpRequest, pin: str) -> HttpResponse:
    game = _game(pin, request)
    if _player(request, game) is not None:
        return redirect("livegame_public:play", pin=pin)
    if game.entrants_of_id is not None:
        return _entrant_join(request, game)
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
        {"game": game, "form": form, "closed": _closed(game)},
        status=status if status != 200 else (400 if form.errors else 200),
    )
    if status == 429:
        response["Retry-After"] = "30"
    return response


# A game of a contest's verified entrants: the phone number, then the contest's one-time code.
SESSION_PENDING = "livegame.pending"  # {game id: entrant id waiting for the code; 0: none}
CODES_PER_PHONE = ratelimit.Limit("livegame-code-phone", 5, 3600)
CODE_TRIES_PER_IP = ratelimit.Limit("livegame-verify-ip", 300, 600)


def _pending(request: HttpRequest) -> dict[str, Any]:
    value = request.session.get(SESSION_PENDING)
    return dict(value) if isinstance(value, dict) else {}


def _entrant_join(request: HttpRequest, game: Game) -> HttpResponse:
    """Step 1: the phone number the entrant registered with; a code goes to it when it is a
    verified entrant's (the page says the same either way: nobody learns who registered)."""
    from lantoa.contests import entry, otp

    contest = game.entrants_of
    assert contest is not None
    form = EntrantPhoneForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if not joins_per_ip().hit(ratelimit.ip_key(client_ip(request))):
            ratelimit.count_event("livegame.join_limited.ip")
            form.add_error(None, _too_many_from_network())
            status = 429
        elif not CODES_PER_PHONE.hit(phone):
            ratelimit.count_event("livegame.code_limited.phone")
            form.add_error(
                "phone",
                _(
                    "Số điện thoại này đã nhận nhiều mã trong một giờ; vui lòng dùng mã mới "
                    "nhất đã nhận hoặc thử lại sau."
                ),
            )
            status = 429
        else:
            entrant, code = entry.entrant_code_for_phone(contest=contest, phone=phone)
            if entrant is not None:
                otp.send_code(phone=entrant.phone, code=code, contest_title=contest.title)
            pending = _pending(request)
            pending[str(game.pk)] = {"entrant": entrant.pk if entrant else 0, "end": phone[-3:]}
            request.session[SESSION_PENDING] = pending
            return redirect("livegame_public:code", pin=game.pin)
    response = render(
        request,
        "livegame/public/join_entrant.html",
        {"game": game, "contest": contest, "form": form, "closed": _closed(game)},
        status=status if status != 200 else (400 if form.errors else 200),
    )
    if status == 429:
        response["Retry-After"] = "30"
    return response


@policy(PUBLIC)
@never_cache
@_pin_guarded()
def entrant_code(request: HttpRequest, pin: str) -> HttpResponse:
    """Step 2: the contest's one-time code (``lantoa.contests.entry.entrant_verify``: 5 wrong
    tries a code); right, the phone joins as the entrant, with their name and unit."""
    from lantoa.contests import entry
    from lantoa.contests.models import Entrant
    from lantoa.contests.public_forms import CodeForm

    game = _game(pin, request)
    if game.entrants_of_id is None:
        raise Http404
    if _player(request, game) is not None:
        return redirect("livegame_public:play", pin=pin)
    waiting = _pending(request).get(str(game.pk))
    if not isinstance(waiting, dict):
        return redirect("livegame_public:join", pin=pin)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        entrant = Entrant.objects.filter(
            pk=waiting.get("entrant") or 0, contest_id=game.entrants_of_id
        ).first()
        if not CODE_TRIES_PER_IP.hit(ratelimit.ip_key(client_ip(request))):
            ratelimit.count_event("livegame.code_limited.ip")
            form.add_error(None, _too_many_from_network())
            status = 429
        elif not joins_per_game().hit(str(game.pk)):
            ratelimit.count_event("livegame.join_limited.game")
            form.add_error(None, _game_busy())
            status = 429
        elif entrant is None:  # no verified entrant has that number: every code is wrong
            form.add_error(
                "code", _("Mã xác minh chưa đúng. Vui lòng kiểm tra tin nhắn và nhập lại.")
            )
        else:
            try:
                entry.entrant_verify(entrant=entrant, code=form.cleaned_data["code"])
                token = secrets.token_urlsafe(24)
                players.player_join(game=game, token=token, entrant=entrant)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                pending = _pending(request)
                pending.pop(str(game.pk), None)
                request.session[SESSION_PENDING] = pending
                return _joined(request, game, token)
    response = render(
        request,
        "livegame/public/join_code.html",
        {"game": game, "form": form, "phone_end": waiting.get("end", "")},
        status=status if status != 200 else (400 if form.errors else 200),
    )
    if status == 429:
        response["Retry-After"] = "30"
    return response


@policy(PUBLIC)
@_pin_guarded(as_json=True)
def unit_search(request: HttpRequest, pin: str) -> HttpResponse:
    """The join form's unit search (JSON): the active units of the organiser's subtree."""
    game = _game(pin, request)
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
@_pin_guarded()
def play(request: HttpRequest, pin: str) -> HttpResponse:
    game = _game(pin, request)
    if _player(request, game) is None:
        return redirect("livegame_public:join", pin=pin)
    return render(request, "livegame/public/play.html", {"game": game})


@policy(PUBLIC)
@_pin_guarded(as_json=True)
def player_events(request: HttpRequest, pin: str) -> HttpResponseBase:
    game = _game(pin, request)
    player = _player(request, game)
    if player is None:
        return JsonResponse({"error": _("Vui lòng vào lại trò chơi bằng mã PIN.")}, status=403)
    return streams.event_stream(request, game, player=player)


@policy(PUBLIC)
@require_POST
@_pin_guarded(as_json=True)
def answer(request: HttpRequest, pin: str) -> HttpResponse:
    """One answer, idempotent: a retry gets the stored answer back (the first one wins)."""
    game = _game(pin, request)
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
