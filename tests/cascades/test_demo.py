"""Demo cascades (lantoa.cascades.demo): created once."""

from __future__ import annotations

from django.utils import timezone

from lantoa.cascades.models import Cascade, CascadeRecipient, CascadeStatus
from lantoa.core.private_files import private_storage
from tests.cascades.support import recipient_codes
from tests.conftest import Tree


def test_demo_cascades_once(tree: Tree) -> None:
    from lantoa.cascades.demo import ensure_demo_cascades

    assert ensure_demo_cascades() == 3
    month, tet, law = Cascade.objects.order_by("pk")
    assert (month.sender, month.recipient_count, month.status) == (tree.pa, 3, "sent")
    assert recipient_codes(tet) == {"A-KCN", "A-XA"}
    # What the demo accounts have to do now: sent days ago, due in three weeks, to grassroots
    # and upper-level unions alike (not only an old, overdue one).
    assert law.status == CascadeStatus.SENT
    assert law.due_on > timezone.localdate() and law.sent_at < timezone.now()
    assert recipient_codes(law) == {
        t.code for t in (tree.a_kcn, tree.a_xa, tree.a_g1, tree.a_g2, tree.a_g3)
    }
    assert month.attachments.get().kind == "docx"
    done = CascadeRecipient.objects.filter(cascade=tet, state="done")
    assert all(r.proof_photo.name and private_storage().exists(r.proof_photo.name) for r in done)
    assert ensure_demo_cascades() == 0
    assert Cascade.objects.count() == 3
