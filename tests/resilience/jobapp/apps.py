from django.apps import AppConfig


class ResilienceJobsConfig(AppConfig):
    """A test-only kind of durable job for tests/resilience (installed by its server settings
    only): the real machinery (lantoa.core.jobs, the sweep, Celery on Redis) runs it."""

    name = "tests.resilience.jobapp"
    label = "resilience_jobs"
