"""Lan Tỏa — trade-union communications platform."""

import os

# numpy's BLAS would start a thread per core for every matrix product (the semantic search's
# 20.000 × 384 product: 1 ms on one thread); beside the web workers those threads only wait
# for each other (p95 12 ms on two against 5 ms on one). Set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Load the Celery app with Django, so that ``shared_task`` tasks queued from web processes
# use the project's broker settings (the standard Django + Celery layout).
from lantoa.celery import app as celery_app

__all__ = ["celery_app"]
