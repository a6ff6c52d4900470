from typing import Any

from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "lantoa.contests"
    label = "contests"
    verbose_name = "Cuộc thi"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lantoa.contests.models import Contest, Round
        from lantoa.contests.selectors import public_forget

        def contest_changed(instance: Contest, **_kwargs: Any) -> None:
            public_forget(instance.pk)

        def round_changed(instance: Round, **_kwargs: Any) -> None:
            public_forget(instance.contest_id)

        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                contest_changed, sender=Contest, weak=False, dispatch_uid=f"contests.public.{name}"
            )
            signal.connect(
                round_changed, sender=Round, weak=False, dispatch_uid=f"rounds.public.{name}"
            )
