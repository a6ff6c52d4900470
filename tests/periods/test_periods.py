"""Reporting periods and period reports: deadlines, submit / approve / return, the lock on the
period's activity records (entry, deletion and import), completeness figures against the raw
reports, and who may do what on the screens."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation

from lantoa.accounts.models import Role
from lantoa.activities.importing import activities_import
from lantoa.activities.models import Activity, ActivityFormat, ActivityKind
from lantoa.activities.services import activity_create, activity_delete
from lantoa.audit.models import AuditEvent
from lantoa.core.periods import Period
from lantoa.notifications.models import Notification
from lantoa.periods import services
from lantoa.periods.models import PeriodReport, ReportingPeriod, ReportStatus
from lantoa.periods.selectors import (
    completeness,
    periods_ensure,
    reporting_period,
    subtree_completeness,
    unit_periods,
)
from lantoa.units.models import Unit, UnitClosure, UnitStatus
from tests.conftest import Officers, Tree, login, make_officer

pytestmark = pytest.mark.django_db
MARCH = Period(2024, "month", 3)


def record(unit: Unit, day: dt.date, **values: object) -> Activity:
    values.setdefault("title", "Tuyên truyền Bộ luật Lao động")
    values.setdefault("participants", 25)
    return Activity.objects.create(
        unit=unit, held_on=day, kind=ActivityKind.OUTREACH, format=ActivityFormat.DIRECT, **values
    )


def submit(
    unit: Unit, period: ReportingPeriod, actor: object = None, note: str = ""
) -> PeriodReport:
    return services.period_report_submit(
        unit=unit, period=period, actor=actor, note=note, today=period.end
    )


# --- periods ---------------------------------------------------------------------------------


def test_periods_of_a_year_are_made_once_with_deadlines(settings: object) -> None:
    assert periods_ensure(years=[2025]) == 12 + 2 + 1  # month, half, year by default
    assert periods_ensure(years=[2025]) == 0
    assert ReportingPeriod.objects.count() == 15
    h1 = ReportingPeriod.objects.get(code="2025-H1")
    assert (h1.kind, h1.start, h1.end) == ("half", dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert h1.deadline == dt.date(2025, 7, 10)  # end + LANTOA_REPORT_DEADLINE_DAYS (10)
    assert h1.title == "6 tháng đầu năm 2025"


def test_unit_period_list_is_this_year_and_last_started_only(tree: Tree) -> None:
    rows = unit_periods(tree.a_g1, today=dt.date(2026, 5, 15))
    codes = [p.code for p in rows]
    assert codes[:3] == ["2026", "2026-H1", "2026-05"]
    assert "2026-06" not in codes and "2026-H2" not in codes
    assert "2025-12" in codes and "2024" not in codes
    assert len(codes) == len(set(codes)) == (1 + 1 + 5) + (1 + 2 + 12)


# --- submit, approve, return -------------------------------------------------------------------


def test_submit_takes_a_snapshot_and_judges_timeliness(tree: Tree, officers: Officers) -> None:
    late_period = reporting_period(MARCH)  # deadline 10/04/2024, long past
    record(tree.a_g1, dt.date(2024, 3, 5), participants=40)
    record(tree.a_g1, dt.date(2024, 3, 20), participants=60, quantity=2)
    record(tree.a_g1, dt.date(2024, 4, 1))  # another period
    report = submit(tree.a_g1, late_period, officers.a_admin)
    assert report.status == ReportStatus.SUBMITTED
    assert report.figures["records"] == 2
    assert report.figures["participants"] == 100
    assert report.figures["by_kind"]["outreach"]["quantity"] == 3
    assert report.submitted_by == officers.a_admin
    assert report.first_submitted_at == report.submitted_at
    assert report.on_time is False  # sent after 10/04/2024
    assert AuditEvent.objects.filter(action="period_report.submit", unit=tree.a_g1).count() == 1

    future = reporting_period(Period(timezone.localdate().year + 1, "month", 1))
    early = submit(tree.a_g2, future, officers.a_admin, note="Chưa tổ chức hoạt động nào.")
    assert early.on_time is True
    assert early.figures["records"] == 0


def test_zero_activities_need_a_note(tree: Tree, officers: Officers) -> None:
    period = reporting_period(MARCH)
    with pytest.raises(ValidationError) as caught:
        submit(tree.a_g2, period, officers.a_admin)
    assert "note" in caught.value.message_dict
    assert "chưa ghi hoạt động nào" in caught.value.message_dict["note"][0]
    assert not PeriodReport.objects.exists()
    report = submit(tree.a_g2, period, officers.a_admin, note="Doanh nghiệp tạm dừng sản xuất.")
    assert report.note == "Doanh nghiệp tạm dừng sản xuất."


def test_submit_window_and_double_submission(tree: Tree, officers: Officers) -> None:
    period = reporting_period(MARCH)
    with pytest.raises(ValidationError) as caught:
        services.period_report_submit(
            unit=tree.a_g2, period=period, actor=None, note="x", today=dt.date(2024, 3, 20)
        )
    assert "có thể gửi từ ngày 21/03/2024" in caught.value.messages[0]
    submit(tree.a_g2, period, note="x")
    with pytest.raises(ValidationError, match="đang chờ cấp trên duyệt"):
        submit(tree.a_g2, period, note="x")
    assert PeriodReport.objects.count() == 1


def test_only_officers_strictly_above_review(tree: Tree, officers: Officers) -> None:
    period = reporting_period(MARCH)
    report = submit(tree.a_kcn, period, note="Tổng hợp")
    own_leader = make_officer("lanhdao_kcn", tree.a_kcn, Role.LEADER)
    for who in (own_leader, officers.b_admin, officers.a_propaganda, officers.a_communicator):
        with pytest.raises(PermissionDenied):
            services.period_report_approve(report=report, actor=who)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    approved = services.period_report_approve(report=report, actor=officers.a_leader)
    assert approved.status == ReportStatus.APPROVED
    assert approved.approved_by == officers.a_leader
    assert AuditEvent.objects.filter(action="period_report.approve").count() == 1
    with pytest.raises(ValidationError, match="không ở trạng thái chờ duyệt"):
        services.period_report_approve(report=approved, actor=officers.a_leader)


def test_return_needs_a_comment_notifies_and_allows_resubmission(
    tree: Tree, officers: Officers
) -> None:
    period = reporting_period(MARCH)
    record(tree.a_g1, dt.date(2024, 3, 5))
    report = submit(tree.a_g1, period, officers.a_viewer)
    first = report.first_submitted_at
    with pytest.raises(ValidationError) as caught:
        services.period_report_return(report=report, actor=officers.a_leader, comment="  ")
    assert "comment" in caught.value.message_dict
    g1_leader = make_officer("lanhdao_g1", tree.a_g1, Role.LEADER)
    returned = services.period_report_return(
        report=report, actor=officers.a_leader, comment="Thiếu số liệu buổi ngày 20/3."
    )
    assert returned.status == ReportStatus.RETURNED
    assert returned.return_comment == "Thiếu số liệu buổi ngày 20/3."
    # Only submitted, never approved: returning it unlocked nothing.
    assert AuditEvent.objects.get(action="period_report.return").data == {"unlocked": False}
    notices = Notification.objects.filter(kind="report.returned")
    assert {n.user for n in notices} == {g1_leader, officers.a_viewer}
    assert all("Thiếu số liệu" in n.body for n in notices)
    with translation.override("en"):
        assert all(n.shown_title.startswith("The report for ") for n in notices)
        assert all("was returned" in n.shown_title for n in notices)
    again = submit(tree.a_g1, period, officers.a_viewer)
    assert again.status == ReportStatus.SUBMITTED
    assert again.first_submitted_at == first  # timeliness keeps the first submission


# --- the lock ---------------------------------------------------------------------------------


def _approve(unit: Unit, period: ReportingPeriod, officers: Officers) -> PeriodReport:
    report = submit(unit, period, note="Đã tổng hợp")
    return services.period_report_approve(report=report, actor=officers.a_admin)


def test_approved_period_locks_the_units_records(tree: Tree, officers: Officers) -> None:
    period = reporting_period(MARCH)
    old = record(tree.a_g1, dt.date(2024, 3, 2))
    report = _approve(tree.a_g1, period, officers)

    def add(unit: Unit, day: dt.date) -> Activity:
        return activity_create(
            unit=unit,
            actor=officers.a_admin,
            kind=ActivityKind.OUTREACH,
            held_on=day,
            title="Tuyên truyền an toàn lao động",
            participants=30,
        )

    with pytest.raises(ValidationError) as caught:
        add(tree.a_g1, dt.date(2024, 3, 15))
    message = caught.value.message_dict["held_on"][0]
    assert message.startswith("Báo cáo tháng 3 năm 2024 của đơn vị đã được cấp trên duyệt")
    assert "khóa" in message
    with pytest.raises(ValidationError, match="đã khóa"):
        activity_delete(activity=old, actor=officers.a_admin)
    assert Activity.objects.filter(pk=old.pk).exists()
    assert Activity.objects.filter(unit=tree.a_g1).count() == 1
    # Other days and other units are open.
    add(tree.a_g1, dt.date(2024, 4, 1))
    add(tree.a_g2, dt.date(2024, 3, 15))
    # Returning the report unlocks the period.
    services.period_report_return(report=report, actor=officers.a_leader, comment="Sửa lại số liệu")
    returned = AuditEvent.objects.get(action="period_report.return")
    assert returned.data == {"unlocked": True}
    add(tree.a_g1, dt.date(2024, 3, 15))
    activity_delete(activity=old, actor=officers.a_admin)
    assert Activity.objects.filter(unit=tree.a_g1, held_on__month=3).count() == 1


def test_import_refuses_rows_in_locked_periods(tree: Tree, officers: Officers) -> None:
    _approve(tree.a_g1, reporting_period(MARCH), officers)
    body = (
        "unit_code,date,type,title,participants\n"
        "A-G2,10/03/2024,tuyên truyền,Phổ biến Luật Công đoàn,40\n"
        "A-G1,12/03/2024,tuyên truyền,Phổ biến Luật Công đoàn,50\n"
        "A-G1,12/04/2024,tuyên truyền,Phổ biến Luật Công đoàn,50\n"
    ).encode()
    result = activities_import(fileobj=io.BytesIO(body), filename="hd.csv", actor=officers.a_admin)
    assert not result.ok
    assert [(e.row, e.field) for e in result.errors] == [(3, "date")]
    assert "đã khóa" in str(result.errors[0])
    assert not Activity.objects.exists()  # all or nothing


def test_activity_delete_view_reports_the_lock(
    client: Client, tree: Tree, officers: Officers
) -> None:
    old = record(tree.a_g1, dt.date(2024, 3, 2))
    _approve(tree.a_g1, reporting_period(MARCH), officers)
    login(client, officers.a_admin)
    response = client.post(f"/hoat-dong/ban-ghi/{old.pk}/xoa/", follow=True)
    assert response.status_code == 200
    assert "đã khóa" in response.content.decode()
    assert Activity.objects.filter(pk=old.pk).exists()


# --- completeness -------------------------------------------------------------------------


def test_completeness_agrees_with_the_raw_reports(tree: Tree, officers: Officers) -> None:
    period = reporting_period(MARCH)
    late = PeriodReport.objects.create(
        unit=tree.a_g1,
        period=period,
        status=ReportStatus.SUBMITTED,
        first_submitted_at=timezone.make_aware(dt.datetime(2024, 4, 11, 8)),
    )
    PeriodReport.objects.create(
        unit=tree.a_kcn,
        period=period,
        status=ReportStatus.APPROVED,
        first_submitted_at=timezone.make_aware(dt.datetime(2024, 4, 10, 23, 59)),
    )
    PeriodReport.objects.create(
        unit=tree.a_g3,
        period=period,
        status=ReportStatus.RETURNED,
        first_submitted_at=timezone.make_aware(dt.datetime(2024, 4, 2)),
    )
    PeriodReport.objects.create(unit=tree.a_g2, period=period, status=ReportStatus.DRAFT)
    # Another period's report must not count.
    PeriodReport.objects.create(
        unit=tree.a_xa,
        period=reporting_period(Period(2024, "month", 4)),
        status=ReportStatus.SUBMITTED,
        first_submitted_at=timezone.make_aware(dt.datetime(2024, 5, 2)),
    )
    table = completeness(tree.pa, period)
    by_code = {row.unit.code: row for row in table.children}
    assert list(by_code) == ["A-XA", "A-KCN"]  # by kind ("commune" < "industrial_zone")

    # Expected from the raw rows: every active unit below each child, and its report.
    cutoff = timezone.make_aware(dt.datetime(2024, 4, 11))
    for code, row in by_code.items():
        below = UnitClosure.objects.filter(
            ancestor__code=code, descendant__status=UnitStatus.ACTIVE
        ).values_list("descendant_id", flat=True)
        reports = list(PeriodReport.objects.filter(period=period, unit_id__in=below))
        reported = [r for r in reports if r.status in ("submitted", "approved")]
        assert row.below.units == len(below)
        assert row.below.on_time == sum(r.first_submitted_at < cutoff for r in reported)
        assert row.below.late == sum(r.first_submitted_at >= cutoff for r in reported)
        assert row.below.returned == sum(r.status == "returned" for r in reports)
        assert row.below.not_reported == len(below) - len(reported) - row.below.returned
    kcn, xa = by_code["A-KCN"], by_code["A-XA"]
    assert (kcn.below.units, kcn.below.on_time, kcn.below.late) == (3, 1, 1)
    assert (xa.below.units, xa.below.reported, xa.below.returned) == (2, 0, 1)
    assert (kcn.state, xa.state) == ("on_time", "none")
    assert kcn.has_children and xa.has_children
    assert (table.total.units, table.total.reported, table.total.rate) == (5, 2, 0.4)
    total = subtree_completeness(tree.pa, period)
    assert (total.units, total.on_time, total.late, total.approved) == (5, 1, 1, 1)
    assert late.on_time is False


# --- screens -------------------------------------------------------------------------------


def test_period_screens_and_actions(client: Client, tree: Tree, officers: Officers) -> None:
    period = reporting_period(MARCH)
    record(tree.a_kcn, dt.date(2024, 3, 9))
    login(client, officers.a_communicator)  # at A-KCN: may submit, may not approve
    page = client.get("/bao-cao/A-KCN/ky/2024-03/")
    assert page.status_code == 200
    assert "Gửi báo cáo lên cấp trên" in page.content.decode()
    # A refused note is shown again as typed (with CRLF a browser's maxlength lets it through).
    long_note = "Số liệu đủ.\r\n" * 200
    refused = client.post("/bao-cao/A-KCN/ky/2024-03/gui/", {"note": long_note})
    assert refused.status_code == 400
    assert "tối đa 2.000" in refused.content.decode()
    assert "Số liệu đủ.\r\nSố liệu đủ." in refused.content.decode()
    assert not PeriodReport.objects.filter(unit=tree.a_kcn).exists()
    response = client.post("/bao-cao/A-KCN/ky/2024-03/gui/", {"note": "Đủ số liệu"})
    assert response.status_code == 302
    report = PeriodReport.objects.get(unit=tree.a_kcn, period=period)
    assert report.status == ReportStatus.SUBMITTED
    assert client.post("/bao-cao/A-KCN/ky/2024-03/duyet/").status_code == 403

    login(client, officers.a_leader)
    parent = client.get("/bao-cao/P-A/ky/2024-03/").content.decode()
    assert "Công đoàn các Khu công nghiệp tỉnh An Giang" in parent
    assert "/bao-cao/A-KCN/ky/2024-03/duyet/" in parent
    response = client.post("/bao-cao/A-KCN/ky/2024-03/duyet/", {"back": "parent"})
    assert response.status_code == 302
    assert response["Location"] == "/bao-cao/P-A/ky/2024-03/"
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    response = client.post("/bao-cao/A-KCN/ky/2024-03/tra-lai/", {"comment": ""}, follow=True)
    assert "Vui lòng ghi rõ lý do trả lại" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED

    # Province leaders may not approve their own province's report.
    submit(tree.pa, period, note="Tổng hợp")
    assert client.post("/bao-cao/P-A/ky/2024-03/duyet/").status_code == 403
    login(client, officers.national_admin)
    assert client.post("/bao-cao/P-A/ky/2024-03/duyet/").status_code == 302
    assert PeriodReport.objects.get(unit=tree.pa).status == ReportStatus.APPROVED

    login(client, officers.a_viewer)  # a viewer sees the list but cannot submit
    assert client.get("/bao-cao/A-G1/ky/").status_code == 200
    assert client.post("/bao-cao/A-G1/ky/2024-03/gui/", {"note": "x"}).status_code == 403


def test_other_province_gets_404_on_period_routes(
    client: Client, tree: Tree, officers: Officers
) -> None:
    submit(tree.a_g1, reporting_period(MARCH), note="x")
    login(client, officers.b_admin)
    for url in (
        "/bao-cao/P-A/ky/",
        "/bao-cao/A-G1/ky/2024-03/",
    ):
        assert client.get(url).status_code == 404
    for action in ("gui", "duyet", "tra-lai"):
        assert (
            client.post(f"/bao-cao/A-G1/ky/2024-03/{action}/", {"comment": "x"}).status_code == 404
        )
    assert PeriodReport.objects.get().status == ReportStatus.SUBMITTED
    login(client, officers.a_admin)
    assert client.get("/bao-cao/P-A/ky/khong-phai-ky/").status_code == 404


def test_reviewers_above_are_told_of_a_submission_and_the_sender_of_approval(
    tree: Tree, officers: Officers
) -> None:
    """A grassroots union's report goes to the leaders and admins of the union directly above
    (not to officers elsewhere), with a link to their review table; approval tells the sender."""
    kcn_leader = make_officer("lanhdao_kcn", tree.a_kcn, Role.LEADER)
    kcn_comm = officers.a_communicator  # at A-KCN, but not a reviewer
    g1_comm = make_officer("truyenthong_g1", tree.a_g1, Role.COMMUNICATOR)
    period = reporting_period(MARCH)
    record(tree.a_g1, dt.date(2024, 3, 5))
    report = submit(tree.a_g1, period, g1_comm, note="Đủ số liệu.")
    notice = Notification.objects.get(kind="report.submitted")
    assert notice.user == kcn_leader and notice.unit == tree.a_kcn
    assert notice.url == "/bao-cao/A-KCN/ky/2024-03/"
    assert "Đủ số liệu." in notice.body and "1 hoạt động" in notice.body
    assert notice.title.endswith(" đã gửi báo cáo tháng 3 năm 2024")
    with translation.override("en"):  # an English reader sees it in English, period included
        assert "submitted the report for March 2024" in notice.shown_title
        assert "(1 activities recorded)" in notice.shown_body
        assert "Note: Đủ số liệu." in notice.shown_body
    assert not Notification.objects.filter(user=kcn_comm).exists()
    services.period_report_approve(report=report, actor=kcn_leader)
    approved = Notification.objects.get(kind="report.approved")
    assert approved.user == g1_comm and approved.url == "/bao-cao/A-G1/ky/2024-03/"
    assert approved.title == "Báo cáo tháng 3 năm 2024 đã được duyệt"
    with translation.override("en"):
        assert approved.shown_title == "The report for March 2024 was approved"
        assert approved.shown_body.endswith("the figures for March 2024 are locked.")


def test_activity_edit_corrects_a_record_unless_its_period_is_locked(
    client: Client, tree: Tree, officers: Officers
) -> None:
    """A mistyped record is corrected in place (audited, figures follow); a record in an
    approved period, or a move into one, is refused with the lock named; officers of another
    province get 404."""
    from lantoa.activities.services import activity_update

    rec = record(tree.a_g1, dt.date(2024, 4, 2), participants=25)
    login(client, officers.a_communicator)  # at A-KCN, above A-G1
    page = client.get(f"/hoat-dong/ban-ghi/{rec.pk}/sua/")
    assert page.status_code == 200 and "Sửa hoạt động" in page.content.decode()
    form = {
        "kind": "outreach",
        "held_on": "05/04/2024",
        "title": "Tuyên truyền Luật Công đoàn 2024",
        "participants": "250",
        "format": "online",
        "quantity": "1",
    }
    response = client.post(f"/hoat-dong/ban-ghi/{rec.pk}/sua/", form, follow=True)
    assert "Đã sửa hoạt động" in response.content.decode()
    rec.refresh_from_db()
    assert (rec.participants, rec.format, rec.held_on) == (250, "online", dt.date(2024, 4, 5))
    event = AuditEvent.objects.get(action="activity.update")
    assert event.data["changed"]["participants"] == ["25", "250"]

    # Moving it into March, whose report is approved, is refused; so is editing a March record.
    locked = record(tree.a_g1, dt.date(2024, 3, 2))
    _approve(tree.a_g1, reporting_period(MARCH), officers)
    bad = client.post(f"/hoat-dong/ban-ghi/{rec.pk}/sua/", {**form, "held_on": "10/03/2024"})
    assert bad.status_code == 400 and "đã khóa" in bad.content.decode()
    rec.refresh_from_db()
    assert rec.held_on == dt.date(2024, 4, 5)
    with pytest.raises(ValidationError, match="khóa"):
        activity_update(
            activity=locked,
            actor=officers.a_admin,
            kind="outreach",
            held_on=dt.date(2024, 3, 3),
            title=locked.title,
            participants=9,
        )

    login(client, officers.b_admin)
    assert client.get(f"/hoat-dong/ban-ghi/{rec.pk}/sua/").status_code == 404
    assert client.post(f"/hoat-dong/ban-ghi/{rec.pk}/sua/", form).status_code == 404
