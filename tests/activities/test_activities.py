"""Activity records: the entry service and its Vietnamese errors, roll-ups checked against the
raw records, merged units (successor includes, old unit still reportable), the import
(good files, bad rows, all or nothing), the quick entry screens and the demo generator."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lantoa.accounts.models import Role
from lantoa.activities.importing import activities_import, parse_date
from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.activities.selectors import KINDS, Figures, activity_rollup, grassroots_count, past_tree
from lantoa.activities.services import activity_create
from lantoa.audit.models import AuditEvent
from lantoa.units.models import Unit, UnitKind
from lantoa.units.services import unit_create, unit_merge, unit_move
from tests.conftest import Officers, Tree, login, make_officer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 30)
MERGER = dt.date(2025, 7, 1)


def record(
    unit: Unit, held_on: dt.date, kind: str = ActivityKind.OUTREACH, **values: object
) -> Activity:
    """A record written straight to the table (the service refuses past-merger dates etc.)."""
    values.setdefault("title", "Tuyên truyền Bộ luật Lao động")
    values.setdefault("participants", 30)
    values.setdefault("quantity", 1)
    if kind == ActivityKind.OUTREACH:
        values.setdefault("format", ActivityFormat.DIRECT)
    return Activity.objects.create(unit=unit, held_on=held_on, kind=kind, **values)


def random_records(tree: Tree, count: int, seed: int = 7) -> list[Activity]:
    rng = random.Random(seed)
    units = [tree.pa, tree.a_kcn, tree.a_g1, tree.a_g2, tree.a_xa, tree.a_g3, tree.pb, tree.b_g1]
    rows = []
    for _ in range(count):
        kind = rng.choice(KINDS)
        rows.append(
            Activity(
                unit=rng.choice(units),
                held_on=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 900)),
                kind=kind,
                title="Hoạt động thử",
                format=rng.choice(["", ActivityFormat.DIRECT, ActivityFormat.ONLINE]),
                participants=rng.randint(0, 500),
                quantity=rng.randint(1, 9),
            )
        )
    return Activity.objects.bulk_create(rows)


def expected(
    rows: list[Activity], unit_ids: set[int], start: dt.date, end: dt.date
) -> dict[str, Figures]:
    """Figures per kind computed in Python from the raw rows."""
    out = {kind: Figures() for kind in KINDS}
    grassroots: dict[str, set[int]] = defaultdict(set)
    for a in rows:
        if a.unit_id not in unit_ids or not start <= a.held_on <= end:
            continue
        f = out[a.kind]
        f.records += 1
        f.quantity += a.quantity
        f.participants += a.participants
        f.direct += a.quantity if a.format == ActivityFormat.DIRECT else 0
        f.online += a.quantity if a.format == ActivityFormat.ONLINE else 0
        if Unit.objects.get(pk=a.unit_id).kind == UnitKind.GRASSROOTS:
            grassroots[a.kind].add(a.unit_id)
    for kind, ids in grassroots.items():
        out[kind].grassroots = len(ids)
    return out


def ids(*units: Unit) -> set[int]:
    return {u.pk for u in units}


# --- service ---------------------------------------------------------------------------------


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
        "An Giang” từ ngày 01/07/2025; hãy ghi hoạt động cho đơn vị kế thừa."
    ]
    assert Activity.objects.count() == 1


# --- roll-ups --------------------------------------------------------------------------------


def test_rollup_matches_raw_records(tree: Tree) -> None:
    rows = random_records(tree, 300)
    start, end = dt.date(2024, 7, 1), dt.date(2025, 6, 30)
    subtree_a = ids(tree.pa, tree.a_kcn, tree.a_g1, tree.a_g2, tree.a_xa, tree.a_g3)
    rollup = activity_rollup(tree.pa, start, end)
    assert rollup.by_kind == expected(rows, subtree_a, start, end)
    assert rollup.records == sum(
        1 for a in rows if a.unit_id in subtree_a and start <= a.held_on <= end
    )
    # Per child (by kind, then name, as on the unit pages), then the province's own records.
    assert [c.unit.code for c in rollup.children] == ["A-XA", "A-KCN"]
    xa, kcn = rollup.children
    assert kcn.by_kind == expected(rows, ids(tree.a_kcn, tree.a_g1, tree.a_g2), start, end)
    assert xa.by_kind == expected(rows, ids(tree.a_xa, tree.a_g3), start, end)
    assert rollup.own == expected(rows, ids(tree.pa), start, end)
    # The national root sees both provinces; a grassroots unit only itself.
    everything = ids(tree.vn, tree.pa, tree.pb, tree.a_kcn, tree.a_g1, tree.a_g2, tree.a_xa)
    everything |= ids(tree.a_g3, tree.b_kcn, tree.b_g1)
    assert activity_rollup(tree.vn, start, end).by_kind == expected(rows, everything, start, end)
    assert activity_rollup(tree.a_g1, start, end).by_kind == expected(
        rows, ids(tree.a_g1), start, end
    )
    outreach = rollup.kind(ActivityKind.OUTREACH)
    assert outreach.grassroots <= 3 and rollup.grassroots_with_outreach == outreach.grassroots


def test_rollup_costs_the_same_few_queries_whatever_the_subtree(tree: Tree) -> None:
    random_records(tree, 200)
    for unit in (tree.vn, tree.pa, tree.a_g1):
        with CaptureQueriesContext(connection) as queries:
            activity_rollup(unit, dt.date(2024, 1, 1), dt.date(2026, 6, 30))
        assert len(queries) == 3, [q["sql"] for q in queries]


def test_merged_unit_reports_under_successor_and_still_alone_before(tree: Tree) -> None:
    record(tree.b_g1, dt.date(2024, 3, 10), participants=400)  # Bắc Ninh, before the merger
    record(tree.b_g1, dt.date(2025, 9, 1), participants=250)  # after: now under An Giang
    record(tree.pb, dt.date(2024, 4, 2), ActivityKind.PRESS, quantity=5, outlet="Báo Bắc Ninh")
    record(tree.a_g1, dt.date(2024, 3, 12), participants=100)
    unit_merge(source=tree.pb, target=tree.pa, on=MERGER)
    tree.pb.refresh_from_db()

    # The successor's report includes the merged unit's records, before and after the merger.
    year_2024 = activity_rollup(tree.pa, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert year_2024.kind(ActivityKind.OUTREACH).participants == 500
    assert year_2024.kind(ActivityKind.OUTREACH).grassroots == 2
    assert year_2024.kind(ActivityKind.PRESS).quantity == 5
    by_child = {c.unit.code: c for c in year_2024.children}
    assert by_child["P-B"].kind(ActivityKind.PRESS).quantity == 5  # the ended province itself
    assert by_child["B-KCN"].kind(ActivityKind.OUTREACH).participants == 400
    later = activity_rollup(tree.pa, dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert later.kind(ActivityKind.OUTREACH).participants == 250

    # The old unit is still reportable for before the merger, over its tree of that time.
    old = activity_rollup(tree.pb, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert old.as_of == dt.date(2024, 12, 31)
    assert old.kind(ActivityKind.OUTREACH).participants == 400
    assert old.kind(ActivityKind.OUTREACH).grassroots == 1
    assert old.kind(ActivityKind.PRESS).quantity == 5
    assert [c.unit.code for c in old.children] == ["B-KCN"]
    assert old.children[0].kind(ActivityKind.OUTREACH).participants == 400
    assert old.own[ActivityKind.PRESS].quantity == 5
    assert grassroots_count(tree.pb, dt.date(2024, 12, 31)) == 1
    # A period across the merger counts only up to the day before it.
    across = activity_rollup(tree.pb, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert across.as_of == MERGER - dt.timedelta(days=1) and across.records == 0


def test_past_tree_undoes_later_moves_only(tree: Tree) -> None:
    # A-G3 moves from the commune union to the zone union in 2025; a new unit appears later.
    unit_move(unit=tree.a_g3, new_parent=tree.a_kcn, on=dt.date(2025, 3, 1))
    late = unit_create(code="A-G4", name="CĐCS mới", kind=UnitKind.GRASSROOTS, parent=tree.a_xa)
    unit_merge(source=tree.a_xa, target=tree.a_kcn, on=dt.date(2025, 8, 1))
    tree.a_xa.refresh_from_db()
    before = past_tree(tree.a_xa, dt.date(2025, 1, 31))
    assert set(before.bucket) == {tree.a_xa.pk, tree.a_g3.pk, late.pk}
    after_move = past_tree(tree.a_xa, dt.date(2025, 7, 31))
    assert set(after_move.bucket) == {tree.a_xa.pk, late.pk}
    assert after_move.bucket[late.pk] == late.pk and after_move.bucket[tree.a_xa.pk] is None


# --- import ----------------------------------------------------------------------------------

HEADER = "unit_code,date,type,title,participants,quantity,note\n"


def run_import(text: str, name: str = "hoat-dong.csv", **kwargs: object):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8")
    return activities_import(
        fileobj=io.BytesIO(data), filename=name, size=len(data), today=TODAY, **kwargs
    )


def test_import_good_csv_with_vietnamese_headers_labels_and_both_date_forms(tree: Tree) -> None:
    text = (
        "Mã đơn vị;Ngày;Loại hoạt động;Tên hoạt động, chủ đề;Số người tham gia;Số lượng;Ghi chú;"
        "Hình thức\n"
        "A-G1;05/03/2025;Buổi tuyên truyền;Luật Công đoàn 2024;1.200;;;trực tuyến\n"
        "A-G2;2025-03-06;outreach;An toàn lao động;80;2;hai ca;\n"
        "P-A;28/04/2025;tin bài;Tin tháng 4;;7;;\n"
        "A-G3;7/5/2025;Sáng kiến đăng ký;Sáng kiến năm 2025;;3;;\n"
    )
    result = run_import(text)
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 4 and Activity.objects.count() == 4
    first = Activity.objects.get(unit=tree.a_g1)
    assert (first.held_on, first.kind, first.participants, first.quantity, first.format) == (
        dt.date(2025, 3, 5),
        ActivityKind.OUTREACH,
        1200,
        1,
        ActivityFormat.ONLINE,
    )
    second = Activity.objects.get(unit=tree.a_g2)
    assert (second.quantity, second.note, second.format) == (2, "hai ca", ActivityFormat.DIRECT)
    assert Activity.objects.get(unit=tree.pa).kind == ActivityKind.PRESS
    assert Activity.objects.get(unit=tree.a_g3).held_on == dt.date(2025, 5, 7)
    audit = AuditEvent.objects.get(action="activity.import")
    assert (
        audit.data == {"rows": 4, "created": 4} and audit.actor_label == "lantoa activities import"
    )


def test_import_xlsx_with_date_cells(tree: Tree, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit_code", "date", "type", "title", "participants", "quantity", "note"])
    sheet.append(["A-G1", dt.datetime(2025, 5, 1), "training", "Tập huấn", 40, 1, None])
    sheet.append(["A-KCN", "12/05/2025", "Hội thi, cuộc thi", "Hội thi ATVSV", 150.0, None, ""])
    path = tmp_path / "hd.xlsx"
    book.save(path)
    with path.open("rb") as fh:
        result = activities_import(fileobj=fh, filename=path.name, today=TODAY)
    assert result.ok, [str(e) for e in result.errors]
    assert sorted(
        Activity.objects.values_list("unit__code", "held_on", "kind", "participants")
    ) == [
        ("A-G1", dt.date(2025, 5, 1), ActivityKind.TRAINING, 40),
        ("A-KCN", dt.date(2025, 5, 12), ActivityKind.CONTEST, 150),
    ]


def test_import_bad_rows_lists_every_error_and_writes_nothing(
    tree: Tree, officers: Officers
) -> None:
    text = HEADER + (
        "A-G1,05/03/2025,outreach,Tốt,10,1,\n"  # row 2 is fine
        "X-99,05/03/2025,outreach,Không có đơn vị,10,1,\n"
        "A-G1,31/02/2025,outreach,Ngày sai,10,1,\n"
        "A-G1,05/03/2027,outreach,Ngày tương lai,10,1,\n"
        "A-G1,05/03/2025,picnic,Loại sai,10,1,\n"
        "A-G1,05/03/2025,outreach,,-5,0,\n"
        "B-G1,05/03/2025,outreach,Tỉnh khác,10,1,\n"
    )
    result = run_import(text, actor=officers.a_admin)
    assert not result.ok and result.created == 0
    texts = [str(e) for e in result.errors]
    assert texts[0] == "Dòng 3, cột “Mã đơn vị”: không có đơn vị mã “X-99” trong phạm vi của bạn."
    assert texts[1].startswith("Dòng 4, cột “Ngày”: “31/02/2025” không phải ngày hợp lệ")
    assert texts[2] == (
        "Dòng 5, cột “Ngày”: ngày 05/03/2027 chưa tới; chỉ ghi những hoạt động đã diễn ra."
    )
    assert texts[3].startswith(
        "Dòng 6, cột “Loại hoạt động”: loại hoạt động “picnic” không hợp lệ (chấp nhận: "
        "Buổi tuyên truyền (outreach)"
    )
    assert texts[4:7] == [
        "Dòng 7, cột “Tên hoạt động, chủ đề”: không được để trống.",
        "Dòng 7, cột “Số người tham gia”: “-5” là số âm; số lượng phải từ 0 trở lên.",
        "Dòng 7, cột “Số lượng”: phải là số từ 1 trở lên.",
    ]
    # Province B is outside the officer's scope: reported exactly like an unknown code.
    assert texts[7] == "Dòng 8, cột “Mã đơn vị”: không có đơn vị mã “B-G1” trong phạm vi của bạn."
    assert len(texts) == 8
    assert Activity.objects.count() == 0 and not AuditEvent.objects.exists()


def test_import_file_level_errors(tree: Tree) -> None:
    assert [str(e) for e in run_import("unit_code,date\nA-G1,01/01/2025\n").errors] == [
        "Dòng tiêu đề thiếu cột “Loại hoạt động”, “Tên hoạt động, chủ đề”."
    ]
    assert [str(e) for e in run_import(HEADER).errors] == [
        "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."
    ]
    assert str(run_import(HEADER, name="a.txt").errors[0]).startswith("Tệp “a.txt” không đúng loại")


def test_import_command_all_or_nothing(tree: Tree, tmp_path: Path) -> None:
    good = tmp_path / "tot.csv"
    good.write_text(HEADER + "A-G1,05/03/2025,outreach,Luật Công đoàn,35,1,\n", encoding="utf-8")
    out = io.StringIO()
    call_command("activities", "import", str(good), stdout=out)
    assert out.getvalue().strip() == "Đã nhập 1 hoạt động."
    bad = tmp_path / "loi.csv"
    bad.write_text(
        HEADER + "A-G1,05/03/2025,outreach,Được,35,1,\nA-G9,05/03/2025,outreach,Lỗi,1,1,\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi; chưa có hoạt động nào được ghi"):
        call_command("activities", "import", str(bad), stderr=err)
    assert "Dòng 3, cột “Mã đơn vị”" in err.getvalue()
    assert Activity.objects.count() == 1


def test_parse_date_forms() -> None:
    assert parse_date("05/07/2022") == dt.date(2022, 7, 5)
    assert parse_date("2022-07-05") == dt.date(2022, 7, 5)
    with pytest.raises(ValueError, match="không phải ngày hợp lệ"):
        parse_date("2022/07/05")


# --- screens ---------------------------------------------------------------------------------


def test_quick_entry_on_a_phone(client: Client, tree: Tree) -> None:
    officer = make_officer("cdcs_a1", tree.a_g1, Role.COMMUNICATOR)
    login(client, officer)
    page = client.get("/hoat-dong/A-G1/them/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="date"' in html and 'name="format"' in html and "Lưu và ghi tiếp" in html
    response = client.post(
        "/hoat-dong/A-G1/them/",
        {
            "kind": "outreach",
            "held_on": "2025-05-12",
            "title": "Tuyên truyền an toàn lao động tại nhà ăn ca",
            "participants": "86",
            "format": "direct",
            "quantity": "1",
            "ghi-tiep": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/hoat-dong/A-G1/them/"
    activity = Activity.objects.get()
    assert (activity.unit, activity.participants, activity.created_by) == (tree.a_g1, 86, officer)
    listing = client.get("/hoat-dong/A-G1/")
    assert "Tuyên truyền an toàn lao động tại nhà ăn ca" in listing.content.decode()
    assert "12/05/2025" in listing.content.decode()


def test_entry_form_errors_are_vietnamese_and_write_nothing(client: Client, tree: Tree) -> None:
    login(client, make_officer("cdcs_a1", tree.a_g1, Role.COMMUNICATOR))
    response = client.post(
        "/hoat-dong/A-G1/them/",
        {"kind": "outreach", "held_on": "2099-01-01", "title": "", "quantity": "1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vui lòng nhập chủ đề hoặc tên hoạt động." in html
    assert Activity.objects.count() == 0


def test_screens_access(client: Client, tree: Tree, officers: Officers) -> None:
    activity = record(tree.a_g1, dt.date(2025, 4, 1))
    login(client, officers.a_viewer)  # a viewer sees the list but may not record or delete
    assert client.get("/hoat-dong/A-G1/").status_code == 200
    assert client.get("/hoat-dong/A-G1/them/").status_code == 403
    assert client.post(f"/hoat-dong/ban-ghi/{activity.pk}/xoa/").status_code == 403
    login(client, officers.b_admin)  # another province: not even there
    assert client.get("/hoat-dong/A-G1/").status_code == 404
    assert client.post(f"/hoat-dong/ban-ghi/{activity.pk}/xoa/").status_code == 404
    assert Activity.objects.count() == 1
    login(client, officers.a_communicator)
    response = client.post(f"/hoat-dong/ban-ghi/{activity.pk}/xoa/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    assert Activity.objects.count() == 0
    assert AuditEvent.objects.filter(action="activity.delete", target=str(activity.pk)).exists()


# --- demo data -------------------------------------------------------------------------------


def test_demo_activities_are_deterministic_and_varied() -> None:
    from lantoa.activities.demo import seed_demo_activities
    from lantoa.units.seed import seed_database

    seed_database(size="demo", seed=2026)
    count = seed_demo_activities(seed=2026)
    assert 2000 <= count <= 6000 and Activity.objects.count() == count
    first = sorted(
        Activity.objects.values_list("unit__code", "held_on", "kind", "participants", "quantity")
    )
    assert set(Activity.objects.values_list("kind", flat=True)) == set(KINDS)
    assert min(a[1] for a in first) >= dt.date(2024, 1, 1)
    assert max(a[1] for a in first) <= dt.date(2026, 6, 30)
    # Bắc Kạn's federation stops recording the day it merges; its unions carry on.
    bk = Unit.objects.get(code="BK")
    assert not Activity.objects.filter(unit=bk, held_on__gte=bk.ended_on).exists()
    assert Activity.objects.filter(unit__code__startswith="BK-", held_on__gte=MERGER).exists()
    # Some grassroots unions never record anything (the reports have gaps to show).
    silent = Unit.objects.filter(kind=UnitKind.GRASSROOTS).exclude(activities__isnull=False)
    assert silent.count() > 50
    Activity.objects.all().delete()
    assert seed_demo_activities(seed=2026) == count
    again = sorted(
        Activity.objects.values_list("unit__code", "held_on", "kind", "participants", "quantity")
    )
    assert again == first
