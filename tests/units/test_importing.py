"""Importing units from CSV/XLSX: validation of every row first, all-or-nothing writes, closure
rows for the new units, update mode, the job task, and the officer's scope (the upload screen:
tests/portal/test_unit_import_views.py)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lantoa.accounts.models import User
from lantoa.audit.models import AuditEvent
from lantoa.units.importing import BATCH_SIZE, parse_count, units_import
from lantoa.units.models import Unit, UnitClosure, UnitEvent, UnitImportJob, UnitKind
from tests.conftest import Officers, Tree

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANTOA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def run_import(name: str, actor: User | None = None, update: bool = False):  # type: ignore[no-untyped-def]
    path = DATA / name
    with path.open("rb") as fh:
        return units_import(
            fileobj=fh, filename=path.name, actor=actor, update=update, size=path.stat().st_size
        )


def csv_file(text: str, name: str = "units.csv") -> tuple[io.BytesIO, str]:
    return io.BytesIO(text.encode("utf-8")), name


HEADER = "code,name,short_name,kind,parent_code,member_count,worker_count\n"


def ancestors(code: str) -> dict[str, int]:
    return dict(
        UnitClosure.objects.filter(descendant__code=code).values_list("ancestor__code", "depth")
    )


def assert_closure_consistent() -> None:
    """Every unit's closure rows are exactly its chain of parents (what a rebuild would give)."""
    units = {u.pk: u for u in Unit.objects.all()}
    expected: set[tuple[int, int, int]] = set()
    for unit in units.values():
        node, depth = unit, 0
        while node is not None:
            expected.add((node.pk, unit.pk, depth))
            node = units.get(node.parent_id) if node.parent_id else None
            depth += 1
        assert unit.depth == depth - 1, unit.code
    actual = set(UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))
    assert actual == expected


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [("", 0), ("1200", 1200), ("1.200", 1200), ("1.234.567", 1234567), (" 45 ", 45)],
)
def test_parse_count_accepts_vietnamese_thousands(raw: str, value: int) -> None:
    assert parse_count(raw) == value


@pytest.mark.parametrize("raw", ["-5", "12a", "1,5", "1.5", "1.20", "abc"])
def test_parse_count_rejects(raw: str) -> None:
    with pytest.raises(ValueError, match=raw.strip()):
        parse_count(raw)


# --- happy paths --------------------------------------------------------------------------


def test_csv_import_creates_units_with_closure_and_audit(tree: Tree, officers: Officers) -> None:
    before = Unit.objects.count()
    closure_before = UnitClosure.objects.count()
    result = run_import("units_ok.csv", actor=officers.a_admin)
    assert result.errors == []
    assert (result.rows, result.created, result.updated) == (6, 6, 0)
    assert Unit.objects.count() == before + 6
    # 6 self links + ancestors: A-KCN2 (P-A, VN), A-G10/A-G11 (A-KCN2, P-A, VN) ×2,
    # A-XA2 (P-A, VN), A-G12 (A-XA2, P-A, VN), A-G13 (A-XA, P-A, VN)
    assert UnitClosure.objects.count() == closure_before + 6 + 2 + 3 * 2 + 2 + 3 + 3
    assert ancestors("A-G10") == {"A-G10": 0, "A-KCN2": 1, "P-A": 2, "VN": 3}
    assert ancestors("A-G13") == {"A-G13": 0, "A-XA": 1, "P-A": 2, "VN": 3}
    g10 = Unit.objects.get(code="A-G10")
    assert g10.parent is not None and g10.parent.code == "A-KCN2"
    assert (g10.kind, g10.depth, g10.member_count, g10.worker_count) == (
        UnitKind.GRASSROOTS,
        3,
        1200,
        1350,
    )
    assert g10.address == "Lô B2, KCN Bình Hòa"
    assert "a-g10 cong doan co so cong ty tnhh thuy san sao mai cdcs sao mai" in g10.search_text
    assert Unit.objects.get(code="A-G12").kind == UnitKind.GRASSROOTS  # "CONG DOAN CO SO"
    assert Unit.objects.get(code="A-G11").kind == UnitKind.GRASSROOTS  # Vietnamese label
    assert_closure_consistent()
    event = AuditEvent.objects.get(action="unit.import")
    assert event.actor == officers.a_admin
    assert event.data["created"] == 6 and event.target == "units_ok.csv"
    assert event.unit is not None and event.unit.code == "P-A"


def test_xlsx_import_with_vietnamese_headers(tree: Tree, officers: Officers) -> None:
    result = run_import("units_ok.xlsx", actor=officers.b_admin)
    assert result.errors == []
    assert (result.rows, result.created) == (3, 3)
    g10 = Unit.objects.get(code="B-G10")
    assert (g10.member_count, g10.worker_count, g10.short_name) == (4200, 4800, "CĐCS Quế Võ")
    g11 = Unit.objects.get(code="B-G11")
    assert g11.worker_count == 27 and g11.sector == "Giáo dục"
    assert ancestors("B-G11") == {"B-G11": 0, "B-XA1": 1, "P-B": 2, "VN": 3}
    assert Unit.objects.get(code="B-XA1").kind == UnitKind.COMMUNE
    assert_closure_consistent()


def test_bom_semicolon_csv_with_vietnamese_headers(tree: Tree) -> None:
    result = run_import("units_vi_bom_semicolon.csv")
    assert result.errors == []
    assert result.created == 3
    g21 = Unit.objects.get(code="A-G21")
    assert (g21.member_count, g21.worker_count) == (2345, 2400)
    assert Unit.objects.get(code="A-XA3").kind == UnitKind.COMMUNE
    assert ancestors("A-G20") == {"A-G20": 0, "A-XA3": 1, "P-A": 2, "VN": 3}


def test_empty_worker_count_means_unknown(tree: Tree) -> None:
    fh, name = csv_file(HEADER + "A-G30,CĐCS Ba Mươi,,grassroots,A-XA,50,\n")
    result = units_import(fileobj=fh, filename=name)
    assert result.ok
    assert Unit.objects.get(code="A-G30").worker_count == 0


# --- errors -------------------------------------------------------------------------------


def test_bad_rows_are_all_reported_and_nothing_is_written(tree: Tree, officers: Officers) -> None:
    units_before = Unit.objects.count()
    closure_before = UnitClosure.objects.count()
    result = run_import("units_bad.csv", actor=officers.a_admin)
    assert [(e.row, e.field) for e in result.errors] == [
        (4, "code"),  # duplicate of row 3
        (5, "parent_code"),  # unknown parent TN-KCN99
        (6, "kind"),  # "hợp tác xã"
        (7, "member_count"),  # -5
        (8, "parent_code"),  # cycle C-1 → C-2 → C-1
        (9, "parent_code"),
        (10, "worker_count"),  # "12a"
        (11, "worker_count"),  # fewer workers than members
        (12, "code"),  # A-G1 already exists
        (13, "parent_code"),  # parent A-G1 is grassroots
        (14, "name"),  # empty
        (15, "kind"),  # an officer may not create a national unit
        (15, "parent_code"),  # national with a parent
        (16, "code"),  # longer than 32 characters
    ]
    texts = [str(e) for e in result.errors]
    assert texts[0] == "Dòng 4, cột “Mã đơn vị”: mã “X-1” bị trùng ở dòng 3 và dòng 4."
    assert texts[1] == (
        "Dòng 5, cột “Mã đơn vị cấp trên”: không tìm thấy đơn vị cấp trên "
        "“TN-KCN99” (không có trong tệp và trong hệ thống)."
    )
    assert "C-1 → C-2 → C-1" in texts[4]
    assert "“12a” không phải số nguyên" in texts[6]
    assert "số người lao động (50) nhỏ hơn số đoàn viên (100)" in texts[7]
    assert Unit.objects.count() == units_before
    assert UnitClosure.objects.count() == closure_before
    assert not Unit.objects.filter(code="A-XA9").exists()
    assert not AuditEvent.objects.filter(action="unit.import").exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"code,name\n", "units.txt", "không đúng loại"),
        (b"not a zip", "units.xlsx", "Tệp Excel bị hỏng"),
        ("code,name\n".encode("utf-16"), "units.csv", "không phải CSV"),
        ("mã,tên\nA,B\n".encode("latin-1", "replace").replace(b"?", b"\xe3"), "units.csv", "UTF-8"),
        (b"code,name,kind\nA,B,grassroots\n", "units.csv", "thiếu cột “Mã đơn vị cấp trên”"),
        (HEADER.encode(), "units.csv", "không có dòng dữ liệu"),
    ],
)
def test_unreadable_files_get_one_clear_message(
    tree: Tree, content: bytes, name: str, message: str
) -> None:
    result = units_import(fileobj=io.BytesIO(content), filename=name, size=len(content))
    assert len(result.errors) == 1
    assert result.errors[0].row == 0
    assert message in str(result.errors[0])


def test_file_over_size_limit_is_refused(tree: Tree, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANTOA_IMPORT_MAX_BYTES = 100
    data = (HEADER + "A-G30,CĐCS Ba Mươi,,grassroots,A-XA,50,60\n" * 5).encode()
    result = units_import(fileobj=io.BytesIO(data), filename="units.csv")
    assert "quá lớn" in str(result.errors[0])
    assert not Unit.objects.filter(code="A-G30").exists()


def test_officer_of_b_cannot_import_under_a(tree: Tree, officers: Officers) -> None:
    before = Unit.objects.count()
    fh, name = csv_file(
        HEADER + "B-X1,Công đoàn phường Lạ,,commune,A-KCN,,\n"
        "B-X2,CĐCS Lạ,,grassroots,B-X1,5,5\n"
        "B-X3,CĐCS Nhà,,grassroots,B-KCN,5,5\n"
    )
    result = units_import(fileobj=fh, filename=name, actor=officers.b_admin)
    assert [(e.row, e.field) for e in result.errors] == [(2, "parent_code")]
    assert "không tìm thấy đơn vị cấp trên “A-KCN”" in str(result.errors[0])
    assert Unit.objects.count() == before


def test_officer_without_manage_role_imports_nothing(tree: Tree, officers: Officers) -> None:
    fh, name = csv_file(HEADER + "A-G30,CĐCS Ba Mươi,,grassroots,A-XA,50,60\n")
    result = units_import(fileobj=fh, filename=name, actor=officers.a_leader)
    assert [(e.row, e.field) for e in result.errors] == [(2, "parent_code")]
    assert not Unit.objects.filter(code="A-G30").exists()


# --- update mode --------------------------------------------------------------------------


def test_update_mode_updates_fields_and_moves_through_unit_move(
    tree: Tree, officers: Officers
) -> None:
    fh, name = csv_file(
        HEADER + 'A-G2,Công đoàn cơ sở Công ty CP Điện tử Đông Á (mới),,grassroots,A-KCN,"1.300",'
        "1400\n"
        + "A-G3,Công đoàn cơ sở Trường Tiểu học Mỹ Bình,,grassroots,A-KCN,40,42\n"
        + "A-G1,Công đoàn cơ sở Công ty TNHH May Ánh Dương,,grassroots,A-KCN,1200,1350\n"
        + "A-G31,CĐCS Mới,,grassroots,A-XA,5,5\n"
    )
    result = units_import(fileobj=fh, filename=name, actor=officers.a_admin, update=True)
    assert result.errors == []
    # The file has no employer column, so A-G1 keeps its employer and is unchanged.
    assert (result.created, result.updated, result.moved, result.unchanged) == (1, 1, 1, 1)
    tree.a_g1.refresh_from_db()
    assert tree.a_g1.employer_name == "Công ty TNHH May Ánh Dương"
    tree.a_g2.refresh_from_db()
    assert tree.a_g2.name.endswith("(mới)") and tree.a_g2.member_count == 1300
    tree.a_g3.refresh_from_db()
    assert tree.a_g3.parent_id == tree.a_kcn.pk
    assert ancestors("A-G3") == {"A-G3": 0, "A-KCN": 1, "P-A": 2, "VN": 3}
    assert UnitEvent.objects.filter(unit=tree.a_g3, kind="moved").count() == 1
    assert_closure_consistent()


def test_update_mode_refuses_a_cycle_and_changes_nothing(tree: Tree, officers: Officers) -> None:
    fh, name = csv_file(
        HEADER
        + "A-G2,Tên mới,,grassroots,A-KCN,300,320\n"
        + "P-A,Liên đoàn Lao động tỉnh An Giang,LĐLĐ An Giang,province,A-KCN,,\n"
    )
    closure_before = set(UnitClosure.objects.values_list("ancestor_id", "descendant_id"))
    result = units_import(fileobj=fh, filename=name, actor=None, update=True)
    assert [(e.row, e.field) for e in result.errors] == [(3, "parent_code")]
    assert "vòng lặp" in str(result.errors[0])
    tree.a_g2.refresh_from_db()
    assert tree.a_g2.name == "Công đoàn cơ sở Công ty CP Điện tử Đông Á"
    tree.pa.refresh_from_db()
    assert tree.pa.parent_id == tree.vn.pk
    assert set(UnitClosure.objects.values_list("ancestor_id", "descendant_id")) == closure_before


def test_update_mode_service_error_rolls_back_the_whole_file(tree: Tree) -> None:
    # Turning A-KCN into a grassroots unit is refused by unit_update (it has children);
    # the new unit created earlier in the same import must disappear with it.
    fh, name = csv_file(
        HEADER
        + "A-XA5,Công đoàn phường Năm,,commune,P-A,,\n"
        + "A-KCN,Công đoàn các Khu công nghiệp tỉnh An Giang,,grassroots,P-A,,\n"
    )
    result = units_import(fileobj=fh, filename=name, update=True)
    assert [(e.row, e.field) for e in result.errors] == [(3, "kind")]
    assert not Unit.objects.filter(code="A-XA5").exists()
    assert Unit.objects.get(code="A-KCN").kind == UnitKind.INDUSTRIAL_ZONE


def test_without_update_mode_existing_codes_are_errors(tree: Tree) -> None:
    fh, name = csv_file(HEADER + "A-G2,Tên mới,,grassroots,A-KCN,300,320\n")
    result = units_import(fileobj=fh, filename=name)
    assert [(e.row, e.field) for e in result.errors] == [(2, "code")]


def test_large_import_is_set_based(tree: Tree) -> None:
    lines = [HEADER]
    for i in range(50):
        lines.append(f"KCN-{i},Công đoàn KCN số {i},,industrial_zone,P-A,,\n")
        lines.extend(
            f"G-{i}-{j},CĐCS Công ty {i}-{j},,grassroots,KCN-{i},{j},{j + 1}\n" for j in range(99)
        )
    data = "".join(lines).encode()
    with CaptureQueriesContext(connection) as ctx:
        result = units_import(fileobj=io.BytesIO(data), filename="big.csv")
    assert result.errors == []
    # Inserts come in batches whose size the database decides (999 parameters on SQLite);
    # everything else is a fixed number of queries, not one per row.
    unit_batch = min(
        BATCH_SIZE,
        connection.ops.bulk_batch_size(
            [f for f in Unit._meta.concrete_fields if not f.primary_key], [None] * 5000
        ),
    )
    closure_batch = min(
        BATCH_SIZE, connection.ops.bulk_batch_size(["a", "d", "depth"], [None] * 20000)
    )
    inserts = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) <= 1 + math.ceil(50 / unit_batch) + math.ceil(
        4950 / unit_batch
    ) + math.ceil(150 / closure_batch) + math.ceil(4 * 4950 / closure_batch)
    assert len(ctx.captured_queries) - len(inserts) <= 20
    assert result.created == 5000
    assert Unit.objects.filter(code__startswith="G-").count() == 4950
    assert ancestors("G-49-98") == {"G-49-98": 0, "KCN-49": 1, "P-A": 2, "VN": 3}
    assert UnitClosure.objects.filter(ancestor__code="P-A").count() == 1 + 5 + 5000


# --- command line -------------------------------------------------------------------------


def test_cli_import_prints_summary(tree: Tree, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("units", "import", str(DATA / "units_ok.csv"))
    assert "thêm mới 6 đơn vị" in capsys.readouterr().out
    assert Unit.objects.filter(code__in=["A-G10", "A-KCN2"]).count() == 2


def test_cli_import_errors_exit_non_zero(tree: Tree, officers: Officers, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError) as info:
        call_command("units", "import", str(DATA / "units_bad.csv"), "--as", "admin_a")
    assert info.value.returncode == 1
    err = capsys.readouterr().err
    assert "Dòng 5, cột “Mã đơn vị cấp trên”: không tìm thấy" in err
    assert not Unit.objects.filter(code="A-XA9").exists()


def test_cli_import_as_officer_of_b(tree: Tree, officers: Officers) -> None:
    with pytest.raises(CommandError):
        call_command("units", "import", str(DATA / "units_ok.csv"), "--as", "admin_b")
    assert not Unit.objects.filter(code="A-G10").exists()


def test_task_is_idempotent(
    tree: Tree,
    officers: Officers,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lantoa.units.importing import unit_import_job_create
    from lantoa.units.tasks import import_units_task

    with django_capture_on_commit_callbacks(execute=True):
        job = unit_import_job_create(
            user=officers.a_admin,
            upload=SimpleUploadedFile("u.csv", (DATA / "units_ok.csv").read_bytes()),
        )
    import_units_task.delay(job.pk)  # a re-delivered message must not import twice
    job.refresh_from_db()
    assert job.status == UnitImportJob.Status.DONE
    assert Unit.objects.filter(code="A-G10").count() == 1
    assert AuditEvent.objects.filter(action="unit.import").count() == 1


def test_job_whose_worker_died_is_run_again(
    tree: Tree,
    officers: Officers,  # type: ignore[no-untyped-def]
) -> None:
    """A worker killed mid-import leaves the job "validating" (its transaction rolled back, so
    no unit was written). While it may still be running, a re-delivered task does nothing;
    once it is stale, the beat's sweep queues it again and it imports once."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from lantoa.units.importing import (
        STALE_AFTER,
        unit_import_job_create,
        unit_import_job_run,
        unit_import_jobs_resume,
    )

    job = unit_import_job_create(
        user=officers.a_admin,
        upload=SimpleUploadedFile("u.csv", (DATA / "units_ok.csv").read_bytes()),
    )
    started = timezone.now() - dt.timedelta(minutes=2)
    UnitImportJob.objects.filter(pk=job.pk).update(
        status=UnitImportJob.Status.VALIDATING, claimed_at=started, rows_validated=3
    )
    assert unit_import_job_run(job_id=job.pk) is None  # maybe still running: left alone
    assert unit_import_jobs_resume() == 0
    assert not Unit.objects.filter(code="A-G10").exists()

    UnitImportJob.objects.filter(pk=job.pk).update(
        claimed_at=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    )
    assert unit_import_jobs_resume() == 1  # eager tasks in tests: it runs here
    job.refresh_from_db()
    assert job.status == UnitImportJob.Status.DONE and job.claimed_at > started
    assert Unit.objects.filter(code="A-G10").count() == 1
    assert unit_import_jobs_resume() == 0
    assert job.crashes == 1


def test_import_job_whose_worker_keeps_dying_is_failed_with_the_reason(
    officers: Officers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run claims the job and its worker dies: retaken after the stale time, then, at the
    kind's limit, failed with the reason shown as the job's error (never retaken forever)."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from lantoa.core import jobs as durable
    from lantoa.core.messages import stored_text, text_in_site_language
    from lantoa.units import tasks
    from lantoa.units.importing import (
        STALE_AFTER,
        UNIT_IMPORT_JOBS,
        unit_import_job_create,
        unit_import_jobs_resume,
    )

    runs: list[int] = []

    def dying_worker(pk: int) -> None:
        runs.append(pk)
        pending = UnitImportJob.objects.filter(pk=pk, status=UnitImportJob.Status.PENDING)
        assert durable.claim(pending, now=timezone.now(), status=UnitImportJob.Status.IMPORTING)

    monkeypatch.setattr(tasks.import_units_task, "delay", dying_worker)
    job = unit_import_job_create(
        user=officers.a_admin,
        upload=SimpleUploadedFile("u.csv", (DATA / "units_ok.csv").read_bytes()),
    )
    dying_worker(job.pk)
    for crash in range(1, UNIT_IMPORT_JOBS.max_crashes + 1):
        UnitImportJob.objects.filter(pk=job.pk).update(
            claimed_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
        )
        retaken = unit_import_jobs_resume()
        job.refresh_from_db()
        assert job.crashes == crash
        assert retaken == (1 if crash < UNIT_IMPORT_JOBS.max_crashes else 0)
    assert len(runs) == 3 and job.status == UnitImportJob.Status.FAILED
    assert job.error_count == 1 and job.errors[0]["message"] == text_in_site_language(
        durable.crash_reason(3)
    )
    with translation.override("en"):
        shown = stored_text(job.errors[0]["message_text"], job.errors[0]["message"])
    assert shown.startswith("The background worker stopped 3 times"), shown
    assert unit_import_jobs_resume() == 0 and len(runs) == 3
    assert not Unit.objects.filter(code="A-G10").exists()


# --- kinds fit the tree -------------------------------------------------------------------


def test_kinds_that_do_not_fit_the_tree_are_row_errors(tree: Tree, officers: Officers) -> None:
    fh, name = csv_file(
        HEADER
        + "A-P2,Liên đoàn Lao động giả,,province,P-A,,\n"
        + "A-N1,Công đoàn ngành Y tế,,sector,P-A,,\n"
        + "A-XA8,Công đoàn xã dưới ngành,,commune,A-N1,,\n"
        + "A-G1,Công đoàn cơ sở Công ty TNHH May Ánh Dương,,province,A-KCN,1200,1350\n"
    )
    before = Unit.objects.count()
    result = units_import(fileobj=fh, filename=name, actor=officers.a_admin, update=True)
    assert [(e.row, e.field) for e in result.errors] == [
        (2, "parent_code"),
        (4, "parent_code"),
        (5, "kind"),
    ]
    texts = [str(e) for e in result.errors]
    assert texts[0] == (
        "Dòng 2, cột “Mã đơn vị cấp trên”: đơn vị cấp trên “P-A” (LĐLĐ tỉnh, thành phố) không "
        "thể nhận đơn vị loại “LĐLĐ tỉnh, thành phố”; trực thuộc nó chỉ có thể là "
        "“Công đoàn ngành”, “Công đoàn khu công nghiệp”, “Công đoàn xã, phường”, "
        "“Công đoàn cấp trên khác”, “Công đoàn cơ sở”."
    )
    assert "“A-N1” (Công đoàn ngành) không thể nhận đơn vị loại “Công đoàn xã, phường”" in texts[1]
    assert texts[2].startswith("Dòng 5, cột “Loại”: loại “LĐLĐ tỉnh, thành phố” không hợp")
    assert Unit.objects.count() == before
    assert Unit.objects.get(code="A-G1").kind == UnitKind.GRASSROOTS


def test_a_second_national_root_is_refused_even_to_the_system(tree: Tree) -> None:
    fh, name = csv_file(HEADER + "VN2,Tổng Liên đoàn thứ hai,,national,,,\n")
    result = units_import(fileobj=fh, filename=name)
    assert [(e.row, e.field) for e in result.errors] == [(2, "kind")]
    assert "chỉ có một gốc" in str(result.errors[0])
    assert not Unit.objects.filter(code="VN2").exists()


def test_update_mode_moves_and_rekinds_in_the_order_that_fits(
    tree: Tree, officers: Officers
) -> None:
    # A grassroots union under a commune union becomes the province's own sector union: a
    # sector union under a commune union would not fit, so it moves first.
    fh, name = csv_file(HEADER + "A-G3,Công đoàn ngành Giáo dục,,sector,P-A,40,42\n")
    result = units_import(fileobj=fh, filename=name, actor=officers.a_admin, update=True)
    assert result.errors == []
    assert (result.updated, result.moved) == (1, 1)
    unit = Unit.objects.get(code="A-G3")
    assert (unit.kind, unit.parent_id, unit.depth) == (UnitKind.SECTOR, tree.pa.pk, 2)
    assert_closure_consistent()


def test_kinds_as_people_write_them_and_provinces_without_a_parent(tree: Tree) -> None:
    fh, name = csv_file(
        HEADER
        + "P-C,Liên đoàn Lao động tỉnh Cà Mau,,Provincial federation,,,\n"
        + "C-CT,Công đoàn cấp trên Cà Mau,,upper,P-C,,\n"
        + "C-KCN,Công đoàn các KCN Cà Mau,,Industrial_Zone,P-C,,\n"
        + "C-G1,CĐCS Công ty Tôm Việt,,grassroots union,C-CT,120,300\n"
    )
    result = units_import(fileobj=fh, filename=name)
    assert result.ok, [str(e) for e in result.errors]
    province = Unit.objects.get(code="P-C")
    assert province.parent == tree.vn and province.kind == UnitKind.PROVINCE
    assert Unit.objects.get(code="C-CT").kind == UnitKind.OTHER_UPPER
    assert Unit.objects.get(code="C-KCN").kind == UnitKind.INDUSTRIAL_ZONE
    assert Unit.objects.get(code="C-G1").kind == UnitKind.GRASSROOTS


def test_a_province_without_parent_and_no_root_is_named(db: None) -> None:
    # A database from before the root's migration, or one whose root was deleted.
    Unit.objects.all().delete()
    fh, name = csv_file(HEADER + "P-C,Liên đoàn Lao động tỉnh Cà Mau,,province,,,\n")
    result = units_import(fileobj=fh, filename=name)
    (error,) = result.errors
    assert error.row == 2 and "chưa có đơn vị gốc" in str(error)
