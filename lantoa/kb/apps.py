from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "lantoa.kb"
    label = "kb"
    verbose_name = "Hỏi đáp pháp luật"
