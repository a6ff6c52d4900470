"""Fixtures shared by several test modules of this folder."""

from __future__ import annotations

import pytest

from lantoa.channels.models import ChannelKind, ChannelStatus
from lantoa.channels.services import channel_create
from lantoa.roster.services import communicator_create
from lantoa.units.models import UnitKind
from lantoa.units.services import unit_create, unit_merge
from tests.channels.support import FB, ZALO, Extra
from tests.conftest import Tree


@pytest.fixture
def covered(tree: Tree) -> Extra:
    """Province A after this fixture:

    A-KCN: A-G1 (1.200; Zalo + fanpage; trained communicator), A-G2 (300; fanpage),
           A-G6 (3.000; nothing), A-G4 (1.500; merged into A-G2; active Zalo)
    A-XA:  A-G3 (40; closed Zalo group), A-G5 (1.000; paused fanpage; untrained communicator)
    P-B:   B-G1 (2.500; nothing)
    """
    g = UnitKind.GRASSROOTS
    a_g4 = unit_create(
        code="A-G4", name="CĐCS Công ty Gỗ Tân Phú", kind=g, parent=tree.a_kcn, member_count=1500
    )
    a_g5 = unit_create(
        code="A-G5", name="CĐCS Bệnh viện Mỹ Bình", kind=g, parent=tree.a_xa, member_count=1000
    )
    a_g6 = unit_create(
        code="A-G6",
        name="CĐCS Công ty Thủy sản Vĩnh Hoàn",
        kind=g,
        parent=tree.a_kcn,
        member_count=3000,
    )
    channel_create(unit=tree.a_g1, kind=ZALO, name="Zalo G1", identifier="g1")
    channel_create(unit=tree.a_g1, kind=FB, name="FB G1", url="https://facebook.com/g1")
    channel_create(unit=tree.a_g2, kind=FB, name="FB G2", url="https://facebook.com/g2")
    channel_create(
        unit=tree.a_g3, kind=ZALO, name="Zalo G3", identifier="g3", status=ChannelStatus.CLOSED
    )
    channel_create(
        unit=a_g5, kind=FB, name="FB G5", url="https://facebook.com/g5", status=ChannelStatus.PAUSED
    )
    channel_create(unit=a_g4, kind=ZALO, name="Zalo G4", identifier="g4")
    # Channels of upper-level units and other kinds are not grassroots coverage.
    channel_create(unit=tree.a_kcn, kind=FB, name="FB KCN", url="https://facebook.com/kcn")
    channel_create(unit=tree.a_g3, kind=ChannelKind.ZALO_OA, name="OA G3", identifier="oa")
    communicator_create(unit=tree.a_g1, full_name="Trần Thị Hoa", role="communicator", trained=True)
    communicator_create(unit=a_g5, full_name="Lê Văn Nam", role="communicator")
    communicator_create(unit=a_g6, full_name="Người đã nghỉ", role="communicator", trained=True)
    # ... who is no longer active, so A-G6 has no trained communicator.
    a_g6.communicators.update(active=False)
    unit_merge(source=a_g4, target=tree.a_g2)
    return Extra(a_g4, a_g5, a_g6)
