"""Lan Tỏa — trade-union communications platform."""

# Load the Celery app with Django, so that ``shared_task`` tasks queued from web processes
# use the project's broker settings (the standard Django + Celery layout).
from lantoa.celery import app as celery_app

__all__ = ["celery_app"]
