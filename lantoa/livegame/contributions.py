"""What the live game adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import DemoBuilder, DemoContext, WorkLink, demo_builders, work_links
from lantoa.core.text import format_int

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
