from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "lantoa.units"
    label = "units"
    verbose_name = "Đơn vị công đoàn"
