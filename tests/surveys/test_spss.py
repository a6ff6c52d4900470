"""The SPSS export, read back with pyreadstat: variable labels, value labels from the
codebook, multiple choice as 0/1 dichotomies, "Khác" as code 97 with its words, numbers and
dates typed, nothing suppressed in the answers; only officers holding "data.export"."""

from __future__ import annotations

import datetime as dt
import math
import tempfile

import pyreadstat
import pytest
from django.urls import reverse
from django.utils import timezone

from lantoa.audit.models import AuditEvent
from lantoa.surveys.services import response_submit
from tests.conftest import login
from tests.surveys.support import answers, open_survey

pytestmark = pytest.mark.django_db


def _read(content: bytes):
    with tempfile.NamedTemporaryFile(suffix=".sav") as f:
        f.write(content)
        f.flush()
        return pyreadstat.read_sav(f.name, user_missing=True)


def test_sav_export_reads_back_with_labels_and_dichotomies(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    # 3 sheets at A-G1 (a small unit: nothing suppressed in the answers), 1 at A-G3.
    response_submit(
        survey=survey,
        unit=tree.a_g1,
        answers=answers(
            A1="1",
            A2="31",
            B3="1",
            B4=["2", "other"],
            B4__other="Bán hàng trực tuyến",
            C1="other",
            C1__other="Ở nhờ nhà người quen",
            D5="05/03/2026",
            E1="Tăng lương tối thiểu",
        ),
    )
    response_submit(survey=survey, unit=tree.a_g1, answers=answers(A1="2", D2=["5"]))
    response_submit(survey=survey, unit=tree.a_g1, answers=answers(A1="2", A2="45"))
    response_submit(survey=survey, unit=tree.a_g3, answers=answers(A1="2", D1="5"))
    login(client, officers.a_propaganda)
    got = client.get(reverse("surveys:export", kwargs={"pk": survey.pk, "fmt": "sav"}))
    assert got.status_code == 200
    assert got["Content-Disposition"].endswith('.sav"')
    frame, meta = _read(b"".join(got.streaming_content))
    assert len(frame) == 4
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["A1"] == "Giới tính của bạn"
    assert labels["D2_1"] == "Bạn thường nhận thông tin của công đoàn qua những kênh nào? — Zalo"
    assert meta.variable_value_labels["A1"] == {1.0: "Nam", 2.0: "Nữ"}
    assert meta.variable_value_labels["C1"][97.0] == "Khác (ghi rõ)"
    assert meta.variable_value_labels["D2_1"] == {1.0: "Có chọn", 0.0: "Không chọn"}
    assert meta.variable_measure["A2"] == "scale" and meta.variable_measure["D1"] == "ordinal"
    first, second, third, fourth = frame.to_dict("records")
    assert [r["A1"] for r in (first, second, third, fourth)] == [1, 2, 2, 2]
    assert (first["A2"], third["A2"]) == (31, 45)
    # B4 asked only when income is not enough (B3 = 1): dichotomies, "other" with its words.
    assert (first["B4_1"], first["B4_2"], first["B4_other"]) == (0, 1, 1)
    assert first["B4_khac"] == "Bán hàng trực tuyến"
    assert math.isnan(second["B4_1"])  # not asked: system-missing, not 0
    assert first["C1"] == 97 and first["C1_khac"] == "Ở nhờ nhà người quen"
    assert (second["D2_1"], second["D2_5"], first["D2_1"], first["D2_3"]) == (0, 1, 1, 1)
    assert first["D5"].date() == dt.date(2026, 3, 5)
    assert meta.original_variable_types["D5"].startswith(("DATE", "ADATE", "EDATE"))
    assert first["E1"] == "Tăng lương tối thiểu"
    assert first["C2_3"] == 4 and fourth["D1"] == 5
    # The answers are not suppressed; the survey is anonymous, so (as in CSV/XLSX) a unit
    # with fewer than 10 sheets is not named.
    assert {r["ma_don_vi"] for r in (first, second, third, fourth)} == {""}
    assert meta.variable_value_labels["hinh_thuc"]["web"] == "Trả lời trực tuyến"
    assert first["ngay_gui"].date() == timezone.localdate()
    assert AuditEvent.objects.filter(action="survey.export", data__format="sav").count() == 1


def test_sav_export_needs_data_export_and_the_subtree(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    url = reverse("surveys:export", kwargs={"pk": survey.pk, "fmt": "sav"})
    login(client, officers.a_viewer)  # sees results, may not take the raw data
    assert client.get(url).status_code == 403
    login(client, officers.b_admin)  # another province: the survey does not exist for them
    assert client.get(url).status_code == 404
