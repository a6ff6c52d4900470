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
database at the end of each question (answers, players' state and score) and at the end. A
reveal is sent from the store first, then written: its results and a record of what the
database does not hold yet are saved in the store in one step; the record is cleared once the
database has them. Should the process die in between, the game's next host action, or the
sweep of a process serving its phones (lantoa.livegame.streams), writes them from the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
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

log = logging.getLogger(__name__)

ALIVE, ELIMINATED, RESCUED = PlayerState.ALIVE, PlayerState.ELIMINATED, PlayerState.RESCUED
IN_GAME = f"{ALIVE},{RESCUED}"
# A player who drops comes back on the same device within this many seconds with their state;
# the heartbeat of their stream records them as seen (lantoa.livegame.streams).
RETURN_WINDOW_MS = 60_000
LEADERBOARD = 10
# Winners sent to the phones and the projector when a game ends (the results page lists all).
WINNERS_SENT = 50
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
        "e": p.eliminated_at,  # the question that eliminated them (the database's copy)
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
        # Sent from a timer's thread even when due now: the caller may be the event loop
        # (lantoa.livegame.fastpath), which must not wait for Redis.
        wait = COUNT_INTERVAL - (now - _count_last.get(game_id, 0.0))
        timer = threading.Timer(max(0.0, wait), _count_flush, args=(game_id,))
        timer.daemon = True
        _count_timers[game_id] = timer
        timer.start()


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


def question_public(question: GameQuestion) -> dict[str, Any]:
    """What a phone may see of a question: never the correct answer. Kept in the live state
    (``qpub``) while it is asked, so that a phone (re)connecting needs no database."""
    return {
        "id": question.pk,
        "role": question.role,
        "text": question.text,
        "options": question.options,
        "multiple": len(question.correct) > 1,
        "limit_ms": question.time_limit * 1000,
    }


def question_payload(public: dict[str, Any], meta: dict[str, str], now: int) -> dict[str, Any]:
    """The open question as a phone sees it now (``public``: ``question_public``)."""
    deadline = int(meta.get("deadline", "0"))
    remaining = int(meta.get("remaining", "0")) if meta.get("phase") == "paused" else deadline - now
    return {**public, "number": len(_used(meta)), "remaining_ms": max(0, remaining)}


def _public_of(game_id: int, meta: dict[str, str]) -> dict[str, Any] | None:
    q = meta.get("q")
    if not q:
        return None
    if meta.get("qpub"):
        return dict(json.loads(meta["qpub"]))
    # A state saved before questions were kept in it.
    question = GameQuestion.objects.filter(pk=int(q), game_id=game_id).first()
    return question_public(question) if question is not None else None


def reveal_payload(question: GameQuestion, results: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": question.pk,
        "role": question.role,
        "correct": question.correct,
        "explanation": question.explanation,
        **results,
    }


def leaderboard(
    game: Game,
    players: dict[int, dict[str, Any]] | None = None,
    states: dict[int, str] | None = None,
) -> list[Any]:
    players = players if players is not None else store().players(game.pk)
    states = states if states is not None else store().states(game.pk)
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
    public = _public_of(game.pk, meta)
    out = snapshot_of(meta, now, mode=game.mode, title=game.title, public=public)
    phase = out["phase"]
    if player is None or screen:
        out["counts"] = counts(game, meta)
        out["leaderboard"] = leaderboard(game)
        if phase == "lobby":
            joined = sorted(s.players(game.pk).items(), reverse=True)
            out["lobby"] = [{"name": p["n"], "unit": p["un"]} for _pk, p in joined]
    if player is not None:
        entry = s.player(game.pk, player)
        if entry is not None:
            mine = s.my_answer(game.pk, public["id"], player) if public is not None else None
            out["me"] = me_of(player, entry, s.state(game.pk, player), mine)
    return out


def snapshot_of(
    meta: dict[str, str], now: int, *, mode: str, title: str, public: dict[str, Any] | None
) -> dict[str, Any]:
    """The part of a snapshot everyone gets, from the live state alone (also drawn by the
    stream's fast path, lantoa.livegame.fastpath)."""
    phase = meta.get("phase", "lobby")
    out: dict[str, Any] = {
        "phase": phase,
        "paused": phase == "paused",
        "mode": mode,
        "title": title,
    }
    if public is not None:
        out["question"] = question_payload(public, meta, now)
        if phase == "revealed":
            out["reveal"] = json.loads(meta.get("reveal") or "{}")
    if phase == "finished":
        out["winners"] = json.loads(meta.get("winners") or "[]")
        out["winners_total"] = int(meta.get("winners_total") or len(out["winners"]))
    return out


def me_of(
    player: int, entry: dict[str, Any], state: str | None, mine: dict[str, Any] | None
) -> dict[str, Any]:
    """A phone's own line of its snapshot: its state, score and stored answer."""
    return {
        "id": player,
        "name": entry["n"],
        "state": state or ALIVE,
        "score": entry["s"],
        "answer": mine["o"] if mine else None,
    }


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
        save_unsaved(game.pk)
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
        public = question_public(question)
        s.set_meta(
            game.pk,
            {
                "phase": "question",
                "q": question.pk,
                "qpub": json.dumps(public, ensure_ascii=False, separators=(",", ":")),
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
        publish(game, "question", {"question": question_payload(public, meta, now)})
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
    save_unsaved(game.pk)  # an earlier reveal's, should its process have died before writing
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
    order = len(_used(meta))
    for pk, st in new_states.items():
        if st == ELIMINATED:
            players[pk]["e"] = order
            changed[pk] = players[pk]
    states.update(new_states)
    distribution = [0] * len(question.options)
    for given in answers.values():
        for o in given["o"]:
            if 0 <= o < len(distribution):
                distribution[o] += 1
    results = {
        "distribution": distribution,
        "answered": len(answers),
        "right": len(right),
        "all_wrong": all_wrong,
        "eliminated_now": sum(1 for v in new_states.values() if v == ELIMINATED),
        "rescued_now": sum(1 for v in new_states.values() if v == RESCUED),
        "survivors": sum(1 for v in states.values() if v in (ALIVE, RESCUED)),
        "leaderboard": leaderboard(game, players, states),
    }
    payload = reveal_payload(question, results)
    # The results in the store at once, with the record of what the database lacks (the
    # answers of this question: right ones and their points); the phones hear them; then the
    # database gets them (``_save``), and the record goes.
    unsaved = json.dumps(
        {"q": question.pk, "t": s.now_ms(), "points": {str(pk): n for pk, n in points.items()}},
        separators=(",", ":"),
    )
    meta_now = {"phase": "revealed", "reveal": json.dumps(payload)}
    s.save_reveal(game.pk, changed, new_states, meta_now, unsaved)
    per_player = {
        str(pk): {
            "state": states.get(pk, ALIVE),
            "score": int(players[pk]["s"]),
            "right": pk in right,
            "points": points.get(pk, 0),
        }
        for pk in players
    }
    # (the host's counts as ``counts`` gives them, from what was just read: no second read)
    now_counts = {
        "joined": len(states),
        "answered": len(answers),
        "alive": results["survivors"],
        "eliminated": sum(1 for v in states.values() if v == ELIMINATED),
    }
    publish(game, "reveal", {"reveal": payload, "counts": now_counts}, players=per_player)
    try:
        _save(game.pk, unsaved)
    except DatabaseError as exc:
        # The hall has the results and the store keeps the record: the next host action or
        # the sweep writes them once the database answers again.
        log.warning("livegame: results of game %s not written yet (%s)", game.pk, exc)
    return payload


# A reveal's record older than this is written by the sweep of a process serving the game's
# phones (its own host action was cut off).
UNSAVED_SWEEP_MS = 30_000


def save_unsaved(game_id: int) -> bool:
    """Write what a reveal left in the store only (under the game's lock). True if any."""
    unsaved = store().unsaved(game_id)
    if unsaved:
        _save(game_id, unsaved)
    return bool(unsaved)


def sweep_unsaved(game_id: int) -> bool:
    """A reveal's results still missing from the database long after it (its process died
    between sending and writing), written from the store: the streams' keeper calls this."""
    s = store()
    unsaved = s.unsaved(game_id)
    if not unsaved or s.now_ms() - int(json.loads(unsaved).get("t", 0)) < UNSAVED_SWEEP_MS:
        return False
    with s.lock(game_id):
        return save_unsaved(game_id)


def _save(game_id: int, unsaved: str) -> None:
    """The answers of a revealed question (the first stored, once) and every player's state
    and score, written to the database from the store; idempotent (run again after a crash, it
    writes the same)."""
    s = store()
    record = json.loads(unsaved)
    question = int(record["q"])
    points = {int(pk): int(n) for pk, n in record["points"].items()}
    answers = s.answers(game_id, question)
    players = s.players(game_id)
    states = s.states(game_id)
    with transaction.atomic():
        Answer.objects.bulk_create(
            [
                Answer(
                    player_id=pk,
                    question_id=question,
                    options=given["o"],
                    received_at=_ms_to_dt(int(given["t"])),
                    correct=pk in points,
                    points=points.get(pk, 0),
                )
                for pk, given in answers.items()
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        _write_players(game_id, players, states)
    s.saved(game_id, unsaved)


_PLAYER_FIELDS = ("score", "correct_count", "golden_bell", "state", "eliminated_at")
# PostgreSQL: the hall's players in one statement from arrays (bulk_update builds a CASE per
# row and field: slow to build and to plan for 2.000 players); rows already equal are left.
_WRITE_PLAYERS_SQL = """
UPDATE livegame_player AS p
SET score = v.score, correct_count = v.correct, golden_bell = v.golden, state = v.state,
    eliminated_at = COALESCE(v.eliminated, p.eliminated_at)
FROM unnest(%s::bigint[], %s::integer[], %s::integer[], %s::boolean[], %s::text[], %s::integer[])
    AS v(id, score, correct, golden, state, eliminated)
WHERE p.id = v.id AND p.game_id = %s
  AND (p.score, p.correct_count, p.golden_bell, p.state::text, p.eliminated_at)
      IS DISTINCT FROM
      (v.score, v.correct, v.golden, v.state, COALESCE(v.eliminated, p.eliminated_at))
"""


def _write_players(
    game_id: int, players: dict[int, dict[str, Any]], states: dict[int, str]
) -> None:
    """Every player's score, right answers, golden bell, state and the question that
    eliminated them as the store holds them; only rows that differ are written."""
    values = {
        pk: (
            int(p["s"]),
            int(p["c"]),
            bool(int(p.get("g") or 0)),
            states.get(pk, ALIVE),
            None if p.get("e") is None else int(p["e"]),
        )
        for pk, p in players.items()
    }
    if connection.vendor == "postgresql":
        pks = list(values)
        columns = list(zip(*values.values(), strict=True)) if values else [()] * 5
        with connection.cursor() as cursor:
            cursor.execute(_WRITE_PLAYERS_SQL, [pks, *(list(c) for c in columns), game_id])
        return
    rows = []
    for row in Player.objects.filter(game_id=game_id, pk__in=list(values)).only(*_PLAYER_FIELDS):
        score, correct, golden, state, eliminated = values[row.pk]
        now = (
            score,
            correct,
            golden,
            state,
            row.eliminated_at if eliminated is None else eliminated,
        )
        if now != tuple(getattr(row, f) for f in _PLAYER_FIELDS):
            row.score, row.correct_count, row.golden_bell, row.state, row.eliminated_at = now
            rows.append(row)
    Player.objects.bulk_update(rows, list(_PLAYER_FIELDS), batch_size=500)


def rescue_all(*, game: Game, actor: Any) -> int:
    """Bring every eliminated player back (host's rescue). Returns how many."""
    s = store()
    ensure_live(game)
    with s.lock(game.pk):
        save_unsaved(game.pk)
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
        public = _public_of(game.pk, meta) if back == "question" else None
        if public is not None:
            GameQuestion.objects.filter(pk=public["id"]).update(
                deadline=_ms_to_dt(int(meta["deadline"]))
            )
            data["question"] = question_payload(public, meta, s.now_ms())
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
        save_unsaved(game.pk)
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
        # Phones and the projector get the first WINNERS_SENT (a hall where hundreds survive
        # would otherwise send each phone the whole list); the results page lists them all.
        sent = {"winners": shown[:WINNERS_SENT], "winners_total": len(shown)}
        with transaction.atomic():
            Player.objects.filter(game=game, pk__in=winners).update(winner=True)
            Game.objects.filter(pk=game.pk).update(
                status=GameStatus.FINISHED, finished_at=timezone.now()
            )
        game.status = GameStatus.FINISHED
        s.set_meta(
            game.pk,
            {
                "status": GameStatus.FINISHED,
                "phase": "finished",
                "winners": json.dumps(sent["winners"]),
                "winners_total": str(len(shown)),
            },
        )
        publish(game, "finished", {"phase": "finished", **sent})
    from lantoa.livegame.services import record_activity

    record_activity(game=game, actor=actor)
    return shown
