"""The rules of the live game, each on the in-process store and on real Redis (``live``)."""

from __future__ import annotations

import json
import queue
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lantoa.activities.models import Activity
from lantoa.livegame import engine, hub, players
from lantoa.livegame.models import Answer, Game, GameMode, GameStatus, Player, PlayerState
from lantoa.livegame.store import RedisStore, Store
from tests.conftest import Tree
from tests.livegame.support import join, make_game, redis_url_of

pytestmark = pytest.mark.django_db


def _state(player: Player) -> str:
    player.refresh_from_db()
    return player.state


def test_wrong_or_late_eliminates_and_results_are_durable(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1, "An")
    p2, _ = join(game, tree.a_g2, "Bình")
    p3, _ = join(game, tree.a_g3, "Chi")
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    assert q.order == 1
    assert engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])["status"] == "ok"
    assert engine.answer(game=game, player=p2.pk, question=q.pk, options=[0])["status"] == "ok"
    # p3 does not answer in time.
    result = engine.question_reveal(game=game, actor=None)
    assert result["correct"] == [1]
    assert result["distribution"] == [1, 1, 0]
    assert result["eliminated_now"] == 2 and result["survivors"] == 1
    assert (_state(p1), _state(p2), _state(p3)) == (
        PlayerState.ALIVE,
        PlayerState.ELIMINATED,
        PlayerState.ELIMINATED,
    )
    assert Player.objects.get(pk=p2.pk).eliminated_at == 1
    stored = {a.player_id: (a.options, a.correct) for a in Answer.objects.filter(question=q)}
    assert stored == {p1.pk: ([1], True), p2.pk: ([0], False)}
    # An eliminated player may not answer the next main question.
    q2 = engine.question_next(game=game, actor=None)
    assert engine.answer(game=game, player=p2.pk, question=q2.pk, options=[0])["status"] == (
        "not_eligible"
    )


def test_all_wrong_eliminates_nobody(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1)
    p2, _ = join(game, tree.a_g2)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q.pk, options=[0])
    result = engine.question_reveal(game=game, actor=None)
    assert result["all_wrong"] and result["eliminated_now"] == 0
    assert _state(p1) == _state(p2) == PlayerState.ALIVE


def test_rescue_question_brings_back_who_answers_right(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1)
    p2, _ = join(game, tree.a_g2)
    p3, _ = join(game, tree.a_g3)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])
    engine.question_reveal(game=game, actor=None)
    rescue = engine.question_next(game=game, actor=None, role="rescue")
    assert rescue.role == "rescue"
    # The rescue question is for the eliminated: p1 (still in) may not answer it.
    assert engine.answer(game=game, player=p1.pk, question=rescue.pk, options=[0])["status"] == (
        "not_eligible"
    )
    engine.answer(game=game, player=p2.pk, question=rescue.pk, options=[0])  # right
    engine.answer(game=game, player=p3.pk, question=rescue.pk, options=[1])  # wrong
    result = engine.question_reveal(game=game, actor=None)
    assert result["rescued_now"] == 1
    assert (_state(p2), _state(p3)) == (PlayerState.RESCUED, PlayerState.ELIMINATED)
    # A rescued player plays on like one still in.
    q2 = engine.question_next(game=game, actor=None)
    assert engine.answer(game=game, player=p2.pk, question=q2.pk, options=[0])["status"] == "ok"


def test_host_rescues_everyone(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1)
    p2, _ = join(game, tree.a_g2)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])
    engine.question_reveal(game=game, actor=None)
    assert engine.rescue_all(game=game, actor=None) == 1
    assert _state(p2) == PlayerState.RESCUED
    with pytest.raises(ValidationError):
        engine.rescue_all(game=game, actor=None)  # nobody left to rescue


def test_golden_bell_when_few_are_left_and_winners(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa, golden_at=1)
    p1, _ = join(game, tree.a_g1, "An")
    p2, _ = join(game, tree.a_g2, "Bình")
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])
    engine.answer(game=game, player=p2.pk, question=q.pk, options=[2])
    engine.question_reveal(game=game, actor=None)
    golden = engine.question_next(game=game, actor=None)  # one left: the golden bell
    assert golden.role == "golden"
    assert engine.answer(game=game, player=p1.pk, question=golden.pk, options=[1, 0])["status"] == (
        "ok"
    )
    engine.question_reveal(game=game, actor=None)
    winners = engine.game_end(game=game, actor=None)
    assert [w["name"] for w in winners] == ["An"] and winners[0]["golden"]
    p1.refresh_from_db()
    assert p1.winner and p1.golden_bell
    game.refresh_from_db()
    assert game.status == GameStatus.FINISHED
    # The game is an activity record of the organising unit, with its participants.
    activity = Activity.objects.get(pk=game.activity_id)
    assert activity.unit_id == tree.pa.pk and activity.participants == 2
    assert tree.a_g1.name in activity.note


def test_score_mode_rewards_right_and_fast(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa, GameMode.SCORE)
    fast, _ = join(game, tree.a_g1, "Nhanh")
    slow, _ = join(game, tree.a_g2, "Chậm")
    wrong, _ = join(game, tree.a_g3, "Sai")
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=fast.pk, question=q.pk, options=[1])
    time.sleep(1.1)  # the slow one answers a second later: 1/20 of the speed points less
    engine.answer(game=game, player=slow.pk, question=q.pk, options=[1])
    engine.answer(game=game, player=wrong.pk, question=q.pk, options=[0])
    result = engine.question_reveal(game=game, actor=None)
    board = result["leaderboard"]
    assert [row["name"] for row in board] == ["Nhanh", "Chậm", "Sai"]
    scores = {row["name"]: row["score"] for row in board}
    assert scores["Nhanh"] - scores["Chậm"] >= 25 and scores["Chậm"] >= 500
    assert scores["Sai"] == 0
    # Nobody is eliminated in score mode.
    assert _state(wrong) == PlayerState.ALIVE
    winners = engine.game_end(game=game, actor=None)
    assert [w["name"] for w in winners] == ["Nhanh"]


def test_deadline_is_the_servers(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1)
    p2, _ = join(game, tree.a_g2)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])
    live.set_meta(game.pk, {"deadline": live.now_ms() - 1})  # time is up
    assert engine.answer(game=game, player=p2.pk, question=q.pk, options=[1])["status"] == "late"
    engine.question_reveal(game=game, actor=None)
    assert _state(p2) == PlayerState.ELIMINATED
    # After the reveal no answer is taken, and a bad option never is.
    assert engine.answer(game=game, player=p2.pk, question=q.pk, options=[1])["status"] == (
        "not_open"
    )


def test_reveal_before_time_is_up_closes_the_question(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    assert engine.answer(game=game, player=p1.pk, question=q.pk, options=[7])["status"] == (
        "bad_option"
    )
    engine.question_reveal(game=game, actor=None)
    assert int(live.meta(game.pk)["deadline"]) <= live.now_ms()


def test_answers_are_idempotent_first_stored_wins(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    first = engine.answer(game=game, player=p1.pk, question=q.pk, options=[0])
    again = engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])
    assert first["status"] == "ok" and again["status"] == "dup"
    assert again["options"] == [0] and again["received_ms"] == first["received_ms"]
    engine.question_reveal(game=game, actor=None)
    assert Answer.objects.filter(player=p1).count() == 1
    assert _state(p1) == PlayerState.ALIVE  # all wrong: nobody out


def test_reconnection_within_60_seconds_keeps_the_player(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa, GameMode.SCORE)
    p1, token = join(game, tree.a_g1)
    p2, token2 = join(game, tree.a_g2)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])
    engine.question_reveal(game=game, actor=None)
    # Gone for 50 s: the same device comes back as the same player, score kept.
    live.seen(game.pk, {p1.pk: live.now_ms() - 50_000, p2.pk: live.now_ms() - 61_000})
    assert engine.player_of(game, token) == p1.pk
    snap = engine.snapshot(game, player=p1.pk)
    assert snap["me"]["score"] > 0 and snap["me"]["answer"] == [1]
    # Gone for more than 60 s while the game runs: the seat is lost.
    assert engine.player_of(game, token2) is None
    assert engine.player_of(game, "another device") is None


def test_state_survives_a_store_that_lost_it(tree: Tree, live: Store) -> None:
    """The demo's one process restarted: the live state is loaded back from the database."""
    game = make_game(tree.pa)
    p1, _token = join(game, tree.a_g1)
    join(game, tree.a_g2)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])
    engine.question_reveal(game=game, actor=None)
    live.drop(game.pk)
    meta = engine.ensure_live(Game.objects.get(pk=game.pk))
    assert meta["phase"] == "ready"
    assert engine.counts(game)["alive"] == 1
    nxt = engine.question_next(game=game, actor=None)
    assert nxt.pk != q.pk


def test_pause_stops_answers_and_resume_gives_back_the_time(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1)
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.game_pause(game=game, actor=None)
    assert engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])["status"] == (
        "not_open"
    )
    with pytest.raises(ValidationError):
        engine.question_reveal(game=game, actor=None)
    engine.game_resume(game=game, actor=None)
    remaining = int(live.meta(game.pk)["deadline"]) - live.now_ms()
    assert 15_000 < remaining <= 20_000
    assert engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])["status"] == "ok"


def test_joining_rules(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    with pytest.raises(ValidationError) as outside:
        join(game, tree.b_g1)  # a union of another province
    assert "unit" in outside.value.message_dict
    with pytest.raises(ValidationError):
        players.player_join(game=game, name="  ", unit=tree.a_g1, token="x")
    join(game, tree.a_g1)
    engine.game_start(game=game, actor=None)
    with pytest.raises(ValidationError) as late:
        join(game, tree.a_g2)
    assert "đã bắt đầu" in " ".join(late.value.messages)


def test_correct_answer_never_sent_before_the_deadline(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1)
    engine.game_start(game=game, actor=None)
    inbox: queue.Queue[dict[str, Any]] = queue.Queue()
    listener = hub.Listener(game=game.pk, player=p1.pk, tqueue=inbox)
    hub.add(listener)
    if isinstance(live, RedisStore):
        # Real Redis: this process's one subscription delivers what the engine publishes.
        assert hub.listen_redis(redis_url_of(live), live.channel).wait(5)
    try:
        q = engine.question_next(game=game, actor=None)
        event = inbox.get(timeout=5)
        assert event["type"] == "question"
        text = json.dumps(event)
        assert "correct" not in text
        snap = engine.snapshot(game, player=p1.pk)
        assert "correct" not in json.dumps(snap)
        engine.question_reveal(game=game, actor=None)
        revealed = inbox.get(timeout=5)
        assert revealed["type"] == "reveal" and revealed["data"]["reveal"]["correct"] == q.correct
        assert revealed["players"][str(p1.pk)]["state"] == PlayerState.ALIVE
        assert revealed["data"]["counts"] == engine.counts(game)
    finally:
        hub.remove(listener)


def test_answer_counts_to_screens_are_throttled_last_one_sent(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa, GameMode.SCORE)
    joined = [join(game, tree.a_g1, f"Người chơi {i}")[0] for i in range(12)]
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    inbox: queue.Queue[dict[str, Any]] = queue.Queue()
    listener = hub.Listener(game=game.pk, screen=True, tqueue=inbox)
    hub.add(listener)
    if isinstance(live, RedisStore):
        assert hub.listen_redis(redis_url_of(live), live.channel).wait(5)
    try:
        for p in joined:
            engine.answer(game=game, player=p.pk, question=q.pk, options=[1])
        time.sleep(engine.COUNT_INTERVAL * 3)
        counts = []
        while not inbox.empty():
            event = inbox.get_nowait()
            if event["type"] == "answered":
                counts.append(event["data"]["answered"])
    finally:
        hub.remove(listener)
    assert counts[-1] == 12 and len(counts) < 12


def test_concurrent_answers_one_stored_none_lost(tree: Tree, live: Store) -> None:
    """Retries racing each other (one phone) and a hall answering at once (many phones):
    exactly one answer per player, the same one returned to every retry, none lost."""
    from concurrent.futures import ThreadPoolExecutor

    game = make_game(tree.pa, GameMode.SCORE)
    joined = [join(game, tree.a_g1, f"Người chơi {i}")[0] for i in range(20)]
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    first = joined[0]

    def send(i: int) -> dict[str, Any]:
        who = first if i < 20 else joined[i - 20]
        return engine.answer(game=game, player=who.pk, question=q.pk, options=[i % 3])

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(40)))
    mine = results[:20]
    assert sum(r["status"] == "ok" for r in mine) <= 1
    assert len({(tuple(r["options"]), r["received_ms"]) for r in mine}) == 1
    assert len(live.answers(game.pk, q.pk)) == 20
    engine.question_reveal(game=game, actor=None)
    assert Answer.objects.filter(question=q).count() == 20


def test_ended_before_any_question_nobody_wins(tree: Tree, live: Store) -> None:
    game = make_game(tree.pa)
    join(game, tree.a_g1)
    engine.game_start(game=game, actor=None)
    assert engine.game_end(game=game, actor=None) == []
    assert not Player.objects.filter(game=game, winner=True).exists()
    with pytest.raises(ValidationError):
        engine.game_end(game=game, actor=None)


def test_reveal_sent_first_then_written_and_a_crash_between_loses_nothing(
    tree: Tree, live: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reveal reaches the phones before the database is written; should the process die
    in between, the game's next host action writes the results from the store, and the
    sweep of a process serving the game does it when no host action comes."""
    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1, "An")
    p2, _ = join(game, tree.a_g2, "Bình")
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])
    engine.answer(game=game, player=p2.pk, question=q.pk, options=[0])
    inbox: queue.Queue[dict[str, Any]] = queue.Queue()
    listener = hub.Listener(game=game.pk, player=p2.pk, tqueue=inbox)
    hub.add(listener)
    if isinstance(live, RedisStore):
        assert hub.listen_redis(redis_url_of(live), live.channel).wait(5)
    written = engine._save

    def dies(game_id: int, unsaved: str) -> None:
        raise SystemExit("the process died")

    monkeypatch.setattr(engine, "_save", dies)
    try:
        with pytest.raises(SystemExit):
            engine.question_reveal(game=game, actor=None)
        event = inbox.get(timeout=5)
    finally:
        hub.remove(listener)
    assert event["type"] == "reveal" and event["players"][str(p2.pk)]["state"] == "eliminated"
    assert not Answer.objects.filter(question=q).exists()
    assert _state(p2) == PlayerState.ALIVE  # the database does not know yet
    assert live.unsaved(game.pk)
    monkeypatch.setattr(engine, "_save", written)
    # No host action yet: the sweep leaves a fresh record to its own request…
    assert engine.sweep_unsaved(game.pk) is False
    # …and writes one left behind.
    monkeypatch.setattr(engine, "UNSAVED_SWEEP_MS", 0)
    assert engine.sweep_unsaved(game.pk) is True
    assert live.unsaved(game.pk) is None
    stored = {a.player_id: (a.options, a.correct) for a in Answer.objects.filter(question=q)}
    assert stored == {p1.pk: ([1], True), p2.pk: ([0], False)}
    assert (_state(p1), _state(p2)) == (PlayerState.ALIVE, PlayerState.ELIMINATED)
    assert Player.objects.get(pk=p2.pk).eliminated_at == 1
    assert Player.objects.get(pk=p1.pk).score == 1
    # Died again, after the next reveal: the host's next action writes it first.
    q2 = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q2.pk, options=q2.correct)
    monkeypatch.setattr(engine, "_save", dies)
    with pytest.raises(SystemExit):
        engine.question_reveal(game=game, actor=None)
    monkeypatch.setattr(engine, "_save", written)
    assert not Answer.objects.filter(question=q2).exists()
    engine.game_end(game=game, actor=None)
    assert list(Answer.objects.filter(question=q2).values_list("player_id", "correct")) == [
        (p1.pk, True)
    ]
    assert Player.objects.get(pk=p1.pk).score == 2 and live.unsaved(game.pk) is None
    # Written twice (a sweep racing the host), the same rows: nothing doubled.
    engine._save(game.pk, json.dumps({"q": q2.pk, "points": {str(p1.pk): 1}}))
    assert Answer.objects.filter(question=q2).count() == 1
    assert Player.objects.get(pk=p1.pk).score == 2


def test_a_database_down_at_the_reveal_keeps_the_results_for_later(
    tree: Tree, live: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hall has been told; the host is not shown an error; the record stays in the store
    until the database takes it (the next host action here)."""
    from django.db import OperationalError

    game = make_game(tree.pa)
    p1, _ = join(game, tree.a_g1, "An")
    p2, _ = join(game, tree.a_g2, "Bình")
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    engine.answer(game=game, player=p1.pk, question=q.pk, options=[1])
    written = engine._write_players

    def down(*args: Any) -> None:
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(engine, "_write_players", down)
    assert engine.question_reveal(game=game, actor=None)["eliminated_now"] == 1
    assert live.unsaved(game.pk) and not Answer.objects.filter(question=q).exists()
    monkeypatch.setattr(engine, "_write_players", written)
    engine.rescue_all(game=game, actor=None)
    assert live.unsaved(game.pk) is None
    assert Answer.objects.filter(question=q).count() == 1
    assert Player.objects.get(pk=p2.pk).eliminated_at == 1
    assert _state(p2) == PlayerState.RESCUED


def test_events_of_another_deployment_on_the_same_redis_are_not_heard(
    tree: Tree, redis_url: str
) -> None:
    """Pub/sub ignores Redis database numbers: the channel names the key prefix and the
    database, so a deployment on another database (or prefix) of one Redis never hears
    this one's games."""
    import redis

    from lantoa.livegame.store import channel_name

    base, _, db = redis_url.rpartition("/")
    other_url = f"{base}/{(int(db) + 1) % 16}"
    ours = RedisStore(redis.Redis.from_url(redis_url), "test:live:chan")
    same_prefix_other_db = RedisStore(redis.Redis.from_url(other_url), "test:live:chan")
    other_prefix = RedisStore(redis.Redis.from_url(redis_url), "test:live:chan2")
    assert ours.channel == channel_name("test:live:chan", int(db))
    assert len({ours.channel, same_prefix_other_db.channel, other_prefix.channel}) == 3
    assert hub.listen_redis(redis_url, ours.channel).wait(5)
    inbox: queue.Queue[dict[str, Any]] = queue.Queue()
    listener = hub.Listener(game=987_654, tqueue=inbox)
    hub.add(listener)
    try:
        same_prefix_other_db.publish({"game": 987_654, "type": "phase", "seq": 1, "data": {}})
        other_prefix.publish({"game": 987_654, "type": "phase", "seq": 2, "data": {}})
        ours.publish({"game": 987_654, "type": "phase", "seq": 3, "data": {}})
        assert inbox.get(timeout=5)["seq"] == 3
        time.sleep(0.2)
        assert inbox.empty()
    finally:
        hub.remove(listener)


def test_an_event_is_encoded_once_and_a_players_line_spliced_in() -> None:
    from lantoa.livegame import streams

    event = {
        "game": 1,
        "type": "reveal",
        "seq": 7,
        "data": {"reveal": {"correct": [1], "explanation": "Điều 25"}, "counts": {"alive": 2}},
        "players": {"5": {"state": "eliminated", "score": 0}},
    }
    mine = streams.render_event(event, hub.Listener(game=1, player=5))
    other = streams.render_event(event, hub.Listener(game=1, player=6))
    screen = streams.render_event(event, hub.Listener(game=1, screen=True))
    assert (
        mine
        == streams.render(
            "reveal", {**event["data"], "me": {"state": "eliminated", "score": 0}}, 7
        ).encode()
    )
    assert other == screen == streams.render("reveal", event["data"], 7).encode()
    empty = {"game": 1, "type": "rescue", "seq": 8, "data": {}, "players": {"5": {"s": 1}}}
    assert (
        streams.render_event(empty, hub.Listener(game=1, player=5))
        == streams.render("rescue", {"me": {"s": 1}}, 8).encode()
    )


def test_phones_get_the_first_winners_and_how_many_there_are(
    tree: Tree, live: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hall where hundreds survive: each phone gets the first WINNERS_SENT and the total,
    not the whole list; every winner is still marked in the database."""
    monkeypatch.setattr(engine, "WINNERS_SENT", 2)
    game = make_game(tree.pa)
    everyone = [
        join(game, unit, f"Người {i}")[0]
        for i, unit in enumerate((tree.a_g1, tree.a_g2, tree.a_g3))
    ]
    engine.game_start(game=game, actor=None)
    q = engine.question_next(game=game, actor=None)
    for p in everyone:
        engine.answer(game=game, player=p.pk, question=q.pk, options=[1])
    engine.question_reveal(game=game, actor=None)
    assert len(engine.game_end(game=game, actor=None)) == 3
    snap = engine.snapshot(game, player=everyone[0].pk)
    assert snap["phase"] == "finished"
    assert len(snap["winners"]) == 2 and snap["winners_total"] == 3
    assert Player.objects.filter(game=game, winner=True).count() == 3
