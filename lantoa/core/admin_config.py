from django.contrib.admin.apps import AdminConfig


class LantoaAdminConfig(AdminConfig):
    default_site = "lantoa.access.admin_site.LantoaAdminSite"
