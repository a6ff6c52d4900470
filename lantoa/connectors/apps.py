from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "lantoa.connectors"
    label = "connectors"
    verbose_name = "Kết nối nền tảng"
