"""What the core contributes to the registries of ``lantoa.core.extensions``."""

from __future__ import annotations

from lantoa.core import health
from lantoa.core.extensions import BeatEntry, HealthCheck, beat_schedule, health_checks

# One sweep for every kind of durable job (lantoa.core.jobs; kinds in extensions.job_kinds).
beat_schedule.register(BeatEntry(key="jobs-sweep", task="core.sweep_jobs", schedule=60.0))
# The worker's heartbeat, which /healthz reads.
beat_schedule.register(
    BeatEntry(key="worker-heartbeat", task="core.heartbeat", schedule=health.HEARTBEAT_SECONDS)
)

health_checks.register(HealthCheck(key="database", run=health.check_database, order=10))
health_checks.register(HealthCheck(key="cache", run=health.check_cache, order=20))
health_checks.register(HealthCheck(key="broker", run=health.check_broker, order=30))
health_checks.register(HealthCheck(key="worker", run=health.check_worker, order=40))
