"""Targets: every default rule's value against the raw rows, statuses (met, on track, at risk,
missed) with the pro-rata pace, which units a rule applies to, numbers assigned top-down and
split exactly, the report's "đạt …% so với chỉ tiêu", alerts to leaders (batched, never
twice), and the screens with their access rules."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation

from lantoa.accounts.models import Role
from lantoa.activities.metrics import activity_metric_key
from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.audit.models import AuditEvent
from lantoa.campaigns.models import Campaign
from lantoa.channels.models import Channel, ChannelKind, ChannelStatus
from lantoa.content.models import ContentItem, ContentKind, ContentStatus
from lantoa.core.periods import Period
from lantoa.inquiries.models import Inquiry
from lantoa.notifications.models import Notification
from lantoa.periods.selectors import reporting_period
from lantoa.publishing.models import Method, Publication, PublicationStatus
from lantoa.reports.data import report_data
from lantoa.reports.narrative import write
from lantoa.roster.models import Communicator, RosterRole
from lantoa.targets import evaluation as ev
from lantoa.targets import services
from lantoa.targets.defaults import DEFAULT_RULES
from lantoa.targets.metrics import REGISTRY
from lantoa.targets.models import TargetAlert, TargetAssignment, TargetRule
from lantoa.units.models import Unit
from tests.conftest import Officers, Tree, login, make_officer

pytestmark = pytest.mark.django_db
YEAR = Period(2025, "year")
_n = itertools.count(1)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def post(unit: Unit, day: dt.date, kind: str = ContentKind.NEWS, status: str = "published") -> None:
    """A content item of ``unit``; when published, also its post on the unit's Facebook page
    (the publication record the posts metric counts). Otherwise a post that failed."""
    n = next(_n)
    item = ContentItem.objects.create(
        unit=unit,
        kind=kind,
        title="Tin hoạt động",
        slug=f"tin-{n}",
        status=status,
        published_at=at(day, 23) if status == ContentStatus.PUBLISHED else None,
    )
    done = status == ContentStatus.PUBLISHED
    Publication.objects.create(
        item=item,
        unit=unit,
        method=Method.FACEBOOK,
        channel_kind=ChannelKind.FACEBOOK_PAGE,
        channel_name="Fanpage",
        idempotency_key=f"k{n}",
        status=PublicationStatus.PUBLISHED if done else PublicationStatus.FAILED,
        published_at=at(day, 23) if done else None,
    )


def inquiry(unit: Unit, received: dt.datetime, answered_after_h: float | None) -> Inquiry:
    return Inquiry.objects.create(
        code=f"HD-T-{next(_n):05d}",
        unit=unit,
        source="web",
        received_at=received,
        first_response_due=received + dt.timedelta(hours=24),
        first_responded_at=(
            received + dt.timedelta(hours=answered_after_h)
            if answered_after_h is not None
            else None
        ),
    )


@pytest.fixture
def defaults(tree: Tree) -> list[TargetRule]:
    created, updated = services.target_rules_load_defaults(owner=tree.vn)
    assert (created, updated) == (len(DEFAULT_RULES), 0)
    return list(TargetRule.objects.order_by("id"))


def rule(key: str) -> TargetRule:
    return TargetRule.objects.get(key=key)


def cell(units: list[Unit], period: Period, key: str, today: dt.date) -> ev.Achievement:
    result = ev.evaluate(units, period, today=today)
    found = result.cell(units[0].pk, rule(key).pk)
    assert found is not None, key
    return found


# --- each default rule against the raw rows --------------------------------------------------


def test_loading_defaults_twice_updates_and_never_duplicates(tree: Tree) -> None:
    assert services.target_rules_load_defaults(owner=tree.vn) == (11, 0)
    TargetRule.objects.filter(key="tinh-tin-bai-ngay").update(value=9)
    assert services.target_rules_load_defaults() == (0, 11)  # default owner: the root
    assert TargetRule.objects.count() == 11
    assert rule("tinh-tin-bai-ngay").value == Decimal(4)
    assert AuditEvent.objects.filter(action="target_rule.load_defaults").count() == 2


def test_posts_per_day_of_the_province(tree: Tree, defaults: list[TargetRule]) -> None:
    june = Period(2025, "month", 6)
    days = [dt.date(2025, 6, d) for d in (1, 1, 2, 15, 30, 30, 30)]
    for day in days:
        post(tree.pa, day)
    post(tree.pa, dt.date(2025, 7, 1))  # next month
    post(tree.pa, dt.date(2025, 6, 3), status=ContentStatus.APPROVED)  # not published
    post(tree.a_kcn, dt.date(2025, 6, 3))  # another unit
    a = cell([tree.pa], june, "tinh-tin-bai-ngay", today=dt.date(2025, 8, 1))
    assert a.value == pytest.approx(len(days) / 30)
    assert (a.target, a.status) == (4.0, ev.MISSED)
    assert a.percent_text == "5,8%"  # 7/30 of 4 a day
    # While June runs the average is over the days so far: 3 posts on 1–2 June.
    running = cell([tree.pa], june, "tinh-tin-bai-ngay", today=dt.date(2025, 6, 2))
    assert running.value == pytest.approx(3 / 2)
    assert running.status == ev.AT_RISK


def test_posts_count_publication_records_of_the_unit_that_posted(
    tree: Tree, defaults: list[TargetRule]
) -> None:
    """A post is a publication: the province's one item put on two channels is two posts,
    a record with proof for a channel with no API counts, a cancelled one does not, and a
    grassroots union republishing the item counts for itself, not for the province."""
    day = dt.date(2025, 6, 10)
    item = ContentItem.objects.create(
        unit=tree.pa, kind=ContentKind.NEWS, title="Tin", slug="tin-chung", status="published"
    )
    rows = [
        (tree.pa, Method.FACEBOOK, PublicationStatus.PUBLISHED),
        (tree.pa, Method.MANUAL, PublicationStatus.RECORDED),
        (tree.pa, Method.ZALO_OA, PublicationStatus.CANCELLED),
        (tree.a_g1, Method.MANUAL, PublicationStatus.RECORDED),
    ]
    for i, (unit, method, status) in enumerate(rows):
        Publication.objects.create(
            item=item,
            unit=unit,
            method=method,
            channel_kind=ChannelKind.FACEBOOK_PAGE,
            channel_name=f"Kênh {i}",
            idempotency_key=f"r{i}",
            status=status,
            published_at=at(day, 10) if status != PublicationStatus.CANCELLED else None,
        )
    from lantoa.core.extensions import OWN, SUBTREE
    from lantoa.publishing.metrics import posts_published

    ids = [tree.pa.pk, tree.a_g1.pk]
    assert posts_published(ids, day, day, scope=OWN) == {tree.pa.pk: 2, tree.a_g1.pk: 1}
    assert posts_published([tree.pa.pk], day, day, scope=SUBTREE) == {tree.pa.pk: 3}
    assert posts_published(ids, day + dt.timedelta(days=1), day + dt.timedelta(days=1)) == {}


def test_campaigns_briefs_and_direct_outreach(tree: Tree, defaults: list[TargetRule]) -> None:
    for start in (dt.date(2025, 1, 20), dt.date(2025, 5, 1), dt.date(2024, 12, 30)):
        Campaign.objects.create(
            name=f"Chiến dịch {start}", owner=tree.pa, starts_on=start, ends_on=start
        )
    Campaign.objects.create(
        name="Của KCN", owner=tree.a_kcn, starts_on=dt.date(2025, 3, 1), ends_on=dt.date(2025, 3, 2)
    )
    a = cell([tree.pa], YEAR, "tinh-chien-dich-nam", today=dt.date(2025, 12, 31))
    assert (a.value, a.target, a.status) == (2.0, 3.0, ev.AT_RISK)
    assert cell([tree.pa], YEAR, "tinh-chien-dich-nam", dt.date(2026, 1, 2)).status == ev.MISSED

    post(tree.a_kcn, dt.date(2025, 2, 1), kind=ContentKind.BRIEF)
    post(tree.a_kcn, dt.date(2025, 9, 1), kind=ContentKind.BRIEF)
    post(tree.a_kcn, dt.date(2025, 9, 2), kind=ContentKind.BRIEF, status=ContentStatus.DRAFT)
    post(tree.a_kcn, dt.date(2025, 9, 3))  # news, not a brief
    a = cell([tree.a_kcn], YEAR, "cap-tren-tai-lieu-dinh-huong", today=dt.date(2026, 1, 5))
    assert (a.value, a.status, a.percent_text) == (2.0, ev.MET, "100,0%")

    for fmt, qty in (
        (ActivityFormat.DIRECT, 1),
        (ActivityFormat.ONLINE, 5),
        (ActivityFormat.DIRECT, 2),
    ):
        Activity.objects.create(
            unit=tree.a_xa, held_on=dt.date(2025, 4, 1), kind=ActivityKind.OUTREACH,
            title="Tuyên truyền", format=fmt, quantity=qty,
        )  # fmt: skip
    Activity.objects.create(  # a grassroots unit's session is not the commune union's own
        unit=tree.a_g3, held_on=dt.date(2025, 4, 1), kind=ActivityKind.OUTREACH, title="x",
        format=ActivityFormat.DIRECT,
    )  # fmt: skip
    a = cell([tree.a_xa], YEAR, "cap-tren-truyen-thong-truc-tiep", today=dt.date(2025, 12, 1))
    assert (a.value, a.status) == (3.0, ev.MET)


def test_channels_and_communicators_are_judged_as_they_stand(
    tree: Tree, defaults: list[TargetRule]
) -> None:
    for kind, status in (
        (ChannelKind.FACEBOOK_PAGE, ChannelStatus.ACTIVE),
        (ChannelKind.ZALO_GROUP, ChannelStatus.PAUSED),
        (ChannelKind.WEBSITE, ChannelStatus.ACTIVE),
    ):
        Channel.objects.create(unit=tree.a_kcn, kind=kind, name="Kênh", status=status)
    a = cell([tree.a_kcn], YEAR, "cap-tren-nhom-mang-xa-hoi", today=dt.date(2025, 3, 1))
    assert (a.value, a.target, a.status) == (1.0, 2.0, ev.MISSED)  # a state: now, not a pace
    Channel.objects.create(unit=tree.a_kcn, kind=ChannelKind.ZALO_OA, name="OA")
    assert (
        cell([tree.a_kcn], YEAR, "cap-tren-nhom-mang-xa-hoi", dt.date(2025, 3, 1)).status == ev.MET
    )

    # Only big grassroots unions (A-G1 has 1.200 members; A-G2 300) are held to these.
    result = ev.evaluate([tree.a_g1, tree.a_g2], YEAR, today=dt.date(2025, 6, 1))
    assert result.cell(tree.a_g2.pk, rule("cdcs-lon-fanpage-zalo").pk) is None
    page = result.cell(tree.a_g1.pk, rule("cdcs-lon-fanpage-zalo").pk)
    people = result.cell(tree.a_g1.pk, rule("cdcs-lon-can-bo-truyen-thong").pk)
    assert page is not None and people is not None
    assert (page.value, page.status, people.value, people.status) == (0, ev.MISSED, 0, ev.MISSED)
    Channel.objects.create(unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="Nhóm")
    Channel.objects.create(unit=tree.a_g1, kind=ChannelKind.FACEBOOK_PAGE, name="Trang")
    Communicator.objects.create(unit=tree.a_g1, full_name="Nguyễn Văn A", role=RosterRole.BRIEFER)
    Communicator.objects.create(
        unit=tree.a_g1, full_name="Trần Thị B", role=RosterRole.BOTH, active=False
    )
    result = ev.evaluate([tree.a_g1], YEAR, today=dt.date(2025, 6, 1))
    page = result.cell(tree.a_g1.pk, rule("cdcs-lon-fanpage-zalo").pk)
    people = result.cell(tree.a_g1.pk, rule("cdcs-lon-can-bo-truyen-thong").pk)
    assert page is not None and people is not None
    assert (page.value, page.status) == (1, ev.MET)  # has one or both: 1
    assert (people.value, people.status) == (0, ev.MISSED)  # a briefer; an inactive one
    Communicator.objects.create(unit=tree.a_g1, full_name="Lê Văn C", role=RosterRole.COMMUNICATOR)
    result = ev.evaluate([tree.a_g1], YEAR, today=dt.date(2025, 6, 1))
    assert result.cell(tree.a_g1.pk, rule("cdcs-lon-can-bo-truyen-thong").pk).status == ev.MET  # type: ignore[union-attr]


def test_inquiries_answered_on_time_and_doubling(tree: Tree, defaults: list[TargetRule]) -> None:
    today = dt.date(2025, 12, 31)
    # This year, in the province's subtree: 3 answered within 24 h, 1 late, 1 unanswered and
    # overdue, 1 in province B (not counted).
    for unit, hours in ((tree.pa, 2), (tree.a_g1, 20), (tree.a_xa, 23.5), (tree.a_g2, 30)):
        inquiry(unit, at(dt.date(2025, 3, 3)), hours)
    inquiry(tree.a_g3, at(dt.date(2025, 5, 5)), None)
    inquiry(tree.b_g1, at(dt.date(2025, 5, 5)), 1)
    a = cell([tree.pa], YEAR, "tinh-tra-loi-24-gio", today=today)
    assert a.value == pytest.approx(3 / 5)
    assert (a.target, a.status, a.percent_text) == (1.0, ev.AT_RISK, "60,0%")  # 31/12: running
    after = cell([tree.pa], YEAR, "tinh-tra-loi-24-gio", today=dt.date(2026, 1, 1))
    assert (after.value, after.status) == (a.value, ev.MISSED)
    # Last year: 2 answered (and one never answered) → this year's 4 is 200 %.
    inquiry(tree.a_g1, at(dt.date(2024, 2, 1)), 5)
    inquiry(tree.a_g2, at(dt.date(2024, 11, 30)), 50)
    inquiry(tree.a_g2, at(dt.date(2024, 12, 1)), None)
    a = cell([tree.pa], YEAR, "tinh-giai-dap-gap-doi", today=today)
    assert (a.value, a.target, a.status) == (2.0, 2.0, ev.MET)
    # Year to date on 31/05/2025: 4 this year against 1 by 31/05/2024.
    a = cell([tree.pa], YEAR, "tinh-giai-dap-gap-doi", today=dt.date(2025, 5, 31))
    assert (a.value, a.status) == (4.0, ev.MET)
    # Province B has no last-year figure: nothing to measure.
    b = cell([tree.pb], YEAR, "tinh-giai-dap-gap-doi", today=today)
    assert (b.value, b.status, b.percent_text) == (None, ev.NO_DATA, "—")


# --- statuses and pace ------------------------------------------------------------------------


def test_judge_pro_rata_pace() -> None:
    count = REGISTRY["campaigns"]
    rate = REGISTRY["posts_per_day"]
    year = Period(2025, "year")
    early = ev.window(year, dt.date(2025, 1, 10))
    may = ev.window(year, dt.date(2025, 5, 31))  # 151 of 365 days
    over = ev.window(year, dt.date(2026, 1, 1))
    assert ev.judge(count, 3, 3, may) == (ev.MET, None)
    assert ev.judge(count, 0, 3, early)[0] == ev.ON_TRACK  # ⌊3 × 10/365⌋ = 0 expected yet
    status, expected = ev.judge(count, 1, 3, may)
    assert status == ev.ON_TRACK and expected == pytest.approx(3 * 151 / 365)
    assert ev.judge(count, 0, 3, may)[0] == ev.AT_RISK  # ⌊1,24⌋ = 1 expected by now
    assert ev.judge(count, 2, 3, over) == (ev.MISSED, None)
    assert ev.judge(rate, 1.5, 2, may) == (ev.AT_RISK, None)
    assert ev.judge(rate, 2.5, 2, may) == (ev.MET, None)
    assert ev.judge(REGISTRY["inquiries_on_time"], None, 1, may) == (ev.NO_DATA, None)
    assert ev.judge(count, 5, 3, ev.window(year, dt.date(2024, 12, 1))) == (ev.NO_DATA, None)


def test_rule_targets_are_pro_rated_by_months(tree: Tree, defaults: list[TargetRule]) -> None:
    campaigns = rule("tinh-chien-dich-nam")
    assert ev.rule_target(campaigns, Period(2025, "half", 1)) == 1.5
    assert ev.rule_target(campaigns, Period(2025, "month", 2)) == 0.25
    assert ev.rule_target(rule("tinh-giai-dap-gap-doi"), Period(2025, "year")) == 2.0
    assert ev.rule_target(rule("tinh-tin-bai-ngay"), Period(2025, "month", 2)) == 4.0


def test_rules_apply_within_the_owners_subtree_by_kind(
    tree: Tree, officers: Officers, defaults: list[TargetRule]
) -> None:
    own = services.target_rule_save(
        owner=tree.pb,
        actor=officers.b_admin,
        name="CĐCS tỉnh B có ít nhất 1 nhóm",
        metric="social_groups",
        value="1",
        per="none",
        unit_kinds=["grassroots"],
    )
    result = ev.evaluate(
        [tree.pa, tree.a_kcn, tree.a_g1, tree.b_g1], YEAR, today=dt.date(2025, 6, 1)
    )
    keys = {(u, r) for (u, r) in result.cells}
    assert (tree.b_g1.pk, own.pk) in keys
    assert (tree.a_g1.pk, own.pk) not in keys
    assert {r for (u, r) in keys if u == tree.pa.pk} == {
        rule(k).pk for k in ("tinh-tin-bai-ngay", "tinh-chien-dich-nam", "tinh-nhom-mang-xa-hoi",
                             "tinh-tra-loi-24-gio", "tinh-giai-dap-gap-doi")
    }  # fmt: skip
    assert len([1 for (u, _) in keys if u == tree.a_kcn.pk]) == 4
    TargetRule.objects.filter(pk=rule("tinh-tin-bai-ngay").pk).update(active=False)
    result = ev.evaluate([tree.pa], YEAR, today=dt.date(2025, 6, 1))
    assert rule("tinh-tin-bai-ngay").pk not in {r for (_, r) in result.cells}


def test_rule_validation_messages(tree: Tree, officers: Officers) -> None:
    with pytest.raises(ValidationError) as caught:
        services.target_rule_save(
            owner=tree.pa, actor=officers.a_admin, name="", metric="campaigns", value="0",
            per="day", unit_kinds=["khong-co"],
        )  # fmt: skip
    errors = caught.value.message_dict
    assert errors["name"] == ["Chưa nhập tên chỉ tiêu."]
    assert errors["value"] == ["Mức chỉ tiêu phải là số lớn hơn 0."]
    assert "chỉ tính theo" in errors["per"][0]
    assert "khong-co" in errors["unit_kinds"][0]
    assert not TargetRule.objects.exists()


def test_subtree_summary_counts_every_applicable_unit(
    tree: Tree, defaults: list[TargetRule]
) -> None:
    Channel.objects.create(unit=tree.a_g1, kind=ChannelKind.ZALO_GROUP, name="Nhóm")
    big = unit_big = Unit.objects.get(code="B-G1")  # 2.500 members, in province B
    assert big.member_count >= 1000 and unit_big.code == "B-G1"
    rows = ev.subtree_summary(
        tree.vn, YEAR, [rule("cdcs-lon-fanpage-zalo")], today=dt.date(2025, 6, 1)
    )
    assert len(rows) == 1
    assert (rows[0].units, rows[0].met, rows[0].counts[ev.MISSED]) == (2, 1, 1)
    assert rows[0].met_share == 0.5
    rows = ev.subtree_summary(
        tree.pa, YEAR, [rule("cdcs-lon-fanpage-zalo")], today=dt.date(2025, 6, 1)
    )
    assert (rows[0].units, rows[0].met) == (1, 1)


# --- numbers assigned top-down ------------------------------------------------------------------


def test_split_by_weights_is_exact_and_proportional() -> None:
    assert services.split_by_weights(100, [1200, 300]) == [80, 20]
    assert services.split_by_weights(10, [1, 1, 1]) == [4, 3, 3]
    assert services.split_by_weights(7, [0, 0]) == [4, 3]
    weights = [5, 17, 0, 333, 91]
    shares = services.split_by_weights(1001, weights)
    assert sum(shares) == 1001 and shares[2] == 0
    assert all(abs(s - 1001 * w / sum(weights)) < 1 for s, w in zip(shares, weights, strict=True))


def test_assign_and_distribute(tree: Tree, officers: Officers) -> None:
    metric = activity_metric_key(ActivityKind.INITIATIVE)
    period = reporting_period(YEAR)
    with pytest.raises(PermissionDenied):  # a unit does not give itself a number
        services.target_assign(
            unit=tree.pa, metric=metric, period=period, value=10, actor=officers.a_admin
        )
    parent = services.target_assign(
        unit=tree.a_kcn, metric=metric, period=period, value="1.000", actor=officers.a_leader
    )
    assert parent.value == 1000 and parent.assigned_by == officers.a_leader
    with pytest.raises(PermissionDenied):  # communicators do not set targets
        services.target_distribute(
            parent=tree.a_kcn, metric=metric, period=period, actor=officers.a_communicator
        )
    kcn_admin = make_officer("quantri_kcn", tree.a_kcn, Role.ADMIN)
    shares = services.target_distribute(
        parent=tree.a_kcn, metric=metric, period=period, actor=kcn_admin
    )
    assert {a.unit.code: a.value for a in shares} == {"A-G1": 800, "A-G2": 200}
    assert all(a.distributed_from == parent for a in shares)
    assert AuditEvent.objects.filter(action="target.distribute", unit=tree.a_kcn).count() == 1
    with pytest.raises(ValidationError, match="chưa được giao chỉ tiêu"):
        services.target_distribute(
            parent=tree.a_xa, metric=metric, period=period, actor=officers.a_admin
        )
    with pytest.raises(ValidationError):
        services.target_assign_children(
            parent=tree.a_kcn, metric=metric, period=period,
            values={tree.a_g1.pk: "12", tree.a_g2.pk: "mười"}, actor=kcn_admin,
        )  # fmt: skip
    assert TargetAssignment.objects.get(unit=tree.a_g1).value == 800  # nothing written
    # A decimal is refused, not read as 125 with the dot taken for a thousands separator.
    with pytest.raises(ValidationError) as caught:
        services.target_assign_children(
            parent=tree.a_kcn, metric=metric, period=period,
            values={tree.a_g1.pk: "12.5", tree.a_g2.pk: "1.200"}, actor=kcn_admin,
        )  # fmt: skip
    assert caught.value.message_dict == {
        f"unit_{tree.a_g1.pk}": [
            f"{tree.a_g1.name}: “12.5” không phải số nguyên (ví dụ đúng: 1200 hoặc 1.200)."
        ]
    }
    assert TargetAssignment.objects.get(unit=tree.a_g1).value == 800
    services.target_assign_children(
        parent=tree.a_kcn, metric=metric, period=period,
        values={tree.a_g1.pk: "12", tree.a_g2.pk: ""}, actor=kcn_admin,
    )  # fmt: skip
    assert TargetAssignment.objects.get(unit=tree.a_g1).value == 12
    assert not TargetAssignment.objects.filter(unit=tree.a_g2).exists()


def test_assignment_achievement_from_records(tree: Tree, officers: Officers) -> None:
    metric = activity_metric_key(ActivityKind.INITIATIVE)
    period = reporting_period(Period(2025, "half", 1))
    services.target_assign(
        unit=tree.a_kcn, metric=metric, period=period, value=10, actor=officers.a_admin
    )
    for unit, qty, day in (
        (tree.a_g1, 3, dt.date(2025, 3, 1)),
        (tree.a_g2, 2, dt.date(2025, 6, 30)),
        (tree.a_g2, 9, dt.date(2025, 7, 1)),  # after the half-year
        (tree.a_g3, 4, dt.date(2025, 3, 1)),  # another subtree
    ):
        Activity.objects.create(
            unit=unit, held_on=day, kind=ActivityKind.INITIATIVE, title="Sáng kiến", quantity=qty
        )
    [a] = ev.assignment_achievements(
        ev.assignments_overlapping(tree.a_kcn, Period(2025, "year")), today=dt.date(2025, 8, 1)
    )
    assert (a.value, a.target, a.status, a.percent_text) == (5.0, 10.0, ev.MISSED, "50,0%")


def test_report_says_how_much_of_the_target_was_reached(tree: Tree, officers: Officers) -> None:
    h1 = Period(2024, "half", 1)
    services.target_assign(
        unit=tree.pa,
        metric=activity_metric_key(ActivityKind.OUTREACH),
        period=reporting_period(h1),
        value=5,
        actor=officers.national_admin,
    )
    for unit, qty in ((tree.a_g1, 6), (tree.a_g2, 3), (tree.a_xa, 2), (tree.b_g1, 40)):
        Activity.objects.create(
            unit=unit, held_on=dt.date(2024, 3, 1), kind=ActivityKind.OUTREACH,
            title="Tuyên truyền", format=ActivityFormat.DIRECT, quantity=qty, participants=10,
        )  # fmt: skip
    data = report_data(tree.pa, h1, issued_on=dt.date(2024, 7, 5))
    assert data.targets == {ActivityKind.OUTREACH: 5}
    text = " ".join(p for s in write(data).sections for part in s.parts for p in part.paragraphs)
    assert "11 buổi tuyên truyền (đạt 220,0% so với chỉ tiêu 5)" in text
    other = report_data(tree.pa, Period(2024, "year"), issued_on=dt.date(2025, 1, 5))
    assert other.targets == {}  # only a number for exactly that period


# --- alerts -----------------------------------------------------------------------------------


def test_alerts_go_to_leaders_once_per_round(
    tree: Tree, officers: Officers, defaults: list[TargetRule]
) -> None:
    kcn_leader = make_officer("lanhdao_kcn", tree.a_kcn, Role.LEADER)
    monday = dt.date(2025, 6, 2)
    assert monday.weekday() == 0
    sent = services.target_alerts_send(today=monday)
    # P-A (province rules) and A-KCN (upper-level rules) have leaders; both fall short.
    assert sent == 2
    notices = Notification.objects.filter(kind="target.alert")
    assert {n.user for n in notices} == {officers.a_leader, kcn_leader}
    kcn_notice = notices.get(user=kcn_leader)
    assert "chỉ tiêu cần chú ý" in kcn_notice.title
    assert "tin, bài mỗi ngày" in kcn_notice.body and "%" in kcn_notice.body
    with translation.override("en"):  # an English leader sees it in English
        assert "targets need attention" in kcn_notice.shown_title
        assert "posts/day" in kcn_notice.shown_body and "June 2025" in kcn_notice.shown_body
        assert "nguy cơ" not in kcn_notice.shown_body  # the rule's own name stays as typed
        assert re.search(r": \d+\.\d/\d+\.\d posts/day \(\d+\.\d%", kcn_notice.shown_body)
    # …and in Vietnamese as the tables write it.
    assert re.search(r": \d+,\d/\d+,\d tin, bài/ngày \(\d+,\d%", kcn_notice.body)
    assert kcn_notice.url == "/chi-tieu/A-KCN/"
    assert services.target_alerts_send(today=monday) == 0  # same round: nothing again
    assert Notification.objects.filter(kind="target.alert").count() == 2
    assert TargetAlert.objects.filter(round="tuan-2025-W23").count() == 2
    assert services.target_alerts_send(today=dt.date(2025, 6, 3)) == 0  # not a Monday, no end
    # The day after a month ends: rules judged per month (posts a day) are missed.
    assert services.target_alerts_send(today=dt.date(2025, 7, 1)) == 2
    ended = Notification.objects.filter(kind="target.alert", user=kcn_leader).latest("id")
    assert "không đạt" in ended.body and "tháng 6 năm 2025" in ended.body
    with translation.override("en"):
        assert "not achieved, June 2025)" in ended.shown_body
    assert TargetAlert.objects.filter(round="ket-thuc-2025-06").count() == 2


# --- screens -------------------------------------------------------------------------------


def test_targets_page_shows_compliance_of_children(
    client: Client, tree: Tree, officers: Officers, defaults: list[TargetRule]
) -> None:
    Channel.objects.create(unit=tree.a_kcn, kind=ChannelKind.FACEBOOK_PAGE, name="Trang")
    Channel.objects.create(unit=tree.a_kcn, kind=ChannelKind.ZALO_GROUP, name="Nhóm")
    login(client, officers.a_viewer)
    assert client.get("/chi-tieu/P-A/").status_code == 404  # outside the viewer's subtree
    login(client, officers.a_propaganda)
    page = client.get("/chi-tieu/P-A/?ky=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Công đoàn cấp trên cơ sở có ít nhất 2 nhóm truyền thông" in html
    assert 't-cell t-met"' in html  # A-KCN's two groups
    assert "t-cell t-missed" in html  # A-XA has none
    assert "/chi-tieu/A-KCN/?ky=2025" in html  # drill-down keeps the period
    bad = client.get("/chi-tieu/P-A/?ky=2025-Q7")
    assert bad.status_code == 400 and "Quý 7" in bad.content.decode()


def test_rule_and_assignment_screens(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_viewer)
    assert client.post("/chi-tieu/A-G1/quy-tac/", {"name": "x"}).status_code == 403
    login(client, officers.a_propaganda)
    data = {
        "name": "CĐCS ghi ít nhất 4 buổi tuyên truyền mỗi năm",
        "metric": "direct_outreach",
        "value": "4",
        "per": "year",
        "unit_kinds": ["grassroots"],
        "min_members": "0",
        "active": "on",
    }
    assert client.post("/chi-tieu/P-A/quy-tac/", data).status_code == 302
    made = TargetRule.objects.get()
    assert (made.owner, made.value, made.unit_kinds) == (tree.pa, Decimal(4), ["grassroots"])
    bad = client.post("/chi-tieu/P-A/quy-tac/", {**data, "value": "-1"})
    assert bad.status_code == 400 and "lớn hơn 0" in bad.content.decode()
    assert client.get(f"/chi-tieu/quy-tac/{made.pk}/").status_code == 200
    login(client, officers.b_admin)
    assert client.get(f"/chi-tieu/quy-tac/{made.pk}/").status_code == 404

    login(client, officers.a_leader)
    metric = activity_metric_key(ActivityKind.INITIATIVE)
    url = f"/chi-tieu/P-A/giao/?so-do={metric}&ky=2026"
    kcn, xa = f"unit_{tree.a_kcn.pk}", f"unit_{tree.a_xa.pk}"
    assert client.post(url, {kcn: "30", xa: "12"}).status_code == 302
    assert {a.unit.code: a.value for a in TargetAssignment.objects.all()} == {
        "A-KCN": 30,
        "A-XA": 12,
    }
    page = client.get(url).content.decode()
    assert "Đã giao xuống: <strong>42</strong>" in page
    login(client, officers.national_admin)
    response = client.post(f"/chi-tieu/P-A/giao/?so-do={metric}&ky=2026", {"phan-bo": "1"})
    assert response.status_code == 400
    assert "chưa được giao chỉ tiêu" in response.content.decode()


# --- command line and demo ------------------------------------------------------------------


def test_load_defaults_command(tree: Tree) -> None:
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("targets", "load-defaults", "--owner", "P-A", stdout=out)
    assert "11 mới, 0 cập nhật" in out.getvalue()
    assert set(TargetRule.objects.values_list("owner__code", flat=True)) == {"P-A"}
    with pytest.raises(CommandError, match="Không có đơn vị mã “XX”"):
        call_command("targets", "load-defaults", "--owner", "XX", stdout=io.StringIO())


def test_demo_targets_and_period_reports() -> None:
    from lantoa.activities.demo import seed_demo_activities
    from lantoa.periods.models import PeriodReport, ReportStatus
    from lantoa.targets.demo import seed_demo_targets
    from lantoa.units.seed import seed_database

    seed_database(size="demo", seed=2026)
    as_of = dt.date(2026, 12, 6)
    seed_demo_activities(seed=2026, as_of=as_of)
    line = seed_demo_targets(seed=2026, as_of=as_of)
    assert "11 chỉ tiêu mặc định" in line
    reports = PeriodReport.objects.all()
    statuses = set(reports.values_list("status", flat=True))
    assert statuses == {ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED}
    assert {r.on_time for r in reports.select_related("period")[:2000]} == {True, False}
    assert not reports.filter(status=ReportStatus.RETURNED, return_comment="").exists()
    # Snapshots agree with the records: a grassroots union's May report.
    report = (
        reports.filter(unit__kind="grassroots", period__code="2026-05")
        .exclude(figures__records=0)
        .select_related("unit")
        .first()
    )
    assert report is not None
    may = Activity.objects.filter(
        unit=report.unit, held_on__gte=dt.date(2026, 5, 1), held_on__lte=dt.date(2026, 5, 31)
    )
    assert report.figures["records"] == may.count()
    # Reports run to the last complete month before the demo's last day, none sent after it.
    codes = set(reports.values_list("period__code", flat=True))
    assert {"2026-H1", "2026-01", "2026-06", "2026-11"} <= codes
    assert "2026-12" not in codes and "2026-H2" not in codes
    assert not reports.filter(submitted_at__date__gt=as_of).exists()
    assert not reports.filter(approved_at__date__gt=as_of).exists()
    assert "tháng 01/2026 – 11/2026, 6 tháng đầu năm 2026" in line
    # The initiatives target is split over Thái Nguyên's unions exactly.
    year = TargetAssignment.objects.get(unit__code="TN", metric="activity_initiative")
    shares = TargetAssignment.objects.filter(distributed_from=year)
    assert shares.count() > 5 and sum(a.value for a in shares) == year.value
