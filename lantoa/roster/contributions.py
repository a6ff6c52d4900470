"""What roster adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lantoa.core.extensions import (
    OWN,
    SEED,
    STATE,
    DemoBuilder,
    DemoContext,
    TargetMetric,
    UnitSection,
    demo_builders,
    target_metrics,
    unit_sections,
)
from lantoa.core.text import format_int
from lantoa.roster import metrics
from lantoa.roster.models import Communicator
from lantoa.units.models import Unit


def _roster(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    active = Communicator.objects.filter(unit=unit, active=True).order_by("full_name")
    return {"communicators": active}


unit_sections.register(
    UnitSection(
        key="roster",
        template_name="roster/_unit_roster.html",
        context=_roster,
        order=30,
        anchor="doi-ngu",
        tab_label=_("Đội ngũ"),
    )
)


def _seed_roster(ctx: DemoContext) -> None:
    from lantoa.roster.demo import seed_demo_roster

    totals = seed_demo_roster(seed=ctx.seed)
    ctx.totals.extend(
        [
            f"  cán bộ truyền thông, báo cáo viên: {format_int(totals.communicators)}",
            f"  lớp tập huấn: {format_int(totals.trainings)}",
            f"  lượt tham gia tập huấn: {format_int(totals.attendances)}",
        ]
    )


demo_builders.register(DemoBuilder(key="roster", build=_seed_roster, order=20, stage=SEED))


# ── Target metrics ──
target_metrics.register(
    TargetMetric(
        "communicators",
        _("Cán bộ truyền thông trong danh sách"),
        _("người"),
        STATE,
        OWN,
        metrics.communicators,
        order=90,
    )
)
