"""Analysis beyond the per-question figures: cross-tabs by sector and of a multiple choice,
waves and their trends, free-text answers and their most frequent words, and the Word
summary, each checked against a hand count; small cells suppressed; outsiders get 404."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from PIL import Image

from lantoa.surveys import analysis
from lantoa.surveys.models import Question, Survey, SurveyStatus
from lantoa.surveys.services import (
    quota_allocate,
    response_submit,
    survey_approve,
    survey_copy,
    survey_open,
    survey_submit,
)
from lantoa.surveys.words import frequent_words
from tests.conftest import login
from tests.surveys.support import answers, open_survey

pytestmark = pytest.mark.django_db


def _fill(survey, tree):
    """26 sheets: A-G1 12 (4 men, 8 women; 12 wrote "Tăng lương cho công nhân"), A-G2 3
    men, A-G3 11 women (10 rated the union 3, one 2). D2 (channels, multiple) is 1 and 3
    for everyone, and also 2 for A-G3's eleven."""
    for i in range(12):
        response_submit(
            survey=survey,
            unit=tree.a_g1,
            answers=answers(
                A1="2" if i % 3 else "1",
                D1="4",
                E1="Tăng lương cho công nhân" if i % 2 else "tăng LƯƠNG, công nhân cần nhà ở",
            ),
        )
    for _ in range(3):
        response_submit(
            survey=survey, unit=tree.a_g2, answers=answers(A1="1", D1="5", E1="Luồng thông tin")
        )
    for i in range(11):
        response_submit(
            survey=survey,
            unit=tree.a_g3,
            answers=answers(A1="2", D1="3" if i < 10 else "2", D2=["1", "2", "3"]),
        )


def _q(survey: Survey, code: str) -> Question:
    return survey.current_version().questions.get(code=code)


# --- cross-tabs ------------------------------------------------------------------------------


def test_crosstab_by_sector_and_of_a_multiple_choice(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    tree.a_g1.sector = "Dệt may"
    tree.a_g1.save()
    tree.a_g3.sector = "Điện tử"
    tree.a_g3.save()
    _fill(survey, tree)
    by_sector = analysis.crosstab_by_sector(survey, tree.pa, _q(survey, "A1"))
    rows = {label: (cells, total) for label, cells, total in by_sector.rows}
    # Dệt may (A-G1): 4 men "<10", 8 women "<10", 12; Điện tử (A-G3): 0 men, 11 women.
    assert rows == {
        "Dệt may": ([None, None], 12),
        "Điện tử": ([0, 11], 11),
        "(chưa ghi ngành nghề)": ([None, 0], None),  # A-G2: 3 men
    }
    assert list(rows)[-1] == "(chưa ghi ngành nghề)"
    # D2 (multiple) by unit: A-KCN 15 people ticked 1 and 3, none 2; A-XA 11 ticked all
    # three; the total counts each person once (11, not 33).
    d2 = analysis.crosstab_by_unit(survey, tree.pa, _q(survey, "D2"))
    rows = {label: (cells[:3], total) for label, cells, total in d2.rows}
    assert rows[tree.a_kcn.name] == ([15, 0, 15], 15)
    assert rows[tree.a_xa.name] == ([11, 11, 11], 11)
    # D2 by D1 (rating): "Bình thường" (3): A-G3's ten; "Tốt" (4): A-G1's twelve.
    by_q = analysis.crosstab_by_question(survey, tree.pa, _q(survey, "D1"), _q(survey, "D2"))
    rows = {label: (cells[:3], total) for label, cells, total in by_q.rows}
    assert rows["Bình thường"] == ([10, 10, 10], 10)
    assert rows["Tốt"] == ([12, 0, 12], 12)
    assert rows["Kém"] == ([None, None, None], None)  # one person


def test_results_page_crosstab_by_sector_and_multiple(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    _fill(survey, tree)
    login(client, officers.a_propaganda)
    url = reverse("surveys:results", kwargs={"pk": survey.pk})
    page = client.get(url, {"cau": "D2", "theo": "nganh"})
    assert page.status_code == 200
    assert page.context["crosstab"].title_rows == "Ngành nghề"
    assert "mỗi người một lần" in page.content.decode()
    assert reverse("surveys:summary", kwargs={"pk": survey.pk}) in page.content.decode()


# --- waves -----------------------------------------------------------------------------------


def _next_wave(survey, officers, tree, *, women: int, men: int) -> Survey:
    wave = survey_copy(survey=survey, actor=officers.a_propaganda)
    survey_submit(survey=wave, actor=officers.a_propaganda)
    survey_approve(survey=wave, actor=officers.a_leader)
    survey_open(survey=wave, actor=officers.a_propaganda)
    for i in range(women + men):
        response_submit(survey=wave, unit=tree.a_g1, answers=answers(A1="2" if i < women else "1"))
    return wave


def test_a_copy_in_the_same_unit_is_the_next_wave_with_trends(client, tree, officers):
    first = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    _fill(first, tree)  # A1: 7 men, 19 women
    second = _next_wave(first, officers, tree, women=30, men=10)
    third = _next_wave(second, officers, tree, women=5, men=12)
    assert (second.series, second.wave, third.series, third.wave) == (first, 2, first, 3)
    assert second.title == "Khảo sát đời sống 2026 (đợt 2)"
    assert third.title == "Khảo sát đời sống 2026 (đợt 3)"
    trend = analysis.trend(third, tree.pa, _q(third, "A1"))
    assert [w.survey for w in trend.waves] == [first, second, third]
    assert [w.respondents for w in trend.waves] == [26, 40, 17]
    assert [w.counts for w in trend.waves] == [[None, 19], [10, 30], [12, None]]
    assert [[round(s, 3) if s is not None else None for s in w.shares] for w in trend.waves] == [
        [None, round(19 / 26, 3)],
        [0.25, 0.75],
        [round(12 / 17, 3), None],
    ]
    # From A-KCN (A-G1 and A-G2): wave 1 has 15 (7 men, 8 women), all suppressed.
    below = analysis.trend(third, tree.a_kcn, _q(third, "A1"))
    assert below.waves[0].respondents == 15 and below.waves[0].shares == [None, None]
    # The page, from the province; a draft wave 4 is not a column yet.
    survey_copy(survey=third, actor=officers.a_propaganda)
    login(client, officers.a_propaganda)
    url = reverse("surveys:trends", kwargs={"pk": third.pk})
    page = client.get(url, {"cau": "A1"})
    assert page.status_code == 200 and len(page.context["trend"].waves) == 3
    html = page.content.decode()
    assert "75,0%" in html and "70,6%" in html and "&lt;10" in html
    login(client, officers.b_admin)
    assert client.get(url).status_code == 404


def test_a_copy_to_another_unit_starts_its_own_series(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    copy = survey_copy(survey=survey, actor=officers.a_propaganda, unit=tree.a_kcn)
    assert copy.series is None and copy.wave == 1 and copy.title.endswith("(bản sao)")
    assert analysis.waves_of(copy) == [copy]


# --- free text ---------------------------------------------------------------------------------


def test_frequent_words_group_case_keep_diacritics_and_join_compounds():
    texts = [
        "Tăng lương cho công nhân",
        "tăng LƯƠNG, công nhân cần nhà ở",
        "Công đoàn cần TĂNG LƯƠNG",
        "luồng thông tin chậm",
        "Lương thấp quá",
        "Tin trên Zalo nhanh, đọc trên Zalo tiện",
    ]
    words = {w.text: w.count for w in frequent_words(texts, min_count=1)}
    assert words["tăng lương"] == 3  # one word, whatever the case; its usual form
    assert words["công nhân"] == 2
    assert words["nhà ở"] == 1  # a known compound, though "ở" alone is a stop word
    assert words["luồng"] == 1 and words["lương"] == 1  # tone marks tell words apart
    assert words["Zalo"] == 1  # a name keeps its capital
    assert not {"cho", "cần", "ở"} & set(words)  # stop words
    assert [w.text for w in frequent_words(texts, min_count=2)] == ["tăng lương", "công nhân"]
    assert [w.count for w in frequent_words(texts, min_count=2)] == [3, 2]


def test_texts_page_for_officers_who_export(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    _fill(survey, tree)
    response_submit(survey=survey, unit=tree.a_g3, answers=answers(E1="Gọi tôi số 0912345678 nhé"))
    url = reverse("surveys:texts", kwargs={"pk": survey.pk})
    login(client, officers.a_propaganda)
    page = client.get(url, {"cau": "E1"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 16  # 12 + 3 + 1
    assert [(w.text, w.count) for w in page.context["words"][:2]] == [
        ("công nhân", 12),
        ("tăng lương", 12),
    ]
    html = page.content.decode()
    assert "Luồng thông tin" in html and "0912345678" not in html
    login(client, officers.a_viewer)  # results yes, raw words no
    assert client.get(url).status_code == 403
    login(client, officers.b_admin)
    assert client.get(url).status_code == 404


# --- the Word summary ----------------------------------------------------------------------------


def _tables(document):
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def test_docx_summary_agrees_with_a_hand_count(client, tree, officers):
    survey = open_survey(
        tree.pa,
        officers.a_propaganda,
        officers.a_leader,
        sample_size=1000,
        purpose="Nắm đời sống, việc làm của người lao động",
    )
    cell = survey.quota_cells.get(position=0)  # non-state enterprises, 700
    quota_allocate(
        cell=cell, allocations={tree.a_kcn: 500, tree.a_xa: 200}, actor=officers.a_propaganda
    )
    _fill(survey, tree)  # every sheet A3 = 1: all 26 in that cell
    login(client, officers.a_viewer)
    assert client.get(reverse("surveys:summary", kwargs={"pk": survey.pk})).status_code == 200
    login(client, officers.a_propaganda)
    got = client.get(reverse("surveys:summary", kwargs={"pk": survey.pk}))
    assert got.status_code == 200 and got["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(got.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "TÓM TẮT KẾT QUẢ KHẢO SÁT" in text and survey.title in text
    assert "Mục đích: Nắm đời sống, việc làm của người lao động" in text
    assert "Số phiếu thu được: 26 phiếu" in text
    assert "Thời gian thu phiếu: chưa đặt thời hạn" in text
    tables = _tables(document)
    # Table 1, by unit: A-KCN 15 sheets of 500 (3,0%), A-XA 11 of 200 (5,5%), total 26.
    by_unit = {row[0]: row[1:] for row in tables[0]}
    assert by_unit[tree.a_kcn.name] == ["15", "500", "3,0%"]
    assert by_unit[tree.a_xa.name] == ["11", "200", "5,5%"]
    assert by_unit["Tổng cộng"][0] == "26"
    # Table 2, by cell: 26 of 700 (3,7%); the public sector none of 300.
    by_cell = {row[0]: row[1:] for row in tables[1]}
    assert by_cell[cell.label] == ["26", "700", "3,7%"]
    assert by_cell["Khu vực nhà nước"] == ["0", "300", "0,0%"]
    # A1: men 7 → "<10", no share; women 19 → 73,1% (19/26).
    a1 = next(t for t in tables if t[0][0] == "Phương án" and t[1][0] == "Nam")
    assert a1[1][1:] == ["<10", ""] and a1[2][1:] == ["19", "73,1%"]
    # D1 (rating): Tốt 12 (46,2%), Bình thường 10 (38,5%), Rất tốt 3 and Kém 1 "<10".
    d1 = next(t for t in tables if len(t) > 1 and t[1][0] == "Rất kém")
    assert {r[0]: r[1:] for r in d1[1:]} == {
        "Rất kém": ["0", "0,0%"],
        "Kém": ["<10", ""],
        "Bình thường": ["10", "38,5%"],
        "Tốt": ["12", "46,2%"],
        "Rất tốt": ["<10", ""],
    }
    # Free text: "tăng lương" and "công nhân" written by 12 people; nothing under 10.
    words = next(t for t in tables if t[0] == ["Từ", "Số người viết"])
    assert words[1:] == [["công nhân", "12"], ["tăng lương", "12"]]
    # Charts: PNG images, one per choice question shown.
    images = [
        r.target_part.blob
        for r in document.part.rels.values()
        if r.reltype.endswith("/image") and r.target_part.content_type == "image/png"
    ]
    assert len(images) >= 5
    assert Image.open(io.BytesIO(images[0])).format == "PNG"
    login(client, officers.b_admin)
    assert client.get(reverse("surveys:summary", kwargs={"pk": survey.pk})).status_code == 404


def test_docx_summary_of_a_small_unit_shows_no_figures(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    _fill(survey, tree)
    login(client, officers.a_admin)
    url = reverse("surveys:summary", kwargs={"pk": survey.pk}) + f"?don-vi={tree.a_g2.code}"
    document = Document(io.BytesIO(client.get(url).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Số phiếu thu được: 3 phiếu" in text
    assert text.count("Dưới 10 người trả lời: không nêu số liệu.") >= 10
    assert not [r for r in document.part.rels.values() if r.reltype.endswith("/image")]
    assert survey.status == SurveyStatus.OPEN
