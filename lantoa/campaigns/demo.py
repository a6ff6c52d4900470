"""Demo campaigns for ``lantoa demo``: the province's Tết Sum vầy, Tháng Công nhân, ATVSLĐ
month and 28/7 campaigns, and the national calendar of recurring moments. Written through the
services (so audit rows exist as they would), once: a second run changes nothing. Their content
items are content's demo (``lantoa.content.demo``), published and scheduled by publishing's.

The campaigns follow the demo's ``as_of`` day (``DemoContext.as_of``, yesterday): the scenario
is the year of the most recent May (Tháng Công nhân) on or before it (``Scenario``), so the
campaigns that are over are finished and the 28/7 one is planned until it comes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from lantoa.accounts.models import User
from lantoa.campaigns.models import Campaign
from lantoa.campaigns.services import campaign_create, moment_seed_defaults, status_for_dates
from lantoa.core.extensions import demo_as_of
from lantoa.units.models import Unit, UnitKind, UnitStatus

FOUNDED = 1929  # 28/7/1929: Tổng Công hội Đỏ Bắc Kỳ, the first trade union of Việt Nam
MAY_MOMENT = "thang-cong-nhan"  # the May campaign's moment; its presence marks the demo as made
TET_STARTS = (1, 18)  # the Tết Sum vầy campaign runs 18/1 – 16/2


@dataclass(frozen=True)
class Scenario:
    """The demo's year as seen from ``as_of``: ``year`` is that of the most recent May on or
    before it (the Tháng Công nhân the demo tells of), ``tet_year`` that of the most recent
    Tết Sum vầy campaign begun on or before it; names and dates are derived from them."""

    as_of: dt.date
    year: int
    tet_year: int

    @property
    def tet(self) -> str:
        return f"Tết Sum vầy {self.tet_year}"

    @property
    def may(self) -> str:
        return f"Tháng Công nhân {self.year}"

    @property
    def safety(self) -> str:
        return f"Tháng hành động về An toàn, vệ sinh lao động {self.year}"

    @property
    def anniversary(self) -> int:
        return self.year - FOUNDED

    @property
    def founding(self) -> str:
        return (
            f"Kỷ niệm {self.anniversary} năm Ngày thành lập Công đoàn Việt Nam "
            f"(28/7/{FOUNDED} – 28/7/{self.year})"
        )

    @property
    def today(self) -> dt.date:
        """The day the demo is shown: the day after the last day of its history."""
        return self.as_of + dt.timedelta(days=1)


def scenario(as_of: dt.date | None = None) -> Scenario:
    as_of = as_of or demo_as_of()
    year = as_of.year if as_of >= dt.date(as_of.year, 5, 1) else as_of.year - 1
    tet_year = as_of.year if as_of >= dt.date(as_of.year, *TET_STARTS) else as_of.year - 1
    return Scenario(as_of=as_of, year=year, tet_year=tet_year)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def ensure_demo_campaigns(as_of: dt.date | None = None) -> int:
    """Create the demo campaigns if the province has no Tháng Công nhân campaign (of any year:
    a demo made last year is kept, not doubled); returns how many."""
    active = Unit.objects.filter(status=UnitStatus.ACTIVE)
    root = active.filter(kind=UnitKind.NATIONAL).first()
    province = active.filter(kind=UnitKind.PROVINCE).order_by("pk").first()
    if root is None or province is None:
        return 0
    if Campaign.objects.filter(owner=province, moment_key=MAY_MOMENT).exists():
        return 0
    writer, leader = _user("tuyengiao"), _user("lanhdao")
    if writer is None or leader is None:
        return 0  # the demo accounts come first (lantoa.accounts.demo)
    sc = scenario(as_of)
    year = sc.year

    def status(starts_on: dt.date, ends_on: dt.date) -> str:
        return status_for_dates(starts_on, ends_on, today=sc.today)

    with transaction.atomic():
        moment_seed_defaults(unit=root)
        campaign_create(
            owner=province,
            actor=writer,
            name=sc.tet,
            starts_on=dt.date(sc.tet_year, *TET_STARTS),
            ends_on=dt.date(sc.tet_year, 2, 16),
            status=status(dt.date(sc.tet_year, *TET_STARTS), dt.date(sc.tet_year, 2, 16)),
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
            name=sc.may,
            starts_on=dt.date(year, 5, 1),
            ends_on=dt.date(year, 5, 31),
            status=status(dt.date(year, 5, 1), dt.date(year, 5, 31)),
            objectives="Lan tỏa các hoạt động chăm lo, bảo vệ quyền lợi người lao động; "
            "100% công đoàn cơ sở tổ chức ít nhất một hoạt động hưởng ứng.",
            audiences=["members_workers", "officers", "employers", "press"],
            key_message="Người lao động là trung tâm; công đoàn là chỗ dựa tin cậy.",
            slogan="Công nhân lao động hạnh phúc, doanh nghiệp phát triển",
            planned_channels=["facebook_page", "zalo_oa", "website", "bulletin_board"],
            moment_key=MAY_MOMENT,
        )
        campaign_create(
            owner=province,
            actor=writer,
            name=sc.safety,
            starts_on=dt.date(year, 5, 1),
            ends_on=dt.date(year, 5, 31),
            status=status(dt.date(year, 5, 1), dt.date(year, 5, 31)),
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
            name=sc.founding,
            starts_on=dt.date(year, 7, 15),
            ends_on=dt.date(year, 7, 31),
            status=status(dt.date(year, 7, 15), dt.date(year, 7, 31)),
            audiences=["party_government", "officers", "members_workers", "press"],
            key_message=f"{sc.anniversary} năm Công đoàn Việt Nam đồng hành cùng người lao động.",
            slogan="Tự hào truyền thống — Vững bước tương lai",
            planned_channels=["facebook_page", "zalo_oa", "website", "press_partner"],
            moment_key="thanh-lap-cong-doan",
        )

    return 4
