"""Background work for reports. Tasks take ids, never model objects."""

from __future__ import annotations

from lantoa.celery import app
from lantoa.reports.services import report_job_run


# Bound to the project's app (not ``shared_task``) so that ``.delay`` from the web process
# uses the configured broker even where the Celery app was not imported at start-up.
@app.task(name="reports.build_report", soft_time_limit=300, time_limit=360, acks_late=True)
def build_report_task(job_id: int) -> None:
    report_job_run(job_id=job_id)
