import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantoa.settings")
application = get_wsgi_application()

# What each worker would load on its first requests, loaded before gunicorn forks them
# (`lantoa serve` runs it with --preload; see lantoa/core/warmup.py).
from lantoa.core.warmup import warm  # noqa: E402 - needs the settings configured above

warm()
# What is loaded so far lives as long as the process: the garbage collector leaves it alone,
# so a worker's collections do not write to (and copy) the pages it shares with the master
# (Python's documentation for servers that fork; measured: 86 → 51 MB of memory of its own
# per worker).
gc.freeze()
