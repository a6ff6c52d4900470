from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "lantoa.surveys"
    label = "surveys"
    verbose_name = "Khảo sát xã hội"
