from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "lantoa.core"
    label = "core"
    verbose_name = "Lan Tỏa"

    def ready(self) -> None:
        # Every installed app's contributions.py fills the registries of lantoa.core.extensions.
        autodiscover_modules("contributions")
