"""Unit screens: the unit page, the switcher, and the edit / create / move / merge forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lantoa.accounts.models import Role, User
from lantoa.audit.models import AuditEvent
from lantoa.units.models import Unit, UnitClosure, UnitEvent, UnitStatus
from lantoa.units.services import unit_merge
from tests.conftest import Officers, Tree, login, make_officer

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    return [u.code for u in response.context["results"]]


# --- unit page ---------------------------------------------------------------------------


def test_unit_page_shows_subtree_figures_in_vietnamese_format(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_admin)
    response = client.get(reverse("units:detail", args=["P-A"]))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.units, figures.grassroots, figures.upper_level) == (6, 3, 2)
    assert (figures.members, figures.workers) == (1540, 1712)
    html = response.content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert ">1.540<" in html  # members of the province, dot as thousands separator
    assert ">1.712<" in html
    # Children table: the KCN union sums its two grassroots units.
    rows = {child.code: f for child, f in response.context["children_page"].object_list}
    assert set(rows) == {"A-KCN", "A-XA"}
    assert rows["A-KCN"].members == 1500
    assert ">1.500<" in html
    # Province officers may not view the national unit: it is text, not a link.
    assert "Tổng LĐLĐVN" in html
    assert 'href="/don-vi/VN/"' not in html
    assert 'href="/don-vi/A-KCN/"' in html
    # Links to the other screens of the unit, and management actions for an admin.
    assert 'href="/kenh/P-A/"' in html
    assert 'href="/kenh/P-A/do-phu/"' in html
    assert 'href="/doi-ngu/P-A/"' in html
    assert 'href="/don-vi/P-A/sua/"' in html
    assert 'href="/don-vi/nhap/"' in html
    assert 'href="/don-vi/nhap/xuat/P-A/?dinh-dang=csv"' in html


def test_grassroots_page_shows_workplace_and_no_management_for_viewer(
    client: Client, tree: Tree, officers: Officers
) -> None:
    Unit.objects.filter(pk=tree.a_g1.pk).update(address="Lô 5, KCN Bình Hòa")
    login(client, officers.a_viewer)
    response = client.get(reverse("units:detail", args=["A-G1"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lô 5, KCN Bình Hòa" in html
    assert ">1.200<" in html
    assert reverse("units:edit", args=["A-G1"]) not in html
    # neither import (unit.manage) nor export (data.export): no address under /don-vi/nhap/
    assert "/don-vi/nhap/" not in html
    # The viewer sees only A-G1: every ancestor is plain text.
    assert 'href="/don-vi/A-KCN/"' not in html
    assert 'href="/don-vi/P-A/"' not in html


def test_unit_of_another_province_is_404(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    assert client.get(reverse("units:detail", args=["B-G1"])).status_code == 404
    assert client.get(reverse("units:detail", args=["P-B"])).status_code == 404
    assert client.get(reverse("units:detail", args=["KHONG-CO"])).status_code == 404
    assert client.get(reverse("units:edit", args=["B-KCN"])).status_code == 404


def test_merged_unit_page_shows_successor_and_history(
    client: Client, tree: Tree, officers: Officers
) -> None:
    unit_merge(source=tree.a_xa, target=tree.a_kcn, on=dt.date(2025, 7, 1))
    login(client, officers.a_admin)
    html = client.get(reverse("units:detail", args=["A-XA"])).content.decode()
    assert "Đã hợp nhất vào" in html
    assert 'href="/don-vi/A-KCN/"' in html
    assert "01/07/2025" in html
    target = client.get(reverse("units:detail", args=["A-KCN"]))
    assert [p.code for p in target.context["predecessors"]] == ["A-XA"]
    target_html = target.content.decode()
    assert "Các đơn vị đã hợp nhất vào đây" in target_html
    assert "Công đoàn phường Mỹ Bình hợp nhất vào đơn vị này" in target_html
    # A-G3 moved with the merge: 1.540 members are now all under the KCN union.
    assert target.context["figures"].members == 1540


# --- switcher ----------------------------------------------------------------------------


def test_switcher_lists_only_visible_units(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    response = client.get(reverse("units:switcher"), {"q": "cong doan co so"})
    assert response.status_code == 200
    assert sorted(codes(response)) == ["A-G1", "A-G2", "A-G3"]
    assert "B-G1" not in response.content.decode()
    # Province B's unit exists, but is not found by an officer of province A.
    assert codes(client.get(reverse("units:switcher"), {"q": "giay"})) == []
    login(client, officers.national_admin)
    assert codes(client.get(reverse("units:switcher"), {"q": "giay"})) == ["B-G1"]


def test_switcher_folds_diacritics(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.national_admin)
    assert codes(client.get(reverse("units:switcher"), {"q": "duc"})) == ["B-G1"]
    assert codes(client.get(reverse("units:switcher"), {"q": "ANH DUONG"})) == ["A-G1"]
    assert codes(client.get(reverse("units:switcher"), {"q": "Điện tử Đông"})) == ["A-G2"]
    assert codes(client.get(reverse("units:switcher"), {"q": "bac ninh"})) == ["P-B", "B-KCN"]


def test_switcher_marks_merged_units_and_lists_own_units(
    client: Client, tree: Tree, officers: Officers
) -> None:
    unit_merge(source=tree.a_g2, target=tree.a_g1, on=dt.date(2025, 7, 1))
    login(client, officers.a_admin)
    response = client.get(reverse("units:switcher"), {"q": "dien tu"})
    assert codes(response) == ["A-G2"]
    assert "đã hợp nhất vào Công đoàn cơ sở Công ty TNHH May Ánh Dương" in (
        response.content.decode()
    )
    empty = client.get(reverse("units:switcher"), {"q": ""})
    assert [u.code for u in empty.context["my_units"]] == ["P-A"]
    assert "Đơn vị của tôi" in empty.content.decode()


def test_search_page_works_without_javascript(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_communicator)
    response = client.get(reverse("units:search"), {"q": "cong ty"})
    assert response.status_code == 200
    assert sorted(codes(response)) == ["A-G1", "A-G2"]
    html = response.content.decode()
    assert 'href="/don-vi/A-G1/"' in html
    assert 'hx-get="/don-vi/chon-nhanh/"' in html  # the top-bar switcher is on every page


# --- edit and create ---------------------------------------------------------------------


def test_edit_unit_fields(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    response = client.post(
        reverse("units:edit", args=["A-G1"]),
        {
            "name": "CĐCS Công ty May Ánh Dương Mới",
            "short_name": "",
            "kind": "grassroots",
            "member_count": "1250",
            "worker_count": "1400",
            "employer_name": "Công ty May",
            "address": "",
            "industrial_zone": "",
            "sector": "Dệt may",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=["A-G1"])
    unit = Unit.objects.get(code="A-G1")
    assert (unit.name, unit.member_count, unit.worker_count, unit.sector) == (
        "CĐCS Công ty May Ánh Dương Mới",
        1250,
        1400,
        "Dệt may",
    )
    assert "moi" in unit.search_text


def test_edit_refuses_a_kind_that_does_not_fit_and_changes_nothing(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_admin)
    response = client.post(
        reverse("units:edit", args=["A-KCN"]),
        {
            "name": "Đổi tên",
            "kind": "grassroots",
            "member_count": "0",
            "worker_count": "0",
        },
    )
    assert response.status_code == 200
    # It holds grassroots unions: "grassroots" is not even offered.
    assert response.context["form"].errors["kind"] == [
        "Loại đơn vị này không hợp với vị trí của đơn vị trong cây tổ chức (hoặc với các đơn vị "
        "trực thuộc nó); vui lòng chọn một loại trong danh sách."
    ]
    assert "vui lòng chọn một loại trong danh sách" in response.content.decode()
    unit = Unit.objects.get(code="A-KCN")
    assert (unit.kind, unit.name) == (
        "industrial_zone",
        "Công đoàn các Khu công nghiệp tỉnh An Giang",
    )


def test_edit_offers_only_kinds_that_fit_and_only_to_the_level_above(
    client: Client, tree: Tree, officers: Officers
) -> None:
    grassroots_admin = make_officer("admin_g1", tree.a_g1, Role.ADMIN)
    login(client, grassroots_admin)
    url = reverse("units:edit", args=["A-G1"])
    page = client.get(url)
    kind = page.context["form"]["kind"]
    assert kind.field.disabled and [v for v, _ in kind.field.choices] == ["grassroots"]
    data = {
        "name": "CĐCS May Ánh Dương",
        "kind": "province",
        "member_count": "1200",
        "worker_count": "1350",
    }
    assert client.post(url, data).status_code == 302
    unit = Unit.objects.get(code="A-G1")
    assert (unit.kind, unit.name) == ("grassroots", "CĐCS May Ánh Dương")
    # The province admin may change it, among the kinds that fit: under an industrial-zone
    # union, none but grassroots.
    login(client, officers.a_admin)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert Unit.objects.get(code="A-G1").kind == "grassroots"
    page = client.get(reverse("units:create", args=["P-A"]))
    offered = [v for v, _ in page.context["form"]["kind"].field.choices]
    assert "province" not in offered and "sector" in offered


def test_viewer_gets_403_on_edit_and_outsider_404(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_viewer)
    assert client.get(reverse("units:edit", args=["A-G1"])).status_code == 403
    assert (
        client.post(
            reverse("units:edit", args=["A-G1"]),
            {"name": "X", "kind": "grassroots", "member_count": "1", "worker_count": "1"},
        ).status_code
        == 403
    )
    assert Unit.objects.get(code="A-G1").name == "Công đoàn cơ sở Công ty TNHH May Ánh Dương"
    login(client, officers.a_leader)  # sees A-G1 but may not manage it
    assert client.get(reverse("units:move", args=["A-G1"])).status_code == 403
    login(client, officers.b_admin)
    assert client.get(reverse("units:edit", args=["A-G1"])).status_code == 404
    assert client.get(reverse("units:merge", args=["A-G1"])).status_code == 404


def test_create_child_unit(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    data = {
        "code": "A-G4",
        "name": "CĐCS Bệnh viện Mỹ Bình",
        "kind": "grassroots",
        "member_count": "85",
        "worker_count": "90",
    }
    response = client.post(reverse("units:create", args=["A-XA"]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=["A-G4"])
    unit = Unit.objects.get(code="A-G4")
    assert unit.parent_id == tree.a_xa.pk
    assert set(
        UnitClosure.objects.filter(descendant=unit).values_list("ancestor__code", flat=True)
    ) == {"A-G4", "A-XA", "P-A", "VN"}
    assert AuditEvent.objects.filter(action="unit.create", target="A-G4").count() == 1
    # The same code again is refused on the code field.
    before = Unit.objects.count()
    response = client.post(reverse("units:create", args=["A-XA"]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Mã đơn vị “A-G4” đã được dùng."]
    assert Unit.objects.count() == before


# --- move --------------------------------------------------------------------------------


def test_move_unit_under_new_parent(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    page = client.get(reverse("units:move", args=["A-G3"]), {"q": "khu cong nghiep"})
    assert [u.code for u in page.context["candidates"]] == ["A-KCN"]
    response = client.post(
        reverse("units:move", args=["A-G3"]), {"parent": "A-KCN", "on": "02/01/2026"}
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="A-G3")
    assert unit.parent_id == tree.a_kcn.pk
    event = UnitEvent.objects.get(unit=unit)
    assert (event.kind, event.occurred_on, event.old_parent_id, event.new_parent_id) == (
        "moved",
        dt.date(2026, 1, 2),
        tree.a_xa.pk,
        tree.a_kcn.pk,
    )
    html = client.get(reverse("units:detail", args=["A-G3"])).content.decode()
    assert "02/01/2026" in html
    assert "Chuyển từ Công đoàn phường Mỹ Bình sang Công đoàn các Khu công nghiệp" in html


def test_move_into_own_subtree_is_refused_with_message(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_admin)
    closure_before = UnitClosure.objects.count()
    response = client.post(reverse("units:move", args=["P-A"]), {"parent": "A-KCN"})
    assert response.status_code == 200
    errors = response.context["form"].errors["parent"]
    assert len(errors) == 1 and "tạo vòng lặp" in errors[0]
    assert "tạo vòng lặp" in response.content.decode()
    assert Unit.objects.get(code="P-A").parent_id == tree.vn.pk
    assert UnitEvent.objects.count() == 0
    assert UnitClosure.objects.count() == closure_before
    # A parent outside what the officer manages is unknown to the form.
    response = client.post(reverse("units:move", args=["A-G3"]), {"parent": "B-KCN"})
    assert response.context["form"].errors["parent"] == [
        "Không tìm thấy đơn vị có mã “B-KCN” trong phạm vi anh/chị quản lý."
    ]
    assert Unit.objects.get(code="A-G3").parent_id == tree.a_xa.pk


# --- merge -------------------------------------------------------------------------------


def test_merge_unit(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_admin)
    page = client.get(reverse("units:merge", args=["A-XA"]))
    assert page.status_code == 200
    assert "Điều gì sẽ xảy ra" in page.content.decode()
    # Its own subtree is never offered as the target; grassroots units neither.
    assert {u.code for u in page.context["candidates"]} == {"P-A", "A-KCN"}
    response = client.post(
        reverse("units:merge", args=["A-XA"]),
        {"target": "A-KCN", "on": "15/03/2026", "confirm": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=["A-KCN"])
    source = Unit.objects.get(code="A-XA")
    assert (source.status, source.successor_id, source.ended_on) == (
        UnitStatus.MERGED,
        tree.a_kcn.pk,
        dt.date(2026, 3, 15),
    )
    assert Unit.objects.get(code="A-G3").parent_id == tree.a_kcn.pk
    assert AuditEvent.objects.filter(action="unit.merge", target="A-XA").count() == 1


def test_merge_needs_confirmation_and_valid_date(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_admin)
    response = client.post(
        reverse("units:merge", args=["A-XA"]), {"target": "A-KCN", "on": "31/02/2026"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["confirm"] == ["Vui lòng xác nhận trước khi hợp nhất."]
    assert errors["on"] == ["Ngày không hợp lệ, vui lòng nhập dd/mm/yyyy."]
    assert Unit.objects.get(code="A-XA").status == UnitStatus.ACTIVE
    # Merging into its own child is refused by the service, shown on the target field.
    response = client.post(
        reverse("units:merge", args=["A-KCN"]),
        {"target": "A-G1", "on": "01/01/2026", "confirm": "on"},
    )
    assert response.status_code == 200
    assert "không thể hợp nhất vào nó" in response.context["form"].errors["target"][0]
    assert Unit.objects.get(code="A-KCN").status == UnitStatus.ACTIVE
    assert UnitEvent.objects.count() == 0


def test_unit_page_links_to_the_work_areas_the_officer_may_use(
    client: Client, tree: Tree, officers: Officers
) -> None:
    """Every link on the unit page opens (no dead or forbidden links), and links follow the
    policies: a viewer at a grassroots union sees its cascade inbox and activities but not
    connecting channels or making reports; the communicator above sees those too."""
    import re

    def work_links(user: User, unit: Unit) -> dict[str, str]:
        login(client, user)
        html = client.get(reverse("units:detail", args=[unit.code])).content.decode()
        section = html[
            html.index('id="work-title"') : html.index("</section>", html.index('id="work-title"'))
        ]
        return dict(
            (label, href)
            for href, label in re.findall(r'<a href="([^"]+)"><strong>([^<]+)</strong>', section)
        )

    login(client, officers.a_communicator)
    assert (
        reverse("activities:add", args=["A-G1"])
        in client.get(reverse("units:detail", args=["A-G1"])).content.decode()
    )
    viewer = work_links(officers.a_viewer, tree.a_g1)
    assert "Việc được giao" in viewer and "Hoạt động tuyên truyền" in viewer
    assert "Kết nối kênh" not in viewer and "Lập báo cáo" not in viewer
    assert "Triển khai xuống cơ sở" not in viewer  # a grassroots union sends nothing down
    assert (
        reverse("activities:add", args=["A-G1"])
        not in client.get(reverse("units:detail", args=["A-G1"])).content.decode()
    )
    for href in viewer.values():
        assert client.get(href).status_code == 200, href

    comm = work_links(officers.a_communicator, tree.a_kcn)
    assert {"Kết nối kênh", "Lập báo cáo", "Triển khai xuống cơ sở", "Áp phích mã QR"} <= set(comm)
    for href in comm.values():
        assert client.get(href).status_code == 200, href
