from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "lantoa.channels"
    label = "channels"
    verbose_name = "Kênh truyền thông"
