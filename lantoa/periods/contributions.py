"""What lantoa.periods adds to lower apps (read by CoreConfig.ready())."""

from __future__ import annotations

from lantoa.core.extensions import RecordGuard, record_guards
from lantoa.periods.locks import lock_check, locked_message

# An approved period report locks the unit's activity records of the period.
record_guards.register(
    RecordGuard(key="periods.approved_report", refusal=locked_message, refusals=lock_check)
)
