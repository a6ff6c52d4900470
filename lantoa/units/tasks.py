"""Background work for the union tree. Tasks take ids, never model objects."""

from __future__ import annotations

from lantoa.celery import app
from lantoa.units.importing import unit_import_job_run


# Bound to the project's app (not ``shared_task``) so that ``.delay`` from the web process
# uses the configured broker even where the Celery app was not imported at start-up.
@app.task(name="units.import_units", soft_time_limit=900, time_limit=960, acks_late=True)
def import_units_task(job_id: int) -> None:
    unit_import_job_run(job_id=job_id)
