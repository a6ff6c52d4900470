"""Demo games for ``lantoa demo``: a finished "Rung chuông vàng" of the province, played through
the engine (questions from the demo contest's bank, 12 players of its grassroots unions, one
rescue), with its results and activity record; and a game in its lobby that a newcomer joins
from a second browser with its PIN. Made once: a second run finds them and changes nothing."""

from __future__ import annotations

import random
import secrets

from lantoa.livegame import engine, players, services
from lantoa.livegame.engine import use_store
from lantoa.livegame.models import Game, GameMode, GameStatus
from lantoa.livegame.store import MemoryStore
from lantoa.units.models import Unit, UnitClosure, UnitKind, UnitStatus
from lantoa.units.seed import person_name

FINISHED_TITLE = "Rung chuông vàng: Công nhân với Bộ luật Lao động"
LOBBY_TITLE = "Rung chuông vàng: Hội thi mừng Đại hội Công đoàn"


def ensure_demo_games(*, seed: int = 1) -> int:
    from lantoa.contests.models import Contest, ContestKind

    province = (
        Unit.objects.filter(status=UnitStatus.ACTIVE, kind=UnitKind.PROVINCE).order_by("pk").first()
    )
    if province is None or Game.objects.filter(unit=province, title=FINISHED_TITLE).exists():
        return 0
    contest = (
        Contest.objects.filter(unit=province, kind=ContestKind.QUIZ).order_by("created_at").first()
    )
    if contest is None or contest.questions.count() < 7:
        return 0
    grassroots = list(
        Unit.objects.filter(
            pk__in=UnitClosure.objects.filter(ancestor_id=province.pk).values("descendant_id"),
            kind=UnitKind.GRASSROOTS,
            status=UnitStatus.ACTIVE,
        ).order_by("-member_count", "code")[:4]
    )
    if not grassroots:
        return 0
    rng = random.Random(f"{seed}:livegame")  # noqa: S311 - demo data
    # Played in this process's memory, whatever the server will use: only the database lasts.
    use_store(MemoryStore())
    try:
        game = services.game_create(
            unit=province,
            actor=None,
            title=FINISHED_TITLE,
            mode=GameMode.ELIMINATION,
            questions=services.draw_from_bank(contest, count=5, rescue=1, golden=True, seed=seed),
            time_limit=20,
            golden_at=1,
            source_contest=contest,
        )
        people = [
            players.player_join(
                game=game,
                name=person_name(rng),
                unit=grassroots[i % len(grassroots)],
                token=secrets.token_urlsafe(16),
            )
            for i in range(12)
        ]
        engine.game_start(game=game, actor=None)
        # Each question, fewer right: the hall thins out; a rescue question halfway.
        plan = ["main", "main", "rescue", "main", "main", "main", "golden"]
        right_share = {"main": 0.6, "rescue": 0.5, "golden": 1.0}
        for step in plan:
            role = None if step == "main" else step
            try:
                q = engine.question_next(game=game, actor=None, role=role)
            except Exception:
                break
            eligible = engine.ELIMINATED if q.role == "rescue" else engine.IN_GAME
            states = engine.store().states(game.pk)
            for p in people:
                if states.get(p.pk) not in eligible.split(","):
                    continue
                wrong = [i for i in range(len(q.options)) if i not in q.correct] or q.correct
                chosen = q.correct if rng.random() < right_share[step] else [rng.choice(wrong)]
                engine.answer(game=game, player=p.pk, question=q.pk, options=list(chosen))
            engine.question_reveal(game=game, actor=None)
        engine.game_end(game=game, actor=None)
        engine.store().drop(game.pk)
        lobby = services.game_create(
            unit=province,
            actor=None,
            title=LOBBY_TITLE,
            mode=GameMode.ELIMINATION,
            questions=services.draw_from_bank(
                contest, count=5, rescue=1, golden=True, seed=seed + 1
            ),
            time_limit=20,
            golden_at=1,
            source_contest=contest,
        )
        assert lobby.status == GameStatus.LOBBY
    finally:
        use_store(None)
    return 2
