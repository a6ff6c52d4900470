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


def test_insert_rows_writes_what_bulk_create_would(tree: Tree) -> None:
    from lantoa.cascades.models import Cascade
    from lantoa.core.bulk import insert_rows

    cascade = make(tree.pa)
    at = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    rows = [
        CascadeRecipient(
            cascade=cascade,
            unit=tree.a_kcn,
            state=RecipientState.DONE,
            done_at=at,
            proof_links=["https://zalo.me/g/abc"],
            note="Đã làm",
        ),
        CascadeRecipient(cascade=cascade, unit=tree.a_xa),
    ]
    assert insert_rows(rows) == 2
    done, pending = CascadeRecipient.objects.filter(cascade=cascade).order_by("pk")
    assert (done.unit, done.state, done.done_at, done.proof_links, done.note) == (
        tree.a_kcn,
        RecipientState.DONE,
        at,
        ["https://zalo.me/g/abc"],
        "Đã làm",
    )
    # Field defaults as a save would write them.
    assert (pending.unit, pending.state, pending.proof_links, pending.note) == (
        tree.a_xa,
        RecipientState.PENDING,
        [],
        "",
    )
    with pytest.raises(ValueError):
        insert_rows([done])  # already saved
    assert insert_rows([]) == 0
    assert Cascade.objects.count() == 1
