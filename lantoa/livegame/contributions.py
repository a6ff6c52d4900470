"""What the live game adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    COUNT,
    OWN,
    SUBTREE,
    DashboardFigures,
    DemoBuilder,
    DemoContext,
    ReportFigures,
    ReportSection,
    TargetMetric,
    WorkLink,
    dashboard_figures,
    demo_builders,
    report_figures,
    report_sections,
    target_metrics,
    work_links,
)
from lantoa.core.text import format_int
from lantoa.livegame import metrics

work_links.register(
    WorkLink(
        key="livegame",
        label=_("Rung chuông vàng"),
        description=_(
            "Trò chơi trực tiếp trong hội trường: người chơi trên điện thoại, màn hình chiếu"
        ),
        url_name="livegame:unit",
        visible=lambda held, unit: "livegame.view" in held,
        order=46,
    )
)


def _demo_games(ctx: DemoContext) -> None:
    from lantoa.livegame.demo import ensure_demo_games

    made = ensure_demo_games(seed=ctx.seed)
    if made:
        ctx.totals.append(f"  trò chơi Rung chuông vàng: {format_int(made)}")


# After the contests' builder (46 > 45): the games draw from its question bank.
demo_builders.register(DemoBuilder(key="livegame", build=_demo_games, order=46))


# ── Targets, the period report and the dashboard: games held, players by their union ──
target_metrics.register(
    TargetMetric(
        "livegame_games",
        _("Trò chơi Rung chuông vàng đã tổ chức"),
        _("trò chơi"),
        COUNT,
        OWN,
        metrics.games_held,
        order=94,
    )
)
target_metrics.register(
    TargetMetric(
        "livegame_players",
        _("Lượt người chơi Rung chuông vàng"),
        _("lượt người chơi"),
        COUNT,
        SUBTREE,
        metrics.game_players,
        order=95,
        assignable=True,
    )
)
report_figures.register(
    ReportFigures("livegame", metrics.report_games, metrics.GameCounts, metrics.counted, order=65)
)
report_sections.register(
    ReportSection(
        key="livegame",
        gather=lambda unit, period, progress: {},
        results=metrics.report_results,
        order=65,
    )
)
dashboard_figures.register(
    DashboardFigures(
        "livegame",
        metrics.dashboard_games,
        metrics.LiveGames,
        order=45,
        shown=metrics.DASHBOARD_SHOWN,
    )
)
