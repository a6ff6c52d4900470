"""The entrant's unit on the registration form (quiz, video and photo contests alike): a
searched box over the organiser's subtree (``lantoa.units.picker``), never a list of every
unit; the search endpoint stays inside the contest's units and is limited per address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from lantoa.contests import public_views
from lantoa.contests.models import Entrant
from lantoa.inquiries import ratelimit
from tests.conftest import Tree
from tests.contests.support import quiz

pytestmark = pytest.mark.django_db

PERSON = {"full_name": "Phạm Thị Hoa", "birth_date": "02/03/1994", "phone": "0912345678"}


def _phone(ip: str = "203.0.113.21") -> Client:
    return Client(REMOTE_ADDR=ip)


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def test_search_stays_inside_the_contests_units(tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa)
    url = reverse("contests_public:units", kwargs={"contest_id": contest.pk})
    assert url == f"/thi/{contest.pk}/don-vi/"
    phone = _phone()
    found = phone.get(url, {"q": "dien tu DONG a"}).json()["results"]  # đ → d, case ignored
    assert [r["id"] for r in found] == [tree.a_g2.pk]
    assert found[0]["code"] == tree.a_g2.code and found[0]["name"] == tree.a_g2.name
    assert [r["id"] for r in phone.get(url, {"q": "Điện tử Đông Á"}).json()["results"]] == [
        tree.a_g2.pk
    ]
    assert {r["id"] for r in phone.get(url, {"q": "my binh"}).json()["results"]} == {
        tree.a_xa.pk,
        tree.a_g3.pk,
    }
    # Province B's union exists, but not for a contest run by province A.
    assert phone.get(url, {"q": "giay duc thanh"}).json() == {"results": []}
    assert phone.get(url, {"q": tree.b_g1.code}).json() == {"results": []}
    assert phone.get(url).json() == {"results": []}
    # A contest run by a grassroots union offers that union only.
    small, _rounds = quiz(tree.a_g1)
    small_url = reverse("contests_public:units", kwargs={"contest_id": small.pk})
    assert phone.get(small_url, {"q": "my binh"}).json() == {"results": []}
    unapproved, _rounds = quiz(tree.pa, approve=False)
    assert phone.get(f"/thi/{unapproved.pk}/don-vi/", {"q": "my binh"}).status_code == 404
    assert phone.post(url, {"q": "my binh"}).status_code == 405


def test_search_is_rate_limited_per_address(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(public_views, "SEARCH_PER_IP", ratelimit.Limit("contest-units-ip", 3, 60))
    contest, _rounds = quiz(tree.pa)
    url = reverse("contests_public:units", kwargs={"contest_id": contest.pk})
    phone = _phone("203.0.113.22")
    for _i in range(3):
        assert phone.get(url, {"q": "my binh"}).status_code == 200
    refused = phone.get(url, {"q": "my binh"})
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "vui lòng đợi vài giây" in refused.json()["error"]
    assert _phone("198.51.100.23").get(url, {"q": "my binh"}).status_code == 200


def test_registration_page_has_the_box_not_a_list(tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa)
    page = _phone().get(f"/thi/{contest.pk}/dang-ky/").content.decode()
    assert f'data-unit-picker="/thi/{contest.pk}/don-vi/"' in page
    assert 'name="unit_q"' in page and "unit-picker.js" in page
    assert "<select" not in page and tree.a_g3.name not in page


def test_without_javascript_search_then_choose(
    tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    contest, _rounds = quiz(tree.pa)
    url = f"/thi/{contest.pk}/dang-ky/"
    phone = _phone("203.0.113.24")
    asked = phone.post(url, {**PERSON, "unit_q": "My Binh"})
    page = asked.content.decode()
    assert asked.status_code == 400 and "Có nhiều đơn vị khớp với “My Binh”" in page
    assert tree.a_xa.name in page and tree.a_g3.name in page
    assert "Phạm Thị Hoa" in page  # what was typed is kept
    assert not Entrant.objects.exists()
    chosen = phone.post(url, {**PERSON, "unit_q": "My Binh", "unit": str(tree.a_g3.pk)})
    assert chosen.status_code == 302, chosen.content.decode()[:2000]
    assert Entrant.objects.get().unit_id == tree.a_g3.pk
    # A code typed in full needs no choice.
    other = _phone("198.51.100.25").post(
        url, {**PERSON, "phone": "0987654321", "unit_q": tree.a_g1.code.lower()}
    )
    assert other.status_code == 302
    assert Entrant.objects.get(phone="0987654321").unit_id == tree.a_g1.pk
    capsys.readouterr()


def test_units_outside_the_contest_are_refused(tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa)
    url = f"/thi/{contest.pk}/dang-ky/"
    phone = _phone("203.0.113.26")
    # The id of another province's union, as a crafted post would send it.
    crafted = phone.post(url, {**PERSON, "unit": str(tree.b_g1.pk)})
    assert crafted.status_code == 400
    assert "Vui lòng gõ tên hoặc mã đơn vị của bạn" in crafted.content.decode()
    typed = phone.post(url, {**PERSON, "unit_q": "Giày Đức Thành"})
    assert typed.status_code == 400
    assert "Không tìm thấy đơn vị nào khớp với “Giày Đức Thành”" in typed.content.decode()
    # An id that is not a number is no unit either.
    junk = phone.post(url, {**PERSON, "unit": "1 OR 1=1"})
    assert junk.status_code == 400
    assert not Entrant.objects.exists()
