"""The contest screens: the officers' pages (create, bank import, rounds, review, rankings,
exports) and the public journey (register, code, attempt with autosave, resume, submit,
result), with what must stay hidden: other provinces' contests, other entrants' attempts and
the correct answers before an attempt is closed."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lantoa.contests import entry, services
from lantoa.contests.integrity import DEVICE_COOKIE, pow_ok
from lantoa.contests.models import Answer, Attempt, Contest, ContestStatus, Entrant, Option
from tests.conftest import Officers, Tree, login
from tests.contests.support import NOW, answer_all, bank, entrant, pow_answer, quiz

HEADER = "Câu hỏi,Phương án A,Phương án B,Phương án C,Đáp án đúng,Chủ đề,Giải thích\n"


def _bank_csv(count: int) -> bytes:
    rows = "".join(
        f"Câu hỏi thứ {i}?,Sai {i},Đúng {i},Sai nữa {i},B,Chủ đề {i % 3},Lời giải {i}\n"
        for i in range(1, count + 1)
    )
    return (HEADER + rows).encode("utf-8")


def test_officer_prepares_and_another_approves(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_propaganda)
    response = client.post(
        "/cuoc-thi/P-A/tao/",
        {"title": "Thi tìm hiểu pháp luật lao động", "rules": "Thể lệ.", "audience": "public"},
    )
    contest = Contest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cuoc-thi/so/{contest.pk}/"
    bad = client.post(
        f"/cuoc-thi/so/{contest.pk}/kho-cau-hoi/",
        {"file": SimpleUploadedFile("kho.csv", (HEADER + "Câu?,A,,,B,,\n").encode())},
    )
    assert bad.status_code == 400 and "Dòng 2" in bad.content.decode()
    good = client.post(
        f"/cuoc-thi/so/{contest.pk}/kho-cau-hoi/",
        {"file": SimpleUploadedFile("kho.csv", _bank_csv(60))},
    )
    assert good.status_code == 302 and contest.questions.count() == 60
    now = timezone.localtime()
    round_data = {
        "title": "Tuần 1",
        "opens_at": (now - dt.timedelta(hours=1)).strftime("%d/%m/%Y %H:%M"),
        "closes_at": (now + dt.timedelta(days=7)).strftime("%d/%m/%Y %H:%M"),
        "questions_per_attempt": 21,
        "time_limit_minutes": 30,
        "attempts_allowed": 2,
        "tie_break": "all_correct",
    }
    refused = client.post(f"/cuoc-thi/so/{contest.pk}/dot-thi/", round_data)
    assert refused.status_code == 400 and "gấp 3 lần" in refused.content.decode()
    round_data["questions_per_attempt"] = 20
    assert client.post(f"/cuoc-thi/so/{contest.pk}/dot-thi/", round_data).status_code == 302
    assert client.post(f"/cuoc-thi/so/{contest.pk}/gui-duyet/").status_code == 302
    contest.refresh_from_db()
    assert contest.status == ContestStatus.SUBMITTED
    # The propaganda officer may not approve; the leader may.
    assert client.post(f"/cuoc-thi/so/{contest.pk}/duyet/").status_code == 403
    login(client, officers.a_leader)
    page = client.get(f"/cuoc-thi/so/{contest.pk}/").content.decode()
    assert "Duyệt" in page
    assert client.post(f"/cuoc-thi/so/{contest.pk}/duyet/", {"comment": ""}).status_code == 302
    contest.refresh_from_db()
    assert contest.status == ContestStatus.APPROVED
    listing = client.get("/cuoc-thi/P-A/").content.decode()
    assert "Thi tìm hiểu pháp luật lao động" in listing
    export = client.get(f"/cuoc-thi/so/{contest.pk}/kho-cau-hoi.xlsx")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert sheet.max_row == 61


def test_outsiders_get_404_and_viewers_no_bank(
    client: Client, tree: Tree, officers: Officers
) -> None:
    contest, _rounds = quiz(tree.pa)
    login(client, officers.b_admin)
    for path in (
        "",
        "xep-hang/",
        "xep-hang.xlsx",
        "kho-cau-hoi.xlsx",
        "sua/",
        "dau-hieu/",
        "ket-qua/",
    ):
        assert client.get(f"/cuoc-thi/so/{contest.pk}/{path}").status_code == 404, path
    for path in (
        "duyet/",
        "tra-lai/",
        "gui-duyet/",
        "dot-thi/",
        "kho-cau-hoi/",
        "dau-hieu/kiem-tra/",
        "ket-qua/giai/",
        "ket-qua/cong-bo/",
        "ket-qua/thong-bao/",
    ):
        assert client.post(f"/cuoc-thi/so/{contest.pk}/{path}").status_code == 404, path
    login(client, officers.a_viewer)  # sees contests of A-G1 only, not the province's
    assert client.get(f"/cuoc-thi/so/{contest.pk}/").status_code == 404
    login(client, officers.a_briefer)  # at A-KCN: below the province too
    assert client.get(f"/cuoc-thi/so/{contest.pk}/").status_code == 404
    kcn_contest = services.contest_create(unit=tree.a_kcn, title="Thi KCN", rules="Thể lệ.")
    assert client.get(f"/cuoc-thi/so/{kcn_contest.pk}/").status_code == 200
    assert client.get(f"/cuoc-thi/so/{kcn_contest.pk}/kho-cau-hoi.xlsx").status_code == 403
    # A briefer sees the flags and results but does not decide or publish.
    assert client.get(f"/cuoc-thi/so/{kcn_contest.pk}/dau-hieu/").status_code == 200
    assert client.get(f"/cuoc-thi/so/{kcn_contest.pk}/ket-qua/").status_code == 200
    for path in ("dau-hieu/kiem-tra/", "ket-qua/giai/", "ket-qua/cong-bo/", "ket-qua/thong-bao/"):
        assert client.post(f"/cuoc-thi/so/{kcn_contest.pk}/{path}").status_code == 403, path


def _register(client: Client, contest: Contest, unit_pk: int, phone: str, capsys) -> str:
    response = client.post(
        f"/thi/{contest.pk}/dang-ky/",
        {
            "full_name": "Phạm Thị Hoa",
            "birth_date": "02/03/1994",
            "phone": phone,
            "unit": str(unit_pk),
            "workplace": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    out = capsys.readouterr().out
    assert phone[-3:] in out and phone not in out  # the number itself is not written out
    return re.findall(r": (\d{6})", out)[-1]


def test_public_journey_keeps_the_answers_hidden_until_the_end(
    client: Client, tree: Tree, capsys: pytest.CaptureFixture
) -> None:
    contest, (rnd,) = quiz(tree.pa, questions=15, per_attempt=5, attempts_allowed=1)
    rnd.opens_at = timezone.now() - dt.timedelta(hours=1)
    rnd.closes_at = timezone.now() + dt.timedelta(days=1)
    rnd.save()
    rules = client.get(f"/thi/{contest.pk}/")
    assert rules.status_code == 200 and "Mỗi người thi tối đa hai lần." in rules.content.decode()
    code = _register(client, contest, tree.a_g1.pk, "0912 345 678", capsys)
    assert client.post(f"/thi/{contest.pk}/xac-minh/", {"code": "12"}).status_code == 400
    assert client.post(f"/thi/{contest.pk}/xac-minh/", {"code": code}).status_code == 302
    # Starting needs the rules page's proof-of-work: without it, or with a wrong one, no.
    assert client.post(f"/thi/{contest.pk}/dot/1/bat-dau/").status_code == 409
    form = pow_answer(client.get(f"/thi/{contest.pk}/").content.decode())
    wrong = {**form, "pow_suffix": "x"}
    while pow_ok(wrong["pow_nonce"], wrong["pow_suffix"], settings.LANTOA_CONTEST_POW_BITS):
        wrong["pow_suffix"] += "x"
    assert client.post(f"/thi/{contest.pk}/dot/1/bat-dau/", wrong).status_code == 409
    start = client.post(f"/thi/{contest.pk}/dot/1/bat-dau/", form)
    attempt = Attempt.objects.get()
    assert attempt.device_hash and attempt.ip_hash and "127.0.0.1" not in attempt.ip_hash
    assert client.cookies[DEVICE_COOKIE].value not in attempt.device_hash
    assert start["Location"] == f"/thi/bai/{attempt.pk}/"
    page = client.get(f"/thi/bai/{attempt.pk}/").content.decode()
    answers = list(Answer.objects.filter(attempt=attempt).order_by("position"))
    for answer in answers:
        for option in Option.objects.filter(question_id=answer.question_id):
            assert f'value="{option.pk}"' in page and option.text in page
    # Nothing tells the correct options apart, and no explanation is sent yet.
    assert "Giải thích câu" not in page and "correct" not in page and "đáp án đúng" not in page
    assert len(page.encode()) < 300_000
    # Autosave: JSON in, a bare acknowledgement out; saving twice is harmless.
    first = answers[0]
    right = Option.objects.get(question_id=first.question_id, correct=True).pk
    for _ in range(2):
        saved = client.post(
            f"/thi/bai/{attempt.pk}/luu/",
            json.dumps({"question": first.question_id, "chosen": [right]}),
            content_type="application/json",
        )
        assert saved.status_code == 200 and saved.json() == {"ok": True}
    assert client.post(
        f"/thi/bai/{attempt.pk}/luu/",
        json.dumps({"prediction": 3}),
        content_type="application/json",
    ).json() == {"ok": True}
    # A dropped connection: the page opened again shows the saved choice.
    again = client.get(f"/thi/bai/{attempt.pk}/").content.decode()
    assert re.search(rf'value="{right}" data-question="{first.question_id}" checked', again)
    assert client.post(f"/thi/{contest.pk}/dot/1/bat-dau/")["Location"] == f"/thi/bai/{attempt.pk}/"
    # Another visitor cannot see or touch this attempt.
    other = Client()
    assert other.get(f"/thi/bai/{attempt.pk}/").status_code == 404
    assert (
        other.post(f"/thi/bai/{attempt.pk}/luu/", "{}", content_type="application/json").status_code
        == 404
    )
    assert other.post(f"/thi/bai/{attempt.pk}/nop/").status_code == 404
    assert client.post(f"/thi/bai/{2**40}/nop/").status_code == 404  # no such id, no error
    assert client.get(f"/thi/bai/{2**40}/").status_code == 404
    # Submit, with the second answer sent by the form (no JavaScript).
    second = answers[1]
    right2 = Option.objects.get(question_id=second.question_id, correct=True).pk
    done = client.post(f"/thi/bai/{attempt.pk}/nop/", {f"q{second.question_id}": str(right2)})
    assert done["Location"] == f"/thi/bai/{attempt.pk}/ket-qua/"
    attempt.refresh_from_db()
    assert attempt.score == 2 and attempt.prediction == 3
    result = client.get(done["Location"]).content.decode()
    assert "đúng 2/5" in result and "Giải thích câu" in result
    closed = client.post(
        f"/thi/bai/{attempt.pk}/luu/",
        json.dumps({"question": first.question_id, "chosen": []}),
        content_type="application/json",
    )
    assert closed.status_code == 409 and closed.json()["closed"] is True
    # One attempt allowed: a second start is refused, and the used challenge too.
    assert client.post(f"/thi/{contest.pk}/dot/1/bat-dau/", form).status_code == 409
    assert Attempt.objects.count() == 1


def test_unapproved_contests_are_not_public(client: Client, tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa, approve=False)
    assert client.get(f"/thi/{contest.pk}/").status_code == 404
    assert client.get(f"/thi/{contest.pk}/dang-ky/").status_code == 404


def test_registration_is_rate_limited(
    client: Client, tree: Tree, capsys: pytest.CaptureFixture
) -> None:
    from lantoa.contests.public_views import REGISTER_PER_PHONE

    contest, _rounds = quiz(tree.pa)
    for _ in range(REGISTER_PER_PHONE.limit):
        _register(client, contest, tree.a_g2.pk, "0987654321", capsys)
    response = client.post(
        f"/thi/{contest.pk}/dang-ky/",
        {
            "full_name": "Phạm Thị Hoa",
            "birth_date": "02/03/1994",
            "phone": "0987654321",
            "unit": str(tree.a_g2.pk),
        },
    )
    assert response.status_code == 429 and "quá nhiều lần" in response.content.decode()
    assert Entrant.objects.count() == 1


def test_rankings_page_and_export(client: Client, tree: Tree, officers: Officers) -> None:
    contest, (rnd,) = quiz(tree.pa)
    person = entrant(contest, tree.a_g2, "0912000777", "Đỗ Văn Khánh")
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    answer_all(attempt, right=3, now=NOW + dt.timedelta(seconds=10))
    entry.attempt_submit(attempt=attempt, prediction=0, now=NOW + dt.timedelta(seconds=42))
    login(client, officers.a_leader)
    page = client.get(f"/cuoc-thi/so/{contest.pk}/xep-hang/?dot=1").content.decode()
    assert "Tham gia theo đơn vị" in page and "Đỗ Văn Khánh" in page and "3/4" in page
    overall = client.get(f"/cuoc-thi/so/{contest.pk}/xep-hang/").content.decode()
    assert "Đỗ Văn Khánh" in overall
    for query in ("?dot=1", ""):
        export = client.get(f"/cuoc-thi/so/{contest.pk}/xep-hang.xlsx{query}")
        sheet = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
        row = [c.value for c in sheet[2]]
        assert row[:4] == [1, "Đỗ Văn Khánh", tree.a_g2.name, 3], row
    login(client, officers.a_communicator)
    assert client.get(f"/cuoc-thi/so/{contest.pk}/xep-hang/").status_code == 404  # below P-A


def test_bank_helper_is_used(tree: Tree) -> None:
    contest = services.contest_create(unit=tree.pa, title="Thi", rules="Thể lệ.")
    assert len(bank(contest, 3)) == 3


# --- one question of the bank ------------------------------------------------------------------


def _question_post(**changes: str) -> dict[str, str]:
    data = {
        "text": "Người lao động được nghỉ bao nhiêu ngày Tết Âm lịch?",
        "kind": "multiple",
        "option_1": "5 ngày",
        "correct_1": "on",
        "option_2": "3 ngày",
        "option_3": "Năm ngày",
        "correct_3": "on",
        "option_4": "",
        "topic": "Thời giờ nghỉ ngơi",
        "difficulty": "hard",
        "explanation": "Điều 112 Bộ luật Lao động 2019.",
        "legal_reference": "Điều 112  Bộ luật Lao động 2019",
        "article": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_organiser_edits_one_question_with_the_import_rules(
    client: Client, tree: Tree, officers: Officers
) -> None:
    from lantoa.audit.models import AuditEvent
    from lantoa.kb.models import Article

    contest, _rounds = quiz(tree.pa, approve=False)
    question = contest.questions.get(position=2)
    url = f"/cuoc-thi/so/{contest.pk}/cau-hoi/{question.pk}/"
    login(client, officers.a_propaganda)
    listing = client.get(f"/cuoc-thi/so/{contest.pk}/cau-hoi/").content.decode()
    assert "Câu hỏi số 2?" in listing and f'href="{url}"' in listing
    assert (
        f'href="/cuoc-thi/so/{contest.pk}/cau-hoi/"'
        in client.get(f"/cuoc-thi/so/{contest.pk}/").content.decode()
    )
    page = client.get(url).content.decode()
    assert "Sửa câu hỏi số 2" in page and 'value="Phương án 2.1"' in page
    # The rules of question_check, as for an imported row; nothing is saved.
    one = client.post(url, _question_post(option_2="", option_3="", correct_3=None))
    assert one.status_code == 400
    assert "Mỗi câu hỏi cần từ 2 đến 6 phương án (đang có 1)." in one.content.decode()
    single = client.post(url, _question_post(kind="single"))
    assert "Câu hỏi một đáp án đúng chỉ có một phương án đúng (đang đánh dấu 2)." in (
        single.content.decode()
    )
    same = client.post(url, _question_post(option_3="5 NGÀY"))
    assert "Có hai phương án giống nhau." in same.content.decode()
    blank = client.post(url, _question_post(correct_4="on"))
    assert "Phương án này được đánh dấu đúng nhưng còn trống." in blank.content.decode()
    unknown = client.post(url, _question_post(article="khong-co-bai-nay"))
    assert (
        "Không có bài hỏi đáp pháp luật có đường dẫn “khong-co-bai-nay”."
        in unknown.content.decode()
    )
    question.refresh_from_db()
    assert question.text == "Câu hỏi số 2?" and question.options.count() == 4
    # A good one: saved, the options replaced in order, audited.
    article = Article.objects.create(
        unit=tree.vn, title="Nghỉ Tết", slug="nghi-tet", question="Q", answer="A"
    )
    done = client.post(url, _question_post(article="Nghi-Tet"))
    assert done.status_code == 302 and done["Location"] == f"/cuoc-thi/so/{contest.pk}/cau-hoi/"
    question.refresh_from_db()
    assert (question.text, question.kind, question.topic, question.difficulty) == (
        "Người lao động được nghỉ bao nhiêu ngày Tết Âm lịch?",
        "multiple",
        "Thời giờ nghỉ ngơi",
        "hard",
    )
    assert question.legal_reference == "Điều 112 Bộ luật Lao động 2019"
    assert question.article == article
    assert list(question.options.values_list("position", "text", "correct")) == [
        (1, "5 ngày", True),
        (2, "3 ngày", False),
        (3, "Năm ngày", True),
    ]
    event = AuditEvent.objects.filter(action="contest.question_update").get()
    assert event.data["question"] == 2
    assert set(event.data["fields"]) >= {"text", "kind", "options", "topic", "article"}
    assert contest.questions.count() == 12  # edited, not added


def test_a_question_drawn_by_an_attempt_is_not_edited(
    client: Client, tree: Tree, officers: Officers
) -> None:
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4)
    person = entrant(contest, tree.a_g1, "0912000801")
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    drawn = Answer.objects.filter(attempt=attempt).order_by("position").first()
    assert drawn is not None
    used = drawn.question
    free = contest.questions.exclude(pk__in=attempt.answers.values("question_id")).first()
    assert free is not None
    login(client, officers.a_propaganda)
    listing = client.get(f"/cuoc-thi/so/{contest.pk}/cau-hoi/").content.decode()
    assert listing.count("Đã có trong bài thi") == 4
    url = f"/cuoc-thi/so/{contest.pk}/cau-hoi/{used.pk}/"
    refusal = (
        f"Câu hỏi số {used.position} đã có trong 1 bài thi nên không sửa được: các bài thi đó "
        "đã được chấm theo nội dung và đáp án hiện tại"
    )
    page = client.get(url)
    assert page.status_code == 200 and refusal in page.content.decode()
    assert 'name="option_1"' not in page.content.decode()
    before = list(used.options.values_list("pk", "text", "correct"))
    posted = client.post(url, _question_post())
    assert posted.status_code == 409 and refusal in posted.content.decode()
    used.refresh_from_db()
    assert used.text != _question_post()["text"]
    assert list(used.options.values_list("pk", "text", "correct")) == before
    # A question no attempt has drawn yet stays editable in the running contest.
    fixed = client.post(f"/cuoc-thi/so/{contest.pk}/cau-hoi/{free.pk}/", _question_post())
    assert fixed.status_code == 302
    free.refresh_from_db()
    assert free.text == _question_post()["text"]


def test_question_edit_refusals_and_quotas(client: Client, tree: Tree, officers: Officers) -> None:
    contest, _rounds = quiz(tree.pa, approve=False)
    question = contest.questions.get(position=1)  # "Hợp đồng"
    url = f"/cuoc-thi/so/{contest.pk}/cau-hoi/{question.pk}/"
    # A round asks for 2 easy "Hợp đồng" questions: the bank has exactly 2 (numbers 1 and 7).
    services.round_create(
        contest=contest,
        title="Tuần 2",
        opens_at=NOW + dt.timedelta(days=8),
        closes_at=NOW + dt.timedelta(days=14),
        questions_per_attempt=4,
        time_limit_minutes=10,
        quotas=[{"topic": "Hợp đồng", "difficulty": "easy", "count": 2}],
    )
    login(client, officers.a_propaganda)
    moved = client.post(url, _question_post())
    assert moved.status_code == 400
    assert (
        "Kho câu hỏi có 1 câu chủ đề “Hợp đồng”, mức độ “Dễ”; không lấy được 2 câu."
        in moved.content.decode()
    )
    question.refresh_from_db()
    assert (question.text, question.topic) == ("Câu hỏi số 1?", "Hợp đồng")  # rolled back
    assert question.options.count() == 4
    kept = client.post(url, _question_post(topic="Hợp đồng", difficulty="easy"))
    assert kept.status_code == 302
    question.refresh_from_db()
    assert (question.topic, question.difficulty) == ("Hợp đồng", "easy")
    # Submitted for review: no edit until the reviewer returns it.
    services.contest_submit(contest=contest)
    waiting = client.get(url).content.decode()
    assert "đang chờ duyệt nên chưa sửa được câu hỏi" in waiting
    assert client.post(url, _question_post(text="Đổi khi đang chờ duyệt?")).status_code == 409
    question.refresh_from_db()
    assert question.text == _question_post()["text"]


def test_outsiders_and_viewers_cannot_reach_the_question_pages(
    client: Client, tree: Tree, officers: Officers
) -> None:
    contest, _rounds = quiz(tree.pa, approve=False)
    question = contest.questions.first()
    assert question is not None
    pages = (
        f"/cuoc-thi/so/{contest.pk}/cau-hoi/",
        f"/cuoc-thi/so/{contest.pk}/cau-hoi/{question.pk}/",
    )
    login(client, officers.b_admin)  # another province: the contest does not exist for them
    for path in pages:
        assert client.get(path).status_code == 404, path
        assert client.post(path, _question_post()).status_code == 404, path
    other, _ = quiz(tree.pb, approve=False)
    # A question of another contest under this contest's address: 404 too.
    login(client, officers.a_propaganda)
    stray = other.questions.first()
    assert stray is not None
    assert client.get(f"/cuoc-thi/so/{contest.pk}/cau-hoi/{stray.pk}/").status_code == 404
    kcn_contest, _ = quiz(tree.a_kcn, approve=False)
    login(client, officers.a_briefer)  # sees the KCN contest, does not manage it
    assert client.get(f"/cuoc-thi/so/{kcn_contest.pk}/cau-hoi/").status_code == 403
    question.refresh_from_db()
    assert question.text == "Câu hỏi số 1?"
