"""The public response pages, /khao-sat/<slug>/<unit code>/ (after the officers' routes)."""

from django.urls import URLPattern, URLResolver, path

from lantoa.surveys import public_views as views

app_name = "surveys_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/<str:unit_code>/", views.respond, name="respond"),
    path("<slug:slug>/<str:unit_code>/da-gui/", views.thanks, name="thanks"),
    path("<slug:slug>/<str:unit_code>/don-vi/", views.unit_search, name="units"),
    path("<slug:slug>/<str:unit_code>/sw.js", views.service_worker, name="service_worker"),
]
