"""The default target programme, taken from a provincial federation's communication programme
("Đẩy mạnh công tác truyền thông Công đoàn", Chương trình số 15/CTr-LĐLĐ):

* the provincial federation: its fanpage posts at least 4 items a day; at least 3 campaigns a
  year; at least 3 social groups (1 fanpage, 2 Zalo groups); workers' questions answered
  within 24 hours; the answered count doubled year on year;
* every upper-level union (công đoàn cấp trên trực tiếp cơ sở): at least 2 social groups and
  2 posts a day; at least 2 guidance briefs and 2 direct outreach activities a year;
* grassroots unions with 1.000 members or more: a Facebook page or a Zalo group, and at least
  one communicator.

``lantoa targets load-defaults`` (and the demo seed) writes them owned by the national root,
so they apply everywhere; a unit adds its own rules for its subtree. Loading again updates the
rules by ``key`` and never duplicates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lantoa.targets.models import RulePer
from lantoa.units.models import UPPER_LEVEL_KINDS, UnitKind

BIG_GRASSROOTS_MEMBERS = 1000


@dataclass(frozen=True)
class DefaultRule:
    key: str
    name: str
    metric: str
    value: Decimal
    per: str
    unit_kinds: tuple[str, ...]
    min_members: int = 0


_UPPER = tuple(str(k) for k in UPPER_LEVEL_KINDS)
_PROVINCE = (str(UnitKind.PROVINCE),)
_GRASSROOTS = (str(UnitKind.GRASSROOTS),)

DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule(
        "tinh-tin-bai-ngay",
        "Trang Facebook của LĐLĐ tỉnh đăng ít nhất 4 tin, bài mỗi ngày",
        "posts_per_day",
        Decimal(4),
        RulePer.DAY,
        _PROVINCE,
    ),
    DefaultRule(
        "tinh-chien-dich-nam",
        "LĐLĐ tỉnh tổ chức ít nhất 3 chiến dịch truyền thông mỗi năm",
        "campaigns",
        Decimal(3),
        RulePer.YEAR,
        _PROVINCE,
    ),
    DefaultRule(
        "tinh-nhom-mang-xa-hoi",
        "LĐLĐ tỉnh có ít nhất 3 nhóm truyền thông trên mạng xã hội (1 trang Facebook, 2 nhóm Zalo)",
        "social_groups",
        Decimal(3),
        RulePer.NONE,
        _PROVINCE,
    ),
    DefaultRule(
        "tinh-tra-loi-24-gio",
        "Giải đáp câu hỏi của đoàn viên, người lao động trong vòng 24 giờ",
        "inquiries_on_time",
        Decimal(100),
        RulePer.NONE,
        _PROVINCE,
    ),
    DefaultRule(
        "tinh-giai-dap-gap-doi",
        "Số câu hỏi được giải đáp tăng gấp đôi so với năm trước",
        "inquiries_answered_growth",
        Decimal(200),
        RulePer.NONE,
        _PROVINCE,
    ),
    DefaultRule(
        "cap-tren-nhom-mang-xa-hoi",
        "Công đoàn cấp trên cơ sở có ít nhất 2 nhóm truyền thông trên mạng xã hội",
        "social_groups",
        Decimal(2),
        RulePer.NONE,
        _UPPER,
    ),
    DefaultRule(
        "cap-tren-tin-bai-ngay",
        "Công đoàn cấp trên cơ sở đăng ít nhất 2 tin, bài mỗi ngày",
        "posts_per_day",
        Decimal(2),
        RulePer.DAY,
        _UPPER,
    ),
    DefaultRule(
        "cap-tren-tai-lieu-dinh-huong",
        "Công đoàn cấp trên cơ sở xây dựng ít nhất 2 tài liệu định hướng tuyên truyền mỗi năm",
        "guidance_briefs",
        Decimal(2),
        RulePer.YEAR,
        _UPPER,
    ),
    DefaultRule(
        "cap-tren-truyen-thong-truc-tiep",
        "Công đoàn cấp trên cơ sở tổ chức ít nhất 2 hoạt động truyền thông trực tiếp mỗi năm",
        "direct_outreach",
        Decimal(2),
        RulePer.YEAR,
        _UPPER,
    ),
    DefaultRule(
        "cdcs-lon-fanpage-zalo",
        "CĐCS từ 1.000 đoàn viên có trang Facebook hoặc nhóm Zalo",
        "page_or_group",
        Decimal(1),
        RulePer.NONE,
        _GRASSROOTS,
        BIG_GRASSROOTS_MEMBERS,
    ),
    DefaultRule(
        "cdcs-lon-can-bo-truyen-thong",
        "CĐCS từ 1.000 đoàn viên có ít nhất 1 cán bộ truyền thông",
        "communicators",
        Decimal(1),
        RulePer.NONE,
        _GRASSROOTS,
        BIG_GRASSROOTS_MEMBERS,
    ),
)
