"""The cascade screens: create and send, preview, drill-down and scope, the receiving unit's page,
the inbox, editing drafts, access."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.accounts.models import Role
from lantoa.cascades import selectors, services
from lantoa.cascades.models import Cascade, CascadeRecipient, CascadeStatus, RecipientState
from tests.cascades.support import jpeg, make, pdf, recipient_codes, row
from tests.conftest import Officers, Tree, login, make_officer


def test_create_and_send_from_the_form(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_propaganda)
    assert client.get(reverse("cascades:new", args=["P-A"])).status_code == 200
    bad = client.post(
        reverse("cascades:new", args=["P-A"]),
        {
            "title": "Infographic Tết",
            "actions": ["republish"],
            "due_on": (timezone.localdate() + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
            "target": "chosen",
            "attachments": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")],
            "gui": "1",
        },
    )
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "Vui lòng chọn ít nhất một loại hoặc một cấp đơn vị nhận." in text
    assert not Cascade.objects.exists()
    bad = client.post(
        reverse("cascades:new", args=["P-A"]),
        {
            "title": "Infographic Tết",
            "actions": ["republish"],
            "due_on": (timezone.localdate() + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
            "target": "all",
            "attachments": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")],
            "gui": "1",
        },
    )
    assert "“virus.pdf” không được nhận" in bad.content.decode()
    assert not Cascade.objects.exists()
    ok = client.post(
        reverse("cascades:new", args=["P-A"]),
        {
            "title": "Infographic Tết",
            "actions": ["republish", "board"],
            "due_on": (timezone.localdate() + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
            "target": "chosen",
            "target_kinds": ["grassroots"],
            "links": "https://congdoan.example.vn/tet\n",
            "attachments": [SimpleUploadedFile("info.png", jpeg())],
            "gui": "1",
        },
    )
    cascade = Cascade.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("cascades:detail", args=[cascade.pk])
    assert cascade.status == CascadeStatus.SENT
    assert cascade.links == ["https://congdoan.example.vn/tet"]
    assert recipient_codes(cascade) == {"A-G1", "A-G2", "A-G3"}
    page = client.get(ok["Location"])
    assert page.status_code == 200
    assert "Đơn vị chưa thực hiện (3)" in page.content.decode()


def test_draft_preview_then_send(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    cascade = make(tree.pa, target_kinds=["grassroots"])
    page = client.get(reverse("cascades:detail", args=[cascade.pk]))
    assert "Khi gửi, 3 đơn vị đang hoạt động sẽ nhận." in page.content.decode()
    response = client.post(reverse("cascades:send", args=[cascade.pk]))
    assert response.status_code == 302
    assert CascadeRecipient.objects.filter(cascade=cascade).count() == 3
    # A communicator of the province may look but not send or close.
    login(client, officers.a_communicator)
    assert client.post(reverse("cascades:close", args=[cascade.pk])).status_code == 403


def test_drill_down_and_scope(client: Client, tree: Tree, officers: Officers) -> None:
    cascade = make(tree.pa, send=True)
    login(client, officers.a_admin)
    top = client.get(reverse("cascades:detail", args=[cascade.pk])).content.decode()
    assert "Công đoàn các Khu công nghiệp tỉnh An Giang" in top
    assert "Công đoàn phường Mỹ Bình" in top
    drilled = client.get(reverse("cascades:detail", args=[cascade.pk]) + "?don-vi=A-KCN")
    assert drilled.status_code == 200
    rollup = drilled.context["rollup"]
    assert {c.unit.code for c in rollup.children} == {"A-G1", "A-G2"}
    assert rollup.total.recipients == 3  # A-KCN itself and its two grassroots units
    assert [u.code for u in drilled.context["path"]] == ["P-A", "A-KCN"]
    assert (
        client.get(reverse("cascades:detail", args=[cascade.pk]) + "?don-vi=B-KCN").status_code
        == 404
    )
    assert (
        client.get(reverse("cascades:detail", args=[cascade.pk]) + "?don-vi=KHONG").status_code
        == 404
    )


def test_receiving_unit_sees_only_its_rows(client: Client, tree: Tree, officers: Officers) -> None:
    cascade = make(tree.pa, target_kinds=["grassroots"], send=True)
    services.recipient_advance(recipient=row(cascade, tree.a_g3), actor=None, state="received")
    # A communicator at the industrial zone: the cascade, and the rows of A-G1 and A-G2 only.
    login(client, officers.a_communicator)
    page = client.get(reverse("cascades:detail", args=[cascade.pk]))
    assert page.status_code == 200
    assert page.context["unit"] == tree.a_kcn
    assert {r.unit.code for r in page.context["laggards"].object_list} == {"A-G1", "A-G2"}
    assert page.context["rollup"].total.recipients == 2
    for code in ("P-A", "A-XA", "A-G3"):
        url = reverse("cascades:detail", args=[cascade.pk]) + f"?don-vi={code}"
        assert client.get(url).status_code == 404, code
    # A viewer at a grassroots unit: its own row only.
    login(client, officers.a_viewer)
    page = client.get(reverse("cascades:detail", args=[cascade.pk]))
    assert page.context["unit"] == tree.a_g1
    assert [r.unit.code for r in page.context["laggards"].object_list] == ["A-G1"]
    assert (
        client.get(reverse("cascades:detail", args=[cascade.pk]) + "?don-vi=A-G2").status_code
        == 404
    )
    assert client.get(reverse("cascades:receive", args=["A-G2", cascade.pk])).status_code == 404


def test_province_b_never_sees_a(client: Client, tree: Tree, officers: Officers) -> None:
    cascade = make(tree.pa, attachments=[(io.BytesIO(pdf()), "a.pdf")], send=True)
    draft = make(tree.pa)
    done = services.recipient_advance(
        recipient=row(cascade, tree.a_g1),
        actor=None,
        state="done",
        proof_photo=(io.BytesIO(jpeg()), "x.jpg"),
    )
    attachment = cascade.attachments.get()
    login(client, officers.b_admin)
    for url in (
        reverse("cascades:detail", args=[cascade.pk]),
        reverse("cascades:detail", args=[draft.pk]),
        reverse("cascades:edit", args=[draft.pk]),
        reverse("cascades:export", args=[cascade.pk]) + "?bang=tong-hop&dinh-dang=csv",
        reverse("cascades:attachment", args=[attachment.pk]),
        reverse("cascades:proof", args=[done.pk]),
        reverse("cascades:receive", args=["A-G1", cascade.pk]),
        reverse("cascades:unit", args=["P-A"]),
        reverse("cascades:inbox", args=["A-G1"]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("cascades:close", args=[cascade.pk]),
        reverse("cascades:send", args=[draft.pk]),
        reverse("cascades:edit", args=[draft.pk]),
        reverse("cascades:delete", args=[draft.pk]),
        reverse("cascades:receive", args=["A-G1", cascade.pk]),
    ):
        assert client.post(url, {"buoc": "done"}).status_code == 404, url
    assert selectors.visible_cascades(officers.b_admin).count() == 0
    assert Cascade.objects.get(pk=draft.pk).status == CascadeStatus.DRAFT


def test_drafts_hidden_from_receivers(client: Client, tree: Tree, officers: Officers) -> None:
    draft = make(tree.pa)
    login(client, officers.a_leader)  # the sender's own officers see their drafts
    assert client.get(reverse("cascades:detail", args=[draft.pk])).status_code == 200
    for officer in (officers.a_communicator, officers.a_viewer):
        login(client, officer)
        assert client.get(reverse("cascades:detail", args=[draft.pk])).status_code == 404


def test_receive_page_buttons_and_permissions(
    client: Client, tree: Tree, officers: Officers
) -> None:
    cascade = make(tree.pa, actions=["read", "republish"], send=True)
    url = reverse("cascades:receive", args=["A-G1", cascade.pk])
    login(client, officers.a_viewer)
    page = client.get(url).content.decode()
    assert "chỉ có quyền xem" in page
    assert client.post(url, {"buoc": "received"}).status_code == 403
    assert row(cascade, tree.a_g1).state == RecipientState.PENDING
    login(client, officers.a_communicator)  # communicator of the industrial zone above A-G1
    page = client.get(url).content.decode()
    assert 'value="received"' in page and "Cần một trong hai: đường dẫn bài đăng lại" in page
    # The link is not marked required: a screenshot alone is accepted.
    assert "(hoặc gửi ảnh chụp màn hình bên dưới)" in page
    assert '<span class="muted">*</span>' not in page
    assert client.post(url, {"buoc": "received"}).status_code == 302
    assert row(cascade, tree.a_g1).state == RecipientState.RECEIVED
    bad = client.post(url, {"buoc": "done", "proof_links": "https://www.facebook.com/"})
    assert bad.status_code == 400
    assert "chỉ là trang chủ Facebook" in bad.content.decode()
    ok = client.post(
        url,
        {
            "buoc": "done",
            "proof_links": "https://www.facebook.com/cdcs.anhduong/posts/99",
            "proof_photo": SimpleUploadedFile("anh.jpg", jpeg()),
            "note": "Đăng lúc 9 giờ",
        },
    )
    assert ok.status_code == 302
    r = row(cascade, tree.a_g1)
    assert r.state == RecipientState.DONE and r.done_by_id == officers.a_communicator.pk
    assert r.proof_links == ["https://www.facebook.com/cdcs.anhduong/posts/99"]
    photo = client.get(reverse("cascades:proof", args=[r.pk]) + "?nho=1")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    # The viewer of A-G1 sees its own proof; a viewer elsewhere in the province does not.
    other = make_officer("xem_g3", tree.a_g3, Role.VIEWER)
    login(client, other)
    assert client.get(reverse("cascades:proof", args=[r.pk])).status_code == 404


def test_inbox_lists_open_cascades(client: Client, tree: Tree, officers: Officers) -> None:
    from_above = make(tree.pa, title="Từ tỉnh", send=True)
    own_cascade = make(tree.a_kcn, title="Của KCN", send=True)
    login(client, officers.a_communicator)
    page = client.get(reverse("cascades:inbox", args=["A-KCN"]))
    titles = [e.cascade.title for e in page.context["entries"]]
    assert titles == ["Từ tỉnh"]  # a unit's own cascades are under "Đã gửi xuống"
    entry = page.context["entries"][0]
    assert (entry.recipients, entry.done, entry.own.unit_id) == (3, 0, tree.a_kcn.pk)
    assert own_cascade.pk not in [e.cascade.pk for e in page.context["entries"]]
    units = (tree.pa, tree.a_kcn, tree.a_g1, tree.a_g2)

    def open_inboxes() -> list[bool]:
        found = [selectors.has_open_inbox(u) for u in units]
        assert found == [bool(selectors.inbox(u)) for u in units]
        return found

    assert open_inboxes() == [False, True, True, True]
    for unit in (tree.a_kcn, tree.a_g1):
        services.recipient_advance(recipient=row(from_above, unit), actor=None, state="done")
    assert open_inboxes() == [False, True, True, True]  # A-G1 still has the KCN's own
    services.recipient_advance(recipient=row(from_above, tree.a_g2), actor=None, state="done")
    assert client.get(reverse("cascades:inbox", args=["A-KCN"])).context["entries"] == []
    assert open_inboxes() == [False, False, True, True]
    assert (
        len(client.get(reverse("cascades:inbox", args=["A-KCN"]) + "?tat-ca=1").context["entries"])
        == 1
    )
    sent = client.get(reverse("cascades:unit", args=["A-KCN"]))
    assert [c.title for c, _ in sent.context["rows"]] == ["Của KCN"]


def test_index_redirects_to_the_officers_unit(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_viewer)
    assert client.get(reverse("cascades:index"))["Location"] == reverse(
        "cascades:inbox", args=["A-G1"]
    )
    login(client, officers.a_admin)
    assert client.get(reverse("cascades:index"))["Location"] == reverse(
        "cascades:unit", args=["P-A"]
    )


def test_edit_draft_screen_and_prefill(client: Client, tree: Tree, officers: Officers) -> None:
    from lantoa.content.models import ContentItem

    brief = ContentItem.objects.create(
        unit=tree.pa, kind="brief", title="Định hướng tháng 5", slug="dh-5", status="approved"
    )
    login(client, officers.a_propaganda)
    page = client.get(reverse("cascades:new", args=["P-A"]) + f"?noi-dung={brief.pk}")
    assert page.context["form"].initial == {"content_item": brief.pk, "title": "Định hướng tháng 5"}
    draft = make(tree.pa, attachments=[(io.BytesIO(pdf()), "cu.pdf")])
    old = draft.attachments.get()
    response = client.post(
        reverse("cascades:edit", args=[draft.pk]),
        {
            "title": "Đã sửa",
            "instructions": "Nội dung mới",
            "actions": ["read"],
            "due_on": draft.due_on.strftime("%d/%m/%Y"),
            "target": "chosen",
            "target_levels": ["1"],
            "remove_attachments": [str(old.pk)],
            "luu": "1",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.target_levels, draft.status) == ("Đã sửa", [1], "draft")
    assert not draft.attachments.exists()
    services.cascade_send(cascade=draft, actor=None)
    again = client.get(reverse("cascades:edit", args=[draft.pk]))
    assert again.status_code == 302 and again["Location"] == reverse(
        "cascades:detail", args=[draft.pk]
    )
    assert recipient_codes(draft) == {"A-KCN", "A-XA"}


def test_an_overdue_cascade_shows_one_red_badge(tree: Tree) -> None:
    from django.template.loader import render_to_string

    cascade = make(tree.pa, actions=["read"], send=True)
    Cascade.objects.filter(pk=cascade.pk).update(due_on=dt.date(2024, 1, 1))
    cascade.refresh_from_db()
    html = render_to_string("cascades/_status.html", {"cascade": cascade})
    assert "Quá hạn" in html and "badge-ok" not in html and "Đã gửi" not in html


def test_remind_now_button(client: Client, tree: Tree, officers: Officers) -> None:
    from lantoa.notifications.models import Notification

    cascade = make(tree.pa, actions=["read"], send=True, due_on=timezone.localdate())
    services.recipient_advance(recipient=row(cascade, tree.a_g1), actor=None, state="done")
    detail = reverse("cascades:detail", args=[cascade.pk])
    remind = reverse("cascades:remind", args=[cascade.pk])
    # A receiving unit's officer sees no button and may not press it.
    login(client, officers.a_communicator)
    assert "Nhắc ngay" not in client.get(detail).content.decode()
    assert client.post(remind).status_code == 403
    login(client, officers.a_propaganda)
    assert "Nhắc ngay các đơn vị chưa thực hiện" in client.get(detail).content.decode()
    response = client.post(remind, follow=True)
    assert "Đã nhắc 4 đơn vị chưa thực hiện" in response.content.decode()
    notices = Notification.objects.filter(kind="cascade.due")
    assert notices.filter(user=officers.a_communicator).exists()
    assert not notices.filter(user=officers.a_propaganda).exists()
    assert "nhắc" in notices.first().title  # type: ignore[union-attr]
    # Pressing it again at once reminds nobody twice.
    count = notices.count()
    again = client.post(remind, follow=True).content.decode()
    assert "vừa được nhắc" in again and notices.count() == count


def test_content_picker_tells_items_apart_and_can_be_searched(
    client: Client, tree: Tree, officers: Officers
) -> None:
    from lantoa.content.models import ContentItem

    for unit, kind, slug in ((tree.pa, "brief", "a"), (tree.vn, "infographic", "b")):
        ContentItem.objects.create(
            unit=unit, kind=kind, title="Tháng Công nhân 2026", slug=slug, status="approved"
        )
    login(client, officers.a_propaganda)
    page = client.get(reverse("cascades:new", args=["P-A"])).content.decode()
    assert "---------" not in page and "Không gắn nội dung trong kho" in page
    assert "data-searchable=" in page and "select-search" in page
    labels = [line for line in page.splitlines() if "Tháng Công nhân 2026 —" in line]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert any("Tổng LĐLĐVN" in line for line in labels)
