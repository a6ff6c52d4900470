from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "lantoa.access"
    label = "access"
    verbose_name = "Quyền truy cập"
