"""The four journeys of issue 12, typed and clicked in a real browser at 390×844 and
1280×800: a worker's question answered by an officer and read on the lookup page; a
grassroots communicator reporting a cascade done with a link; a province officer (two-factor)
writing news and sending it for approval, a leader approving and publishing it and opening the
dashboard. No step may log a script error or load a broken resource."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantoa.accounts.models import User
from lantoa.publishing.models import Method, Publication, PublicationStatus
from tests.conftest import PASSWORD, Officers
from tests.e2e.checks import english_on_page
from tests.e2e.conftest import VIEWPORTS, Session, Viewport, current_totp

pytestmark = pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)


def type_login(session: Session, user: User, *, two_factor: bool = False) -> None:
    """Sign in through the login form (and the two-factor step) as the officer would; they
    arrive on their unit's page."""
    page = session.page
    session.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    session.follow(page.get_by_role("button", name="Đăng nhập"))
    if two_factor:
        assert "/tai-khoan/xac-thuc/" in page.url
        page.get_by_label("Mã xác thực").fill(current_totp(user))
        session.follow(page.get_by_role("button", name="Xác nhận"))
    assert re.search(r"/don-vi/[^/]+/$", page.url), page.url


def no_browser_errors(session: Session) -> None:
    assert not session.log.problems(), "\n".join(session.log.problems())


def enrolled(user: User) -> User:
    """The officer has already set up an authenticator app."""
    TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
    return user


def test_worker_question_answered(
    open_session: Any, officers: Officers, viewport: Viewport
) -> None:
    # A worker, no account: asks at /cau-hoi/ and keeps the two codes.
    worker = open_session(viewport)
    page = worker.page
    worker.goto("/cau-hoi/")
    question = "Tôi làm ca đêm ở xưởng may, công ty có được trả lương ca đêm thấp hơn luật không?"
    page.get_by_label("Bạn cần hỏi, phản ánh điều gì?").fill(question)
    page.get_by_label("Nơi làm việc").fill("Công ty TNHH May Ánh Dương")
    worker.tap(page.get_by_label("Gửi ẩn danh", exact=False))
    worker.follow(page.get_by_role("button", name="Gửi cho Công đoàn"))
    assert page.url.endswith("/cau-hoi/da-gui/"), page.url
    code, secret = (c.strip() for c in page.locator("dd.pub-code").all_inner_texts())
    assert re.fullmatch(r"[A-Z0-9-]{6,}", code) and len(secret) >= 8

    # An officer of the upper-level union finds it in the inbox and answers.
    officer = open_session(viewport)
    o = officer.page
    type_login(officer, officers.a_communicator)
    officer.goto("/hop-thu/")
    officer.follow(o.locator("#inbox-results a", has_text=code))
    assert f"/hop-thu/{code}/" in o.url
    answer = "Chào bạn, tiền lương làm việc vào ban đêm ít nhất bằng lương ngày cộng thêm 30%."
    o.locator("#reply-body").fill(answer)
    officer.follow(o.get_by_role("button", name=re.compile("Lưu câu trả lời|Gửi trả lời")))
    assert answer in o.locator("main").inner_text()
    no_browser_errors(officer)

    # Later the worker reads the answer with the two codes.
    worker.goto("/cau-hoi/tra-cuu/")
    page.get_by_label("Mã tra cứu").fill(code)
    page.get_by_label("Mã bí mật").fill(secret)
    worker.follow(page.get_by_role("button", name="Xem câu trả lời"))
    thread = page.locator(".pub-thread").inner_text()
    assert question in thread and answer in thread
    assert english_on_page(page) == []
    no_browser_errors(worker)


def test_grassroots_communicator_reports_cascade_done(
    open_session: Any, grassroots: User, sent_cascade: Any, viewport: Viewport
) -> None:
    session = open_session(viewport)
    page = session.page
    type_login(session, grassroots)
    # From the unit page to what was sent down, then the report.
    session.follow(page.get_by_role("link", name=re.compile("Việc được giao")).first)
    assert page.url.endswith("/trien-khai/A-G1/nhan/"), page.url
    session.follow(page.get_by_role("link", name="Mở và báo cáo"))
    assert page.url.endswith(f"/trien-khai/A-G1/nhan/{sent_cascade.pk}/"), page.url
    link = "https://zalo.me/g/maydanhduong/bai-luat-cong-doan-2024"
    report = page.locator("#bao-cao")
    report.get_by_label(re.compile("Đường dẫn")).fill(link)
    session.follow(report.get_by_role("button", name="Đã thực hiện"))
    proof = page.locator(".cascade-proof")
    assert proof.get_by_role("link", name=link).is_visible()
    assert "Đúng hạn" in proof.inner_text()
    assert page.locator(".cascade-steps li.is-done").count() == 3
    no_browser_errors(session)


# What the editor below types, as the detail page and the public article must show it.
BODY_HTML = (
    "<p>Sáng 1/5, hơn 500 công nhân dự lễ phát động.</p>"
    "<p>Buổi lễ có phần hỏi đáp về tiền lương.</p>"
    "<h2>Quyền lợi được nhắc lại</h2>"
    "<ul><li>Lương làm thêm giờ</li><li>Nghỉ hằng năm</li></ul>"
    "<p><strong>Công đoàn luôn đồng hành</strong> cùng người lao động.</p>"
)


def write_body(session: Session) -> None:
    """Type the body in the content editor with its toolbar: two paragraphs, a heading, a
    list and bold text (the toolbar's buttons act on what is typed next)."""
    page = session.page
    editor = page.get_by_role("textbox", name="Nội dung")
    toolbar = page.get_by_role("toolbar", name="Định dạng")
    assert page.locator("textarea[name=body]").is_hidden()  # the editor took its place
    session.tap(editor)
    keys = page.keyboard
    keys.type("Sáng 1/5, hơn 500 công nhân dự lễ phát động.")
    keys.press("Enter")
    keys.type("Buổi lễ có phần hỏi đáp về tiền lương.")
    keys.press("Enter")
    session.tap(toolbar.get_by_role("button", name="Tiêu đề mục"))
    keys.type("Quyền lợi được nhắc lại")
    keys.press("Enter")
    session.tap(toolbar.get_by_role("button", name="Danh sách", exact=True))
    keys.type("Lương làm thêm giờ")
    keys.press("Enter")
    keys.type("Nghỉ hằng năm")
    keys.press("Enter")
    keys.press("Enter")  # an empty item ends the list
    session.tap(toolbar.get_by_role("button", name="In đậm"))
    keys.type("Công đoàn luôn đồng hành")
    session.tap(toolbar.get_by_role("button", name="In đậm"))
    keys.type(" cùng người lao động.")
    # The sanitised preview follows as the officer types.
    preview = page.locator("#rte-preview .rte-output")
    preview.locator("h2", has_text="Quyền lợi được nhắc lại").wait_for()
    session.settle()
    assert preview.inner_html() == BODY_HTML


def test_news_written_approved_published(
    open_session: Any, officers: Officers, viewport: Viewport
) -> None:
    writer_user = enrolled(officers.a_propaganda)
    leader_user = enrolled(officers.a_leader)

    # A province officer (two-factor) writes a news item in the studio …
    writer = open_session(viewport)
    w = writer.page
    type_login(writer, writer_user, two_factor=True)
    writer.goto("/noi-dung/P-A/")
    writer.follow(w.get_by_role("link", name=re.compile("Soạn")).first)
    assert w.url.endswith("/noi-dung/P-A/them/"), w.url
    title = "Công nhân May Ánh Dương hưởng ứng Tháng Công nhân 2026"
    w.get_by_role("textbox", name="Tiêu đề", exact=True).fill(title)
    write_body(writer)
    # How Facebook and Zalo OA will get it: the heading and list items as paragraphs.
    writer.tap(w.get_by_text("Xem trước trên Facebook và Zalo OA"))
    zalo = w.get_by_role("region", name="Xem trước trên Zalo OA")
    zalo.locator(".platform-body p", has_text="Nghỉ hằng năm").wait_for()
    assert "Quyền lợi được nhắc lại" in zalo.locator(".platform-body").inner_text()
    writer.follow(w.get_by_role("button", name="Lưu bản nháp"))
    assert re.search(r"/noi-dung/chi-tiet/\d+/$", w.url), w.url
    assert w.locator(".rte-output").inner_html() == BODY_HTML
    item_url = w.url
    # … and sends it for approval.
    writer.follow(w.get_by_role("button", name="Gửi duyệt"))
    assert "Chờ duyệt" in w.locator(".page-head").inner_text()
    no_browser_errors(writer)

    # The leader approves it, publishes it on the public site and opens the dashboard.
    leader = open_session(viewport)
    lp = leader.page
    type_login(leader, leader_user, two_factor=True)
    # The bell tells the leader; the notice leads to the item.
    leader.follow(lp.get_by_role("link", name="Thông báo"))
    leader.follow(lp.locator(".notices button", has_text=title))
    assert lp.url.split("?")[0] == item_url, lp.url
    leader.follow(lp.get_by_role("button", name="Duyệt", exact=True))
    assert "Đã duyệt" in lp.locator(".page-head").inner_text()
    # It can be scheduled (the form is there) or published now.
    assert lp.get_by_role("button", name="Hẹn giờ").is_visible()
    leader.follow(lp.get_by_role("button", name="Đăng ngay"))
    assert "Đã đăng" in lp.locator(".page-head").inner_text()
    site = Publication.objects.get(item__title=title, method=Method.SITE)
    assert site.status == PublicationStatus.PUBLISHED, (site.status, site.last_error)
    leader.goto("/bao-cao/P-A/tong-quan/")
    assert lp.get_by_role("heading", level=1).is_visible()
    posts = lp.locator(".stat", has_text="tin, bài đã đăng").locator(".value")
    assert posts.inner_text().strip() == "1", _dashboard_posts(site.unit_id)
    assert english_on_page(lp) == []
    no_browser_errors(leader)

    # The article is on the public site.
    visitor = open_session(viewport)
    visitor.goto("/tin-tuc/")
    visitor.follow(visitor.page.get_by_role("link", name=title).first)
    assert visitor.page.locator(".site-article .rte-output").inner_html() == BODY_HTML
    no_browser_errors(visitor)


def _dashboard_posts(unit_id: int) -> str:
    """What the dashboard should have shown, to tell a stale cache from a wrong count."""
    from django.core.cache import cache
    from django.utils import timezone

    from lantoa.core.periods import Period
    from lantoa.reports.dashboard import compute_dashboard
    from lantoa.reports.freshness import dashboard_key
    from lantoa.units.models import Unit

    unit = Unit.objects.get(pk=unit_id)
    period = Period(timezone.localdate().year, "year")
    cached = cache.get(dashboard_key(unit_id, period.code))
    fresh = compute_dashboard(unit, period)
    return (
        f"computed now: {fresh.total.posts}; cached under {dashboard_key(unit_id, period.code)}: "
        f"{getattr(getattr(cached, 'total', None), 'posts', None)}"
    )
