"""Publishing services (lantoa.publishing.services): manual records with a link or photo, recording
a failed automatic post by hand, republishing, choosing channels, retry and cancel."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantoa.audit.models import AuditEvent
from lantoa.connectors.models import AccountStatus, ConnectorAccount
from lantoa.content import services as content
from lantoa.publishing import runner, selectors, services
from lantoa.publishing.models import Method, Publication
from tests.conftest import Officers, Tree
from tests.fixtures.publishing import (
    FB_PAGE,
    FB_TOKEN,
    approved_item,
    board_channel,
    fake_fixture,  # noqa: F401  (fixture "fake")
    media_root_fixture,  # noqa: F401  (autouse fixture)
    png,
)
from tests.publishing.support import S, facebook_job, item_approved, run_job, schedule


def test_manual_channel_is_recorded_with_a_link_or_photo(tree: Tree, officers: Officers) -> None:
    board = board_channel(tree.a_g1)
    item = item_approved(tree, officers)
    content.content_publish(item=item, actor=officers.a_propaganda)
    viewer_unit_officer = officers.a_communicator  # A-KCN communicator covers A-G1
    (pub,) = schedule(item, tree.a_g1, [f"c{board.pk}"], viewer_unit_officer)
    assert pub.method == Method.MANUAL and pub.status == S.PENDING
    assert pub.next_attempt_at is None
    assert runner.publications_sweep() == []

    with pytest.raises(ValidationError) as info:
        services.publication_record(publication=pub, actor=viewer_unit_officer)
    assert "Cần đường dẫn bài đã đăng hoặc ảnh chụp" in info.value.message_dict["proof_url"][0]
    with pytest.raises(ValidationError) as info:
        services.publication_record(
            publication=pub, actor=viewer_unit_officer, proof_url="https://www.facebook.com/"
        )
    assert "chỉ là trang chủ Facebook" in info.value.message_dict["proof_url"][0]
    with pytest.raises(ValidationError) as info:
        services.publication_record(
            publication=pub,
            actor=viewer_unit_officer,
            proof_photo=(io.BytesIO(b"%PDF-1.4 not a photo"), "bang-tin.pdf"),
        )
    assert "“bang-tin.pdf”" in info.value.message_dict["proof_photo"][0]
    with pytest.raises(ValidationError) as info:
        services.publication_record(
            publication=pub,
            actor=viewer_unit_officer,
            proof_url="https://zalo.me/g/abc123",
            posted_at=timezone.now() + dt.timedelta(days=1),
        )
    assert "chưa tới" in info.value.message_dict["posted_at"][0]
    pub.refresh_from_db()
    assert pub.status == S.PENDING

    posted = timezone.now() - dt.timedelta(hours=2)
    services.publication_record(
        publication=pub,
        actor=viewer_unit_officer,
        proof_photo=(io.BytesIO(png()), "bang-tin.png"),
        posted_at=posted,
        note="Dán tại bảng tin nhà ăn ca",
    )
    pub.refresh_from_db()
    assert pub.status == S.RECORDED and pub.published_at == posted
    assert pub.recorded_by == viewer_unit_officer
    assert pub.proof_photo.name and pub.proof_thumbnail.name
    assert AuditEvent.objects.filter(action="publishing.record").count() == 1
    with pytest.raises(ValidationError):
        services.publication_record(
            publication=pub, actor=viewer_unit_officer, proof_url="https://zalo.me/g/abc"
        )


def test_failed_automatic_post_can_be_recorded_by_hand(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = facebook_job(fake, tree, officers)
    fake.page_token(FB_PAGE, "rotated")
    assert run_job(pub) == S.FAILED
    pub.refresh_from_db()
    services.publication_record(
        publication=pub,
        actor=officers.a_propaganda,
        proof_url="https://www.facebook.com/congdoan.angiang/posts/123",
    )
    pub.refresh_from_db()
    assert pub.status == S.RECORDED and pub.url.endswith("/posts/123")


def test_republishing_needs_a_published_item_from_above(tree: Tree, officers: Officers) -> None:
    item = item_approved(tree, officers)
    with pytest.raises(ValidationError, match="Chỉ đăng lại được nội dung"):
        schedule(item, tree.a_g1, ["site"], officers.a_communicator)
    with pytest.raises(ValidationError, match="không nhận được nội dung"):
        schedule(item, tree.pb, ["site"], officers.national_admin)
    other = approved_item(tree.a_g1, officers.a_communicator, officers.a_leader, title="Tin cơ sở")
    with pytest.raises(ValidationError, match="không nhận được nội dung"):
        schedule(other, tree.pa, ["site"], officers.a_propaganda)


def test_a_channel_is_not_chosen_twice(tree: Tree, officers: Officers) -> None:
    item = item_approved(tree, officers)
    schedule(item, tree.pa, ["site"], officers.a_propaganda)
    with pytest.raises(ValidationError) as info:
        schedule(item, tree.pa, ["site"], officers.a_propaganda)
    assert "đã có lượt đăng" in info.value.message_dict["channels"][0]
    assert Publication.objects.count() == 1


def test_retry_and_cancel(fake: Any, tree: Tree, officers: Officers) -> None:
    pub = facebook_job(fake, tree, officers)
    fake.page_token(FB_PAGE, "rotated")
    assert run_job(pub) == S.FAILED
    with pytest.raises(ValidationError):
        services.publication_cancel(publication=pub, actor=officers.a_propaganda)
    fake.page_token(FB_PAGE, FB_TOKEN)
    ConnectorAccount.objects.update(status=AccountStatus.ACTIVE)  # reconnected
    services.publication_retry(publication=pub, actor=officers.a_propaganda)
    pub.refresh_from_db()
    assert pub.status == S.PENDING and not pub.permanent_error and pub.first_attempt_at is None
    assert run_job(pub) == S.PUBLISHED
    assert len(fake.posts()) == 1
    with pytest.raises(ValidationError, match="Chỉ thử lại được"):
        services.publication_retry(publication=pub, actor=officers.a_propaganda)


def test_choosing_a_failed_channel_again_takes_up_the_same_publication(
    fake: Any, tree: Tree, officers: Officers
) -> None:
    pub = facebook_job(fake, tree, officers)
    key = pub.idempotency_key
    fake.page_token(FB_PAGE, "rotated")
    assert run_job(pub) == S.FAILED
    options = {o.key: o for o in selectors.channel_options(tree.pa, pub.item)}
    assert options[f"c{pub.channel_id}"].taken is None  # offered again
    fake.page_token(FB_PAGE, FB_TOKEN)
    ConnectorAccount.objects.update(status=AccountStatus.ACTIVE)
    (again,) = schedule(pub.item, tree.pa, [f"c{pub.channel_id}"], officers.a_propaganda)
    assert again.pk == pub.pk and again.idempotency_key == key
    assert Publication.objects.filter(method=Method.FACEBOOK).count() == 1
    assert run_job(again) == S.PUBLISHED
    assert len(fake.posts()) == 1


def test_channel_names_are_kept_in_vietnamese_and_shown_in_the_readers_language(
    tree: Tree, officers: Officers
) -> None:
    """An officer working in English publishes: the publications keep the site's language
    (what audit entries and reports read), the pages show the reader's."""
    from django.utils import translation

    board = board_channel(tree.a_g1)
    item = item_approved(tree, officers)
    content.content_publish(item=item, actor=officers.a_propaganda)
    with translation.override("en"):
        options = {o.key: str(o.label) for o in selectors.channel_options(tree.a_g1, item)}
        assert options["site"] == "Public news site (Lan Tỏa portal)"
        assert options[f"c{board.pk}"].startswith("Notice board: ")
        pubs = schedule(item, tree.a_g1, ["site", f"c{board.pk}"], officers.a_communicator)
    site, manual = sorted(pubs, key=lambda p: p.method != Method.SITE)
    assert site.channel_name == "Trang tin công khai (cổng thông tin Lan Tỏa)"
    assert manual.channel_name == f"Bảng tin: {board.name}"
    assert (site.shown_channel_name, manual.shown_channel_name) == (
        site.channel_name,
        manual.channel_name,
    )
    with translation.override("en"):
        assert site.shown_channel_name == "Public news site (Lan Tỏa portal)"
        assert manual.shown_channel_name == f"Notice board: {board.name}"
        manual.channel_name = "Kênh cũ"  # a name written some other way is shown as written
        assert manual.shown_channel_name == "Kênh cũ"
