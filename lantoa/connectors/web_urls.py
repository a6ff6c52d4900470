"""Officer pages of the connectors, mounted at /ket-noi/."""

from django.urls import URLPattern, URLResolver, path

from lantoa.connectors import views

app_name = "connectors_web"
urlpatterns: list[URLPattern | URLResolver] = [
    path("kenh/<int:pk>/", views.channel_connect, name="connect"),
    path("kenh/<int:pk>/ngat/", views.channel_disconnect, name="disconnect"),
    path("<str:code>/", views.unit_connectors, name="unit"),
]
