from django.contrib.admin.apps import AdminConfig


class LantoaAdminConfig(AdminConfig):
    default_site = "lantoa.core.admin_site.LantoaAdminSite"
