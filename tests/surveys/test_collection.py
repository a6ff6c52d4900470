"""Collecting beyond the web form: paper sheets keyed twice (mismatches side by side, a third
look, quota counted once at acceptance, a reused code refused), responses imported from XLSX
(all or nothing, errors by row and column, codes and quotas respected, the command), the
phone's offline queue (a sheet sent twice is stored once; nothing of the key but its digest),
the page's service worker, "Gửi xuống cơ sở" and the campaigns a survey informs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from lantoa.audit.models import AuditEvent
from lantoa.campaigns.models import Campaign
from lantoa.content.models import ContentItem, ContentStatus
from lantoa.surveys import importing, paper
from lantoa.surveys.models import (
    PaperSheet,
    QuotaAllocation,
    QuotaCell,
    Response,
    SheetStatus,
    SubmissionKey,
    SurveyAnnouncement,
    SurveyCode,
)
from lantoa.surveys.services import (
    AlreadyReceived,
    codes_generate,
    quota_allocate,
    response_submit,
)
from tests.conftest import login
from tests.surveys.support import answers, open_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _form(sheet: dict, **extra: str) -> dict:
    data: dict = {}
    for code, value in sheet.items():
        if isinstance(value, dict):
            for row, v in value.items():
                data[f"{code}.{row}"] = v
        else:
            data[code] = value
    data.update(extra)
    return data


def _double_keyed(tree, officers, **kw):
    survey = open_survey(
        tree.pa,
        officers.a_propaganda,
        officers.a_leader,
        double_entry=True,
        sample_size=10,
        **kw,
    )
    codes = codes_generate(survey=survey, unit=tree.a_g1, count=3, actor=officers.a_propaganda)
    return survey, [c.code for c in codes]


# --- double keying ---------------------------------------------------------------------------


def test_two_matching_keyings_make_one_response_counted_once(tree, officers):
    survey, (code, *_rest) = _double_keyed(tree, officers)
    cell = QuotaCell.objects.get(survey=survey, conditions={"A3": "1"})
    first = paper.paper_sheet_key(
        survey=survey, unit=tree.a_g1, answers=answers(), code=code, actor=officers.a_propaganda
    )
    assert first.outcome == paper.FIRST
    assert not Response.objects.exists()
    cell.refresh_from_db()
    assert cell.count == 0  # nothing counted before acceptance
    assert not SurveyCode.objects.get(code=code).used
    second = paper.paper_sheet_key(
        survey=survey,
        unit=tree.a_g1,
        answers=answers(A2="29,0"),  # the same number, written otherwise
        code=code.lower().replace("-", ""),  # the same code, typed otherwise
        actor=officers.a_communicator,
    )
    assert second.outcome == paper.ACCEPTED
    response = Response.objects.get()
    assert response.channel == "paper" and response.unit == tree.a_g1
    assert response.code is None  # anonymous: the code is not kept with the sheet
    cell.refresh_from_db()
    assert cell.count == 1
    assert not PaperSheet.objects.exists()  # the keyings (code and answers) are gone
    assert SurveyCode.objects.get(code=code).used
    # A third keying of the same sheet: the code is used.
    with pytest.raises(ValidationError) as refused:
        paper.paper_sheet_key(
            survey=survey, unit=tree.a_g1, answers=answers(), code=code, actor=officers.a_admin
        )
    assert "đã được dùng" in refused.value.message_dict["code"][0]
    assert Response.objects.count() == 1


def test_double_keying_needs_the_code(tree, officers):
    survey, _codes = _double_keyed(tree, officers)
    with pytest.raises(ValidationError) as refused:
        paper.paper_sheet_key(
            survey=survey, unit=tree.a_g1, answers=answers(), code="", actor=officers.a_propaganda
        )
    assert "ghép với nhau theo mã phiếu" in refused.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as bad:
        paper.paper_sheet_key(
            survey=survey,
            unit=tree.a_g1,
            answers=answers(A1=None),
            code=_codes[0],
            actor=officers.a_propaganda,
        )
    assert bad.value.message_dict["A1"] == ["Vui lòng trả lời câu A1."]
    assert not PaperSheet.objects.exists()


def test_mismatches_side_by_side_and_the_third_look(client, tree, officers):
    survey, (code, *_rest) = _double_keyed(tree, officers)
    login(client, officers.a_propaganda)
    entry = reverse("surveys:entry", kwargs={"pk": survey.pk})
    first = client.post(entry, _form(answers(), unit=tree.a_g1.code, code=code), follow=True)
    assert "lần nhập thứ nhất" in first.content.decode()
    login(client, officers.a_communicator)
    entry_kcn = entry + f"?don-vi={tree.a_kcn.code}"
    second = client.post(
        entry_kcn,
        _form(answers(A2="31", D2=["1", "2"]), unit=tree.a_g1.code, code=code),
        follow=True,
    )
    assert "khác lần nhập thứ nhất" in second.content.decode()
    sheet = PaperSheet.objects.get()
    assert sheet.status == SheetStatus.MISMATCH
    assert not Response.objects.exists()
    differing = {d.code: (d.first, d.second) for d in paper.differences(sheet) if d.differs}
    assert differing == {
        "A2": ("29", "31"),
        "D2": (
            "1. Zalo; 3. Bảng tin ở nơi làm việc",
            "1. Zalo; 2. Facebook",
        ),
    }
    # A second keying again while the sheet waits: refused, told where to look.
    again = client.post(entry_kcn, _form(answers(), unit=tree.a_g1.code, code=code))
    assert "đang chờ đối chiếu" in again.content.decode()
    # The list and the side-by-side page.
    sheets = client.get(reverse("surveys:sheets", kwargs={"pk": survey.pk}) + "?don-vi=A-KCN")
    assert code in sheets.content.decode() and "2 chỗ lệch" in sheets.content.decode()
    login(client, officers.a_admin)  # the third look
    page_url = reverse("surveys:sheet", kwargs={"pk": survey.pk, "sid": sheet.pk})
    page = client.get(page_url).content.decode()
    assert "Hai lần nhập, từng câu" in page and "31" in page and "row-warn" in page
    done = client.post(page_url, _form(answers(A2="31"), unit=tree.a_g1.code, action="chot"))
    assert done.status_code == 302
    response = Response.objects.get()
    assert response.answers.get(question__code="A2").number == 31
    assert QuotaCell.objects.get(survey=survey, conditions={"A3": "1"}).count == 1
    assert not PaperSheet.objects.exists()
    assert AuditEvent.objects.filter(action="survey.paper_resolved").exists()
    assert not AuditEvent.objects.filter(data__icontains=code).exists()  # no code in the log


def test_a_sheet_can_be_dropped_and_outsiders_do_not_see_it(client, tree, officers):
    survey, (code, *_rest) = _double_keyed(tree, officers)
    paper.paper_sheet_key(
        survey=survey, unit=tree.a_g1, answers=answers(), code=code, actor=officers.a_propaganda
    )
    sheet = PaperSheet.objects.get()
    url = reverse("surveys:sheet", kwargs={"pk": survey.pk, "sid": sheet.pk})
    login(client, officers.b_admin)
    assert client.get(url).status_code == 404
    login(client, officers.a_viewer)  # may see the survey, may not key
    assert client.get(reverse("surveys:sheets", kwargs={"pk": survey.pk})).status_code == 403
    login(client, officers.a_communicator)
    waiting = client.get(url + "?don-vi=A-KCN").content.decode()
    assert "Phiếu mới được nhập một lần" in waiting and 'value="chot"' not in waiting
    entry = client.get(reverse("surveys:entry", kwargs={"pk": survey.pk}) + "?don-vi=A-KCN")
    assert "nhập phiếu giấy hai lần" in entry.content.decode()
    assert client.post(url + "?don-vi=A-KCN", {"action": "huy"}).status_code == 302
    assert not PaperSheet.objects.exists() and not SurveyCode.objects.get(code=code).used


def test_single_keying_unchanged_when_not_double_keyed(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    keyed = paper.paper_sheet_key(
        survey=survey, unit=tree.a_g1, answers=answers(), code="", actor=officers.a_propaganda
    )
    assert keyed.outcome == paper.ACCEPTED and Response.objects.count() == 1


# --- import from a file ------------------------------------------------------------------------


def _workbook(rows: list[list]) -> io.BytesIO:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


HEADER = ["Mã đơn vị", "Mã phiếu", "A1", "A2", "A3", "A4", "B1", "B3", "C1"]
HEADER += ["C2_1", "C2_2", "C2_3", "C2_4", "C2_5", "D1", "D2_1", "D2_3", "D3", "D5"]


def _row(unit: str, code: str = "", **over) -> list:
    values = {
        "A1": 2,
        "A2": 29,
        "A3": 1,
        "A4": 1,
        "B1": 2,
        "B3": 2,
        "C1": 2,
        "C2_1": 2,
        "C2_2": 3,
        "C2_3": 4,
        "C2_4": 3,
        "C2_5": 2,
        "D1": 4,
        "D2_1": 1,
        "D2_3": "",
        "D3": 2,
        "D5": dt.datetime(2026, 3, 8),
    }
    values.update(over)
    return [unit, code, *(values[h] for h in HEADER[2:])]


def _allocated(tree, officers):
    survey = open_survey(
        tree.pa, officers.a_propaganda, officers.a_leader, sample_size=10, anonymous=True
    )
    cells = {c.conditions["A3"]: c for c in QuotaCell.objects.filter(survey=survey)}
    quota_allocate(cell=cells["1"], allocations={tree.a_kcn: 4}, actor=officers.a_propaganda)
    return survey, cells


def test_import_writes_every_sheet_with_quotas_and_codes(tree, officers):
    survey, cells = _allocated(tree, officers)
    code = codes_generate(survey=survey, unit=tree.a_g1, count=1, actor=officers.a_propaganda)[0]
    rows = [
        HEADER,
        _row(tree.a_g1.code, code.code.lower(), A1="Nữ"),  # a label read as its code
        _row(tree.a_g2.code, A3=2, D2_3=1),
        _row(tree.a_g3.code, C1="other"),
    ]
    rows[3][HEADER.index("C1")] = 3
    result = importing.responses_import(
        survey=survey, fileobj=_workbook(rows), filename="phieu.xlsx", actor=officers.a_propaganda
    )
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 3 and Response.objects.filter(channel="import").count() == 3
    by_unit = {r.unit.code: r for r in Response.objects.all()}
    g1 = by_unit[tree.a_g1.code]
    assert g1.answers.get(question__code="A1").choice == "2"
    assert g1.answers.get(question__code="D5").date == dt.date(2026, 3, 8)
    assert g1.code is None  # anonymous
    assert set(
        by_unit[tree.a_g2.code].answers.filter(question__code="D2").values_list("choice", flat=True)
    ) == {"1", "3"}
    assert SurveyCode.objects.get(pk=code.pk).used
    cells["1"].refresh_from_db()
    cells["2"].refresh_from_db()
    assert (cells["1"].count, cells["2"].count) == (2, 1)
    assert QuotaAllocation.objects.get(cell=cells["1"], unit=tree.a_kcn).count == 1
    assert AuditEvent.objects.filter(action="survey.responses_import").count() == 1


def test_a_bad_file_writes_nothing_and_names_rows_and_columns(tree, officers):
    survey, cells = _allocated(tree, officers)
    code = codes_generate(survey=survey, unit=tree.a_g1, count=1, actor=officers.a_propaganda)[0]
    response_submit(
        survey=survey,
        unit=tree.a_g1,
        answers=answers(),
        code=code.code,
        channel="paper",
        actor=officers.a_propaganda,
    )
    rows = [
        HEADER,
        _row(tree.a_g1.code, code.code),  # 2: a used code
        _row(tree.a_g1.code, A1=7, A2=200),  # 3: not in the codebook; out of range
        _row(tree.b_g1.code),  # 4: outside the survey
        _row(tree.a_g1.code, D2_1="có lẽ"),  # 5: a tick that is not one
        _row(tree.a_g1.code, B3=1),  # 6: B4 must then be answered
    ]
    result = importing.responses_import(
        survey=survey, fileobj=_workbook(rows), filename="phieu.xlsx", actor=officers.a_propaganda
    )
    texts = [str(e) for e in result.errors]
    assert texts == [
        f"Dòng 2, cột “Mã phiếu”: mã phiếu “{code.code}” đã được dùng; mỗi mã chỉ dùng một lần.",
        "Dòng 3, cột “A1”: “7” không có trong sổ mã của câu A1 (chấp nhận: 1 = Nam; 2 = Nữ).",
        "Dòng 4, cột “Mã đơn vị”: không có đơn vị mã “B-G1” trong phạm vi cuộc khảo sát mà "
        "anh/chị được nhập phiếu.",
        "Dòng 5, cột “D2_1”: “có lẽ” không đọc được: ghi 1 nếu chọn phương án này, 0 hoặc để "
        "trống nếu không.",
        "Dòng 6, cột “B4_1”: Vui lòng trả lời câu B4.",
    ]
    assert Response.objects.count() == 1  # the one keyed before
    assert QuotaCell.objects.get(pk=cells["1"].pk).count == 1  # that one only


def test_import_respects_the_quota_and_a_code_twice_in_the_file(tree, officers):
    survey, cells = _allocated(tree, officers)  # A-KCN: 4 sheets of cell "1"
    made = codes_generate(survey=survey, unit=tree.a_g1, count=1, actor=officers.a_propaganda)
    rows = [HEADER] + [_row(tree.a_g1.code) for _ in range(6)]  # row 3 refused: 5 left
    rows[1][1] = rows[2][1] = made[0].code
    result = importing.responses_import(
        survey=survey, fileobj=_workbook(rows), filename="p.xlsx", actor=officers.a_propaganda
    )
    texts = [str(e) for e in result.errors]
    assert (
        f"Dòng 3, cột “Mã phiếu”: mã “{made[0].code}” đã có ở dòng 2; mỗi mã chỉ dùng một lần."
        in (texts)
    )
    assert any(t.startswith("Dòng 7: nhóm “Doanh nghiệp ngoài nhà nước” của") for t in texts)
    assert not Response.objects.exists() and QuotaCell.objects.get(pk=cells["1"].pk).count == 0


def test_import_screen_template_and_command(client, tree, officers, tmp_path: Path):
    survey, _cells = _allocated(tree, officers)
    login(client, officers.a_communicator)
    base = reverse("surveys:import", kwargs={"pk": survey.pk})
    page = client.get(base + "?don-vi=A-KCN")
    assert page.status_code == 200 and "Tải mẫu (XLSX)" in page.content.decode()
    template = client.get(
        reverse("surveys:import_template", kwargs={"pk": survey.pk}) + "?don-vi=A-KCN"
    )
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert book.sheetnames == ["Phiếu trả lời", "Sổ mã", "Hướng dẫn"]
    header = [c.value for c in book["Phiếu trả lời"][1]]
    assert header[:4] == ["Mã đơn vị*", "Mã phiếu", "A1", "A2"] and "D2_other" in header
    assert ["A1", "A1. Giới tính của bạn", "1", "Nam"] in [
        [c.value for c in row] for row in book["Sổ mã"].iter_rows()
    ]
    # The blank template filled with one row imports through the screen.
    data = book["Phiếu trả lời"]
    values = dict(zip(HEADER, _row(tree.a_g2.code), strict=True))
    data.append([values.get(h.rstrip("*"), "") for h in header])
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    filled.name = "mau.xlsx"
    sent = client.post(base + "?don-vi=A-KCN", {"file": filled})
    assert sent.status_code == 302, sent.content.decode()[:2000]
    assert Response.objects.get().unit == tree.a_g2
    # Outside the officer's subtree: refused by row.
    bad = _workbook([HEADER, _row(tree.a_g3.code)])
    bad.name = "p.xlsx"
    refused = client.post(base + "?don-vi=A-KCN", {"file": bad})
    assert "Dòng 2, cột “Mã đơn vị”" in refused.content.decode()
    # The command, as the system.
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(_workbook([HEADER, _row(tree.a_g3.code), _row(tree.a_g1.code)]).getvalue())
    out = io.StringIO()
    call_command("surveys", "import-responses", str(path), "--survey", survey.slug, stdout=out)
    assert "Đã nhập 2 phiếu trả lời." in out.getvalue()
    assert Response.objects.count() == 3
    with pytest.raises(CommandError, match="Không nhập được: 1 lỗi"):
        bad_path = tmp_path / "sai.xlsx"
        bad_path.write_bytes(_workbook([HEADER, _row("KHONG-CO")]).getvalue())
        call_command("surveys", "import-responses", str(bad_path), "--survey", str(survey.pk))
    call_command("surveys", "template", str(tmp_path / "mau.xlsx"), "--survey", survey.slug)
    assert (tmp_path / "mau.xlsx").stat().st_size > 0


# --- offline queue and idempotency ------------------------------------------------------------

KEY = "3f9a0c2e7b5d4e1f8a6c9b2d0e4f7a1c"


def test_a_sheet_sent_twice_is_stored_once(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader, sample_size=10)
    response_submit(survey=survey, unit=tree.a_g1, answers=answers(), submission_key=KEY)
    with pytest.raises(AlreadyReceived):
        response_submit(survey=survey, unit=tree.a_g1, answers=answers(), submission_key=KEY)
    assert Response.objects.count() == 1
    assert QuotaCell.objects.get(survey=survey, conditions={"A3": "1"}).count == 1
    assert list(SubmissionKey.objects.values_list("digest", flat=True)) == [
        hashlib.sha256(KEY.encode()).hexdigest()
    ]
    with pytest.raises(ValidationError, match="mã gửi không hợp lệ"):
        response_submit(survey=survey, unit=tree.a_g1, answers=answers(), submission_key="x")


def test_a_refused_sheet_leaves_its_key_free(tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    with pytest.raises(ValidationError):
        response_submit(survey=survey, unit=tree.a_g1, answers=answers(A1=None), submission_key=KEY)
    assert not SubmissionKey.objects.exists()
    response_submit(survey=survey, unit=tree.a_g1, answers=answers(), submission_key=KEY)
    assert Response.objects.count() == 1


def test_the_queue_gets_json_and_a_resend_the_original_result(client, tree, officers):
    # Declared in settings, from the environment (README's configuration table).
    assert (
        int(os.environ.get("LANTOA_SURVEY_LIMIT_PER_IP", 30)) == settings.LANTOA_SURVEY_LIMIT_PER_IP
    )
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    url = reverse(
        "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": tree.a_g1.code}
    )
    page = client.get(url).content.decode()
    assert 'name="submission_key"' in page and "data-queue" in page
    assert (
        reverse(
            "surveys_public:service_worker",
            kwargs={"slug": survey.slug, "unit_code": tree.a_g1.code},
        )
        in page
    )
    queue = {"HTTP_X_SURVEY_QUEUE": "1", "REMOTE_ADDR": "10.1.2.3"}
    thanks = reverse("surveys_public:thanks", kwargs={"slug": survey.slug, "unit_code": "A-G1"})
    first = client.post(url, _form(answers(), submission_key=KEY), **queue)
    assert first.status_code == 200 and first.json() == {"ok": True, "thanks": thanks}
    again = client.post(url, _form(answers(), submission_key=KEY), **queue)
    assert again.status_code == 200 and again.json() == {"ok": True, "thanks": thanks}
    assert Response.objects.count() == 1
    # Without the script (an ordinary post) a resend is also the thank-you page.
    plain = client.post(url, _form(answers(), submission_key=KEY))
    assert plain.status_code == 302 and plain["Location"] == thanks
    assert Response.objects.count() == 1
    refused = client.post(url, _form(answers(A1=None), submission_key=KEY[::-1]), **queue)
    assert refused.status_code == 400
    body = refused.json()
    assert body["ok"] is False and body["final"] is True
    assert body["errors"]["A1"] == ["Vui lòng trả lời câu A1."]
    # Nothing about the phone: no address, no key, only the digest.
    stored = {str(v) for row in SubmissionKey.objects.values() for v in row.values()}
    stored |= {str(v) for row in Response.objects.values() for v in row.values()}
    assert "10.1.2.3" not in stored and KEY not in stored


def test_the_queue_is_told_when_the_survey_closed(client, tree, officers):
    from lantoa.surveys.services import survey_close

    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    survey_close(survey=survey, actor=officers.a_propaganda)
    url = reverse(
        "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": tree.a_g1.code}
    )
    closed = client.post(url, _form(answers(), submission_key=KEY), HTTP_X_SURVEY_QUEUE="1")
    assert closed.status_code == 409 and closed.json()["final"] is True


def test_the_queue_is_rate_limited_but_keeps_the_sheet(client, tree, officers, settings):
    settings.LANTOA_SURVEY_LIMIT_PER_IP = 1
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    url = reverse(
        "surveys_public:respond", kwargs={"slug": survey.slug, "unit_code": tree.a_g1.code}
    )
    client.post(url, _form(answers(), submission_key=KEY), HTTP_X_SURVEY_QUEUE="1")
    limited = client.post(url, _form(answers(), submission_key=KEY[::-1]), HTTP_X_SURVEY_QUEUE="1")
    assert limited.status_code == 429 and "final" not in limited.json()
    # A resend of the sheet already stored is not counted against the limit.
    resend = client.post(url, _form(answers(), submission_key=KEY), HTTP_X_SURVEY_QUEUE="1")
    assert resend.status_code == 200 and resend.json()["ok"] is True


def test_the_service_worker_is_scoped_to_the_page(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    url = reverse(
        "surveys_public:service_worker",
        kwargs={"slug": survey.slug, "unit_code": tree.a_g1.code},
    )
    worker = client.get(url)
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    text = worker.content.decode()
    page = f"/khao-sat/{survey.slug}/{tree.a_g1.code}/"
    assert url.startswith(page) and f'"{page}"' in text
    assert "survey.js" in text and 'request.method !== "GET"' in text
    outside = reverse(
        "surveys_public:service_worker",
        kwargs={"slug": survey.slug, "unit_code": tree.b_g1.code},
    )
    assert client.get(outside).status_code == 404


# --- distribution and campaigns --------------------------------------------------------------


def test_send_down_writes_a_content_item_with_the_units_links(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    login(client, officers.a_propaganda)
    url = reverse("surveys:announce", kwargs={"pk": survey.pk})
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert "Gửi xuống cơ sở" in detail and url in detail
    sent = client.post(url)
    item = ContentItem.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse(
        "content:detail", kwargs={"pk": item.pk}
    )
    assert item.unit == tree.pa and item.status == ContentStatus.DRAFT
    own = f"/khao-sat/{survey.slug}/{tree.pa.code}/"
    assert own in item.body
    assert f"/khao-sat/{survey.slug}/{tree.a_kcn.code}/" in item.body  # a unit below
    assert f"/khao-sat/{survey.slug}/{tree.a_g1.code}/" not in item.body  # only one level
    qr = item.media.get()
    assert qr.kind == "image" and f"/tep/{qr.pk}/" in item.body
    assert client.post(url).status_code == 302 and ContentItem.objects.count() == 1
    assert SurveyAnnouncement.objects.get().content == item
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert "Xem tin mời trả lời đã soạn" in detail
    # An upper-level union sends its own invitation, with its own link.
    login(client, officers.a_communicator)
    client.post(url + "?don-vi=A-KCN")
    kcn_item = ContentItem.objects.get(unit=tree.a_kcn)
    assert f"/khao-sat/{survey.slug}/{tree.a_kcn.code}/" in kcn_item.body
    assert f"/khao-sat/{survey.slug}/{tree.a_g1.code}/" in kcn_item.body
    # Someone who may not write content gets no button and is refused.
    login(client, officers.a_viewer)
    assert url not in client.get(survey.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 403


def test_a_survey_informs_campaigns_shown_on_their_page(client, tree, officers):
    survey = open_survey(tree.pa, officers.a_propaganda, officers.a_leader)
    today = dt.date.today()
    mine = Campaign.objects.create(
        name="Tháng Công nhân", owner=tree.pa, starts_on=today, ends_on=today
    )
    other = Campaign.objects.create(
        name="Chiến dịch tỉnh B", owner=tree.pb, starts_on=today, ends_on=today
    )
    login(client, officers.a_propaganda)
    url = reverse("surveys:campaigns", kwargs={"pk": survey.pk})
    assert "Tháng Công nhân" in client.get(survey.get_absolute_url()).content.decode()
    assert client.post(url, {"campaigns": [other.pk]}).status_code == 404
    assert client.post(url, {"campaigns": [mine.pk]}).status_code == 302
    assert list(survey.campaigns.all()) == [mine]
    response_submit(survey=survey, unit=tree.a_g1, answers=answers())
    page = client.get(reverse("campaigns:detail", kwargs={"pk": mine.pk})).content.decode()
    assert "Khảo sát phục vụ chiến dịch" in page and survey.title in page
    assert "1 phiếu đã thu" in page
    login(client, officers.a_viewer)  # sees the survey from A-G1
    page = client.get(reverse("campaigns:detail", kwargs={"pk": mine.pk})).content.decode()
    assert survey.title in page and "?don-vi=A-G1" in page
