"""/api/v1: resources, filters, pagination, and above all who sees what.

Officers of province A must get 404 on every object of province B (existence does not leak),
403 on writes they are not allowed inside their own subtree, and lists never show B's rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from lantoa.accounts.models import Role, User
from lantoa.api.introspection import api_operations
from lantoa.audit.models import AuditEvent
from lantoa.channels.models import Channel, ChannelKind, ChannelStat
from lantoa.channels.services import channel_create
from lantoa.roster.models import Communicator, RosterRole
from lantoa.roster.services import communicator_create
from lantoa.units.models import Unit, UnitClosure, UnitEvent, UnitStatus
from tests.conftest import Officers, Tree, make_officer


def iter_api_operations() -> Iterator[tuple[str, str, Any]]:
    """Every (path, method, view function) of the API; shared with the route-walking test."""
    yield from api_operations()


class Api:
    """A client that calls the API with ``user``'s bearer token."""

    def __init__(self, user: User) -> None:
        from lantoa.api.services import apitoken_create

        _, raw = apitoken_create(user=user, name="kiểm thử")
        self.client = Client(headers={"Authorization": f"Bearer {raw}"})

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, **params: Any
    ) -> tuple[int, Any]:
        # The versioned API is a published contract: its literal addresses are what we test.
        url = f"/api/v1{path}"
        if method == "GET":
            response = self.client.get(url, params)
        else:
            response = getattr(self.client, method.lower())(
                url, data=json.dumps(body or {}), content_type="application/json"
            )
        content = response.content
        return response.status_code, json.loads(content) if content else None


@dataclass
class Objects:
    a_channel: Channel  # at A-G1
    a_kcn_channel: Channel  # at A-KCN
    b_channel: Channel  # at B-G1
    a_person: Communicator  # at A-G1
    a_kcn_person: Communicator  # at A-KCN
    b_person: Communicator  # at B-G1


@pytest.fixture
def objs(tree: Tree) -> Objects:
    return Objects(
        a_channel=channel_create(
            unit=tree.a_g1,
            kind=ChannelKind.ZALO_GROUP,
            name="Nhóm Zalo CĐCS May Ánh Dương",
            identifier="may-anh-duong",
        ),
        a_kcn_channel=channel_create(
            unit=tree.a_kcn,
            kind=ChannelKind.FACEBOOK_PAGE,
            name="Fanpage CĐ KCN An Giang",
            url="https://facebook.com/cdkcnag",
        ),
        b_channel=channel_create(
            unit=tree.b_g1,
            kind=ChannelKind.ZALO_GROUP,
            name="Nhóm Zalo Giày Đức Thành",
            identifier="giay-duc-thanh",
        ),
        a_person=communicator_create(
            unit=tree.a_g1, full_name="Nguyễn Thị Lan", role=RosterRole.COMMUNICATOR, trained=True
        ),
        a_kcn_person=communicator_create(
            unit=tree.a_kcn, full_name="Trần Văn Bình", role=RosterRole.BRIEFER
        ),
        b_person=communicator_create(
            unit=tree.b_g1, full_name="Lê Văn Cường", role=RosterRole.COMMUNICATOR, trained=True
        ),
    )


# --- policy on every operation -------------------------------------------------------------


def test_every_operation_declares_an_access_policy() -> None:
    operations = list(iter_api_operations())
    assert len(operations) == 19  # 18 + GET /kb/search (public, lantoa/api/kb.py)
    missing = [
        f"{method} {path}"
        for path, method, view in operations
        if getattr(view, "access_policy", None) is None
    ]
    assert missing == []
    assert ("/api/v1/units/{code}/move", "POST") in {(p, m) for p, m, _ in operations}
    assert ("/api/v1/channels/{channel_id}/stats", "POST") in {(p, m) for p, m, _ in operations}


def test_policy_perm_matches_method(db: None) -> None:
    for _path, method, view in iter_api_operations():
        if not view.access_policy.login:  # public reads (the legal Q&A search) hold no perm
            assert method == "GET" and view.access_policy.perm is None
            continue
        perm = view.access_policy.perm
        assert perm.endswith(".view") if method == "GET" else perm.endswith(".manage")


def test_openapi_schema_lists_every_path(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Lan Tỏa API"
    for path, method, _view in iter_api_operations():
        assert method.lower() in schema["paths"][path], (path, method)
    assert set(schema["components"]["securitySchemes"]) == {"BearerTokenAuth", "SessionOtpAuth"}
    # Every operation requires one of the two, but the public legal Q&A search.
    for path, ops in schema["paths"].items():
        for op in ops.values():
            if path == "/api/v1/kb/search":
                assert "security" not in op
                continue
            assert op["security"] == [{"BearerTokenAuth": []}, {"SessionOtpAuth": []}]


def test_docs_page_uses_bundled_static_files(db: None) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


# --- province A never reaches province B --------------------------------------------------


def _cross_province_calls(tree: Tree, objs: Objects) -> list[tuple[str, str, dict[str, Any]]]:
    ch, person = objs.b_channel.pk, objs.b_person.pk
    return [
        ("GET", "/units/B-G1", {}),
        ("GET", "/units/B-KCN/children", {}),
        ("PATCH", "/units/B-G1", {"name": "Đổi tên"}),
        (
            "POST",
            "/units",
            {"code": "B-G9", "name": "Mới", "kind": "grassroots", "parent_code": "B-KCN"},
        ),
        ("POST", "/units/B-G1/move", {"new_parent_code": "A-KCN"}),
        ("POST", "/units/A-G1/move", {"new_parent_code": "B-KCN"}),
        ("POST", "/units/B-G1/merge", {"target_code": "A-G1"}),
        ("POST", "/units/A-G2/merge", {"target_code": "B-G1"}),
        ("GET", f"/channels/{ch}", {}),
        ("PATCH", f"/channels/{ch}", {"name": "Đổi tên"}),
        ("DELETE", f"/channels/{ch}", {}),
        ("POST", f"/channels/{ch}/stats", {"recorded_on": "2025-01-02", "audience": 5}),
        (
            "POST",
            "/channels",
            {"unit_code": "B-G1", "kind": "zalo_group", "name": "X", "identifier": "x"},
        ),
        ("GET", f"/communicators/{person}", {}),
        ("PATCH", f"/communicators/{person}", {"full_name": "Đổi tên"}),
        ("DELETE", f"/communicators/{person}", {}),
        ("POST", "/communicators", {"unit_code": "B-G1", "full_name": "X", "role": "communicator"}),
    ]


def test_officer_of_province_a_gets_404_on_everything_of_province_b(
    tree: Tree, officers: Officers, objs: Objects
) -> None:
    api = Api(officers.a_admin)
    for method, path, body in _cross_province_calls(tree, objs):
        status, data = api.call(method, path, body)
        assert status == 404, (method, path, data)
        assert data["detail"] == "Không tìm thấy, hoặc anh/chị không có quyền xem."
    for path, params in [
        ("/units", {"parent": "P-B"}),
        ("/channels", {"unit": "B-G1"}),
        ("/communicators", {"unit": "B-KCN"}),
    ]:
        status, _ = api.call("GET", path, **params)
        assert status == 404, path
    # Nothing of B changed.
    tree.b_g1.refresh_from_db()
    assert (tree.b_g1.name, tree.b_g1.parent_id, tree.b_g1.status) == (
        "Công đoàn cơ sở Công ty TNHH Giày Đức Thành",
        tree.b_kcn.pk,
        UnitStatus.ACTIVE,
    )
    assert Channel.objects.get(pk=objs.b_channel.pk).name == "Nhóm Zalo Giày Đức Thành"
    assert Communicator.objects.get(pk=objs.b_person.pk).full_name == "Lê Văn Cường"
    assert not ChannelStat.objects.exists()
    assert not Unit.objects.filter(code="B-G9").exists()
    assert Channel.objects.filter(unit=tree.b_g1).count() == 1
    assert Communicator.objects.filter(unit=tree.b_g1).count() == 1


def test_the_same_calls_work_for_the_national_admin(
    tree: Tree, officers: Officers, objs: Objects
) -> None:
    api = Api(officers.national_admin)
    assert api.call("GET", "/units/B-G1")[0] == 200
    assert api.call("GET", f"/channels/{objs.b_channel.pk}")[0] == 200
    assert api.call("GET", f"/communicators/{objs.b_person.pk}")[0] == 200
    assert api.call("PATCH", f"/channels/{objs.b_channel.pk}", {"name": "Nhóm mới"})[0] == 200
    assert Channel.objects.get(pk=objs.b_channel.pk).name == "Nhóm mới"


def test_viewer_gets_403_on_writes_inside_own_subtree(
    tree: Tree, officers: Officers, objs: Objects
) -> None:
    api = Api(officers.a_viewer)  # viewer at A-G1
    ch, person = objs.a_channel.pk, objs.a_person.pk
    assert api.call("GET", "/units/A-G1")[0] == 200
    assert api.call("GET", f"/channels/{ch}")[0] == 200
    assert api.call("GET", f"/communicators/{person}")[0] == 200
    writes = [
        ("PATCH", "/units/A-G1", {"name": "Đổi tên"}),
        (
            "POST",
            "/units",
            {"code": "A-G9", "name": "Mới", "kind": "grassroots", "parent_code": "A-G1"},
        ),
        ("POST", "/units/A-G1/move", {"new_parent_code": "A-G1"}),
        ("POST", "/units/A-G1/merge", {"target_code": "A-G1"}),
        ("PATCH", f"/channels/{ch}", {"name": "Đổi tên"}),
        ("DELETE", f"/channels/{ch}", {}),
        ("POST", f"/channels/{ch}/stats", {"recorded_on": "2025-01-02", "audience": 5}),
        (
            "POST",
            "/channels",
            {"unit_code": "A-G1", "kind": "zalo_group", "name": "X", "identifier": "x"},
        ),
        ("PATCH", f"/communicators/{person}", {"full_name": "Đổi tên"}),
        ("DELETE", f"/communicators/{person}", {}),
        ("POST", "/communicators", {"unit_code": "A-G1", "full_name": "X", "role": "communicator"}),
    ]
    for method, path, body in writes:
        status, data = api.call(method, path, body)
        assert status == 403, (method, path, data)
        assert data["detail"] == "Anh/chị không có quyền thực hiện thao tác này."
    # Above the viewer's unit is outside their view: 404, not 403.
    assert api.call("GET", "/units/A-KCN")[0] == 404
    assert api.call("GET", f"/channels/{objs.a_kcn_channel.pk}")[0] == 404
    assert Channel.objects.filter(pk=ch, name="Nhóm Zalo CĐCS May Ánh Dương").exists()
    assert Communicator.objects.filter(pk=person, full_name="Nguyễn Thị Lan").exists()
    assert not ChannelStat.objects.exists()
    assert not AuditEvent.objects.exclude(action="apitoken.create").exists()


# --- lists -----------------------------------------------------------------------------------


def _codes(data: dict[str, Any]) -> list[str]:
    return [item["code"] for item in data["items"]]


def test_unit_lists_are_limited_to_the_visible_subtree(tree: Tree, officers: Officers) -> None:
    status, data = Api(officers.a_admin).call("GET", "/units")
    assert status == 200
    assert data["count"] == 6
    assert sorted(_codes(data)) == ["A-G1", "A-G2", "A-G3", "A-KCN", "A-XA", "P-A"]
    assert Api(officers.b_admin).call("GET", "/units")[1]["count"] == 3
    assert Api(officers.national_admin).call("GET", "/units")[1]["count"] == 10
    assert _codes(Api(officers.a_viewer).call("GET", "/units")[1]) == ["A-G1"]


def test_unit_list_filters_and_pagination(tree: Tree, officers: Officers) -> None:
    api = Api(officers.a_admin)
    assert sorted(_codes(api.call("GET", "/units", parent="P-A")[1])) == ["A-KCN", "A-XA"]
    assert sorted(_codes(api.call("GET", "/units", kind="grassroots")[1])) == [
        "A-G1",
        "A-G2",
        "A-G3",
    ]
    # Diacritic-insensitive search, đ folded to d.
    assert _codes(api.call("GET", "/units", q="may anh duong")[1]) == ["A-G1"]
    assert _codes(api.call("GET", "/units", q="ĐIỆN TỬ")[1]) == ["A-G2"]
    assert api.call("GET", "/units", q="giay duc thanh")[1]["count"] == 0  # province B
    page = api.call("GET", "/units", limit=2, offset=0)[1]
    assert (page["count"], page["limit"], len(page["items"])) == (6, 2, 2)
    assert _codes(page) == ["P-A", "A-KCN"]  # by depth, then name
    rest = api.call("GET", "/units", limit=2, offset=4)[1]
    assert len(rest["items"]) == 2 and not set(_codes(rest)) & set(_codes(page))
    status, data = api.call("GET", "/units", limit=500)
    assert status == 422
    assert data["errors"] == {"limit": ["Phải nhỏ hơn hoặc bằng 200."]}
    status, data = api.call("GET", "/units", kind="tinh")
    assert status == 422 and "kind" in data["errors"]


def test_ended_units_are_listed_only_on_request(tree: Tree, officers: Officers) -> None:
    api = Api(officers.a_admin)
    assert api.call("POST", "/units/A-G2/merge", {"target_code": "A-G1"})[0] == 200
    assert api.call("GET", "/units")[1]["count"] == 5
    ended = api.call("GET", "/units", include_ended="true")[1]
    assert ended["count"] == 6
    g2 = next(item for item in ended["items"] if item["code"] == "A-G2")
    assert (g2["status"], g2["successor_code"]) == ("merged", "A-G1")


def test_channel_and_roster_lists_never_include_other_provinces(
    tree: Tree, officers: Officers, objs: Objects
) -> None:
    a, b = Api(officers.a_admin), Api(officers.b_admin)
    data = a.call("GET", "/channels")[1]
    assert data["count"] == 2
    assert {i["id"] for i in data["items"]} == {objs.a_channel.pk, objs.a_kcn_channel.pk}
    assert [i["id"] for i in b.call("GET", "/channels")[1]["items"]] == [objs.b_channel.pk]
    assert Api(officers.national_admin).call("GET", "/channels")[1]["count"] == 3
    data = a.call("GET", "/communicators")[1]
    assert data["count"] == 2
    assert {i["full_name"] for i in data["items"]} == {"Nguyễn Thị Lan", "Trần Văn Bình"}
    assert [i["id"] for i in b.call("GET", "/communicators")[1]["items"]] == [objs.b_person.pk]
    # The viewer at A-G1 sees only A-G1's rows.
    viewer = Api(officers.a_viewer)
    assert [i["id"] for i in viewer.call("GET", "/channels")[1]["items"]] == [objs.a_channel.pk]
    assert [i["id"] for i in viewer.call("GET", "/communicators")[1]["items"]] == [objs.a_person.pk]


def test_channel_and_roster_filters(tree: Tree, officers: Officers, objs: Objects) -> None:
    api = Api(officers.a_admin)
    ids = lambda data: [i["id"] for i in data["items"]]  # noqa: E731
    assert ids(api.call("GET", "/channels", unit="A-KCN")[1]) == [
        objs.a_kcn_channel.pk,
        objs.a_channel.pk,
    ]
    assert ids(api.call("GET", "/channels", unit="A-KCN", subtree="false")[1]) == [
        objs.a_kcn_channel.pk
    ]
    assert ids(api.call("GET", "/channels", kind="zalo_group")[1]) == [objs.a_channel.pk]
    assert ids(api.call("GET", "/channels", status="paused")[1]) == []
    assert ids(api.call("GET", "/communicators", trained="true")[1]) == [objs.a_person.pk]
    assert ids(api.call("GET", "/communicators", role="briefer")[1]) == [objs.a_kcn_person.pk]
    assert ids(api.call("GET", "/communicators", unit="A-KCN", subtree="false")[1]) == [
        objs.a_kcn_person.pk
    ]
    assert ids(api.call("GET", "/communicators", unit="A-G1")[1]) == [objs.a_person.pk]


# --- units: detail and writes ---------------------------------------------------------------


def test_unit_detail_has_visible_path_and_subtree_figures(tree: Tree, officers: Officers) -> None:
    api = Api(officers.a_admin)
    status, data = api.call("GET", "/units/A-G1")
    assert status == 200
    assert (data["unit"]["code"], data["unit"]["parent_code"], data["unit"]["kind"]) == (
        "A-G1",
        "A-KCN",
        "grassroots",
    )
    # VN is above the officer's view and is left out of the path.
    assert [u["code"] for u in data["path"]] == ["P-A", "A-KCN", "A-G1"]
    province = api.call("GET", "/units/P-A")[1]
    assert province["figures"] == {
        "units": 6,
        "grassroots": 3,
        "upper_level": 2,
        "provinces": 1,
        "members": 1540,
        "workers": 1712,
    }
    national = Api(officers.national_admin).call("GET", "/units/A-G1")[1]
    assert [u["code"] for u in national["path"]] == ["VN", "P-A", "A-KCN", "A-G1"]


def test_unit_children_with_figures(tree: Tree, officers: Officers) -> None:
    status, data = Api(officers.a_admin).call("GET", "/units/P-A/children")
    assert status == 200
    assert data["count"] == 2
    by_code = {row["unit"]["code"]: row["figures"] for row in data["items"]}
    assert by_code["A-KCN"]["members"] == 1500 and by_code["A-KCN"]["units"] == 3
    assert by_code["A-XA"]["members"] == 40 and by_code["A-XA"]["grassroots"] == 1


def test_create_and_update_unit(tree: Tree, officers: Officers) -> None:
    api = Api(officers.a_admin)
    status, data = api.call(
        "POST",
        "/units",
        {
            "code": "A-G4",
            "name": "Công đoàn cơ sở Công ty Thủy sản Mỹ Bình",
            "kind": "grassroots",
            "parent_code": "A-XA",
            "member_count": 85,
        },
    )
    assert status == 201, data
    assert (data["code"], data["parent_code"], data["depth"]) == ("A-G4", "A-XA", 3)
    unit = Unit.objects.get(code="A-G4")
    assert set(
        UnitClosure.objects.filter(descendant=unit).values_list("ancestor__code", flat=True)
    ) == {"VN", "P-A", "A-XA", "A-G4"}
    assert (
        AuditEvent.objects.filter(
            action="unit.create", target="A-G4", actor=officers.a_admin
        ).count()
        == 1
    )
    status, data = api.call(
        "POST",
        "/units",
        {"code": "A-G4", "name": "Trùng mã", "kind": "grassroots", "parent_code": "A-XA"},
    )
    assert status == 400 and "code" in data["errors"]
    status, data = api.call(
        "POST",
        "/units",
        {"code": "A-G5", "name": "Dưới CĐCS", "kind": "grassroots", "parent_code": "A-G1"},
    )
    assert status == 400
    assert "không thể là đơn vị cấp trên" in data["errors"]["parent"][0]
    assert Unit.objects.filter(code__in=["A-G5"]).count() == 0
    status, data = api.call("PATCH", "/units/A-G4", {"member_count": 90, "short_name": "TS MB"})
    assert status == 200
    assert (data["member_count"], data["short_name"], data["name"]) == (
        90,
        "TS MB",
        "Công đoàn cơ sở Công ty Thủy sản Mỹ Bình",
    )
    status, data = api.call("PATCH", "/units/A-G4", {"member_count": -1})
    assert status == 422 and "member_count" in data["errors"]
    assert Unit.objects.get(code="A-G4").member_count == 90


def test_unit_kind_fits_the_tree_and_changing_it_needs_the_level_above(
    tree: Tree, officers: Officers
) -> None:
    grassroots = Api(make_officer("admin_g1", tree.a_g1, Role.ADMIN))
    status, data = grassroots.call("PATCH", "/units/A-G1", {"kind": "province"})
    assert status == 403, data
    assert list(data["errors"]) == ["kind"]
    assert "quản trị viên của đơn vị cấp trên" in data["errors"]["kind"][0]
    assert Unit.objects.get(code="A-G1").kind == "grassroots"
    assert not AuditEvent.objects.filter(action="unit.update", target="A-G1").exists()
    # Its name and figures stay its own to edit.
    status, data = grassroots.call("PATCH", "/units/A-G1", {"member_count": 1210})
    assert (status, data["member_count"], data["kind"]) == (200, 1210, "grassroots")

    province = Api(officers.a_admin)
    # The province admin holds the level above, but a province does not stand under an
    # industrial-zone union, nor under a province.
    status, data = province.call("PATCH", "/units/A-G1", {"kind": "province"})
    assert status == 400
    assert "chỉ có thể là “Công đoàn cơ sở”" in data["errors"]["kind"][0]
    status, data = province.call("PATCH", "/units/A-XA", {"kind": "province"})
    assert status == 400 and list(data["errors"]) == ["kind"]
    status, data = province.call(
        "POST",
        "/units",
        {"code": "A-P2", "name": "Tỉnh giả", "kind": "province", "parent_code": "P-A"},
    )
    assert status == 400 and "không thể nhận đơn vị loại" in data["errors"]["parent"][0]
    status, data = province.call("POST", "/units/A-XA/move", {"new_parent_code": "A-KCN"})
    assert status == 400 and list(data["errors"]) == ["parent"]
    # Its own province's kind is the national level's to change.
    status, data = province.call("PATCH", "/units/P-A", {"kind": "sector"})
    assert status == 403 and list(data["errors"]) == ["kind"]
    # What fits is accepted: a commune union under a province becomes a sector union.
    status, data = province.call("PATCH", "/units/A-XA", {"kind": "sector"})
    assert (status, data["kind"]) == (200, "sector")
    assert Unit.objects.filter(kind="province").count() == 2
    assert not Unit.objects.filter(code="A-P2").exists()


def test_move_unit_and_refuse_cycle(tree: Tree, officers: Officers) -> None:
    api = Api(officers.a_admin)
    status, data = api.call(
        "POST", "/units/A-G3/move", {"new_parent_code": "A-KCN", "note": "Chuyển về KCN"}
    )
    assert status == 200, data
    assert data["parent_code"] == "A-KCN"
    assert UnitEvent.objects.filter(unit=tree.a_g3, new_parent=tree.a_kcn).count() == 1
    assert UnitClosure.objects.filter(ancestor=tree.a_kcn, descendant=tree.a_g3).exists()
    assert not UnitClosure.objects.filter(ancestor=tree.a_xa, descendant=tree.a_g3).exists()
    status, data = api.call("POST", "/units/P-A/move", {"new_parent_code": "A-XA"})
    assert status == 400
    assert "vòng lặp" in data["errors"]["parent"][0]
    tree.pa.refresh_from_db()
    assert tree.pa.parent_id == tree.vn.pk
    # Moving B's industrial zone under A needs unit.manage on both: only the national admin.
    assert api.call("POST", "/units/B-KCN/move", {"new_parent_code": "P-A"})[0] == 404
    national = Api(officers.national_admin)
    assert national.call("POST", "/units/B-KCN/move", {"new_parent_code": "P-A"})[0] == 200
    assert Api(officers.a_admin).call("GET", "/units/B-G1")[0] == 200  # now in A's subtree


def test_merge_unit(tree: Tree, officers: Officers) -> None:
    api = Api(officers.a_admin)
    status, data = api.call(
        "POST", "/units/A-XA/merge", {"target_code": "A-KCN", "on": "2025-07-01"}
    )
    assert status == 200, data
    assert (data["status"], data["successor_code"], data["ended_on"]) == (
        "merged",
        "A-KCN",
        "2025-07-01",
    )
    tree.a_g3.refresh_from_db()
    assert tree.a_g3.parent_id == tree.a_kcn.pk
    assert AuditEvent.objects.filter(action="unit.merge", target="A-XA").count() == 1
    status, data = api.call("POST", "/units/A-XA/merge", {"target_code": "A-KCN"})
    assert status == 400 and "source" in data["errors"]


# --- channels and roster writes -----------------------------------------------------------


def test_channel_crud_and_stats(tree: Tree, officers: Officers, objs: Objects) -> None:
    api = Api(officers.a_communicator)  # communicator at A-KCN manages channels below it
    status, data = api.call(
        "POST",
        "/channels",
        {
            "unit_code": "A-G2",
            "kind": "facebook_page",
            "name": "Fanpage CĐCS Điện tử Đông Á",
            "url": "facebook.com/cdcsdongA",
        },
    )
    assert status == 201, data
    assert (data["unit_code"], data["url"]) == ("A-G2", "https://facebook.com/cdcsdongA")
    channel_id = data["id"]
    status, data = api.call(
        "POST",
        "/channels",
        {"unit_code": "A-G2", "kind": "facebook_page", "name": "Sai", "url": "zalo.me/abc"},
    )
    assert status == 400 and "facebook.com" in data["errors"]["url"][0]
    assert Channel.objects.filter(unit=tree.a_g2).count() == 1

    status, data = api.call(
        "POST", f"/channels/{channel_id}/stats", {"recorded_on": "2025-03-01", "audience": 1200}
    )
    assert status == 200, data
    assert data["channel"]["audience"] == 1200 and data["stat"]["audience"] == 1200
    # An older figure is history; the current audience stays with the newest date.
    status, data = api.call(
        "POST", f"/channels/{channel_id}/stats", {"recorded_on": "2025-01-01", "audience": 900}
    )
    assert (data["channel"]["audience"], data["channel"]["audience_on"]) == (1200, "2025-03-01")
    assert ChannelStat.objects.filter(channel_id=channel_id).count() == 2
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    status, data = api.call(
        "POST", f"/channels/{channel_id}/stats", {"recorded_on": tomorrow, "audience": 1}
    )
    assert status == 400 and "recorded_on" in data["errors"]

    status, data = api.call("PATCH", f"/channels/{channel_id}", {"status": "paused"})
    assert status == 200 and data["status"] == "paused"
    status, _ = api.call("DELETE", f"/channels/{channel_id}")
    assert status == 204
    assert not Channel.objects.filter(pk=channel_id).exists()
    assert api.call("GET", f"/channels/{channel_id}")[0] == 404
    assert list(
        AuditEvent.objects.filter(actor=officers.a_communicator)
        .exclude(action="apitoken.create")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "channel.create",
        "channel.audience",
        "channel.audience",
        "channel.update",
        "channel.delete",
    ]


def test_communicator_crud(tree: Tree, officers: Officers, objs: Objects) -> None:
    api = Api(officers.a_propaganda)
    status, data = api.call(
        "POST",
        "/communicators",
        {
            "unit_code": "A-G3",
            "full_name": "Phạm Thị Hoa",
            "role": "both",
            "phone": "+84 912 345 678",
            "trained": True,
        },
    )
    assert status == 201, data
    assert (data["unit_code"], data["phone"], data["role"]) == ("A-G3", "0912345678", "both")
    person_id = data["id"]
    status, data = api.call(
        "POST",
        "/communicators",
        {"unit_code": "A-G3", "full_name": "Sai số", "role": "briefer", "phone": "12345"},
    )
    assert status == 400 and "phone" in data["errors"]
    assert Communicator.objects.filter(unit=tree.a_g3).count() == 1
    status, data = api.call(
        "PATCH", f"/communicators/{person_id}", {"position": "Chủ tịch CĐCS", "trained": False}
    )
    assert status == 200
    assert (data["position"], data["trained"]) == ("Chủ tịch CĐCS", False)
    assert api.call("GET", f"/communicators/{person_id}")[1]["full_name"] == "Phạm Thị Hoa"
    assert api.call("DELETE", f"/communicators/{person_id}")[0] == 204
    assert not Communicator.objects.filter(pk=person_id).exists()
    assert api.call("GET", "/communicators/999999")[0] == 404


def test_bad_input_on_hidden_objects_is_still_404(
    tree: Tree, officers: Officers, objs: Objects
) -> None:
    api = Api(officers.b_admin)
    client = api.client
    # A body that is not JSON, and one that misses fields: 404 outside the view…
    for url in (
        "/api/v1/units/P-A/move",
        "/api/v1/units/A-G1/merge",
        f"/api/v1/channels/{objs.a_channel.pk}/stats",
    ):
        assert client.post(url, {}).status_code == 404, url
        assert client.post(url, "{}", content_type="application/json").status_code == 404, url
    assert (
        client.patch(
            f"/api/v1/communicators/{objs.a_person.pk}", "[1]", content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/channels/abc").status_code == 404
    # …and the real input error inside it.
    response = client.post("/api/v1/units/B-G1/move", {})
    assert response.status_code == 400
    assert response.json()["detail"] == "Không đọc được nội dung gửi lên: cần một đối tượng JSON."
    response = client.post("/api/v1/units/B-G1/move", "{}", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"new_parent_code": ["Thiếu trường bắt buộc."]}
