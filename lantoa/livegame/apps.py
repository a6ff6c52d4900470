from django.apps import AppConfig


class LivegameConfig(AppConfig):
    name = "lantoa.livegame"
    label = "livegame"
    verbose_name = "Rung chuông vàng"
