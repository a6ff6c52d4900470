"""Officer accounts and roles: screens, services, province isolation and audit rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from lantoa.access import services
from lantoa.accounts.models import ApiToken, Membership, Role, User
from lantoa.audit.models import AuditEvent
from tests.conftest import PASSWORD, Officers, Tree, login

LIST = reverse("accounts:officer_list")
CREATE = reverse("accounts:officer_create")


def detail(user: User) -> str:
    return reverse("accounts:officer_detail", args=[user.pk])


def audit_actions() -> list[str]:
    # Logins done by the test fixtures are audited too; only officer events matter here.
    return list(
        AuditEvent.objects.filter(action__startswith="officer.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_list_shows_only_officers_of_managed_units(client: Client, officers: Officers) -> None:
    login(client, officers.a_admin)
    r = client.get(LIST)
    assert r.status_code == 200
    body = r.content.decode()
    for name in ("xem_a", "truyenthong_a", "lanhdao_a", "admin_a"):
        assert name in body
    assert "admin_b" not in body
    # The national admin's role is at the root, outside province A.
    assert "admin_tw" not in body

    login(client, officers.national_admin)
    body = client.get(LIST).content.decode()
    assert "admin_b" in body and "xem_a" in body


def test_officer_screens_need_officer_manage(client: Client, officers: Officers) -> None:
    login(client, officers.a_leader)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(officers.a_viewer)).status_code == 403


def test_other_province_gets_404(client: Client, officers: Officers) -> None:
    target = officers.a_viewer
    membership = target.memberships.get()
    login(client, officers.b_admin)
    assert client.get(detail(target)).status_code == 404
    r = client.post(f"{detail(target)}vai-tro/", {"unit": "B-G1", "role": Role.VIEWER})
    assert r.status_code == 404
    r = client.post(f"{detail(target)}vai-tro/{membership.pk}/go/")
    assert r.status_code == 404
    assert client.post(f"{detail(target)}ngung/").status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.objects.filter(user=target).count() == 1
    assert User.objects.get(pk=target.pk).is_active
    assert audit_actions() == []


def test_create_officer_shows_password_once(client: Client, officers: Officers, tree: Tree) -> None:
    login(client, officers.a_admin)
    form = client.get(CREATE).content.decode()
    assert 'value="A-G2"' in form
    assert "B-G1" not in form and 'value="VN"' not in form

    r = client.post(
        CREATE,
        {
            "username": "moi_a",
            "full_name": "Nguyễn Thị Mới",
            "unit": "A-G2",
            "role": Role.COMMUNICATOR,
        },
    )
    assert r.status_code == 200
    user = User.objects.get(username="moi_a")
    password = r.context["password"]
    assert password in r.content.decode()
    assert user.check_password(password)
    assert user.full_name == "Nguyễn Thị Mới"
    assert list(user.memberships.values_list("unit__code", "role")) == [("A-G2", Role.COMMUNICATOR)]
    event = AuditEvent.objects.get(action="officer.create")
    assert (event.actor, event.unit, event.target) == (officers.a_admin, tree.a_g2, "moi_a")
    assert event.data == {
        "subject_id": user.pk,
        "username": "moi_a",
        "role": Role.COMMUNICATOR,
        "unit": "A-G2",
    }
    assert password not in str(event.data)
    # The password works on the login page, and is not shown on the officer's page.
    assert password not in client.get(detail(user)).content.decode()
    r = Client().post(reverse("accounts:login"), {"username": "moi_a", "password": password})
    assert r.status_code == 302


def test_create_rejects_unit_outside_subtree_and_duplicates(
    client: Client, officers: Officers
) -> None:
    login(client, officers.a_admin)
    r = client.post(
        CREATE,
        {"username": "moi_b", "full_name": "Trần Văn B", "unit": "B-G1", "role": Role.VIEWER},
    )
    assert r.status_code == 200
    assert "Không có đơn vị mã này trong phạm vi anh/chị quản lý." in r.content.decode()
    r = client.post(
        CREATE, {"username": "XEM_A", "full_name": "Trùng tên", "unit": "A-G1", "role": Role.VIEWER}
    )
    assert "Tên đăng nhập “XEM_A” đã được dùng." in r.content.decode()
    r = client.post(CREATE, {"username": "", "full_name": "", "unit": "A-G1", "role": ""})
    body = r.content.decode()
    assert "Vui lòng nhập tên đăng nhập." in body and "Vui lòng chọn vai trò." in body
    assert not User.objects.filter(username__in=["moi_b", "XEM_A", ""]).exists()
    assert audit_actions() == []


def test_add_and_remove_role_are_audited(client: Client, officers: Officers, tree: Tree) -> None:
    target = officers.a_viewer
    login(client, officers.a_admin)
    r = client.post(f"{detail(target)}vai-tro/", {"unit": "A-XA", "role": Role.BRIEFER})
    assert r.status_code == 302
    added = Membership.objects.get(user=target, unit=tree.a_xa)
    assert added.role == Role.BRIEFER
    # Granting the same role twice is refused by name.
    r = client.post(f"{detail(target)}vai-tro/", {"unit": "A-XA", "role": Role.BRIEFER})
    assert r.status_code == 400
    assert "đã có vai trò “Báo cáo viên”" in r.content.decode()
    # A unit of another province is not on offer.
    r = client.post(f"{detail(target)}vai-tro/", {"unit": "P-B", "role": Role.ADMIN})
    assert r.status_code == 400
    assert "Không có đơn vị mã này trong phạm vi anh/chị quản lý." in r.content.decode()
    assert Membership.objects.filter(user=target).count() == 2

    r = client.post(f"{detail(target)}vai-tro/{added.pk}/go/")
    assert r.status_code == 302
    assert not Membership.objects.filter(pk=added.pk).exists()
    assert audit_actions() == ["officer.role_add", "officer.role_remove"]
    add_event, remove_event = AuditEvent.objects.filter(action__startswith="officer.").order_by(
        "id"
    )
    assert add_event.unit == remove_event.unit == tree.a_xa
    assert add_event.data["role"] == remove_event.data["role"] == Role.BRIEFER
    assert add_event.data["subject_id"] == target.pk


def test_service_refuses_grant_outside_subtree(officers: Officers, tree: Tree) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_add(
            user=officers.a_viewer, unit=tree.pb, role=Role.ADMIN, actor=officers.a_admin
        )
    with pytest.raises(PermissionDenied):
        services.officer_create(
            username="x", full_name="X", actor=officers.a_admin, unit=tree.b_g1, role=Role.VIEWER
        )
    with pytest.raises(PermissionDenied):
        services.membership_remove(
            membership=officers.b_admin.memberships.get(), actor=officers.a_admin
        )
    assert Membership.objects.filter(user=officers.a_viewer).count() == 1
    assert audit_actions() == []


def test_nobody_removes_their_own_last_admin_role(
    client: Client, officers: Officers, tree: Tree
) -> None:
    me = officers.a_admin
    own = me.memberships.get()
    login(client, me)
    r = client.post(f"{detail(me)}vai-tro/{own.pk}/go/", follow=True)
    assert "Anh/chị không thể gỡ vai trò quản trị cuối cùng của chính mình." in r.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()
    assert audit_actions() == []
    # With a second admin role, giving up one of them is fine.
    services.membership_add(user=me, unit=tree.a_kcn, role=Role.ADMIN, actor=me)
    r = client.post(f"{detail(me)}vai-tro/{own.pk}/go/")
    assert r.status_code == 302
    assert list(me.memberships.values_list("unit__code", flat=True)) == ["A-KCN"]


def test_deactivate_officer(client: Client, officers: Officers) -> None:
    target = officers.a_communicator
    token = ApiToken.objects.create(user=target, name="tích hợp", digest="d" * 64, hint="lt_x")
    login(client, officers.a_admin)
    r = client.post(f"{detail(target)}ngung/")
    assert r.status_code == 302
    target.refresh_from_db()
    token.refresh_from_db()
    assert target.is_active is False
    assert token.revoked_at is not None
    assert audit_actions() == ["officer.deactivate"]
    r = Client().post(
        reverse("accounts:login"), {"username": target.username, "password": PASSWORD}
    )
    assert r.status_code == 200 and "không đúng" in r.content.decode()
    # Still listed for the admins who manage the unit, marked as stopped.
    assert "Đã ngừng" in client.get(LIST).content.decode()


def test_deactivate_refuses_self_and_officers_shared_with_another_province(
    client: Client, officers: Officers, tree: Tree
) -> None:
    me = officers.a_admin
    login(client, me)
    r = client.post(f"{detail(me)}ngung/", follow=True)
    assert "Anh/chị không thể tự ngừng tài khoản của chính mình." in r.content.decode()
    shared = officers.a_viewer
    Membership.objects.create(user=shared, unit=tree.b_g1, role=Role.VIEWER)
    r = client.post(f"{detail(shared)}ngung/", follow=True)
    assert "ngoài phạm vi anh/chị quản lý" in r.content.decode()
    assert User.objects.filter(pk__in=[me.pk, shared.pk], is_active=True).count() == 2
    assert audit_actions() == []
    services.officer_deactivate(user=shared, actor=officers.national_admin)
    assert User.objects.get(pk=shared.pk).is_active is False
    with pytest.raises(ValidationError):
        services.officer_deactivate(user=me, actor=me)
