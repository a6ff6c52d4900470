"""The activity entry service (lantoa.activities.services) and its Vietnamese errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.activities.services import activity_create
from lantoa.audit.models import AuditEvent
from lantoa.units.services import unit_merge
from tests.activities.support import MERGER
from tests.conftest import Officers, Tree

pytestmark = pytest.mark.django_db


def test_create_writes_record_and_audit(tree: Tree, officers: Officers) -> None:
    activity = activity_create(
        unit=tree.a_g1,
        actor=officers.a_communicator,
        kind=ActivityKind.OUTREACH,
        held_on=dt.date(2025, 3, 8),
        title="  Tuyên truyền   Luật Công đoàn  ",
        participants=120,
    )
    activity.refresh_from_db()
    assert activity.title == "Tuyên truyền Luật Công đoàn"
    assert activity.format == ActivityFormat.DIRECT  # an outreach session is direct by default
    assert (activity.quantity, activity.participants) == (1, 120)
    assert activity.created_by == officers.a_communicator
    event = AuditEvent.objects.get(action="activity.create")
    assert event.unit_id == tree.a_g1.pk and event.target == str(activity.pk)
    assert Activity.objects.count() == 1


def test_create_refuses_bad_values_in_vietnamese(tree: Tree) -> None:
    future = dt.date.today() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as caught:
        activity_create(
            unit=tree.a_g1,
            actor=None,
            kind="picnic",
            held_on=future,
            title=" ",
            participants=-1,
            quantity=0,
        )
    errors = caught.value.message_dict
    assert errors["kind"] == ["Loại hoạt động không hợp lệ."]
    assert errors["held_on"] == [
        f"Ngày {future:%d/%m/%Y} chưa tới; chỉ ghi những hoạt động đã diễn ra."
    ]
    assert errors["title"] == ["Không được để trống."]
    assert errors["participants"] == ["Phải là số từ 0 trở lên."]
    assert errors["quantity"] == ["Phải là số từ 1 trở lên."]
    assert Activity.objects.count() == 0 and not AuditEvent.objects.exists()


def test_press_items_have_no_format_and_keep_their_outlet(tree: Tree) -> None:
    press = activity_create(
        unit=tree.pa,
        actor=None,
        kind=ActivityKind.PRESS,
        held_on=dt.date(2025, 5, 2),
        title="Tin, bài tháng 5",
        format=ActivityFormat.ONLINE,
        outlet="Báo Lao Động",
        quantity=3,
    )
    assert (press.format, press.outlet, press.quantity) == ("", "Báo Lao Động", 3)


def test_ended_unit_takes_records_only_before_its_end(tree: Tree) -> None:
    unit_merge(source=tree.pb, target=tree.pa, on=MERGER)
    tree.pb.refresh_from_db()
    before = activity_create(
        unit=tree.pb,
        actor=None,
        kind=ActivityKind.OUTREACH,
        held_on=MERGER - dt.timedelta(days=1),
        title="Hội nghị báo cáo viên quý II",
    )
    assert before.pk
    with pytest.raises(ValidationError) as caught:
        activity_create(
            unit=tree.pb,
            actor=None,
            kind=ActivityKind.OUTREACH,
            held_on=MERGER,
            title="Hội nghị báo cáo viên quý III",
        )
    assert caught.value.messages == [
        "Đơn vị “Liên đoàn Lao động tỉnh Bắc Ninh” đã hợp nhất vào “Liên đoàn Lao động tỉnh "
        "An Giang” từ ngày 01/07/2025; vui lòng ghi hoạt động cho đơn vị kế thừa."
    ]
    assert Activity.objects.count() == 1
