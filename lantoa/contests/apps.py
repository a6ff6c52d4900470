from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "lantoa.contests"
    label = "contests"
    verbose_name = "Cuộc thi"
