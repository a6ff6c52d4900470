"""The officers' live game screens, mounted at /tro-choi/."""

from django.urls import URLPattern, URLResolver, path

from lantoa.livegame import views

app_name = "livegame"
urlpatterns: list[URLPattern | URLResolver] = [
    path("so/<int:pk>/", views.game_detail, name="detail"),
    path("so/<int:pk>/ket-qua.xlsx", views.results_export, name="results_export"),
    path("so/<int:pk>/dieu-khien/", views.host_console, name="host"),
    path("so/<int:pk>/lenh/", views.host_action, name="action"),
    path("so/<int:pk>/man-hinh/", views.projector, name="projector"),
    path("so/<int:pk>/su-kien/", views.screen_events, name="events"),
    path("so/<int:pk>/ma-qr.svg", views.join_qr, name="qr"),
    path("<str:code>/", views.unit_games, name="unit"),
    path("<str:code>/tao/", views.game_create, name="create"),
]
