"""Platform webhooks, mounted at /webhooks/. Authenticated by the platforms' signatures."""

from django.urls import URLPattern, URLResolver, path

from lantoa.connectors.facebook.webhook import facebook_webhook
from lantoa.connectors.zalo.webhook import zalo_webhook

app_name = "connectors"
urlpatterns: list[URLPattern | URLResolver] = [
    path("zalo/", zalo_webhook, name="zalo"),
    path("facebook/", facebook_webhook, name="facebook"),
]
