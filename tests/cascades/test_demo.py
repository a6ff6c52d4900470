"""Demo cascades (lantoa.cascades.demo): created once."""

from __future__ import annotations

from lantoa.cascades.models import Cascade, CascadeRecipient, CascadeStatus
from lantoa.core.private_files import private_storage
from tests.cascades.support import recipient_codes
from tests.conftest import Tree


def test_demo_cascades_once(tree: Tree) -> None:
    from lantoa.cascades.demo import ensure_demo_cascades

    assert ensure_demo_cascades() == 3
    month, tet, draft = Cascade.objects.order_by("pk")
    assert (month.sender, month.recipient_count, month.status) == (tree.pa, 3, "sent")
    assert recipient_codes(tet) == {"A-KCN", "A-XA"}
    assert draft.status == CascadeStatus.DRAFT
    assert month.attachments.get().kind == "docx"
    done = CascadeRecipient.objects.filter(cascade=tet, state="done")
    assert all(r.proof_photo.name and private_storage().exists(r.proof_photo.name) for r in done)
    assert ensure_demo_cascades() == 0
    assert Cascade.objects.count() == 3
