"""Results: the prize lists against a hand calculation (an excluded attempt changes them), the
public results page (name, unit, score; the phone masked), the XLSX export and the
announcement published through publishing.

Round 1 (no prediction question; 4 questions), FAST threshold 3 s a question:

| entrant | unit (members)      | right | seconds |
|---------|---------------------|-------|---------|
| An      | A-G1 (1.200)        | 4     | 100     |
| Bình    | A-G1                | 3     | 8 (fast: flagged, then excluded) |
| Chi     | A-G1                | 2     | 100     |
| Dũng    | A-G2 (300)          | 4     | 200     |
| Em      | A-G2                | 1     | 100     |
| Giang   | A-G3 (40)           | 3     | 50      |
| Hà      | A-XA (a commune)    | 4     | 300     |

Overall: An, Dũng, Hà (4 right, by time), then Bình (3, 8 s), Giang (3, 50 s), Chi, Em.
Three individual prizes: An, Dũng, Hà.
Units by entrants (grassroots only): A-G1 3 (0,25%), A-G2 2 (0,67%), A-G3 1 (2,5%) → two
prizes: A-G1, A-G2. By rate: A-G3 (2,5%), A-G2 (0,67%).
Bình excluded: A-G1 has 2 entrants, as A-G2; the rate breaks the tie: A-G2, then A-G1.
A-G3 then merged into A-G2 (it stays in place, its successor counts it): A-G2 3 entrants
(1,0% of its 300 members), A-G1 2 (0,17%).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from lantoa.content.services import content_approve, content_submit
from lantoa.contests import entry, integrity, results, selectors
from lantoa.contests.models import Attempt, Entrant, Round
from lantoa.publishing.models import Publication
from lantoa.publishing.services import publication_site_now
from lantoa.units.models import Unit
from lantoa.units.services import unit_merge
from tests.conftest import Officers, Tree, login
from tests.contests.support import NOW, answer_all, entrant, quiz


def _take(person: Entrant, rnd: Round, *, seconds: int, right: int) -> Attempt:
    attempt = entry.attempt_start(entrant=person, round=rnd, now=NOW)
    answer_all(attempt, right=right, now=NOW + dt.timedelta(seconds=1))
    return entry.attempt_submit(attempt=attempt, now=NOW + dt.timedelta(seconds=seconds))


@pytest.fixture
def scenario(tree: Tree, settings):
    settings.LANTOA_CONTEST_FAST_SECONDS = 3
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4, tie_break="none")
    people = [
        ("An", tree.a_g1, 4, 100),
        ("Bình", tree.a_g1, 3, 8),
        ("Chi", tree.a_g1, 2, 100),
        ("Dũng", tree.a_g2, 4, 200),
        ("Em", tree.a_g2, 1, 100),
        ("Giang", tree.a_g3, 3, 50),
        ("Hà", tree.a_xa, 4, 300),
    ]
    attempts = {}
    for i, (name, unit, right, seconds) in enumerate(people):
        person = entrant(contest, unit, f"0912001{i:03d}", name)
        attempts[name] = _take(person, rnd, seconds=seconds, right=right)
    results.prizes_set(contest=contest, individual=3, units_entrants=2, units_rate=2)
    return contest, rnd, attempts


def _lists(contest):
    board = results.prizes(contest)
    return (
        [(r.rank, r.full_name, r.score) for r in board.individuals],
        [(r.unit.code, r.entrants, r.members) for r in board.by_entrants],
        [(r.unit.code, round(r.rate * 100, 2)) for r in board.by_rate],
    )


def test_prize_lists_match_the_hand_calculation(scenario, tree: Tree) -> None:
    contest, _rnd, attempts = scenario
    assert [o.full_name for o in selectors.overall_ranking(contest)] == [
        "An",
        "Dũng",
        "Hà",
        "Bình",
        "Giang",
        "Chi",
        "Em",
    ]
    individuals, by_entrants, by_rate = _lists(contest)
    assert individuals == [(1, "An", 4), (2, "Dũng", 4), (3, "Hà", 4)]
    assert by_entrants == [("A-G1", 3, 1200), ("A-G2", 2, 300)]
    assert by_rate == [("A-G3", 2.5), ("A-G2", 0.67)]
    # Bình's 8 seconds were flagged; the organisers exclude the attempt.
    assert integrity.pending_flags(contest) == 1
    integrity.flag_decide(attempt=attempts["Bình"], decision="exclude", reason="Quá nhanh.")
    _individuals, by_entrants, by_rate = _lists(contest)
    assert by_entrants == [("A-G2", 2, 300), ("A-G1", 2, 1200)]
    assert by_rate == [("A-G3", 2.5), ("A-G2", 0.67)]
    assert "Bình" not in [o.full_name for o in selectors.overall_ranking(contest)]
    # A-G3 merged into A-G2: its entrant counts for its successor (3 entrants, ahead).
    unit_merge(source=tree.a_g3, target=tree.a_g2)
    _individuals, by_entrants, by_rate = _lists(contest)
    assert by_entrants == [("A-G2", 3, 300), ("A-G1", 2, 1200)]
    assert by_rate == [("A-G2", 1.0), ("A-G1", 0.17)]


def test_prize_counts_are_checked(scenario) -> None:
    contest, _rnd, _attempts = scenario
    with pytest.raises(ValidationError) as bad:
        results.prizes_set(contest=contest, individual=-1, units_entrants=2, units_rate=5000)
    assert set(bad.value.message_dict) == {"prizes_individual", "prizes_units_rate"}


def test_public_results_page_and_export(client: Client, scenario, officers: Officers) -> None:
    contest, rnd, attempts = scenario
    assert client.get(f"/thi/{contest.pk}/ket-qua/").status_code == 404  # not published yet
    officer = login(Client(), officers.a_propaganda)
    officer.post(
        f"/cuoc-thi/so/{contest.pk}/ket-qua/giai/",
        {"individual": "3", "units_entrants": "2", "units_rate": "1"},
    )
    contest.refresh_from_db()
    assert (contest.prizes_individual, contest.prizes_units_rate) == (3, 1)
    # Publishing while Bình's flag waits (the round closed in May): refused, with the reason.
    refused = officer.post(f"/cuoc-thi/so/{contest.pk}/ket-qua/cong-bo/", follow=True)
    assert "Vui lòng xem xét 1 bài thi có dấu hiệu bất thường" in refused.content.decode()
    contest.refresh_from_db()
    assert contest.results_published_at is None
    results.prizes_set(contest=contest, individual=3, units_entrants=2, units_rate=2)
    integrity.flag_decide(attempt=attempts["Bình"], decision="exclude", reason="Quá nhanh.")
    results.results_publish(contest=contest, now=rnd.closes_at + dt.timedelta(hours=1))
    page = client.get(f"/thi/{contest.pk}/ket-qua/").content.decode()
    assert "An" in page and "Công đoàn cơ sở Công ty CP Điện tử Đông Á" in page
    assert "0912001000" not in page and "0912***000" in page
    assert "01/01/1990" not in page  # no birth date
    assert "Xem kết quả cuộc thi" in client.get(f"/thi/{contest.pk}/").content.decode()
    login(client, officers.a_admin)
    officer_page = client.get(f"/cuoc-thi/so/{contest.pk}/ket-qua/").content.decode()
    assert "Giải đơn vị có nhiều người dự thi nhất" in officer_page
    export = client.get(f"/cuoc-thi/so/{contest.pk}/xep-hang.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == [
        "Xếp hạng",
        "Giải cá nhân",
        "Giải đơn vị - số người",
        "Giải đơn vị - tỷ lệ",
    ]
    people = [row[1] for row in book["Giải cá nhân"].iter_rows(min_row=2, values_only=True)]
    assert people == ["An", "Dũng", "Hà"]
    units = [
        row[1] for row in book["Giải đơn vị - số người"].iter_rows(min_row=2, values_only=True)
    ]
    assert units == [
        "Công đoàn cơ sở Công ty CP Điện tử Đông Á",
        "Công đoàn cơ sở Công ty TNHH May Ánh Dương",
    ]


def test_the_announcement_is_published_and_can_be_cascaded(
    client: Client, scenario, officers: Officers
) -> None:
    contest, rnd, attempts = scenario
    with pytest.raises(ValidationError):  # results first
        results.results_announce(contest=contest, actor=officers.a_propaganda)
    integrity.flag_decide(attempt=attempts["Bình"], decision="keep", reason="Đã xác minh.")
    results.results_publish(contest=contest, now=rnd.closes_at + dt.timedelta(hours=1))
    login(client, officers.a_propaganda)
    made = client.post(f"/cuoc-thi/so/{contest.pk}/ket-qua/thong-bao/")
    contest.refresh_from_db()
    item = contest.announcement
    assert item is not None and made["Location"] == item.get_absolute_url()
    assert item.unit == contest.unit and item.status == "draft"
    assert "An (Công đoàn cơ sở Công ty TNHH May Ánh Dương): 4 câu đúng" in item.body
    assert "0912" not in item.body
    # Asked again: the same item.
    assert results.results_announce(contest=contest, actor=officers.a_propaganda) == item
    # The unit's usual review, then the publishing: a Publication of the item.
    content_submit(item=item, actor=officers.a_propaganda)
    content_approve(item=item, actor=officers.a_leader)
    publication = publication_site_now(item=item, actor=officers.a_propaganda)
    assert Publication.objects.filter(item=item).get() == publication
    page = client.get(f"/cuoc-thi/so/{contest.pk}/ket-qua/").content.decode()
    link = f"/trien-khai/P-A/tao-moi/?noi-dung={item.pk}"
    assert link in page
    cascade_form = client.get(link)
    assert cascade_form.status_code == 200
    assert f'<option value="{item.pk}" selected>' in cascade_form.content.decode()


_VIETNAMESE = re.compile(
    r"\b\w*[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]\w*", re.I
)


def _vietnamese_left(html: str, data: list[str]) -> list[str]:
    body = html.split("<main", 1)[-1].split("</main>", 1)[0]
    text = unescape(
        re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S))
    )
    for item in sorted(data, key=len, reverse=True):
        text = text.replace(item, " ")
    return _VIETNAMESE.findall(text)


def test_the_new_screens_in_english(client: Client, scenario, officers: Officers) -> None:
    contest, rnd, attempts = scenario
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, officers.a_admin)
    data = [contest.title, contest.rules, rnd.title, "Lan Tỏa"]
    data += [e.full_name for e in Entrant.objects.all()]
    data += [u.name for u in Unit.objects.all()] + [u.short_name for u in Unit.objects.all()]
    flags = client.get(f"/cuoc-thi/so/{contest.pk}/dau-hieu/").content.decode()
    assert "Implausibly fast" in flags and "seconds a question" in flags
    assert _vietnamese_left(flags, data) == []
    page = client.get(f"/cuoc-thi/so/{contest.pk}/ket-qua/").content.decode()
    assert "Individual prizes" in page
    assert _vietnamese_left(page, data) == []
    integrity.flag_decide(attempt=attempts["Bình"], decision="keep", reason="Keep.")
    results.results_publish(contest=contest, now=rnd.closes_at + dt.timedelta(hours=1))
    public = Client()
    public.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    shown = public.get(f"/thi/{contest.pk}/ket-qua/").content.decode()
    assert "Results of the contest" in shown
    assert _vietnamese_left(shown, data) == []
