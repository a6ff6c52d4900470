"""`lantoa seed`: deterministic sample data with a consistent tree and closure table, and the
channels and roster the SEED demo builders of those apps add to it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Q

from lantoa.channels.demo import seed_demo_channels
from lantoa.channels.models import Channel, ChannelKind, ChannelStat
from lantoa.roster.demo import seed_demo_roster
from lantoa.roster.models import Communicator, Training, TrainingAttendance
from lantoa.units.models import (
    UPPER_LEVEL_KINDS,
    Unit,
    UnitClosure,
    UnitEvent,
    UnitEventKind,
    UnitKind,
    UnitStatus,
)
from lantoa.units.seed import load_provinces, merged_into, seed_database
from lantoa.units.selectors import subtree_figures

pytestmark = pytest.mark.django_db


def digest() -> str:
    rows = Unit.objects.order_by("code").values_list(
        "code",
        "name",
        "kind",
        "status",
        "member_count",
        "worker_count",
        "employer_name",
        "address",
        "parent__code",
    )
    channels = Channel.objects.order_by("unit__code", "kind", "name", "url").values_list(
        "unit__code", "kind", "name", "url", "audience", "audience_on"
    )
    people = Communicator.objects.order_by("unit__code", "full_name", "phone").values_list(
        "unit__code", "full_name", "phone", "trained"
    )
    text = repr((list(rows), list(channels), list(people)))
    return hashlib.sha256(text.encode()).hexdigest()


def seed_all(seed: int) -> None:
    """The tree, then the channels and roster of the demo builders."""
    seed_database(size="demo", seed=seed)
    seed_demo_channels(seed=seed, as_of=dt.date(2026, 6, 30))
    seed_demo_roster(seed=seed)


def clear() -> None:
    TrainingAttendance.objects.all().delete()
    Training.objects.all().delete()
    Communicator.objects.all().delete()
    ChannelStat.objects.all().delete()
    Channel.objects.all().delete()
    UnitEvent.objects.all().delete()
    UnitClosure.objects.all().delete()
    Unit.objects.update(parent=None, successor=None)
    Unit.objects.all().delete()


def test_provinces_csv_is_packaged() -> None:
    provinces = load_provinces()
    assert len(provinces) == 34
    assert len({p.code for p in provinces}) == 34
    assert merged_into("Bắc Kạn") == "Thái Nguyên"
    assert {p.federation_name for p in provinces} >= {
        "Liên đoàn Lao động thành phố Hà Nội",
        "Liên đoàn Lao động tỉnh Thái Nguyên",
    }


def test_demo_is_deterministic_and_seed_sensitive() -> None:
    seed_all(2026)
    first = digest()
    assert Channel.objects.exists() and Communicator.objects.exists()
    clear()
    assert Unit.objects.count() == 0
    seed_all(2026)
    assert digest() == first
    clear()
    seed_all(7)
    assert digest() != first


def test_demo_shape_closure_merge_and_coverage() -> None:
    out = io.StringIO()
    call_command("seed", size="demo", stdout=out)
    assert "Liên đoàn Lao động tỉnh Thái Nguyên" in out.getvalue()

    root = Unit.objects.get(code="VN")
    assert root.kind == UnitKind.NATIONAL and root.name == "Tổng Liên đoàn Lao động Việt Nam"
    tn = Unit.objects.get(code="TN", name="Liên đoàn Lao động tỉnh Thái Nguyên")
    assert tn.kind == UnitKind.PROVINCE and tn.parent_id == root.pk
    own_upper = tn.children.filter(kind__in=UPPER_LEVEL_KINDS, code__startswith="TN-")
    assert own_upper.count() == 12
    assert set(own_upper.values_list("kind", flat=True)) == set(UPPER_LEVEL_KINDS)
    grassroots = Unit.objects.filter(kind=UnitKind.GRASSROOTS)
    assert 900 <= grassroots.count() <= 1100
    assert not grassroots.filter(worker_count__lt=F("member_count")).exists()
    assert grassroots.filter(member_count__gte=1000, industrial_zone__startswith="KCN").exists()
    assert grassroots.filter(member_count__lt=300).count() > grassroots.count() // 2

    # Bắc Kạn was merged into Thái Nguyên through the service: its unions now sit under
    # Thái Nguyên and the history says so.
    bk = Unit.objects.get(code="BK")
    assert bk.status == UnitStatus.MERGED and bk.successor_id == tn.pk
    assert bk.parent_id == tn.pk and str(bk.ended_on) == "2025-07-01"
    event = UnitEvent.objects.get(unit=bk, kind=UnitEventKind.MERGED)
    assert event.successor_id == tn.pk
    assert set(
        Unit.objects.filter(code__startswith="BK-", depth=2).values_list("parent__code", flat=True)
    ) == {"TN"}
    assert UnitEvent.objects.filter(kind=UnitEventKind.MOVED, new_parent=tn).count() == 3
    figures = subtree_figures(tn)
    assert figures.grassroots == grassroots.count()
    assert figures.upper_level == 14  # 12 own + 2 from Bắc Kạn

    # Closure table: one row per (ancestor, unit) on the parent chain, nothing else.
    units = {u.pk: u for u in Unit.objects.all()}
    assert UnitClosure.objects.count() == sum(u.depth + 1 for u in units.values())
    sample = [*random.Random(1).sample(sorted(units), 60), bk.pk, tn.pk, root.pk]
    for pk in sample:
        chain, node = [], units[pk]
        while node is not None:
            chain.append(node.pk)
            node = units.get(node.parent_id) if node.parent_id else None
        links = dict(
            UnitClosure.objects.filter(descendant_id=pk).values_list("ancestor_id", "depth")
        )
        assert links == {a: d for d, a in enumerate(chain)}
        assert units[pk].depth == len(chain) - 1

    # Coverage: most big workplaces are online, but some are not (the gap list is not empty).
    social = Q(channels__kind__in=[ChannelKind.ZALO_GROUP, ChannelKind.FACEBOOK_PAGE])
    big = grassroots.filter(member_count__gte=1000)
    uncovered = big.exclude(pk__in=Unit.objects.filter(social).values("pk"))
    assert 1 <= uncovered.count() < big.count() // 3
    zalo_share = (
        grassroots.filter(channels__kind=ChannelKind.ZALO_GROUP).distinct().count()
        / grassroots.count()
    )
    assert 0.45 < zalo_share < 0.7
    for kind in (
        ChannelKind.FACEBOOK_PAGE,
        ChannelKind.ZALO_OA,
        ChannelKind.WEBSITE,
        ChannelKind.YOUTUBE,
        ChannelKind.TIKTOK,
    ):
        assert Channel.objects.filter(unit=tn, kind=kind).count() == 1
    assert set(
        Channel.objects.filter(unit=tn, kind=ChannelKind.PRESS_PARTNER).values_list(
            "name", flat=True
        )
    ) == {"Báo Thái Nguyên", "Đài Phát thanh – Truyền hình Thái Nguyên"}
    page = Channel.objects.get(unit=tn, kind=ChannelKind.FACEBOOK_PAGE)
    stats = list(page.stats.order_by("recorded_on").values_list("recorded_on", "audience"))
    assert len(stats) >= 3 and stats[-1] == (page.audience_on, page.audience)
    assert [a for _, a in stats] == sorted(a for _, a in stats) and stats[0][1] < stats[-1][1]

    # Roster: trained exactly when the person attended one of the province's trainings.
    assert 2 <= Communicator.objects.filter(unit=tn).count() <= 6
    trainings = Training.objects.filter(organizer=tn)
    assert trainings.count() == 3
    attended = set(TrainingAttendance.objects.values_list("communicator_id", flat=True))
    assert attended and attended == set(
        Communicator.objects.filter(trained=True).values_list("pk", flat=True)
    )
    assert (
        Communicator.objects.filter(
            unit__kind=UnitKind.GRASSROOTS, unit__member_count__lt=300
        ).count()
        == 0
    )

    with pytest.raises(CommandError, match="đã có"):
        call_command("seed", size="demo", stdout=io.StringIO())
    assert Unit.objects.count() == len(units)


def test_province_size() -> None:
    totals = seed_database(size="province", seed=2026)
    tn = Unit.objects.get(code="TN")
    assert tn.children.count() == 40
    assert 3900 <= UnitClosure.objects.filter(ancestor=tn).count() <= 4100
    assert totals.units == Unit.objects.count() == 1 + 1 + 40 + 3960
