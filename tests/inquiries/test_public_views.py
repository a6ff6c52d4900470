"""The public side of the inquiry desk: web form, confirmation, spam and abuse limits, lookup,
follow-ups, erasure from the lookup page, the privacy notice, public routes."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from lantoa.access import Policy
from lantoa.accounts.models import User
from lantoa.audit.models import AuditEvent
from lantoa.inquiries import public_views, ratelimit
from lantoa.inquiries.models import (
    Direction,
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Message,
    Source,
    Status,
    UnitInquirySettings,
)
from lantoa.inquiries.public_forms import form_token
from lantoa.inquiries.public_services import inquiry_follow_up_web
from lantoa.units.models import UnitStatus
from tests.conftest import Officers, Tree
from tests.inquiries.support import QUESTION

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


# The public addresses printed on posters and given to workers: the literal address counts.
FORM = "/cau-hoi/"
LOOKUP = "/cau-hoi/tra-cuu/"


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "question": QUESTION,
        "kind": "question",
        "category": "wages",
        "workplace": "",
        "identity": "contact",
        "name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "email": "",
        "consent": "on",
        "homepage": "",
        "started": form_token(time.time() - 30),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client: Client, url: str = FORM, **overrides: Any) -> tuple[Any, dict[str, Any]]:
    """Post the form; on success follow to the confirmation and return its receipt."""
    response = client.post(url, form_data(**overrides))
    receipt: dict[str, Any] = {}
    if response.status_code == 302 and response["Location"] == reverse("inquiries_public:sent"):
        shown = client.get(response["Location"])
        assert shown.status_code == 200
        receipt = shown.context["receipt"]
    return response, receipt


def look_up(client: Client, code: str, secret: str) -> Any:
    return client.post(LOOKUP, {"code": code, "secret": secret})


def test_form_is_public_and_has_no_officer_navigation(client: Client, tree: Tree) -> None:
    response = client.get(FORM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gửi câu hỏi, phản ánh cho Công đoàn" in html
    assert "Đăng xuất" not in html and "Tìm đơn vị" not in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="homepage"' in html and 'class="pub-hp"' in html
    assert 'name="started"' in html
    assert "Luật Bảo vệ dữ liệu cá nhân (Luật số 91/2025/QH15)" in html
    assert "13/2023" not in html
    assert reverse("inquiries_public:privacy") in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_web_submission_stores_inquiry_contact_and_hashed_secret(
    client: Client, tree: Tree
) -> None:
    response, receipt = submit(client, email="Lan.Nguyen@Gmail.com", phone="+84 912.345.678")
    assert response.status_code == 302
    # The secret never travels in a URL.
    assert receipt["secret"] not in response["Location"]
    inquiry = Inquiry.objects.get()
    assert receipt["code"] == inquiry.code
    assert inquiry.source == Source.WEB
    assert inquiry.thread_key == f"web:{inquiry.code}"
    assert inquiry.category == "wages" and inquiry.kind == "question"
    assert inquiry.anonymous is False
    assert inquiry.status == Status.NEW
    # Only the hash is stored, and it matches.
    assert inquiry.lookup_secret_hash and receipt["secret"] not in inquiry.lookup_secret_hash
    assert check_password(receipt["secret"], inquiry.lookup_secret_hash)
    contact = InquiryContact.objects.get(inquiry=inquiry)
    assert contact.phone == "0912345678"
    assert contact.email == "lan.nguyen@gmail.com"
    assert contact.name == "Nguyễn Thị Lan"
    assert contact.consent_at is not None
    assert Message.objects.filter(inquiry=inquiry, direction=Direction.IN).count() == 1
    assert InquiryEvent.objects.filter(inquiry=inquiry, kind=EventKind.CREATED).count() == 1
    # Shown once: the session no longer holds it and a reload leads to the lookup page.
    assert public_views.SESSION_RECEIPT not in client.session
    again = client.get(reverse("inquiries_public:sent"))
    assert again.status_code == 302 and again["Location"] == LOOKUP


def test_confirmation_page_shows_code_secret_and_promise(client: Client, tree: Tree) -> None:
    response = client.post(FORM, form_data())
    page = client.get(response["Location"])
    html = page.content.decode()
    receipt = page.context["receipt"]
    assert receipt["code"] in html and receipt["secret"] in html
    assert "trong vòng 24 giờ" in html
    assert "lưu lại hoặc chụp màn hình" in html
    assert LOOKUP in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_anonymous_stores_no_contact_at_all(client: Client, tree: Tree) -> None:
    # Fields typed before switching to anonymous are dropped, consent is not needed.
    response, receipt = submit(
        client,
        identity="anonymous",
        name="Trần Văn B",
        phone="0987654321",
        email="b@example.vn",
        consent=None,
    )
    assert response.status_code == 302 and receipt
    inquiry = Inquiry.objects.get()
    assert inquiry.anonymous is True
    assert InquiryContact.objects.count() == 0
    assert receipt["anonymous"] is True
    # The lookup page is the only way back, and it works.
    assert look_up(client, receipt["code"], receipt["secret"]).status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"question": ""}, "question", "Vui lòng nhập nội dung câu hỏi hoặc phản ánh."),
        ({"question": "  ngắn  "}, "question", "Nội dung quá ngắn: cần ít nhất 10 ký tự"),
        ({"question": "a" * 5001}, "question", "tối đa 5.000 ký tự (bạn đã nhập 5.001)"),
        ({"kind": "spam"}, "kind", "Loại yêu cầu không hợp lệ."),
        ({"category": "nope"}, "category", "Lĩnh vực không hợp lệ."),
        ({"workplace": "x" * 256}, "workplace", "Nơi làm việc: tối đa 255 ký tự."),
        ({"identity": None}, "identity", "Vui lòng chọn để lại liên hệ hoặc gửi ẩn danh."),
        ({"phone": "12345"}, "phone", "Số điện thoại không hợp lệ."),
        ({"phone": "0112345678"}, "phone", "Số điện thoại không hợp lệ."),
        ({"phone": "", "email": "lan@"}, "email", "Địa chỉ thư điện tử không hợp lệ"),
        ({"phone": "", "email": ""}, "phone", "Vui lòng nhập số điện thoại hoặc thư điện tử"),
        ({"phone": "", "name": "Lan"}, "phone", "Vui lòng nhập số điện thoại hoặc thư điện tử"),
        ({"consent": None}, "consent", "Vui lòng đồng ý cho Công đoàn xử lý thông tin"),
        ({"name": "N" * 151}, "name", "Họ tên: tối đa 150 ký tự."),
    ],
)
def test_each_bad_field_gets_a_vietnamese_error_and_nothing_is_stored(
    client: Client, tree: Tree, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = client.post(FORM, form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert message in errors[field][0]
    assert message in response.content.decode()
    assert Inquiry.objects.count() == 0 and Message.objects.count() == 0


def test_unit_form_sets_the_unit_hint(client: Client, tree: Tree) -> None:
    UnitInquirySettings.objects.create(unit=tree.a_kcn, response_hours=12)
    url = reverse("inquiries_public:unit_form", kwargs={"unit_code": "A-G2"})
    page = client.get(url)
    assert page.status_code == 200 and tree.a_g2.name in page.content.decode()
    assert "Trả lời trong vòng 12 giờ" in page.content.decode()  # the unit's own promise
    _response, receipt = submit(client, url)
    assert receipt
    inquiry = Inquiry.objects.get()
    assert inquiry.unit == tree.a_g2
    assert receipt["hours"] == 12 and inquiry.response_hours == 12
    # A unit's public form address, as printed on its poster.
    assert client.get("/cau-hoi/don-vi/KHONG-CO/").status_code == 404


def test_merged_units_poster_leads_to_the_successor(client: Client, tree: Tree) -> None:
    type(tree.a_g2).objects.filter(pk=tree.a_g2.pk).update(
        status=UnitStatus.MERGED, successor=tree.a_g1
    )
    response = client.get("/cau-hoi/don-vi/A-G2/")
    assert response.status_code == 302
    assert response["Location"] == "/cau-hoi/don-vi/A-G1/"


def test_honeypot_looks_like_success_but_stores_nothing(client: Client, tree: Tree) -> None:
    response, receipt = submit(client, homepage="http://spam.example")
    assert response.status_code == 302
    assert receipt["code"].startswith("HD-") and receipt["secret"]
    assert Inquiry.objects.count() == 0 and Message.objects.count() == 0
    assert InquiryContact.objects.count() == 0
    assert ratelimit.event_count("inquiry.honeypot") == 1
    # The fake code finds nothing.
    failed = look_up(client, receipt["code"], receipt["secret"])
    assert failed.status_code == 200 and failed.context["form"].non_field_errors()


def test_too_fast_submission_is_refused_gently_then_accepted(client: Client, tree: Tree) -> None:
    token = form_token()
    response = client.post(FORM, form_data(started=token))
    assert response.status_code == 200
    assert "Bạn gửi hơi nhanh" in response.content.decode()
    assert Inquiry.objects.count() == 0
    assert ratelimit.event_count("inquiry.too_fast") == 1
    # The same token comes back in the page, with what the worker typed.
    assert response.context["form"].token == token
    assert QUESTION in response.content.decode()
    with override_settings(LANTOA_INQUIRY_MIN_FILL_SECONDS=0):
        assert client.post(FORM, form_data(started=token)).status_code == 302
    assert Inquiry.objects.count() == 1


@pytest.mark.parametrize("started", ["", "1700000000000", "1700000000000:forged-signature"])
def test_missing_or_forged_timing_token_is_refused(
    client: Client, tree: Tree, started: str
) -> None:
    response = client.post(FORM, form_data(started=started))
    assert response.status_code == 200
    assert "Trang đã mở quá lâu" in response.content.decode()
    assert response.context["form"].token != started  # re-armed
    assert Inquiry.objects.count() == 0


def test_day_old_token_is_re_armed(client: Client, tree: Tree) -> None:
    response = client.post(FORM, form_data(started=form_token(time.time() - 2 * 86400)))
    assert response.status_code == 200 and Inquiry.objects.count() == 0
    fresh = response.context["form"].token
    assert client.post(FORM, form_data(started=fresh)).status_code == 200  # now too fast
    assert Inquiry.objects.count() == 0


@override_settings(LANTOA_INQUIRY_LIMIT_PER_IP=2, LANTOA_INQUIRY_LIMIT_PER_CONTACT=100)
def test_rate_limit_per_ip(client: Client, tree: Tree) -> None:
    for i in range(2):
        assert submit(client, phone=f"091234567{i}")[0].status_code == 302
    response = client.post(FORM, form_data(phone="0912345679"))
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    html = response.content.decode()
    assert "Bạn đã gửi quá nhiều lần trong thời gian ngắn." in html
    assert QUESTION in html  # what the worker typed is still there
    assert Inquiry.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert submit(other, phone="0912345670")[0].status_code == 302
    assert Inquiry.objects.count() == 3
    assert ratelimit.event_count("inquiry.rate_limited.inquiry-ip") == 1


@override_settings(LANTOA_INQUIRY_LIMIT_PER_IP=100, LANTOA_INQUIRY_LIMIT_PER_CONTACT=1)
def test_rate_limit_per_contact(tree: Tree) -> None:
    first = Client(REMOTE_ADDR="198.51.100.1")
    second = Client(REMOTE_ADDR="198.51.100.2")
    assert submit(first, phone="0912345678")[0].status_code == 302
    # Same number written differently, from another address.
    assert second.post(FORM, form_data(phone="+84912345678")).status_code == 429
    assert second.post(FORM, form_data(phone="", email="lan@gmail.com")).status_code == 302
    assert second.post(FORM, form_data(phone="", email="LAN@gmail.com")).status_code == 429
    # Anonymous sends have no contact to count.
    assert second.post(FORM, form_data(identity="anonymous")).status_code == 302
    assert Inquiry.objects.count() == 3


def test_lookup_shows_conversation_without_notes_or_officer_names(
    client: Client, tree: Tree, officers: Officers
) -> None:
    _response, receipt = submit(client)
    inquiry = Inquiry.objects.get()
    officer = User.objects.create_user(
        username="canbo", password="x-Mat-khau-2026", full_name="Phạm Văn Cán Bộ"
    )
    now = timezone.now()
    Message.objects.create(
        inquiry=inquiry,
        direction=Direction.NOTE,
        author=officer,
        body="Ghi chú nội bộ: đã gọi cho chủ doanh nghiệp",
        source=Source.WEB,
        created_at=now,
    )
    Message.objects.create(
        inquiry=inquiry,
        direction=Direction.OUT,
        author=officer,
        body="Chào chị, doanh nghiệp phải trả lương đúng hạn (Điều 97 BLLĐ 2019).",
        source=Source.WEB,
        created_at=now + dt.timedelta(minutes=1),
    )
    # Typed loosely: lower case, no dashes, spaces.
    code = receipt["code"].replace("-", " ").lower()
    secret = receipt["secret"].replace("-", "").lower()
    response = look_up(client, code, secret)
    assert response.status_code == 302 and response["Location"] == LOOKUP
    page = client.get(LOOKUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert receipt["code"] in html
    assert QUESTION in html
    assert "Điều 97 BLLĐ 2019" in html
    assert "Cán bộ công đoàn" in html
    assert "Ghi chú nội bộ" not in html
    assert "Phạm Văn Cán Bộ" not in html and "canbo" not in html
    assert "Đã tiếp nhận, đang chờ cán bộ xử lý" in html
    assert "Hãy quay lại xem sau" not in html  # the reply came last
    # Contact data is not echoed back on the public page.
    assert "0912345678" not in html and "Nguyễn Thị Lan" not in html
    assert receipt["secret"] not in html


def test_wrong_code_and_wrong_secret_fail_identically(client: Client, tree: Tree) -> None:
    _response, receipt = submit(client)
    wrong_secret = look_up(client, receipt["code"], "ABCD-EFGH")
    wrong_code = look_up(client, "HD-2222-3333", receipt["secret"])
    malformed = look_up(client, "xyz", "1")
    errors = [r.context["form"].non_field_errors() for r in (wrong_secret, wrong_code, malformed)]
    assert wrong_secret.status_code == wrong_code.status_code == malformed.status_code == 200
    assert errors[0] == errors[1] == errors[2]
    assert "Mã tra cứu hoặc mã bí mật không đúng." in errors[0][0]
    assert public_views.SESSION_LOOKUP not in client.session


@override_settings(LANTOA_INQUIRY_LOOKUP_FAILURES=3)
def test_lookup_brute_force_is_limited_per_ip(client: Client, tree: Tree) -> None:
    _response, receipt = submit(client)
    for i in range(3):
        assert look_up(client, receipt["code"], f"AAAA-AAA{i + 2}").status_code == 200
    # Even the right pair is refused now.
    refused = look_up(client, receipt["code"], receipt["secret"])
    assert refused.status_code == 429
    assert "Bạn đã gửi quá nhiều lần" in refused.content.decode()
    assert public_views.SESSION_LOOKUP not in client.session
    # Another address still gets in.
    other = Client(REMOTE_ADDR="203.0.113.50")
    assert look_up(other, receipt["code"], receipt["secret"]).status_code == 302


def test_lookup_session_expires(client: Client, tree: Tree) -> None:
    _response, receipt = submit(client)
    look_up(client, receipt["code"], receipt["secret"])
    assert client.get(LOOKUP).templates[0].name == "inquiries/public/conversation.html"
    session = client.session
    held = session[public_views.SESSION_LOOKUP]
    held["until"] = time.time() - 1
    session[public_views.SESSION_LOOKUP] = held
    session.save()
    page = client.get(LOOKUP)
    assert page.templates[0].name == "inquiries/public/lookup.html"
    follow = client.post(reverse("inquiries_public:follow_up"), {"body": "Còn ai không?"})
    assert follow.status_code == 302 and Message.objects.count() == 1


def test_lookup_ends_when_the_secret_is_purged(client: Client, tree: Tree) -> None:
    _response, receipt = submit(client)
    look_up(client, receipt["code"], receipt["secret"])
    Inquiry.objects.update(lookup_secret_hash="")
    assert client.get(LOOKUP).templates[0].name == "inquiries/public/lookup.html"


def test_script_and_html_are_shown_inert(client: Client, tree: Tree) -> None:
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)> lương <b>đậm</b>"
    _response, receipt = submit(client, question=evil, workplace="<i>KCN</i>")
    look_up(client, receipt["code"], receipt["secret"])
    html = client.get(LOOKUP).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>đậm" not in html
    # And on the form when it comes back with an error.
    again = client.post(FORM, form_data(question=evil, phone="bad")).content.decode()
    assert "<script>alert" not in again and "&lt;script&gt;" in again


def _looked_up(client: Client) -> tuple[Inquiry, dict[str, Any]]:
    _response, receipt = submit(client)
    assert look_up(client, receipt["code"], receipt["secret"]).status_code == 302
    return Inquiry.objects.get(code=receipt["code"]), receipt


def test_follow_up_joins_the_inquiry_and_reopens_it(client: Client, tree: Tree) -> None:
    inquiry, _receipt = _looked_up(client)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Status.ANSWERED, answered_at=timezone.now(), reply_due=None
    )
    response = client.post(
        reverse("inquiries_public:follow_up"), {"body": "Công ty vẫn chưa trả, em làm sao?"}
    )
    assert response.status_code == 302 and response["Location"] == LOOKUP
    assert Inquiry.objects.count() == 1
    inquiry.refresh_from_db()
    assert inquiry.status == Status.NEW
    assert inquiry.reply_due is not None
    bodies = list(inquiry.messages.values_list("body", flat=True))
    assert bodies == [QUESTION, "Công ty vẫn chưa trả, em làm sao?"]
    assert InquiryEvent.objects.filter(inquiry=inquiry, kind=EventKind.REOPENED).count() == 1
    page = client.get(LOOKUP).content.decode()
    assert "Công ty vẫn chưa trả, em làm sao?" in page
    assert "Đã gửi tin nhắn." in page
    assert "Hãy quay lại xem sau" in page  # the worker spoke last


def test_empty_follow_up_is_refused(client: Client, tree: Tree) -> None:
    _looked_up(client)
    response = client.post(reverse("inquiries_public:follow_up"), {"body": "   "})
    assert response.status_code == 200
    assert "Vui lòng nhập nội dung tin nhắn." in response.content.decode()
    assert Message.objects.count() == 1


def test_follow_up_on_long_closed_case_is_refused(client: Client, tree: Tree) -> None:
    inquiry, _receipt = _looked_up(client)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - dt.timedelta(days=45)
    )
    response = client.post(reverse("inquiries_public:follow_up"), {"body": "Cho em hỏi thêm"})
    assert response.status_code == 200
    assert "Câu hỏi này đã kết thúc từ lâu." in response.content.decode()
    assert Inquiry.objects.count() == 1 and Message.objects.count() == 1
    inquiry.refresh_from_db()
    with pytest.raises(ValidationError, match="đã đóng quá lâu"):
        inquiry_follow_up_web(inquiry=inquiry, body="Cho em hỏi thêm")
    assert Inquiry.objects.count() == 1 and Message.objects.count() == 1


def test_follow_up_needs_a_lookup(client: Client, tree: Tree) -> None:
    submit(client)
    response = client.post(reverse("inquiries_public:follow_up"), {"body": "Xin chào"})
    assert response.status_code == 302 and Message.objects.count() == 1


def test_worker_erases_contact_from_the_lookup_page(client: Client, tree: Tree) -> None:
    inquiry, _receipt = _looked_up(client)
    confirm = client.get(reverse("inquiries_public:erase"))
    assert confirm.status_code == 200 and "Không thể hoàn tác." in confirm.content.decode()
    response = client.post(reverse("inquiries_public:erase"))
    assert response.status_code == 302
    assert InquiryContact.objects.count() == 0
    inquiry.refresh_from_db()  # the case stays
    assert inquiry.messages.count() == 1
    event = InquiryEvent.objects.get(inquiry=inquiry, kind=EventKind.CONTACT_ERASED)
    assert event.data == {"reason": "worker_request"} and event.actor is None
    audit = AuditEvent.objects.get(action="inquiry.contact_erased")
    assert audit.target == inquiry.code and audit.unit_id == inquiry.unit_id
    assert "0912345678" not in str(audit.data) and audit.ip is None
    # Still readable, and erasing twice writes nothing more.
    assert "Không còn lưu" in client.get(LOOKUP).content.decode()
    client.post(reverse("inquiries_public:erase"))
    assert AuditEvent.objects.filter(action="inquiry.contact_erased").count() == 1


def test_privacy_notice(client: Client, tree: Tree) -> None:
    html = client.get(reverse("inquiries_public:privacy")).content.decode()
    for phrase in (
        # The legal basis since 01/01/2026 (Decree 13/2023 no longer).
        "Luật Bảo vệ dữ liệu cá nhân (Luật số 91/2025/QH15, có hiệu lực từ 01/01/2026)",
        "Chúng tôi thu thập gì",
        "Sự đồng ý của bạn",
        "Ai được xem",
        # The default period, and what a unit may set instead (30 to 3.650 days).
        "730 ngày",
        "từ 30 đến 3.650 ngày",
        "Xóa thông tin cá nhân",
        "Rút lại sự đồng ý",
        "Yêu cầu chỉnh sửa, cung cấp, hạn chế xử lý hoặc phản đối",
        "Khiếu nại, tố cáo, khởi kiện và yêu cầu bồi thường thiệt hại",
        "chậm nhất 72 giờ kể từ khi phát hiện",
    ):
        assert phrase in html, phrase
    assert "13/2023" not in html and "thời hạn ngắn hơn" not in html


def test_public_routes_declare_public_policy() -> None:
    from django.urls import get_resolver

    resolver = get_resolver()
    names = ["form", "sent", "lookup", "follow_up", "erase", "lookup_end", "privacy"]
    for name in names:
        match = resolver.resolve(reverse(f"inquiries_public:{name}"))
        found = match.func.access_policy  # type: ignore[attr-defined]
        assert isinstance(found, Policy) and found.login is False, name
    unit_form = resolver.resolve("/cau-hoi/don-vi/A-G1/").func
    assert unit_form.access_policy.login is False  # type: ignore[attr-defined]
    poster = resolver.resolve(reverse("inquiries_public:poster", args=["A-G1"])).func
    assert poster.access_policy.perm == "unit.view"  # type: ignore[attr-defined]
