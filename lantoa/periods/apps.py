from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "lantoa.periods"
    label = "periods"
    verbose_name = "Kỳ báo cáo"
