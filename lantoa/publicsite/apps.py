from django.apps import AppConfig


class PublicSiteConfig(AppConfig):
    # Not "site"/"sites": django.contrib.sites uses the label "sites".
    name = "lantoa.publicsite"
    label = "publicsite"
    verbose_name = "Trang thông tin công khai"
