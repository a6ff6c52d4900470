from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "lantoa.units"
    label = "units"
    verbose_name = "Đơn vị công đoàn"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lantoa.units.models import Unit
        from lantoa.units.selectors import site_unit_changed

        post_save.connect(site_unit_changed, sender=Unit, dispatch_uid="units.site_unit")
        post_delete.connect(site_unit_changed, sender=Unit, dispatch_uid="units.site_unit")
