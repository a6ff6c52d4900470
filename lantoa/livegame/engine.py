"""The rules of the live game, played on a ``Store`` (lantoa.livegame.store).

Timing is the server's: a question's deadline is the store's clock (Redis ``TIME``) plus its
time limit, and an answer counts if the store received it before then (checked in the same
atomic step that stores it; the first stored answer of a player wins, a retry gets it back).
The correct answer is sent only by ``reveal``, which first closes the question.

Elimination ("Rung chuông vàng"): after each main question, a player still in the game (alive
or rescued) who answered wrong or not at all is eliminated — unless nobody answered right, then
nobody is (the hall plays on). When ``golden_at`` players or fewer are left after a main
question (or the main questions are all asked), the next question is the golden bell one;
who answers it right rings the golden bell. A rescue question is answered by the eliminated
players: those right come back ("rescued"); the host may also
rescue every eliminated player at once.
Score: a right answer earns 500 points plus up to 500 more the sooner it came; a leaderboard
follows each question.

Host actions of one game run one at a time (the store's lock). What lasts is written to the
database at the end of each question (answers, players' state and score) and at the end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.livegame.models import (
    Answer,
    Game,
    GameMode,
    GameQuestion,
    GameStatus,
    Player,
    PlayerState,
    QuestionRole,
)
from lantoa.livegame.store import OK, Store, get_store, set_store

ALIVE, ELIMINATED, RESCUED = PlayerState.ALIVE, PlayerState.ELIMINATED, PlayerState.RESCUED
IN_GAME = f"{ALIVE},{RESCUED}"
# A player who drops comes back on the same device within this many seconds with their state;
# the heartbeat of their stream records them as seen (lantoa.livegame.streams).
RETURN_WINDOW_MS = 60_000
LEADERBOARD = 10
BASE_POINTS, SPEED_POINTS = 500, 500


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def store() -> Store:
    return get_store()


def _ms_to_dt(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


# ── the live state ──────────────────────────────────────────────────────────────────────────


def ensure_live(game: Game) -> dict[str, str]:
    """The game's live state, loaded from the database when the store does not hold it (a
    lobby made earlier, the demo's server restarted)."""
    s = store()
    meta = s.meta(game.pk)
    if meta.get("status"):  # (an event counter alone is not a loaded state)
        return meta
    with s.lock(game.pk):
        meta = s.meta(game.pk)
        if meta.get("status"):
            return meta
        players = list(Player.objects.filter(game=game).select_related("unit"))
        s.set_players(game.pk, {p.pk: player_entry(p) for p in players})
        s.set_states(game.pk, {p.pk: p.state for p in players})
        for p in players:
            s.set_token(game.pk, p.token_hash, p.pk)
        asked = GameQuestion.objects.filter(game=game, asked_at__isnull=False)
        phases: dict[str, str] = {GameStatus.LOBBY: "lobby", GameStatus.FINISHED: "finished"}
        phase = phases.get(game.status, "ready")
        s.set_meta(
            game.pk,
            {
                "status": game.status,
                "phase": phase,
                "mode": game.mode,
                "golden_at": game.golden_at,
                "q": "",
                "used": ",".join(str(pk) for pk in asked.values_list("pk", flat=True)),
                "seq": 0,
                "paused": 0,
            },
        )
        return s.meta(game.pk)


def player_entry(p: Player) -> dict[str, Any]:
    return {
        "n": p.name,
        "u": p.unit_id,
        "un": p.unit.short_name or p.unit.name,
        "s": p.score,
        "c": p.correct_count,
        "g": int(p.golden_bell),
    }


def publish(game: Game | int, kind: str, data: dict[str, Any], **extra: Any) -> None:
    game_id = game if isinstance(game, int) else game.pk
    s = store()
    seq = s.next_seq(game_id)
    s.publish({"game": game_id, "type": kind, "seq": seq, "data": data, **extra})


# The screens' count of answers: at most one event per game and process every
# ``COUNT_INTERVAL`` seconds, the last one always sent (a hall answering within seconds would
# otherwise send one event per answer to every process).
COUNT_INTERVAL = 0.25
_count_lock = threading.Lock()
_count_last: dict[int, float] = {}
_count_waiting: dict[int, tuple[int, int]] = {}  # game → (question, highest count seen)
_count_timers: dict[int, threading.Timer] = {}


def count_answer(game_id: int, question: int, count: int) -> None:
    """An answer was stored (``count`` so far): the screens hear of it, throttled."""
    now = time.monotonic()
    with _count_lock:
        seen = _count_waiting.get(game_id)
        if seen is None or seen[0] != question or seen[1] < count:
            _count_waiting[game_id] = (question, count)
        if game_id in _count_timers:
            return  # the timer sends the latest
        wait = COUNT_INTERVAL - (now - _count_last.get(game_id, 0.0))
        if wait > 0:
            timer = threading.Timer(wait, _count_flush, args=(game_id,))
            timer.daemon = True
            _count_timers[game_id] = timer
            timer.start()
            return
    _count_flush(game_id)


def forget_counts() -> None:
    """Drop the counts waiting to be sent (tests: a store given back, its games gone)."""
    with _count_lock:
        for timer in _count_timers.values():
            timer.cancel()
        _count_timers.clear()
        _count_waiting.clear()
        _count_last.clear()


def use_store(store: Store | None) -> None:
    """Tests, the demo's builder: play on this store (None: choose again from the settings).
    Answer counts still waiting to be sent belong to the store left: they are dropped."""
    forget_counts()
    set_store(store)


def _count_flush(game_id: int) -> None:
    with _count_lock:
        _count_timers.pop(game_id, None)
        waiting = _count_waiting.pop(game_id, None)
        _count_last[game_id] = time.monotonic()
    if waiting is not None:
        question, count = waiting
        publish(game_id, "answered", {"question": question, "answered": count}, screens=True)


def _used(meta: dict[str, str]) -> list[int]:
    return [int(x) for x in meta.get("used", "").split(",") if x]


def counts(game: Game, meta: dict[str, str] | None = None) -> dict[str, int]:
    """Joined, answered (this question), in the game, eliminated: the host's live counts."""
    s = store()
    meta = meta if meta is not None else s.meta(game.pk)
    states = Counter(s.states(game.pk).values())
    q = meta.get("q")
    return {
        "joined": sum(states.values()),
        "answered": len(s.answers(game.pk, int(q))) if q else 0,
        "alive": states[ALIVE] + states[RESCUED],
        "eliminated": states[ELIMINATED],
    }


def question_payload(question: GameQuestion, meta: dict[str, str], now: int) -> dict[str, Any]:
    """What a phone may see of the open question: never the correct answer."""
    deadline = int(meta.get("deadline", "0"))
    remaining = int(meta.get("remaining", "0")) if meta.get("phase") == "paused" else deadline - now
    return {
        "id": question.pk,
        "number": len(_used(meta)),
        "role": question.role,
        "text": question.text,
        "options": question.options,
        "multiple": len(question.correct) > 1,
        "limit_ms": question.time_limit * 1000,
        "remaining_ms": max(0, remaining),
    }


def reveal_payload(question: GameQuestion, results: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": question.pk,
        "role": question.role,
        "correct": question.correct,
        "explanation": question.explanation,
        **results,
    }


def leaderboard(game: Game, players: dict[int, dict[str, Any]] | None = None) -> list[Any]:
    players = players if players is not None else store().players(game.pk)
    states = store().states(game.pk)
    # Those still in the game first (elimination), then by score.
    ranked = sorted(
        players.items(),
        key=lambda kv: (states.get(kv[0]) == ELIMINATED, -int(kv[1]["s"]), kv[0]),
    )[:LEADERBOARD]
    return [
        {"name": p["n"], "unit": p["un"], "score": p["s"], "state": states.get(pk, ALIVE)}
        for pk, p in ranked
    ]


def snapshot(game: Game, *, player: int | None = None, screen: bool = False) -> dict[str, Any]:
    """Everything a connecting phone, host or projector needs to draw the current moment. A
    phone's costs a few reads of its own entries (a hall reconnecting at once after a server
    process died must not read every player once per player); the screens get the counts
    and the leaderboard."""
    s = store()
    meta = ensure_live(game)
    now = s.now_ms()
    phase = meta.get("phase", "lobby")
    out: dict[str, Any] = {
        "phase": phase,
        "paused": phase == "paused",
        "mode": game.mode,
        "title": game.title,
    }
    q = meta.get("q")
    question = GameQuestion.objects.filter(pk=int(q), game=game).first() if q else None
    if question is not None:
        out["question"] = question_payload(question, meta, now)
        if phase == "revealed":
            out["reveal"] = json.loads(meta.get("reveal") or "{}")
    if phase == "finished":
        out["winners"] = json.loads(meta.get("winners") or "[]")
    if player is None or screen:
        out["counts"] = counts(game, meta)
        out["leaderboard"] = leaderboard(game)
        if phase == "lobby":
            joined = sorted(s.players(game.pk).items(), reverse=True)
            out["lobby"] = [{"name": p["n"], "unit": p["un"]} for _pk, p in joined]
    if player is not None:
        entry = s.player(game.pk, player)
        if entry is not None:
            mine = s.my_answer(game.pk, question.pk, player) if question is not None else None
            out["me"] = {
                "id": player,
                "name": entry["n"],
                "state": s.state(game.pk, player) or ALIVE,
                "score": entry["s"],
                "answer": mine["o"] if mine else None,
            }
    return out


# ── players ─────────────────────────────────────────────────────────────────────────────────


def player_of(game: Game, token: str | None) -> int | None:
    """The player this device's token belongs to, if they may still play: in the lobby or
    after the game always; while it runs, only if seen within the return window."""
    if not token:
        return None
    s = store()
    meta = ensure_live(game)
    pid = s.player_of_token(game.pk, token_hash(token))
    if pid is None:
        return None
    if meta.get("status") == GameStatus.RUNNING:
        seen = s.last_seen(game.pk, pid)
        if seen is None or s.now_ms() - seen > RETURN_WINDOW_MS:
            return None
    return pid


def mark_seen(game_id: int, players: list[int]) -> None:
    if players:
        s = store()
        now = s.now_ms()
        s.seen(game_id, dict.fromkeys(players, now))


def answer(*, game: Game, player: int, question: int, options: list[int]) -> dict[str, Any]:
    """Store a player's answer (idempotent). Returns {"status", "options", "received_ms"}."""
    s = store()
    meta = ensure_live(game)
    eligible = IN_GAME
    if meta.get("qrole") == QuestionRole.RESCUE:
        eligible = ELIMINATED
    verdict, stored, count = s.answer(game.pk, question, player, options, eligible)
    if verdict == OK:
        count_answer(game.pk, question, count)
    return {
        "status": verdict,
        "options": stored["o"] if stored else None,
        "received_ms": stored["t"] if stored else None,
    }


# ── host actions ────────────────────────────────────────────────────────────────────────────


def _refuse(message: str) -> ValidationError:
    return ValidationError(message)


def game_start(*, game: Game, actor: Any) -> None:
    s = store()
    ensure_live(game)
    with s.lock(game.pk):
        meta = s.meta(game.pk)
        if meta.get("status") != GameStatus.LOBBY:
            raise _refuse(_("Trò chơi đã bắt đầu."))
        if not s.states(game.pk):
            raise _refuse(_("Chưa có người chơi nào; vui lòng chờ người chơi vào bằng mã PIN."))
        now = s.now_ms()
        s.seen(game.pk, dict.fromkeys(s.states(game.pk), now))
        s.set_meta(game.pk, {"status": GameStatus.RUNNING, "phase": "ready"})
        Game.objects.filter(pk=game.pk).update(status=GameStatus.RUNNING, started_at=timezone.now())
        game.status = GameStatus.RUNNING
        publish(game, "phase", {"phase": "ready", "counts": counts(game)})


def _choose_question(game: Game, meta: dict[str, str], role: str | None) -> GameQuestion | None:
    used = set(_used(meta))
    questions = list(GameQuestion.objects.filter(game=game).order_by("order"))
    left = [q for q in questions if q.pk not in used]
    if role:
        return next((q for q in left if q.role == role), None)
    golden = next((q for q in left if q.role == QuestionRole.GOLDEN), None)
    asked_main = any(q.pk in used and q.role == QuestionRole.MAIN for q in questions)
    if game.mode == GameMode.ELIMINATION and golden is not None and asked_main:
        in_game = counts(game, meta)["alive"]
        if in_game <= int(meta.get("golden_at", game.golden_at)):
            return golden
    main = next((q for q in left if q.role == QuestionRole.MAIN), None)
    return main or golden


def question_next(*, game: Game, actor: Any, role: str | None = None) -> GameQuestion:
    """Ask the next question (a main one, or the golden bell one when few are left; ``role``
    asks the next of that kind: a rescue question, the golden bell question)."""
    s = store()
    ensure_live(game)
    with s.lock(game.pk):
        meta = s.meta(game.pk)
        if meta.get("phase") not in ("ready", "revealed"):
            raise _refuse(_("Vui lòng công bố đáp án câu hiện tại trước khi sang câu mới."))
        question = _choose_question(game, meta, role)
        if question is None:
            raise _refuse(_("Đã hết câu hỏi loại này."))
        if question.role == QuestionRole.RESCUE and not counts(game, meta)["eliminated"]:
            raise _refuse(_("Chưa có người chơi nào bị loại để cứu trợ."))
        now = s.now_ms()
        deadline = now + question.time_limit * 1000
        s.set_meta(
            game.pk,
            {
                "phase": "question",
                "q": question.pk,
                "qrole": question.role,
                "nopt": len(question.options),
                "asked": now,
                "deadline": deadline,
                "used": ",".join(str(x) for x in [*_used(meta), question.pk]),
                "reveal": "",
            },
        )
        GameQuestion.objects.filter(pk=question.pk).update(
            asked_at=_ms_to_dt(now), deadline=_ms_to_dt(deadline)
        )
        meta = s.meta(game.pk)
        publish(game, "question", {"question": question_payload(question, meta, now)})
        return question


def _is_right(chosen: list[int] | None, question: GameQuestion) -> bool:
    return chosen is not None and sorted(chosen) == sorted(question.correct)


def question_reveal(*, game: Game, actor: Any) -> dict[str, Any]:
    """Close the question (if its time is not up yet), apply the rules, write the results to
    the database and show the correct answer."""
    s = store()
    ensure_live(game)
    with s.lock(game.pk):
        meta = s.meta(game.pk)
        if meta.get("phase") == "paused":
            raise _refuse(_("Vui lòng tiếp tục trò chơi trước khi công bố đáp án."))
        if meta.get("phase") != "question":
            raise _refuse(_("Không có câu hỏi nào đang mở."))
        return _reveal(game, meta)


def _reveal(game: Game, meta: dict[str, str]) -> dict[str, Any]:
    s = store()
    s.close(game.pk)
    question = GameQuestion.objects.get(pk=int(meta["q"]), game=game)
    limit = question.time_limit * 1000
    answers = s.answers(game.pk, question.pk)
    players = s.players(game.pk)
    states = s.states(game.pk)
    elimination = game.mode == GameMode.ELIMINATION
    role = question.role
    if role == QuestionRole.RESCUE:
        eligible = {pk for pk, st in states.items() if st == ELIMINATED}
    elif elimination:
        eligible = {pk for pk, st in states.items() if st in (ALIVE, RESCUED)}
    else:
        eligible = set(states)
    right = {pk for pk in eligible if _is_right(answers.get(pk, {}).get("o"), question)}
    new_states: dict[int, str] = {}
    changed: dict[int, dict[str, Any]] = {}
    points: dict[int, int] = {}
    all_wrong = False
    if role == QuestionRole.RESCUE:
        new_states = dict.fromkeys(right, RESCUED)
    elif elimination and role == QuestionRole.MAIN:
        all_wrong = bool(eligible) and not right
        if not all_wrong:
            new_states = dict.fromkeys(eligible - right, ELIMINATED)
    for pk in right:
        entry = players[pk]
        got = 0
        if not elimination:
            elapsed = int(answers[pk]["t"]) - int(meta.get("asked", "0"))
            speed = max(0.0, min(1.0, 1 - elapsed / limit)) if limit else 0.0
            got = BASE_POINTS + round(SPEED_POINTS * speed)
        elif role != QuestionRole.RESCUE:
            got = 1
        entry["s"] = int(entry["s"]) + got
        entry["c"] = int(entry["c"]) + 1
        if role == QuestionRole.GOLDEN:
            entry["g"] = 1
        points[pk] = got
        changed[pk] = entry
    s.set_players(game.pk, changed)
    s.set_states(game.pk, new_states)
    states.update(new_states)
    distribution = [0] * len(question.options)
    for given in answers.values():
        for o in given["o"]:
            if 0 <= o < len(distribution):
                distribution[o] += 1
    # What lasts: the answers (the first stored, once) and the players' state and score.
    order = len(_used(meta))
    with transaction.atomic():
        Answer.objects.bulk_create(
            [
                Answer(
                    player_id=pk,
                    question=question,
                    options=given["o"],
                    received_at=_ms_to_dt(int(given["t"])),
                    correct=pk in right,
                    points=points.get(pk, 0),
                )
                for pk, given in answers.items()
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        touched = set(changed) | set(new_states)
        rows = list(Player.objects.filter(game=game, pk__in=touched))
        for row in rows:
            entry = players[row.pk]
            row.score, row.correct_count = int(entry["s"]), int(entry["c"])
            row.golden_bell = bool(int(entry.get("g", 0)))
            row.state = states[row.pk]
            if new_states.get(row.pk) == ELIMINATED:
                row.eliminated_at = order
        Player.objects.bulk_update(
            rows,
            ["score", "correct_count", "golden_bell", "state", "eliminated_at"],
            batch_size=500,
        )
    results = {
        "distribution": distribution,
        "answered": len(answers),
        "right": len(right),
        "all_wrong": all_wrong,
        "eliminated_now": sum(1 for v in new_states.values() if v == ELIMINATED),
        "rescued_now": sum(1 for v in new_states.values() if v == RESCUED),
        "survivors": sum(1 for v in states.values() if v in (ALIVE, RESCUED)),
        "leaderboard": leaderboard(game, players),
    }
    payload = reveal_payload(question, results)
    s.set_meta(game.pk, {"phase": "revealed", "reveal": json.dumps(payload)})
    per_player = {
        str(pk): {
            "state": states.get(pk, ALIVE),
            "score": int(players[pk]["s"]),
            "right": pk in right,
            "points": points.get(pk, 0),
        }
        for pk in players
    }
    publish(game, "reveal", {"reveal": payload, "counts": counts(game)}, players=per_player)
    return payload


def rescue_all(*, game: Game, actor: Any) -> int:
    """Bring every eliminated player back (host's rescue). Returns how many."""
    s = store()
    ensure_live(game)
    with s.lock(game.pk):
        meta = s.meta(game.pk)
        if meta.get("phase") not in ("ready", "revealed"):
            raise _refuse(_("Vui lòng cứu trợ giữa hai câu hỏi."))
        back = [pk for pk, st in s.states(game.pk).items() if st == ELIMINATED]
        if not back:
            raise _refuse(_("Không có người chơi nào bị loại."))
        s.set_states(game.pk, dict.fromkeys(back, RESCUED))
        Player.objects.filter(game=game, pk__in=back).update(state=RESCUED)
        per_player = {str(pk): {"state": RESCUED} for pk in back}
        publish(game, "rescue", {"rescued": len(back), "counts": counts(game)}, players=per_player)
        return len(back)


def game_pause(*, game: Game, actor: Any) -> None:
    s = store()
    ensure_live(game)
    with s.lock(game.pk):
        meta = s.meta(game.pk)
        phase = meta.get("phase")
        if phase in ("lobby", "finished", "paused"):
            raise _refuse(_("Không tạm dừng được lúc này."))
        now = s.now_ms()
        values: dict[str, Any] = {"phase": "paused", "paused_from": phase}
        if phase == "question":
            values["remaining"] = max(0, int(meta["deadline"]) - now)
            s.close(game.pk)
        s.set_meta(game.pk, values)
        publish(game, "phase", {"phase": "paused"})


def game_resume(*, game: Game, actor: Any) -> None:
    s = store()
    ensure_live(game)
    with s.lock(game.pk):
        meta = s.meta(game.pk)
        if meta.get("phase") != "paused":
            raise _refuse(_("Trò chơi không tạm dừng."))
        back = meta.get("paused_from", "ready")
        values: dict[str, Any] = {"phase": back}
        if back == "question":
            now = s.now_ms()
            values["deadline"] = now + int(meta.get("remaining", "0"))
        s.set_meta(game.pk, values)
        meta = s.meta(game.pk)
        data: dict[str, Any] = {"phase": back}
        if back == "question":
            question = GameQuestion.objects.get(pk=int(meta["q"]))
            GameQuestion.objects.filter(pk=question.pk).update(
                deadline=_ms_to_dt(int(meta["deadline"]))
            )
            data["question"] = question_payload(question, meta, s.now_ms())
        publish(game, "phase", data)


def game_end(*, game: Game, actor: Any) -> list[dict[str, Any]]:
    """End the game: an open question is revealed first; the winners are the players still
    in (elimination) or the best score (score); the game becomes an activity record."""
    s = store()
    ensure_live(game)
    with s.lock(game.pk):
        meta = s.meta(game.pk)
        if meta.get("status") == GameStatus.FINISHED:
            raise _refuse(_("Trò chơi đã kết thúc."))
        if meta.get("phase") == "paused" and meta.get("paused_from") == "question":
            s.set_meta(game.pk, {"phase": "question"})
            meta = s.meta(game.pk)
        if meta.get("phase") == "question":
            _reveal(game, meta)
        players = s.players(game.pk)
        states = s.states(game.pk)
        if not _used(meta):
            winners = []  # ended before any question: nobody won
        elif game.mode == GameMode.ELIMINATION:
            winners = [pk for pk, st in states.items() if st in (ALIVE, RESCUED)]
        else:
            best = max((int(p["s"]) for p in players.values()), default=0)
            winners = [pk for pk, p in players.items() if best and int(p["s"]) == best]
        winners.sort(key=lambda pk: (-int(players[pk]["s"]), pk))
        shown = [
            {
                "name": players[pk]["n"],
                "unit": players[pk]["un"],
                "score": players[pk]["s"],
                "golden": bool(int(players[pk].get("g", 0))),
            }
            for pk in winners
        ]
        with transaction.atomic():
            Player.objects.filter(game=game, pk__in=winners).update(winner=True)
            Game.objects.filter(pk=game.pk).update(
                status=GameStatus.FINISHED, finished_at=timezone.now()
            )
        game.status = GameStatus.FINISHED
        s.set_meta(
            game.pk,
            {"status": GameStatus.FINISHED, "phase": "finished", "winners": json.dumps(shown)},
        )
        publish(game, "finished", {"phase": "finished", "winners": shown})
    from lantoa.livegame.services import record_activity

    record_activity(game=game, actor=actor)
    return shown
