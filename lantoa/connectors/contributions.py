"""What connectors contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# Platform connectors (Zalo OA, Facebook Messenger, e-mail): requeued events, the
# mailbox, access tokens and old events.
beat_schedule.register(
    BeatEntry(key="connectors-requeue", task="connectors.requeue_events", schedule=60.0)
)
beat_schedule.register(
    BeatEntry(key="connectors-mailbox", task="connectors.poll_mailbox", schedule=60.0)
)
beat_schedule.register(
    BeatEntry(key="connectors-tokens", task="connectors.refresh_tokens", schedule=1800.0)
)
beat_schedule.register(
    BeatEntry(key="connectors-prune", task="connectors.prune_events", schedule=3600.0)
)
