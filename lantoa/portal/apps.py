from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the layers: the home page, the unit page and its forms, the demo. It puts
    the other apps together through the registries of ``lantoa.core.extensions``."""

    name = "lantoa.portal"
    label = "portal"
    verbose_name = "Lan Tỏa"
