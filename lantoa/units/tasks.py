"""Background work for the union tree. Tasks take ids, never model objects."""

from __future__ import annotations

from celery import shared_task

from lantoa.units.importing import unit_import_job_run


@shared_task(name="units.import_units", soft_time_limit=900, time_limit=960, acks_late=True)
def import_units_task(job_id: int) -> None:
    unit_import_job_run(job_id=job_id)
