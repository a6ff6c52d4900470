from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "lantoa.publishing"
    label = "publishing"
    verbose_name = "Đăng tải nội dung"
