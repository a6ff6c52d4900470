"""The players' pages, mounted at /choi/."""

from django.urls import URLPattern, URLResolver, path

from lantoa.livegame import public_views

app_name = "livegame_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.enter_pin, name="pin"),
    path("<str:pin>/", public_views.join, name="join"),
    path("<str:pin>/ma-xac-minh/", public_views.entrant_code, name="code"),
    path("<str:pin>/don-vi/", public_views.unit_search, name="units"),
    path("<str:pin>/choi/", public_views.play, name="play"),
    path("<str:pin>/su-kien/", public_views.player_events, name="events"),
    path("<str:pin>/tra-loi/", public_views.answer, name="answer"),
]
