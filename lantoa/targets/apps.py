from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "lantoa.targets"
    label = "targets"
    verbose_name = "Chỉ tiêu"
