import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantoa.settings")
application = get_wsgi_application()

# What each worker would load on its first requests, loaded before gunicorn forks them
# (`lantoa serve` runs it with --preload; see lantoa/core/warmup.py).
from lantoa.core.warmup import warm  # noqa: E402 - needs the settings configured above

warm()
