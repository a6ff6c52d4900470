"""Content services (lantoa.content.services): slugs, the review workflow with four-eyes and per-
unit approvers, versions, write access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lantoa.accounts.models import Role
from lantoa.audit.models import AuditEvent
from lantoa.content import selectors, services
from lantoa.content.models import ApprovalSetting, ContentEvent, ContentItem, ContentStatus
from lantoa.notifications.models import Notification
from lantoa.publishing import services as publishing
from tests.conftest import Officers, Tree, make_officer
from tests.content.support import news_item


def test_slug_folds_vietnamese() -> None:
    assert services.slugify_vi("Đoàn viên") == "doan-vien"
    assert services.slugify_vi("  Tết Sum vầy 2026: Đường đến ĐỒNG BẰNG!  ") == (
        "tet-sum-vay-2026-duong-den-dong-bang"
    )


def test_slug_unique_per_unit(tree: Tree, officers: Officers) -> None:
    a = news_item(tree.pa, officers.a_admin, "Đoàn viên")
    b = news_item(tree.pa, officers.a_admin, "Đoàn viên")
    c = news_item(tree.a_kcn, officers.a_admin, "Đoàn viên")
    assert (a.slug, b.slug, c.slug) == ("doan-vien", "doan-vien-2", "doan-vien")


def test_full_workflow_with_events_notifications_and_audit(
    tree: Tree, officers: Officers, django_capture_on_commit_callbacks: object
) -> None:
    author = officers.a_communicator  # at A-KCN
    item = news_item(tree.a_kcn, author)
    assert item.status == ContentStatus.DRAFT and item.version == 1

    services.content_submit(item=item, actor=author)
    assert item.status == ContentStatus.IN_REVIEW
    # Approvers: admin and leader of province A (nobody approves at A-KCN itself).
    notified = Notification.objects.filter(kind="content.submitted")
    assert sorted(n.user.username for n in notified) == ["admin_a", "lanhdao_a"]

    services.content_approve(item=item, actor=officers.a_leader, comment="Tốt")
    assert item.status == ContentStatus.APPROVED
    assert Notification.objects.filter(kind="content.approved", user=author).count() == 1

    # Scheduling is publishing's: a site publication at the time, the item scheduled; the
    # one clock (publishing's sweep) publishes the item when that time comes.
    at = timezone.now() + dt.timedelta(hours=2)
    publishing.publication_site_schedule(item=item, actor=author, at=at)
    item.refresh_from_db()
    assert item.status == ContentStatus.SCHEDULED and item.scheduled_at == at

    assert publishing.publication_items_due(now=at - dt.timedelta(minutes=1)) == 0
    assert publishing.publication_items_due(now=at + dt.timedelta(minutes=1)) == 1
    assert publishing.publication_items_due(now=at + dt.timedelta(minutes=2)) == 0  # idempotent
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED and item.published_at is not None

    kinds = list(
        ContentEvent.objects.filter(item=item).order_by("id").values_list("kind", "to_status")
    )
    assert kinds == [
        ("created", "draft"),
        ("submitted", "in_review"),
        ("approved", "approved"),
        ("scheduled", "scheduled"),
        ("published", "published"),
    ]
    actions = list(
        AuditEvent.objects.filter(target__startswith=f"{item.pk}:")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "content.create",
        "content.submit",
        "content.approve",
        "content.schedule",
        "content.publish",
    ]


def test_refused_transitions_have_vietnamese_errors(tree: Tree, officers: Officers) -> None:
    item = news_item(tree.pa, officers.a_propaganda)
    with pytest.raises(ValidationError) as exc:
        services.content_approve(item=item, actor=officers.a_leader)
    assert "Không thể duyệt nội dung đang ở trạng thái “Bản nháp”" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="Không thể đăng"):
        services.content_publish(item=item, actor=officers.a_propaganda)
    with pytest.raises(ValidationError, match="Không thể hẹn giờ đăng"):
        services.content_schedule(
            item=item, actor=officers.a_propaganda, at=timezone.now() + dt.timedelta(days=1)
        )
    services.content_submit(item=item, actor=officers.a_propaganda)
    with pytest.raises(ValidationError) as exc:
        services.content_return(item=item, actor=officers.a_leader, comment="  ")
    assert exc.value.message_dict["comment"] == [
        "Vui lòng ghi nhận xét để tác giả biết cần sửa gì."
    ]
    services.content_approve(item=item, actor=officers.a_leader)
    with pytest.raises(ValidationError) as exc:
        services.content_schedule(
            item=item, actor=officers.a_propaganda, at=timezone.now() - dt.timedelta(hours=1)
        )
    assert "đã qua" in exc.value.message_dict["scheduled_at"][0]
    services.content_publish(item=item, actor=officers.a_propaganda)
    with pytest.raises(ValidationError, match="không sửa được nữa"):
        services.content_update(item=item, actor=officers.a_propaganda, title="Sửa sau khi đăng")
    # Nothing moved on the refusals: only the five real steps left events.
    assert ContentEvent.objects.filter(item=item).count() == 4
    assert item.status == ContentStatus.PUBLISHED


def test_kind_requirements_before_review(tree: Tree, officers: Officers) -> None:
    brief = services.content_create(
        unit=tree.pa,
        kind="brief",
        title="Định hướng tuyên truyền 28/7",
        author=officers.a_propaganda,
    )
    with pytest.raises(ValidationError) as exc:
        services.content_submit(item=brief, actor=officers.a_propaganda)
    assert set(exc.value.message_dict) == {"attachment", "summary"}
    live = services.content_create(
        unit=tree.pa,
        kind="livestream",
        title="Tọa đàm trực tuyến",
        author=officers.a_propaganda,
        livestream_url="https://www.facebook.com/ldld/live",
    )
    with pytest.raises(ValidationError) as exc:
        services.content_submit(item=live, actor=officers.a_propaganda)
    assert set(exc.value.message_dict) == {"livestream_at"}
    with pytest.raises(ValidationError) as exc:
        services.content_create(
            unit=tree.pa,
            kind="video",
            title="Clip",
            author=officers.a_propaganda,
            video_url="https://vimeo.com/123",
        )
    assert "YouTube, TikTok hoặc Facebook" in exc.value.message_dict["video_url"][0]
    assert ContentItem.objects.filter(title="Clip").count() == 0


def test_returned_item_goes_back_to_draft_on_edit(tree: Tree, officers: Officers) -> None:
    item = news_item(tree.pa, officers.a_propaganda)
    services.content_submit(item=item, actor=officers.a_propaganda)
    services.content_return(item=item, actor=officers.a_leader, comment="Thêm số liệu.")
    assert item.status == ContentStatus.RETURNED
    assert Notification.objects.get(kind="content.returned").user == officers.a_propaganda
    assert ContentEvent.objects.get(item=item, kind="returned").comment == "Thêm số liệu."
    assert services.content_update(
        item=item, actor=officers.a_propaganda, body="<p>Có số liệu.</p>"
    )
    assert item.status == ContentStatus.DRAFT and item.version == 2


def test_editing_approved_item_voids_approval(tree: Tree, officers: Officers) -> None:
    item = news_item(tree.pa, officers.a_propaganda)
    services.content_submit(item=item, actor=officers.a_propaganda)
    services.content_approve(item=item, actor=officers.a_leader)
    services.content_schedule(
        item=item, actor=officers.a_propaganda, at=timezone.now() + dt.timedelta(days=1)
    )
    services.content_update(item=item, actor=officers.a_propaganda, title="Tiêu đề mới")
    item.refresh_from_db()
    assert (item.status, item.scheduled_at, item.version) == (ContentStatus.DRAFT, None, 2)


def test_four_eyes_author_cannot_approve(tree: Tree, officers: Officers) -> None:
    item = news_item(tree.pa, officers.a_leader)  # a leader is an approver, but wrote it
    services.content_submit(item=item, actor=officers.a_leader)
    with pytest.raises(ValidationError) as exc:
        services.content_approve(item=item, actor=officers.a_leader)
    assert exc.value.code == "four_eyes"
    assert "không thể tự duyệt" in exc.value.messages[0]
    item.refresh_from_db()
    assert item.status == ContentStatus.IN_REVIEW
    # Nor may an approver who wrote the version under review (someone else's item).
    other = news_item(tree.pa, officers.a_propaganda, "Bài khác")
    services.content_update(item=other, actor=officers.a_admin, body="<p>Sửa của admin</p>")
    services.content_submit(item=other, actor=officers.a_propaganda)
    with pytest.raises(ValidationError, match="không thể tự duyệt"):
        services.content_approve(item=other, actor=officers.a_admin)
    services.content_approve(item=other, actor=officers.a_leader)
    services.content_approve(item=item, actor=officers.a_admin)
    assert item.status == other.status == ContentStatus.APPROVED


def test_approvers_inherited_from_nearest_setting(tree: Tree, officers: Officers) -> None:
    services.approval_setting_save(
        unit=tree.pa, roles=[Role.PROPAGANDA], users=[], actor=officers.a_admin
    )
    services.approval_setting_save(
        unit=tree.a_kcn, roles=[], users=[officers.a_briefer], actor=officers.a_admin
    )
    writer = make_officer("viet_g1", tree.a_g1, Role.COMMUNICATOR)
    g1_item = news_item(tree.a_g1, writer)
    writer_g3 = make_officer("viet_g3", tree.a_g3, Role.COMMUNICATOR)
    g3_item = news_item(tree.a_g3, writer_g3)

    # A-G1 is under A-KCN: the nearest setting names the briefer only.
    assert selectors.approval_setting_for(tree.a_g1).unit == tree.a_kcn
    assert selectors.can_approve(officers.a_briefer, g1_item)
    assert not selectors.can_approve(officers.a_propaganda, g1_item)
    assert not selectors.can_approve(officers.a_leader, g1_item)
    # A-G3 is under A-XA, which has no setting: province A's (propaganda) applies.
    assert selectors.can_approve(officers.a_propaganda, g3_item)
    assert not selectors.can_approve(officers.a_leader, g3_item)
    assert not selectors.can_approve(officers.a_briefer, g3_item)
    # Without any setting: leader and admin (the default), not propaganda.
    pb_item = news_item(tree.pb, officers.b_admin)
    assert selectors.approval_setting_for(tree.pb) is None
    assert not selectors.can_approve(officers.a_leader, pb_item)  # other province

    services.content_submit(item=g1_item, actor=writer)
    assert [n.user for n in Notification.objects.filter(kind="content.submitted")] == [
        officers.a_briefer
    ]
    with pytest.raises(ValidationError) as exc:
        services.content_approve(item=g1_item, actor=officers.a_leader)
    assert exc.value.code == "not_approver"
    services.content_approve(item=g1_item, actor=officers.a_briefer)
    assert g1_item.status == ContentStatus.APPROVED

    assert services.approval_setting_clear(unit=tree.a_kcn, actor=officers.a_admin) == 1
    assert selectors.approval_setting_for(tree.a_g1).unit == tree.pa
    assert ApprovalSetting.objects.count() == 1


def test_approval_setting_refuses_outsiders(tree: Tree, officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        services.approval_setting_save(
            unit=tree.a_kcn, roles=[], users=[officers.b_admin], actor=officers.a_admin
        )
    assert "không có vai trò nào ở đơn vị này" in exc.value.message_dict["users"][0]
    with pytest.raises(ValidationError):
        services.approval_setting_save(unit=tree.a_kcn, roles=[], users=[], actor=officers.a_admin)
    assert ApprovalSetting.objects.count() == 0


def test_viewer_cannot_write(tree: Tree, officers: Officers) -> None:
    with pytest.raises(PermissionDenied):
        news_item(tree.a_g1, officers.a_viewer)
    assert ContentItem.objects.count() == 0


def test_every_edit_is_a_version_and_restore_makes_a_new_one(
    tree: Tree, officers: Officers
) -> None:
    item = news_item(tree.pa, officers.a_propaganda, "Bản đầu", body="<p>Dòng một</p>")
    assert not services.content_update(item=item, actor=officers.a_propaganda, title="Bản đầu")
    services.content_update(item=item, actor=officers.a_propaganda, title="Bản hai")
    services.content_update(
        item=item, actor=officers.a_admin, body="<p>Dòng một</p><p>Dòng hai</p>"
    )
    assert list(item.versions.values_list("number", "title")) == [
        (3, "Bản hai"),
        (2, "Bản hai"),
        (1, "Bản đầu"),
    ]
    v1, v3 = item.versions.get(number=1), item.versions.get(number=3)
    assert v3.author == officers.a_admin
    diff = {f.label: f for f in selectors.version_diff(v1, v3)}
    assert [(d.op, d.text) for d in diff["Tiêu đề"].lines] == [
        ("del", "Bản đầu"),
        ("add", "Bản hai"),
    ]
    assert [(d.op, d.text) for d in diff["Nội dung"].lines] == [
        ("same", "Dòng một"),
        ("add", "Dòng hai"),
    ]

    assert services.content_restore(item=item, version=v1, actor=officers.a_propaganda)
    item.refresh_from_db()
    assert (item.version, item.title, item.body) == (4, "Bản đầu", "<p>Dòng một</p>")
    v4 = item.versions.get(number=4)
    assert v4.note == "Khôi phục phiên bản 1" and v4.title == v1.title and v4.body == v1.body
    assert ContentEvent.objects.filter(item=item, kind="restored").count() == 1
    assert item.slug == "ban-dau"  # the address does not move with the title
    # Restoring what is already current writes nothing.
    assert not services.content_restore(item=item, version=v4, actor=officers.a_propaganda)
    assert item.versions.count() == 4
