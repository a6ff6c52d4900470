"""What accounts adds to the lower apps' screens and processes (lantoa.core.extensions)."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, DemoBuilder, DemoContext, beat_schedule, demo_builders


def _demo_accounts(ctx: DemoContext) -> None:
    """The demo officers, one per role; ``lantoa demo`` prints their logins from
    ``ctx.extra["accounts"]``."""
    from lantoa.accounts.demo import ensure_demo_accounts

    ctx.extra["accounts"] = ensure_demo_accounts()


demo_builders.register(DemoBuilder(key="accounts", build=_demo_accounts, order=20))


# Failed logins older than the throttling window are deleted every hour.
beat_schedule.register(
    BeatEntry(key="prune-login-failures", task="accounts.prune_login_failures", schedule=3600.0)
)
# Expired sessions, and the records of sessions that ended without a logout, every hour.
beat_schedule.register(
    BeatEntry(key="prune-sessions", task="accounts.prune_sessions", schedule=3600.0)
)
