"""What content contributes to the registries of lantoa.core.extensions."""

from __future__ import annotations

from lantoa.core.extensions import BeatEntry, beat_schedule

# Scheduled content items go out.
beat_schedule.register(
    BeatEntry(key="content-publish-due", task="content.publish_due", schedule=60.0)
)
