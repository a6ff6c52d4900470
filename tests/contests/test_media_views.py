"""The screens of video and photo contests: the organisers' (create, rubric, jury, review,
moderation, votes, results), a judge's from another unit, what outsiders get (404), and the
public pages (gallery, a work, sending a work, the vote with its code, live counts,
results)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from lantoa.contests import media
from lantoa.contests.models import Contest, EntryStatus, MediaEntry, Vote
from tests.conftest import Officers, Tree, login
from tests.contests.media_support import entrant, link_entry, photo_bytes, video_contest


def _live(contest: Contest) -> None:
    """Move the contest's windows around the real clock (the views use it)."""
    now = timezone.now()
    media.settings_of(contest).__class__.objects.filter(contest=contest).update(
        entries_open_at=now - dt.timedelta(days=3),
        entries_close_at=now + dt.timedelta(days=3),
        voting_open_at=now - dt.timedelta(days=2),
        voting_close_at=now + dt.timedelta(days=5),
    )


def test_officers_create_review_and_invite(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_propaganda)
    page = client.get("/cuoc-thi/P-A/tao-tac-pham/?loai=photo")
    assert page.status_code == 200 and "Tạo cuộc thi video clip, ảnh" in page.content.decode()
    data = {
        "kind": "video",
        "title": "Clip: Nét đẹp công nhân",
        "rules": "Mỗi người tối đa 3 tác phẩm.",
        "audience": "public",
        "entries_open_at": "01/06/2026 08:00",
        "entries_close_at": "30/06/2026 17:00",
        "voting_open_at": "10/06/2026 08:00",
        "voting_close_at": "10/07/2026 17:00",
        "formats": ["mp4", "webm"],
        "max_upload_mb": 150,
        "allow_links": "on",
        "entries_per_entrant": 2,
        "vote_rule": "day",
        "jury_weight": 70,
        "public_weight": 20,
    }
    bad = client.post("/cuoc-thi/P-A/tao-tac-pham/", data)
    assert bad.status_code == 400 and "cộng lại đúng 100" in bad.content.decode()
    data["public_weight"] = 30
    made = client.post("/cuoc-thi/P-A/tao-tac-pham/", data)
    contest = Contest.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/cuoc-thi/so/{contest.pk}/tac-pham/"
    assert contest.kind == "video" and media.settings_of(contest).formats == ["mp4", "webm"]
    # The quiz address of the contest leads to its own screen.
    assert client.get(f"/cuoc-thi/so/{contest.pk}/")["Location"].endswith("/tac-pham/")
    base = f"/cuoc-thi/so/{contest.pk}/tac-pham/"
    assert (
        client.post(
            f"{base}tieu-chi/", {"name": "Nội dung", "weight": 2, "max_score": 10}
        ).status_code
        == 302
    )
    invite = client.post(f"{base}giam-khao/", {"user": officers.a_viewer.pk})
    assert invite.status_code == 302
    assert client.post(f"{base}giam-khao/", {"user": officers.b_admin.pk}).status_code == 400
    page = client.get(base).content.decode()
    assert "Nội dung" in page and officers.a_viewer.full_name in page
    assert client.post(f"/cuoc-thi/so/{contest.pk}/gui-duyet/").status_code == 302
    login(client, officers.a_leader)
    assert client.post(f"/cuoc-thi/so/{contest.pk}/duyet/", {"comment": ""}).status_code == 302
    contest.refresh_from_db()
    assert contest.is_approved
    listing = client.get("/cuoc-thi/P-A/").content.decode()
    assert "Clip: Nét đẹp công nhân" in listing and "Thi video clip" in listing


def test_outsiders_get_404_and_a_judge_sees_only_approved_works(
    client: Client, tree: Tree, officers: Officers
) -> None:
    contest = video_contest(tree.pa)
    shown = link_entry(contest, entrant(contest, tree.a_g3, "0912100001"), "Đã duyệt", n=1)
    hidden = link_entry(
        contest, entrant(contest, tree.a_g2, "0912100002"), "Chờ duyệt", approve=False, n=2
    )
    base = f"/cuoc-thi/so/{contest.pk}"
    login(client, officers.b_admin)
    for path in (
        "/",
        "/tac-pham/",
        "/tac-pham/bai/",
        f"/tac-pham/bai/{shown.number}/",
        f"/tac-pham/bai/{shown.number}/anh/",
        "/tac-pham/phieu/",
        "/tac-pham/ket-qua/",
        "/ket-qua/",
    ):
        assert client.get(f"{base}{path}").status_code == 404, path
    for path in (
        "/tac-pham/cai-dat/",
        "/tac-pham/tieu-chi/",
        "/tac-pham/giam-khao/",
        f"/tac-pham/bai/{shown.number}/kiem-duyet/",
        f"/tac-pham/bai/{shown.number}/cham/",
        "/tac-pham/phieu/danh-dau/",
        "/tac-pham/ket-qua/giai/",
        "/tac-pham/ket-qua/cong-bo/",
        "/tac-pham/ket-qua/thong-bao/",
    ):
        assert client.post(f"{base}{path}").status_code == 404, path
    # The viewer of A-G1 does not see the province's contests… until invited as a judge:
    # then the approved works only, and their score sheet.
    login(client, officers.a_viewer)
    assert client.get(f"{base}/tac-pham/bai/").status_code == 404
    media.judge_invite(contest=contest, user=officers.a_viewer)
    assert client.get(f"{base}/tac-pham/")["Location"].endswith("/tac-pham/bai/")
    listing = client.get(f"{base}/tac-pham/bai/").content.decode()
    assert "Đã duyệt" in listing and "Chờ duyệt" not in listing
    assert client.get(f"{base}/tac-pham/bai/{hidden.number}/").status_code == 404
    assert client.get(f"{base}/tac-pham/phieu/").status_code == 404
    criteria = list(contest.criteria.all())
    sheet = {f"c{c.pk}": c.max_score for c in criteria}
    saved = client.post(f"{base}/tac-pham/bai/{shown.number}/cham/", sheet)
    assert saved.status_code == 302
    assert media.jury_scores(contest)[shown.pk] == pytest.approx(1.0)
    # A briefer at A-KCN sees contests of A-KCN only.
    login(client, officers.a_briefer)
    assert client.get(f"{base}/tac-pham/").status_code == 404


def test_a_judge_is_refused_their_own_units_work(
    client: Client, tree: Tree, officers: Officers
) -> None:
    contest = video_contest(tree.pa)
    own = link_entry(contest, entrant(contest, tree.a_g1, "0912200001"), "Của A-G1")
    media.judge_invite(contest=contest, user=officers.a_communicator)  # at A-KCN
    login(client, officers.a_communicator)
    page = client.get(f"/cuoc-thi/so/{contest.pk}/tac-pham/bai/{own.number}/").content.decode()
    assert "xung đột lợi ích" in page
    sheet = {f"c{c.pk}": 5 for c in contest.criteria.all()}
    refused = client.post(f"/cuoc-thi/so/{contest.pk}/tac-pham/bai/{own.number}/cham/", sheet)
    assert refused.status_code == 400 and "xung đột lợi ích" in refused.content.decode()


def test_moderation_votes_screen_and_annulment(
    client: Client, tree: Tree, officers: Officers
) -> None:
    contest = video_contest(tree.pa)
    work = link_entry(contest, entrant(contest, tree.a_g1, "0912300001"), "Clip", approve=False)
    _live(contest)
    login(client, officers.a_propaganda)
    base = f"/cuoc-thi/so/{contest.pk}/tac-pham"
    refused = client.post(f"{base}/bai/{work.number}/kiem-duyet/", {"decision": "reject"})
    assert refused.status_code == 400 and "lý do" in refused.content.decode()
    assert (
        client.post(f"{base}/bai/{work.number}/kiem-duyet/", {"decision": "approve"}).status_code
        == 302
    )
    work.refresh_from_db()
    assert work.status == EntryStatus.APPROVED
    person, code, _n = media.voter_start(contest=contest, phone="0977000001")
    media.voter_verify(voter=person, code=code)
    vote = media.vote_cast(entry=work, voter=person)
    page = client.get(f"{base}/phieu/").content.decode()
    assert person.identity_hash[:12] in page and "0977000001" not in page
    assert client.post(f"{base}/phieu/{vote.pk}/huy/", {"reason": ""}).status_code == 302
    vote.refresh_from_db()
    assert vote.annulled_at is None
    client.post(f"{base}/phieu/{vote.pk}/huy/", {"reason": "Phiếu thử của ban tổ chức"})
    vote.refresh_from_db()
    assert vote.annul_reason == "Phiếu thử của ban tổ chức"


def test_public_journey_send_vote_and_counts(
    client: Client, tree: Tree, capsys: pytest.CaptureFixture
) -> None:
    contest = video_contest(tree.pa, kind="photo")
    other = link_entry(contest, entrant(contest, tree.a_g2, "0912400001"), "Ảnh đã duyệt")
    _live(contest)
    waiting = MediaEntry.objects.create(
        contest=contest,
        entrant=other.entrant,
        number=99,
        unit=tree.a_g2,
        title="Ảnh chờ duyệt",
        work_kind="link",
        link_url="https://youtu.be/abcdefghijk",
        submitted_at=timezone.now(),
    )
    gallery = client.get(f"/thi/{contest.pk}/").content.decode()
    assert "Ảnh đã duyệt" in gallery and "Ảnh chờ duyệt" not in gallery
    assert client.get(f"/thi/{contest.pk}/tac-pham/{waiting.number}/").status_code == 404
    assert client.get(f"/thi/{contest.pk}/ket-qua/").status_code == 404
    # An entrant registers with the quiz contests' form and code, then sends a photo.
    assert client.get(f"/thi/{contest.pk}/gui-tac-pham/")["Location"].endswith("/dang-ky/")
    client.post(
        f"/thi/{contest.pk}/dang-ky/",
        {
            "full_name": "Phạm Thị Hoa",
            "birth_date": "01/02/1995",
            "phone": "0913555777",
            "unit": tree.a_g1.pk,
            "website": "",
        },
    )
    code = re.findall(r"…777\): (\d{6})", capsys.readouterr().out)[-1]
    client.post(f"/thi/{contest.pk}/xac-minh/", {"code": code})
    from django.core.files.uploadedfile import SimpleUploadedFile

    sent = client.post(
        f"/thi/{contest.pk}/gui-tac-pham/",
        {
            "title": "Nắng sớm ở xưởng",
            "description": "Ảnh chụp ca sáng.",
            "file": SimpleUploadedFile("anh.jpg", photo_bytes(), content_type="image/jpeg"),
        },
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    mine = MediaEntry.objects.get(title="Nắng sớm ở xưởng")
    assert mine.status == EntryStatus.PENDING and mine.unit == tree.a_g1
    page = client.get(f"/thi/{contest.pk}/").content.decode()
    assert "Tác phẩm của bạn" in page and "Chờ kiểm duyệt" in page
    # The entrant sees their own work and its file; a stranger does not.
    assert client.get(f"/thi/{contest.pk}/tac-pham/{mine.number}/").status_code == 200
    poster = client.get(f"/thi/{contest.pk}/tac-pham/{mine.number}/anh/")
    assert poster.status_code == 200 and poster["Cache-Control"] == "private, no-store"
    stranger = Client()
    assert stranger.get(f"/thi/{contest.pk}/tac-pham/{mine.number}/tep/").status_code == 404
    # A visitor votes: asked to verify first, then one vote, the duplicate refused (409),
    # the counts JSON follows.
    vote_url = f"/thi/{contest.pk}/tac-pham/{other.number}/binh-chon/"
    asked = stranger.post(vote_url, HTTP_ACCEPT="application/json")
    assert asked.status_code == 200 and "binh-chon" in asked.json()["verify"]
    stranger.post(f"/thi/{contest.pk}/binh-chon/", {"phone": "0987 111 222", "website": ""})
    code = re.findall(r"…222\): (\d{6})", capsys.readouterr().out)[-1]
    verified = stranger.post(f"/thi/{contest.pk}/binh-chon/ma/", {"code": code})
    assert verified.status_code == 302
    first = stranger.post(vote_url, HTTP_ACCEPT="application/json")
    assert first.status_code == 200 and first.json()["votes"] == 1
    again = stranger.post(vote_url, HTTP_ACCEPT="application/json")
    assert again.status_code == 409 and "hôm nay" in again.json()["message"]
    counts = stranger.get(f"/thi/{contest.pk}/so-phieu.json").json()
    assert counts == {"counts": {str(other.number): 1}}
    vote = Vote.objects.get()
    assert vote.ip_hash and vote.device_hash and vote.voter.identity_hash
    assert "0987111222" not in json.dumps(list(Vote.objects.values()), default=str)


def test_the_vote_endpoint_is_rate_limited(client: Client, tree: Tree, settings) -> None:
    from lantoa.contests import media_public_views

    contest = video_contest(tree.pa)
    work = link_entry(contest, entrant(contest, tree.a_g1, "0912500001"), "Clip")
    _live(contest)
    person, code, _n = media.voter_start(contest=contest, phone="0966000001")
    media.voter_verify(voter=person, code=code)
    session = client.session
    session[media_public_views.SESSION_VOTERS] = {str(contest.pk): person.pk}
    session.save()
    limit = media_public_views.VOTE_PER_VOTER
    for _ in range(limit.limit):
        limit.hit(str(person.pk))
    limited = client.post(
        f"/thi/{contest.pk}/tac-pham/{work.number}/binh-chon/", HTTP_ACCEPT="application/json"
    )
    assert limited.status_code == 429 and not Vote.objects.exists()


def test_public_list_shows_media_contests(client: Client, tree: Tree) -> None:
    contest = video_contest(tree.pa)
    _live(contest)
    page = client.get("/thi/").content.decode()
    assert contest.title in page and "Thi video clip, ảnh" in page
