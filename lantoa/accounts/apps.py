from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lantoa.accounts"
    label = "accounts"
    verbose_name = "Cán bộ và tài khoản"

    def ready(self) -> None:
        from lantoa.accounts import signals

        signals.connect()
