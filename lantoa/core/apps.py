from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "lantoa.core"
    label = "core"
    verbose_name = "Lan Tỏa"

    def ready(self) -> None:
        # Every installed app's contributions.py fills the registries of lantoa.core.extensions.
        autodiscover_modules("contributions")
        # The periodic tasks the apps registered become the Celery app's beat schedule: in the
        # worker started with --beat (lantoa worker, lantoa demo) Django is set up before beat
        # reads it. The project's Celery app is the current one (lantoa/__init__.py loads it).
        from celery import current_app

        from lantoa.core import net  # noqa: F401 - registers the deploy check of the proxy count
        from lantoa.core.extensions import beat_schedule_conf

        current_app.conf.beat_schedule = beat_schedule_conf()

        # A background worker embeds whole articles: its model may use more threads.
        from celery.signals import worker_init

        from lantoa.core import embedding

        worker_init.connect(embedding.in_worker, weak=False, dispatch_uid="lantoa-embedding")

        # The check that private files are not published by the web server (lantoa check).
        from lantoa.core import private_files  # noqa: F401
