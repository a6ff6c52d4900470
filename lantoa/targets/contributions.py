"""What targets adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from celery.schedules import crontab

from lantoa.core.extensions import (
    SEED,
    BeatEntry,
    DemoBuilder,
    DemoContext,
    beat_schedule,
    demo_builders,
)


def _seed_targets(ctx: DemoContext) -> None:
    """Targets and period reports over the demo activities (after the activities builder)."""
    if ctx.size != "demo":
        return
    from lantoa.targets.demo import seed_demo_targets

    ctx.out(seed_demo_targets(seed=ctx.seed, as_of=ctx.as_of))


demo_builders.register(DemoBuilder(key="targets", build=_seed_targets, order=40, stage=SEED))


# Target alerts to unit leaders, every morning when due (CELERY_TIMEZONE is Vietnam's).
beat_schedule.register(
    BeatEntry(key="targets-alerts", task="targets.send_alerts", schedule=crontab(hour=7, minute=30))
)
