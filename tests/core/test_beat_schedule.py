"""The periodic tasks: registered by their apps (contributions.py), handed to Celery once the
apps are ready (CoreConfig.ready): the schedule settings.py used to spell out, less the content
clock and the per-kind sweeps of durable jobs: one sweep, ``core.sweep_jobs``, hands back
and queues every kind of job, scheduled site publications included (the one clock)."""

from __future__ import annotations

from celery.schedules import crontab

from lantoa.core.extensions import beat_schedule, beat_schedule_conf

EXPECTED = {
    "prune-login-failures": {"task": "accounts.prune_login_failures", "schedule": 3600.0},
    "prune-sessions": {"task": "accounts.prune_sessions", "schedule": 3600.0},
    "inquiry-sla": {"task": "inquiries.sla_sweep", "schedule": 60.0},
    "inquiry-retention": {"task": "inquiries.retention_purge", "schedule": 6 * 3600.0},
    "connectors-mailbox": {"task": "connectors.poll_mailbox", "schedule": 60.0},
    "connectors-inbound": {"task": "connectors.process_waiting", "schedule": 5.0},
    "connectors-tokens": {"task": "connectors.refresh_tokens", "schedule": 1800.0},
    "connectors-prune": {"task": "connectors.prune_events", "schedule": 3600.0},
    "jobs-sweep": {"task": "core.sweep_jobs", "schedule": 60.0},
    "notifications-email-sweep": {"task": "notifications.email_sweep", "schedule": 300.0},
    "worker-heartbeat": {"task": "core.heartbeat", "schedule": 30.0},
    "campaigns-status": {"task": "campaigns.sync_status", "schedule": 3600.0},
    "targets-alerts": {"task": "targets.send_alerts", "schedule": crontab(hour=7, minute=30)},
    "cascades-remind": {"task": "cascades.remind_due", "schedule": crontab(hour=8, minute=0)},
    "cascades-announce-sweep": {"task": "cascades.announce_sweep", "schedule": 300.0},
    "kb-embed-stale": {"task": "kb.embed_stale", "schedule": 300.0},
    "inquiry-embed-stale": {"task": "inquiries.embed_stale", "schedule": 300.0},
    "contests-expire": {"task": "contests.expire_attempts", "schedule": 60.0},
}


def test_the_registry_holds_exactly_the_schedule() -> None:
    assert beat_schedule_conf() == EXPECTED
    assert len(beat_schedule) == len(EXPECTED)


def test_the_celery_app_gets_the_schedule_once_django_is_set_up() -> None:
    from lantoa.celery import app

    assert app.conf.beat_schedule == EXPECTED


def test_every_scheduled_task_exists() -> None:
    from lantoa.celery import app

    app.loader.import_default_modules()
    missing = {e["task"] for e in EXPECTED.values()} - set(app.tasks)
    assert not missing, sorted(missing)


def test_apps_declare_tasks_with_shared_task_and_do_not_import_the_celery_app() -> None:
    """Tasks are ``@shared_task``s (lantoa/__init__.py loads the project's Celery app first,
    so they use its broker); only management commands (the worker, the demo) may import
    ``lantoa.celery``, for ``ensure_queue_dirs``."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "lantoa"
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel in ("__init__.py", "celery.py") or "/management/commands/" in rel:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "lantoa.celery":
                found.append(rel)
            elif isinstance(node, ast.ImportFrom) and node.module == "lantoa":
                found += [rel for alias in node.names if alias.name == "celery"]
            elif isinstance(node, ast.Import):
                found += [rel for alias in node.names if alias.name == "lantoa.celery"]
    assert not found, found
