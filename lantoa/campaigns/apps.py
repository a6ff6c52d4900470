from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "lantoa.campaigns"
    label = "campaigns"
    verbose_name = "Chiến dịch truyền thông"
