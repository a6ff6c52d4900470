"""Paper answer sheets: `lantoa contests import-entries` through ``core.tabular`` (row and column
errors, all or nothing) and through the same scoring and flags as the online attempts.

The bank of ``support.quiz`` has its correct option first (A) for every question."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantoa.contests import entry, selectors
from lantoa.contests.entries_import import entries_import
from lantoa.contests.models import Attempt, Entrant, Flag
from tests.conftest import Tree
from tests.contests.support import NOW, entrant, quiz

HEADER = "Đợt thi,Họ và tên,Số điện thoại,Mã đơn vị,Câu trả lời,Dự đoán,Nộp lúc,Thời gian làm bài\n"
# NOW is 08:00 UTC, 15:00 in Vietnam, on 04/05/2026; round 1 is open from the day before.


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_good_sheets_are_scored_like_online_attempts(tree: Tree) -> None:
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4, attempts_allowed=1)
    online = entrant(contest, tree.a_g2, "0912000900", "Phạm Văn Mạng")
    attempt = entry.attempt_start(entrant=online, round=rnd, now=NOW)
    entry.attempt_submit(attempt=attempt, now=NOW + entry.dt.timedelta(seconds=300))
    data = HEADER + (
        "1,Trần Văn Bình,0912 000 901,A-G1,1=A; 2=A; 3=B; 4=A,2,04/05/2026 16:00,10:00\n"
        "1,Lê Thị Cúc,0912000902,a-g3,5=A;6=A;7=A;8=A,,04/05/2026 16:30,540\n"
    )
    result = entries_import(contest=contest, fileobj=_csv(data), filename="phieu.csv")
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.entrants) == (2, 2)
    assert "Đã nhập 2 phiếu dự thi" in result.summary_text()
    binh = Attempt.objects.get(entrant__phone="0912000901")
    assert (binh.source, binh.score, binh.total, binh.duration_ms, binh.prediction) == (
        "paper",
        3,
        4,
        600_000,
        2,
    )
    assert binh.submitted_at.isoformat() == "2026-05-04T09:00:00+00:00"
    assert list(binh.answers.order_by("position").values_list("correct", flat=True)) == [
        True,
        True,
        False,
        True,
    ]
    cuc = Entrant.objects.get(phone="0912000902")
    assert cuc.unit == tree.a_g3 and cuc.verified_at is not None and cuc.birth_date is None
    ranked = [(r.full_name, r.score) for r in selectors.round_ranking(rnd)]
    assert ranked == [("Lê Thị Cúc", 4), ("Trần Văn Bình", 3), ("Phạm Văn Mạng", 0)]
    # The same file again: every sheet is already there, nothing is added.
    again = entries_import(contest=contest, fileobj=_csv(data), filename="phieu.csv")
    assert not again.ok and "đã nhập" in str(again.errors[0])
    assert Attempt.objects.count() == 3


def test_bad_rows_are_named_and_nothing_is_written(tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa, questions=12, per_attempt=4, attempts_allowed=1)
    entrant(contest, tree.a_g1, "0912000910", "Nguyễn Văn An")
    data = HEADER + (
        "1,Người Tốt,0912000911,A-G1,1=A;2=A;3=A;4=A,,04/05/2026 16:00,5:00\n"  # row 2: fine
        "9,Người Hai,0912000912,A-G1,1=A;2=A;3=A;4=A,,04/05/2026 16:00,5:00\n"  # no round 9
        "1,Người Ba,12345,B-G1,1=A;2=A;3=A;4=A,,04/05/2026 16:00,5:00\n"  # phone, unit
        "1,Người Bốn,0912000914,A-G1,1=A;2=A;13=A;4=A,,04/05/2026 16:00,5:00\n"  # no question 13
        "1,Người Năm,0912000915,A-G1,1=A;2=A;3=A,,04/05/2026 16:00,5:00\n"  # three answers
        "1,Người Sáu,0912000916,A-G1,1=A;2=G;3=A;4=A,,2026-06-30 10:00,15:00\n"  # G, late, long
        "1,Tên Khác,0912000910,A-G1,1=A;2=A;3=A;4=A,,04/05/2026 16:00,5:00\n"  # another name
        "1,Người Tám,0912000918,A-G1,1=A;2=A;3=A;4=A,nhiều,04/05/2026 lúc 4h,5 phút\n"
        "1,Người Tốt,0912000911,A-G1,5=A;6=A;7=A;8=A,,04/05/2026 17:00,5:00\n"  # over the limit
    )
    result = entries_import(contest=contest, fileobj=_csv(data), filename="phieu.csv")
    assert not result.ok
    texts = [str(e) for e in result.errors]
    assert texts[0] == "Dòng 3, cột “Đợt thi”: cuộc thi không có đợt thi số 9."
    assert any(t.startswith("Dòng 4, cột “Số điện thoại”") for t in texts)
    assert any(t.startswith("Dòng 4, cột “Mã đơn vị”") and "B-G1" in t for t in texts)
    assert "Dòng 5, cột “Câu trả lời”: kho câu hỏi không có câu số 13." in texts
    assert "Dòng 6, cột “Câu trả lời”: phiếu có 3 câu, đợt thi có 4 câu mỗi bài." in texts
    assert any(t.startswith("Dòng 7, cột “Câu trả lời”") and "7=A,C" in t for t in texts)
    assert any(t.startswith("Dòng 7, cột “Nộp lúc”: ngoài thời gian") for t in texts)
    assert any(t.startswith("Dòng 7, cột “Thời gian làm bài”: dài hơn") for t in texts)
    assert any(t.startswith("Dòng 8, cột “Số điện thoại”") and "Nguyễn Văn An" in t for t in texts)
    assert any(t.startswith("Dòng 9, cột “Dự đoán”") for t in texts)
    assert any(t.startswith("Dòng 9, cột “Nộp lúc”") for t in texts)
    assert any(t.startswith("Dòng 9, cột “Thời gian làm bài”") for t in texts)
    assert any(t.startswith("Dòng 10") and "đủ 1 lần" in t for t in texts)
    assert not any(t.startswith("Dòng 2") for t in texts)
    assert Attempt.objects.count() == 0 and Entrant.objects.count() == 1


def test_identical_paper_sheets_are_flagged(tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa, questions=12, per_attempt=4)
    data = HEADER + (
        "1,Người Một,0912000921,A-G1,1=A;2=B;3=A;4=C,,04/05/2026 16:00,8:00\n"
        "1,Người Hai,0912000922,A-G2,4=C;3=A;2=B;1=A,,04/05/2026 16:05,9:00\n"
        "1,Người Ba,0912000923,A-G2,1=A;2=A;3=A;4=C,,04/05/2026 16:05,9:00\n"
    )
    assert entries_import(contest=contest, fileobj=_csv(data), filename="p.csv").ok
    flagged = set(Flag.objects.values_list("attempt__entrant__full_name", "kind"))
    assert flagged == {("Người Một", "identical"), ("Người Hai", "identical")}


def test_import_entries_command_and_template(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    contest, _rounds = quiz(tree.pa, questions=12, per_attempt=4)
    good = tmp_path / "phieu.csv"
    good.write_text(
        HEADER + "1,Người Một,0912000931,A-G1,1=A;2=A;3=A;4=A,3,04/05/2026 16:00,8:00\n",
        encoding="utf-8",
    )
    call_command("contests", "import-entries", str(contest.pk), str(good))
    assert "Đã nhập 1 phiếu dự thi của 1 người dự thi mới" in capsys.readouterr().out
    bad = tmp_path / "hong.csv"
    bad.write_text(HEADER + "1,Người Hai,0912,A-G1,1=A,,04/05/2026 16:00,8:00\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("contests", "import-entries", f"P-A/{contest.slug}", str(bad))
    assert "Dòng 2, cột “Số điện thoại”" in capsys.readouterr().err
    blank = tmp_path / "mau-phieu.xlsx"
    call_command("contests", "template", "--entries", str(blank))
    sheet = openpyxl.load_workbook(blank).worksheets[0]
    assert [c.value for c in sheet[1]][:5] == [
        "Đợt thi*",
        "Họ và tên*",
        "Số điện thoại*",
        "Mã đơn vị*",
        "Câu trả lời*",
    ]
    assert Attempt.objects.count() == 1
