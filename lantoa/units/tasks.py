"""Background work for the union tree. Tasks take ids, never model objects."""

from __future__ import annotations

from celery import shared_task

from lantoa.units.importing import unit_import_job_run, unit_import_jobs_resume


@shared_task(name="units.import_units", soft_time_limit=900, time_limit=960, acks_late=True)
def import_units_task(job_id: int) -> None:
    unit_import_job_run(job_id=job_id)


@shared_task(name="units.resume_imports")
def resume_imports_task() -> int:
    return unit_import_jobs_resume()
