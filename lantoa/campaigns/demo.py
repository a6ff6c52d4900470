"""Demo campaigns for ``lantoa demo``: the province's Tết Sum vầy, Tháng Công nhân, ATVSLĐ
month and 28/7 campaigns, and the national calendar of recurring moments. Written through the
services (so audit rows exist as they would), once: a second run changes nothing. Their content
items are content's demo (``lantoa.content.demo``), published and scheduled by publishing's.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from lantoa.accounts.models import User
from lantoa.campaigns.models import Campaign
from lantoa.campaigns.services import campaign_create, moment_seed_defaults
from lantoa.units.models import Unit, UnitKind, UnitStatus

TET = "Tết Sum vầy 2026"
MARKER = "Tháng Công nhân 2026"  # the May campaign; its presence marks the demo as made
SAFETY = "Tháng hành động về An toàn, vệ sinh lao động 2026"
FOUNDING = "Kỷ niệm 97 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2026)"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def ensure_demo_campaigns() -> int:
    """Create the demo campaigns if the marker campaign is missing; returns how many."""
    if Campaign.objects.filter(name=MARKER).exists():
        return 0
    active = Unit.objects.filter(status=UnitStatus.ACTIVE)
    root = active.filter(kind=UnitKind.NATIONAL).first()
    province = active.filter(kind=UnitKind.PROVINCE).order_by("pk").first()
    if root is None or province is None:
        return 0
    writer, leader = _user("tuyengiao"), _user("lanhdao")
    if writer is None or leader is None:
        return 0  # the demo accounts come first (lantoa.accounts.demo)
    year = 2026

    with transaction.atomic():
        moment_seed_defaults(unit=root)
        campaign_create(
            owner=province,
            actor=writer,
            name=TET,
            starts_on=dt.date(year, 1, 18),
            ends_on=dt.date(year, 2, 16),
            objectives="Chăm lo Tết cho đoàn viên, người lao động có hoàn cảnh khó khăn; "
            "không để người lao động nào không có Tết.",
            audiences=["members_workers", "employers", "community"],
            key_message="Công đoàn đồng hành, Tết ấm người lao động.",
            slogan="Tết Sum vầy — Xuân chia sẻ",
            planned_channels=["facebook_page", "zalo_oa", "zalo_group", "loudspeaker"],
            moment_key="tet-sum-vay",
        )
        campaign_create(
            owner=province,
            actor=writer,
            name=MARKER,
            starts_on=dt.date(year, 5, 1),
            ends_on=dt.date(year, 5, 31),
            objectives="Lan tỏa các hoạt động chăm lo, bảo vệ quyền lợi người lao động; "
            "100% công đoàn cơ sở tổ chức ít nhất một hoạt động hưởng ứng.",
            audiences=["members_workers", "officers", "employers", "press"],
            key_message="Người lao động là trung tâm; công đoàn là chỗ dựa tin cậy.",
            slogan="Công nhân lao động hạnh phúc, doanh nghiệp phát triển",
            planned_channels=["facebook_page", "zalo_oa", "website", "bulletin_board"],
            moment_key="thang-cong-nhan",
        )
        campaign_create(
            owner=province,
            actor=writer,
            name=SAFETY,
            starts_on=dt.date(year, 5, 1),
            ends_on=dt.date(year, 5, 31),
            participant_kinds=["industrial_zone", "grassroots"],
            objectives="Giảm tai nạn lao động; tuyên truyền kỹ năng an toàn ở khu công nghiệp.",
            audiences=["members_workers", "employers"],
            key_message="An toàn để lao động, lao động để sống an toàn.",
            planned_channels=["zalo_group", "loudspeaker", "bulletin_board"],
            moment_key="thang-atvsld",
        )
        campaign_create(
            owner=province,
            actor=writer,
            name=FOUNDING,
            starts_on=dt.date(year, 7, 15),
            ends_on=dt.date(year, 7, 31),
            audiences=["party_government", "officers", "members_workers", "press"],
            key_message="97 năm Công đoàn Việt Nam đồng hành cùng người lao động.",
            slogan="Tự hào truyền thống — Vững bước tương lai",
            planned_channels=["facebook_page", "zalo_oa", "website", "press_partner"],
            moment_key="thanh-lap-cong-doan",
        )

    return 4
