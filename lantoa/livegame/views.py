"""The officers' screens of the live game, mounted at /tro-choi/: a unit's games, preparing
one, its results; the host console, the projector view, their event stream and the host's
actions."""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa import access
from lantoa.access import policy
from lantoa.core import tabular
from lantoa.core.forms import add_service_errors
from lantoa.livegame import engine, selectors, services, streams
from lantoa.livegame.forms import SOURCE_BANK, GameForm
from lantoa.livegame.models import Game, GameStatus, QuestionRole

PAGE_SIZE = 30


def _game(request: HttpRequest, pk: int, perm: str) -> Game:
    game = Game.objects.select_related("unit").filter(pk=pk).first()
    if game is None:
        raise Http404
    access.require(request.user, perm, game.unit)
    return game


def live_url(request: HttpRequest, path: str) -> str:
    """``path`` on the server of live pages: the demo's ASGI server beside its WSGI one
    (``LANTOA_LIVE_URL``), else this site."""
    if settings.LANTOA_LIVE_URL:
        return settings.LANTOA_LIVE_URL + path
    return request.build_absolute_uri(path)


def join_url(request: HttpRequest, game: Game) -> str:
    return live_url(request, reverse("livegame_public:join", kwargs={"pin": game.pin}))


@policy(access.officer("livegame.view"))
def unit_games(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="livegame.view", code=code)
    page = Paginator(selectors.games_of(unit), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "livegame/unit_games.html",
        {
            "unit": unit,
            "page": page,
            "games": page.object_list,
            "can_host": access.can(request.user, "livegame.host", unit) and unit.is_active,
        },
    )


@policy(access.officer("livegame.host"))
def game_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit(request.user, perm="livegame.host", code=code)
    contests = selectors.bank_contests(request.user)
    entrant_contests = selectors.entrant_contests(request.user)
    form = GameForm(request.POST or None, contests=contests, entrant_contests=entrant_contests)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contest = None
            if data["source"] == SOURCE_BANK:
                contest = next((c for c in contests if str(c.pk) == data["contest"]), None)
                if contest is None:
                    raise ValidationError({"contest": _("Vui lòng chọn cuộc thi có kho câu hỏi.")})
                drafted = services.draw_from_bank(
                    contest,
                    count=data["count"] or 1,
                    rescue=data["rescue"] or 0,
                    golden=data["golden"],
                    seed=secrets.randbits(32),
                )
            else:
                drafted = services.parse_questions(data["questions"])
            entrants_of = None
            if data["entrants_of"]:
                entrants_of = next(
                    (c for c in entrant_contests if str(c.pk) == data["entrants_of"]), None
                )
                if entrants_of is None:
                    raise ValidationError({"entrants_of": _("Vui lòng chọn cuộc thi.")})
            game = services.game_create(
                unit=unit,
                actor=request.user,
                title=data["title"],
                mode=data["mode"],
                questions=drafted,
                time_limit=data["time_limit"],
                golden_at=data["golden_at"],
                source_contest=contest,
                entrants_of=entrants_of,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo trò chơi “%(title)s”, mã PIN %(pin)s.")
                % {"title": game.title, "pin": game.pin},
            )
            return redirect("livegame:detail", pk=game.pk)
    return render(request, "livegame/game_form.html", {"unit": unit, "form": form})


@policy(access.officer("livegame.view"))
def game_detail(request: HttpRequest, pk: int) -> HttpResponse:
    game = _game(request, pk, "livegame.view")
    return render(
        request,
        "livegame/detail.html",
        {
            "unit": game.unit,
            "game": game,
            "results": selectors.results(game),
            "can_host": access.can(request.user, "livegame.host", game.unit),
            "can_export": access.can(request.user, "data.export", game.unit),
            "join_url": join_url(request, game),
            "host_url": live_url(request, reverse("livegame:host", kwargs={"pk": game.pk})),
            "projector_url": live_url(
                request, reverse("livegame:projector", kwargs={"pk": game.pk})
            ),
            "finished": game.status == GameStatus.FINISHED,
        },
    )


@policy(access.officer("livegame.host"))
def host_console(request: HttpRequest, pk: int) -> HttpResponse:
    game = _game(request, pk, "livegame.host")
    engine.ensure_live(game)
    return render(
        request,
        "livegame/host.html",
        {"unit": game.unit, "game": game, "join_url": join_url(request, game)},
    )


@policy(access.officer("livegame.view"))
def projector(request: HttpRequest, pk: int) -> HttpResponse:
    game = _game(request, pk, "livegame.view")
    engine.ensure_live(game)
    return render(
        request, "livegame/projector.html", {"game": game, "join_url": join_url(request, game)}
    )


@policy(access.officer("livegame.view"))
def join_qr(request: HttpRequest, pk: int) -> HttpResponse:
    import segno

    game = _game(request, pk, "livegame.view")
    out = io.BytesIO()
    segno.make(join_url(request, game), error="m").save(out, kind="svg", scale=8, border=2)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@policy(access.officer("livegame.view"))
def screen_events(request: HttpRequest, pk: int) -> HttpResponseBase:
    game = _game(request, pk, "livegame.view")
    return streams.event_stream(request, game, screen=True)


ACTIONS = {
    "start": lambda game, actor: engine.game_start(game=game, actor=actor),
    "next": lambda game, actor: engine.question_next(game=game, actor=actor),
    "rescue_question": lambda game, actor: engine.question_next(
        game=game, actor=actor, role=QuestionRole.RESCUE
    ),
    "golden": lambda game, actor: engine.question_next(
        game=game, actor=actor, role=QuestionRole.GOLDEN
    ),
    "reveal": lambda game, actor: engine.question_reveal(game=game, actor=actor),
    "rescue_all": lambda game, actor: engine.rescue_all(game=game, actor=actor),
    "pause": lambda game, actor: engine.game_pause(game=game, actor=actor),
    "resume": lambda game, actor: engine.game_resume(game=game, actor=actor),
    "end": lambda game, actor: engine.game_end(game=game, actor=actor),
}


@policy(access.officer("livegame.host"))
@require_POST
def host_action(request: HttpRequest, pk: int) -> HttpResponse:
    game = _game(request, pk, "livegame.host")
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return JsonResponse({"error": _("Thao tác không hợp lệ.")}, status=400)
    try:
        action(game, request.user)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=409)
    return JsonResponse({"ok": True, "counts": engine.counts(game)})


@policy(access.officer("livegame.view"))
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The players and their results as a spreadsheet (who may export the unit's data)."""
    game = _game(request, pk, "livegame.view")
    if not access.can(request.user, "data.export", game.unit):
        raise PermissionDenied
    header = [
        _("Tên"),
        _("Đơn vị"),
        _("Trạng thái"),
        _("Điểm"),
        _("Số câu đúng"),
        _("Bị loại ở câu"),
        _("Thắng cuộc"),
        _("Rung chuông vàng"),
    ]
    rows = [
        [
            p.name,
            p.unit.name,
            p.get_state_display(),
            p.score,
            p.correct_count,
            p.eliminated_at or "",
            _("Có") if p.winner else "",
            _("Có") if p.golden_bell else "",
        ]
        for p in selectors.results(game)["players"]
    ]
    spool = tabular.xlsx_spool(_("Kết quả"), header, rows)
    response = HttpResponse(spool.read(), content_type=tabular.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="rung-chuong-vang-{game.pk}.xlsx"'
    return response
