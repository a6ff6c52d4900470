from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "lantoa.roster"
    label = "roster"
    verbose_name = "Cán bộ truyền thông và báo cáo viên"
