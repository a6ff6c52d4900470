from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lantoa.audit"
    label = "audit"
    verbose_name = "Nhật ký bảo mật"
