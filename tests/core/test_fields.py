"""The "who and when" field factories build the fields the models spelled out before."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lantoa.activities.models import Activity
from lantoa.core.fields import when_created, when_updated, who
from lantoa.kb.models import Article


def test_who_is_an_optional_user_kept_as_no_one_without_reverse_accessor() -> None:
    field = who("người tạo")
    _, path, _args, kwargs = field.deconstruct()
    assert path == "django.db.models.ForeignKey"
    assert kwargs == {
        "null": True,
        "blank": True,
        "on_delete": models.SET_NULL,
        "related_name": "+",
        "to": settings.AUTH_USER_MODEL.lower(),
        "verbose_name": "người tạo",
    }


def test_when_fields_are_set_by_django() -> None:
    assert when_created().deconstruct()[3] == {"auto_now_add": True}
    assert when_updated("lúc").deconstruct()[3] == {"auto_now": True, "verbose_name": "lúc"}


def test_models_carry_them() -> None:
    created_by = Activity._meta.get_field("created_by")
    assert isinstance(created_by, models.ForeignKey) and created_by.null
    assert str(created_by.verbose_name) == "người ghi"
    assert Article._meta.get_field("updated_at").auto_now  # type: ignore[union-attr]
