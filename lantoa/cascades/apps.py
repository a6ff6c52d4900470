from django.apps import AppConfig


class CascadesConfig(AppConfig):
    name = "lantoa.cascades"
    label = "cascades"
    verbose_name = "Triển khai xuống cơ sở"
