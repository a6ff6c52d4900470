"""Report figures checked against the raw rows (expected values computed in plain Python),
periods, the roll-up by child unit, and the report screens and exports."""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantoa.inquiries import reports
from lantoa.inquiries.intake import Incoming, inquiry_receive
from lantoa.inquiries.models import Inquiry, Source
from lantoa.inquiries.services import inquiry_reply
from lantoa.kb.models import Category
from lantoa.units.models import Unit, UnitClosure
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 7, 15, 10, 0))
PHONE = "0911222333"


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@dataclass
class Spread:
    inquiries: list[Inquiry]


@pytest.fixture
def spread(tree: Tree, officers: Officers) -> Spread:
    """~120 cases over 2025-2026 in both provinces: answered early, late or never,
    some escalated, all sources and categories."""
    rng = random.Random(7)
    units = [tree.pa, tree.a_kcn, tree.a_g1, tree.a_g2, tree.a_g3, tree.b_g1]
    sources = list(Source.values)
    categories = [*Category.values, ""]
    made = []
    for i in range(120):
        year = 2025 if i % 2 else 2026
        month = rng.randint(1, 12 if year == 2025 else 7)
        received = at(year, month, rng.randint(1, 28), rng.randint(0, 23))
        if received >= NOW - dt.timedelta(hours=1):
            received = NOW - dt.timedelta(days=rng.randint(1, 20))
        unit = rng.choice(units)
        inquiry = inquiry_receive(
            Incoming(
                source=rng.choice(sources),
                body=f"Câu hỏi số {i}",
                unit_hint=unit,
                received_at=received,
                category=rng.choice(categories),
                phone=PHONE,
                consent=True,
                thread_key=f"t-{i}",
            )
        ).inquiry
        roll = rng.random()
        if roll < 0.75:
            delay = dt.timedelta(minutes=rng.randint(5, 60 * 60))
            if received + delay < NOW:
                inquiry_reply(
                    inquiry=inquiry,
                    body="Trả lời",
                    actor=officers.national_admin,
                    at=received + delay,
                )
        if rng.random() < 0.2:
            Inquiry.objects.filter(pk=inquiry.pk).update(escalation_level=rng.randint(1, 2))
            if inquiry.first_responded_at is None and rng.random() < 0.5:
                # As the SLA sweep leaves an escalated case: the deadline moved past NOW.
                Inquiry.objects.filter(pk=inquiry.pk).update(
                    escalated_at=NOW - dt.timedelta(hours=2), reply_due=NOW + dt.timedelta(hours=22)
                )
        made.append(inquiry)
    return Spread(made)


def _rows(units: Iterable[Unit]) -> list[Inquiry]:
    ids = set(
        UnitClosure.objects.filter(ancestor__in=list(units)).values_list("descendant_id", flat=True)
    )
    return list(Inquiry.objects.filter(unit_id__in=ids))


def waits_too_long(r: Inquiry, now: dt.datetime) -> bool:
    """selectors.overdue_q, spelled out."""
    if r.reply_due is None:
        return False
    if r.reply_due < now:
        return True
    if r.first_responded_at is None and r.first_response_due < now:
        return True
    return r.escalated_at is not None and (r.answered_at is None or r.escalated_at > r.answered_at)


def expected(
    rows: list[Inquiry], start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> reports.InquiryFigures:
    """The definitions of lantoa.inquiries.reports, written out over the rows."""
    period = [r for r in rows if start <= r.received_at < end]
    answered = [r for r in period if r.first_responded_at is not None]
    due = [r for r in period if r.first_responded_at is not None or r.first_response_due <= now]
    on_time = [r for r in answered if r.first_responded_at <= r.first_response_due]  # type: ignore[operator]
    seconds = [max((r.first_responded_at - r.received_at).total_seconds(), 0) for r in answered]  # type: ignore[operator]
    last_start = start.replace(year=start.year - 1)
    last_end = min(end, now) if start < now else end
    last_end = timezone.localtime(last_end).replace(year=last_end.year - 1)
    last = [
        r
        for r in rows
        if last_start <= r.received_at < last_end and r.first_responded_at is not None
    ]
    return reports.InquiryFigures(
        received=len(period),
        answered=len(answered),
        due=len(due),
        on_time=len(on_time),
        escalated=sum(1 for r in period if r.escalation_level > 0),
        overdue_now=sum(1 for r in rows if waits_too_long(r, now)),
        median_first_response=dt.timedelta(seconds=statistics.median(seconds)) if seconds else None,
        answered_last_year=len(last),
    )


def test_totals_match_the_rows(tree: Tree, spread: Spread) -> None:
    for kind, number in (("nam", 1), ("nua", 1), ("quy", 2), ("thang", 3), ("quy", 3)):
        period = reports.make_period(kind, 2026, number)
        for unit in (tree.pa, tree.a_kcn, tree.a_g1, tree.vn, tree.pb):
            got = reports.inquiry_figures(unit, period.start, period.end, now=NOW)
            want = expected(_rows([unit]), period.start, period.end, NOW)
            assert got == want, (kind, number, unit.code)
    year = reports.make_period("nam", 2026)
    total = reports.inquiry_figures(tree.pa, year.start, year.end, now=NOW)
    # The spread is meant to exercise every figure.
    assert total.received > 20 and 0 < total.on_time < total.due
    assert total.escalated > 0 and total.overdue_now > 0 and total.answered_last_year > 0
    # Escalated cases whose deadline the sweep moved on still count as overdue.
    naive = sum(1 for r in _rows([tree.pa]) if r.reply_due is not None and r.reply_due < NOW)
    assert total.overdue_now > naive
    assert total.median_first_response is not None


def test_a_past_period_compares_whole_periods(tree: Tree, spread: Spread) -> None:
    period = reports.make_period("nam", 2025)
    got = reports.inquiry_figures(tree.vn, period.start, period.end, now=NOW)
    assert got == expected(_rows([tree.vn]), period.start, period.end, NOW)
    assert got.answered_last_year == 0 and got.yoy_change is None and got.target_ratio is None


def test_roll_up_by_child_source_and_category(tree: Tree, spread: Spread) -> None:
    period = reports.make_period("nam", 2026)
    s, e = period.start, period.end
    by_child = reports.figures_by_child(tree.pa, s, e, now=NOW)
    # The unit's own cases, then its children by kind and name (commune before zone).
    assert [r.unit for r in by_child] == [tree.pa, tree.a_xa, tree.a_kcn]
    own_rows = [r for r in _rows([tree.pa]) if r.unit_id == tree.pa.pk]
    assert by_child[0].figures == expected(own_rows, s, e, NOW)
    assert by_child[1].figures == expected(_rows([tree.a_xa]), s, e, NOW)
    assert by_child[2].figures == expected(_rows([tree.a_kcn]), s, e, NOW)
    assert (
        sum(r.figures.received for r in by_child)
        == reports.inquiry_figures(tree.pa, s, e, now=NOW).received
    )

    def only(pred: Callable[[Inquiry], bool]) -> list[Inquiry]:
        return [r for r in _rows([tree.pa]) if pred(r)]

    by_source = reports.figures_by_source(tree.pa, s, e, now=NOW)
    assert [r.key for r in by_source] == list(Source.values)
    for row in by_source:
        assert row.figures == expected(only(lambda r, k=row.key: r.source == k), s, e, NOW)
    by_category = reports.figures_by_category(tree.pa, s, e, now=NOW)
    for row in by_category:
        assert row.figures == expected(only(lambda r, k=row.key: r.category == k), s, e, NOW)
    assert by_category[-1].key == "" and by_category[-1].label == "Chưa phân loại"


def test_median_agrees_with_postgresql(tree: Tree, spread: Spread) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's")
    period = reports.make_period("nam", 2026)
    ids = list(UnitClosure.objects.filter(ancestor=tree.pa).values_list("descendant_id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "
            "EXTRACT(EPOCH FROM first_responded_at - received_at)) FROM inquiries_inquiry "
            "WHERE unit_id = ANY(%s) AND received_at >= %s AND received_at < %s "
            "AND first_responded_at IS NOT NULL",
            [ids, period.start, period.end],
        )
        (pg_median,) = cursor.fetchone()
    ours = reports.inquiry_figures(tree.pa, period.start, period.end, now=NOW)
    assert ours.median_first_response is not None
    assert abs(ours.median_first_response.total_seconds() - float(pg_median)) < 0.001


def test_ratios() -> None:
    f = reports.InquiryFigures(received=10, answered=9, due=8, on_time=6, answered_last_year=3)
    assert f.on_time_ratio == 0.75 and f.answered_ratio == 0.9
    assert f.yoy_change == 2.0 and f.target_ratio == 1.5
    empty = reports.InquiryFigures()
    assert empty.on_time_ratio is None and empty.yoy_change is None and empty.median_hours is None


def test_periods() -> None:
    q2 = reports.make_period("quy", 2026, 2)
    assert q2.label == "Quý II/2026"
    assert q2.start == timezone.make_aware(dt.datetime(2026, 4, 1))
    assert q2.end == timezone.make_aware(dt.datetime(2026, 7, 1))
    assert q2.start.utcoffset() is None or timezone.localtime(q2.start).hour == 0
    assert reports.make_period("nua", 2026, 2).label == "6 tháng cuối năm 2026"
    assert reports.make_period("thang", 2026, 12).end == timezone.make_aware(
        dt.datetime(2027, 1, 1)
    )
    assert reports.make_period("nam", 2025).label == "Năm 2025"
    for bad in (("quy", 2026, 5), ("nua", 2026, 3), ("tuan", 2026, 1), ("nam", 1990, 1)):
        with pytest.raises(ValueError):
            reports.make_period(*bad)


def test_report_page_and_exports(
    client: Client, tree: Tree, officers: Officers, spread: Spread
) -> None:
    login(client, officers.a_viewer)  # every officer may read figures of their subtree
    page = client.get(reverse("inquiries:report", args=["A-G1"]) + "?ky=nam&nam=2026")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Năm 2026" in text and PHONE not in text
    # only A-G1 is theirs
    assert client.get(reverse("inquiries:report", args=["P-A"])).status_code == 404
    login(client, officers.a_admin)
    this_year = reports.make_period("nam", timezone.localtime().year)
    figures = reports.inquiry_figures(tree.pa, this_year.start, this_year.end)
    text = client.get(reverse("inquiries:report", args=["P-A"])).content.decode()
    assert f"Năm {this_year.year}" in text
    if figures.answered_last_year:
        assert "so với mục tiêu gấp đôi" in text
    else:
        assert "chưa so sánh được" in text
    assert str(figures.received) in text
    bad = client.get(
        reverse("inquiries:report", args=["P-A"]) + "?ky=quy&nam=2026&so=7"
    ).content.decode()
    assert "Số kỳ không hợp lệ" in bad

    csv_response = client.get(
        reverse("inquiries:report_export", args=["P-A"]) + "?ky=quy&nam=2026&so=2&dinh_dang=csv"
    )
    csv_text = csv_response.content.decode("utf-8-sig")
    assert csv_response["Content-Type"].startswith("text/csv") and PHONE not in csv_text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Nhóm,Mục,Tiếp nhận")
    q2 = reports.make_period("quy", 2026, 2)
    total = reports.inquiry_figures(tree.pa, q2.start, q2.end)
    assert lines[1].split(",")[2:4] == [str(total.received), str(total.answered)]

    import openpyxl

    xlsx = client.get(
        reverse("inquiries:report_export", args=["P-A"]) + "?ky=quy&nam=2026&so=2&dinh_dang=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "Nhóm" and values[2][2] == total.received
    assert values[2][6] == (
        None if total.on_time_ratio is None else round(total.on_time_ratio * 100, 1)
    )

    login(client, officers.b_admin)
    assert client.get(reverse("inquiries:report", args=["P-A"])).status_code == 404


def test_xlsx_export_keeps_a_unit_name_from_running_as_a_formula(
    client: Client, tree: Tree, officers: Officers
) -> None:
    import openpyxl

    Unit.objects.filter(pk=tree.a_kcn.pk).update(name='=HYPERLINK("http://x","KCN")')
    login(client, officers.a_admin)
    xlsx = client.get(
        reverse("inquiries:report_export", args=["P-A"]) + "?ky=nam&nam=2026&dinh_dang=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    [cell] = [
        r[1] for r in sheet.iter_rows(min_row=3) if r[1].value == '=HYPERLINK("http://x","KCN")'
    ]
    # Text, never a formula, marked as typed with an apostrophe (shown without it).
    assert cell.data_type == "s" and cell.quotePrefix
