"""Demo cascades (lantoa.cascades.demo): created once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lantoa.cascades.models import Cascade, CascadeRecipient, CascadeStatus
from lantoa.core.private_files import private_storage
from tests.cascades.support import recipient_codes
from tests.conftest import Tree


def test_demo_cascades_once(tree: Tree) -> None:
    from lantoa.cascades.demo import ensure_demo_cascades

    assert ensure_demo_cascades() == 3
    month, tet, law = Cascade.objects.order_by("pk")
    assert (month.sender, month.recipient_count) == (tree.pa, 3)
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


FOUNDING_2026 = "Kỷ niệm 97 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2026)"
FOUNDING_2027 = "Kỷ niệm 98 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2027)"


@pytest.mark.parametrize(
    ("as_of", "campaigns", "tet_title", "may_closed"),
    [
        (
            dt.date(2026, 5, 20),  # in the May month: it runs, 28/7 is planned
            {
                "Tết Sum vầy 2026": "finished",
                "Tháng Công nhân 2026": "running",
                "Tháng hành động về An toàn, vệ sinh lao động 2026": "running",
                FOUNDING_2026: "planned",
            },
            "Infographic “Tết Sum vầy – Xuân Đinh Mùi 2027”",
            False,
        ),
        (
            dt.date(2027, 2, 10),  # still the year of May 2026, in the Tết 2027 campaign
            {
                "Tết Sum vầy 2027": "running",
                "Tháng Công nhân 2026": "finished",
                "Tháng hành động về An toàn, vệ sinh lao động 2026": "finished",
                FOUNDING_2026: "finished",
            },
            "Infographic “Tết Sum vầy – Xuân Đinh Mùi 2027”",
            True,
        ),
        (
            dt.date(2027, 6, 10),  # May 2027 is over, the 98th anniversary is planned
            {
                "Tết Sum vầy 2027": "finished",
                "Tháng Công nhân 2027": "finished",
                "Tháng hành động về An toàn, vệ sinh lao động 2027": "finished",
                FOUNDING_2027: "planned",
            },
            "Infographic “Tết Sum vầy – Xuân Mậu Thân 2028”",
            True,
        ),
    ],
)
def test_demo_follows_its_as_of_day(
    tree: Tree,
    settings: Any,
    tmp_path: Any,
    as_of: dt.date,
    campaigns: dict[str, str],
    tet_title: str,
    may_closed: bool,
) -> None:
    """Campaigns, content and cascades are those of the year of the most recent May on or
    before ``as_of``: over when over, planned when to come, nothing of the history after
    ``as_of`` and the May cascade not left months overdue."""
    from lantoa.accounts.demo import ensure_demo_accounts
    from lantoa.campaigns.demo import ensure_demo_campaigns
    from lantoa.campaigns.models import Campaign
    from lantoa.cascades.demo import ensure_demo_cascades
    from lantoa.content.demo import ensure_demo_content
    from lantoa.content.models import ContentItem

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    ensure_demo_accounts()
    assert ensure_demo_campaigns(as_of) == 4
    assert ensure_demo_content(as_of) > 0
    assert ensure_demo_cascades(as_of) == 3
    made = {c.name: c for c in Campaign.objects.filter(owner=tree.pa)}
    assert {name: c.status for name, c in made.items()} == campaigns
    for c in made.values():
        if c.status == "finished":
            assert c.ends_on <= as_of
        elif c.status == "planned":
            assert c.starts_on > as_of
    year = int(next(n for n in campaigns if n.startswith("Tháng Công nhân")).split()[-1])
    titles = set(ContentItem.objects.values_list("title", flat=True))
    assert f"Infographic: Tháng Công nhân {year} có gì?" in titles
    assert f"{year - 1929} năm Công đoàn Việt Nam: những dấu mốc" in titles
    # Another day later (even in another year) the demo is not made twice.
    assert ensure_demo_campaigns(as_of + dt.timedelta(days=400)) == 0

    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=2), dt.time()))
    month, tet, law = Cascade.objects.order_by("pk")
    assert month.title == f"Hướng dẫn tuyên truyền Tháng Công nhân năm {year}"
    assert month.due_on == dt.date(year, 4, 30)
    assert month.campaign == made[f"Tháng Công nhân {year}"]
    assert tet.title == tet_title
    assert (month.status == CascadeStatus.CLOSED) is may_closed
    for cascade in (month, tet, law):
        assert cascade.sent_at is not None and cascade.sent_at < end
        if cascade.status == CascadeStatus.SENT:  # late, if at all, by days, not months
            assert cascade.due_on > as_of - dt.timedelta(days=31)
    if may_closed:
        assert month.closed_at is not None and month.closed_at < end
    for r in CascadeRecipient.objects.exclude(done_at=None):
        assert r.done_at < end and r.received_at is not None and r.received_at < end
