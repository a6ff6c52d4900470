"""lantoa.core.bulk.update_rows: each row gets its own values, converted as a save would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lantoa.cascades.models import CascadeRecipient, RecipientState
from lantoa.core.bulk import update_rows
from tests.cascades.support import make
from tests.conftest import Tree


def test_update_rows_writes_each_rows_own_values(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    rows = list(CascadeRecipient.objects.filter(cascade=cascade).order_by("pk"))
    assert len(rows) >= 3
    first, second, third = rows[:3]
    at = timezone.now().replace(microsecond=0) - dt.timedelta(days=2)
    first.state, first.done_at = RecipientState.DONE, at
    first.proof_links = ["https://www.facebook.com/cdcs/posts/1", "ảnh ở bảng tin"]
    first.proof_photo.name = "cascades/1/anh.jpg"
    first.note = "Đã treo bảng tin ở nhà ăn ca."
    second.state, second.received_at = RecipientState.RECEIVED, at + dt.timedelta(hours=3)
    third.note = "chưa làm"  # not in ``rows`` below: left alone
    assert (
        update_rows(
            [first, second],
            ["state", "done_at", "proof_links", "proof_photo", "received_at", "note"],
        )
        == 2
    )
    a, b, c = CascadeRecipient.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by("pk")
    assert (a.state, a.done_at, a.proof_links, a.proof_photo.name, a.note) == (
        RecipientState.DONE,
        at,
        ["https://www.facebook.com/cdcs/posts/1", "ảnh ở bảng tin"],
        "cascades/1/anh.jpg",
        "Đã treo bảng tin ở nhà ăn ca.",
    )
    assert (b.state, b.received_at, b.done_at, b.note) == (
        RecipientState.RECEIVED,
        at + dt.timedelta(hours=3),
        None,
        "",
    )
    assert c.note == ""
    assert update_rows([], ["note"]) == 0


def test_update_rows_refuses_keys_and_unsaved_rows(tree: Tree) -> None:
    cascade = make(tree.pa, send=True)
    row = CascadeRecipient.objects.filter(cascade=cascade).first()
    assert row is not None
    with pytest.raises(ValueError):
        update_rows([row], ["id"])
    with pytest.raises(ValueError):
        update_rows([CascadeRecipient(cascade=cascade, unit=tree.pa)], ["note"])
