"""The rules of video and photo contests (lantoa.contests.media): settings and weights,
entries (uploads checked by their bytes, links by their host), moderation, the jury with
its conflict of interest, the vote (a database constraint against the duplicate, the burst
flag, annulment) and the results with their announcement."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from lantoa.audit.models import AuditEvent
from lantoa.contests import media, media_files
from lantoa.contests.models import EntryStatus, MediaEntry, Vote, VoteFlag
from lantoa.notifications.models import Notification
from tests.conftest import Officers, Tree
from tests.contests.media_support import (
    DAY,
    NOW,
    entrant,
    link_entry,
    photo_bytes,
    video_contest,
    voter,
)


def test_weights_dates_and_formats_are_checked(tree: Tree) -> None:
    with pytest.raises(ValidationError) as caught:
        video_contest(tree.pa, jury=70, public=40)
    assert "cộng lại đúng 100" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        video_contest(tree.pa, formats=["jpeg"])
    assert "MP4, WebM, MOV" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        video_contest(tree.pa, voting_close_at=NOW - 6 * DAY)
    assert "Hạn bình chọn phải sau" in str(caught.value)
    contest = video_contest(tree.pa, approve=False, criteria=())
    with pytest.raises(ValidationError) as caught:
        media.services.contest_submit(contest=contest)
    assert "tiêu chí chấm" in str(caught.value)
    # Settings stay editable while the contest is a draft, not after.
    media.media_settings_update(contest=contest, jury_weight=0, public_weight=100)
    media.services.contest_submit(contest=contest)  # no jury weight: no rubric needed
    with pytest.raises(ValidationError):
        media.media_settings_update(contest=contest, jury_weight=50, public_weight=50)


def test_uploads_are_checked_by_their_bytes_and_photos_get_a_thumbnail(tree: Tree) -> None:
    contest = video_contest(tree.pa, kind="photo", max_upload_mb=1)
    person = entrant(contest, tree.a_g1, "0912000111")
    data = photo_bytes(size=(1600, 900))
    work = media.entry_submit(
        contest=contest,
        entrant=person,
        title="Ca đêm",
        upload=io.BytesIO(data),
        upload_size=len(data),
        now=NOW,
    )
    assert work.status == EntryStatus.PENDING and work.unit == tree.a_g1
    assert work.file_format == "jpeg" and work.file.name.startswith("contests/entries/")
    with work.poster.open("rb") as fh:
        from PIL import Image

        assert max(Image.open(fh).size) == media_files.THUMBNAIL_PX
    # A "photo" that is a PDF, a photo too big, a video in a photo contest: refused, nothing
    # stored.
    before = MediaEntry.objects.count()
    for payload, message in (
        (b"%PDF-1.7 not a photo", "chỉ nhận tệp JPEG, PNG, WebP"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, "chỉ nhận tệp JPEG, PNG, WebP"),
        (b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 1), "tối đa 1 MB"),
        (b"\xff\xd8\xff\xe0 broken", "không phải ảnh hợp lệ"),
    ):
        with pytest.raises(ValidationError) as caught:
            media.entry_submit(
                contest=contest,
                entrant=person,
                title="Sai",
                upload=io.BytesIO(payload),
                upload_size=len(payload),
                now=NOW,
            )
        assert message in str(caught.value), caught.value
    assert MediaEntry.objects.count() == before


def test_a_video_without_ffmpeg_gets_a_placeholder_poster(tree: Tree, monkeypatch) -> None:
    monkeypatch.setattr(media_files.shutil, "which", lambda name: None)
    contest = video_contest(tree.pa)
    person = entrant(contest, tree.a_g1, "0912000222")
    clip = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 2000
    work = media.entry_submit(
        contest=contest,
        entrant=person,
        title="Một ngày ở xưởng",
        upload=io.BytesIO(clip),
        upload_size=len(clip),
        now=NOW,
    )
    assert work.file_format == "mp4" and work.poster_placeholder and work.poster
    webm = b"\x1a\x45\xdf\xa3" + b"\x00" * 100
    other = media.entry_submit(
        contest=contest,
        entrant=person,
        title="Bản WebM",
        upload=io.BytesIO(webm),
        upload_size=len(webm),
        now=NOW,
    )
    assert other.file_format == "webm"


def test_links_only_to_the_entrants_own_posts_on_three_platforms(tree: Tree) -> None:
    contest = video_contest(tree.pa)
    person = entrant(contest, tree.a_g1, "0912000333")
    for url, platform in (
        ("https://www.facebook.com/reel/123456", "facebook"),
        ("https://youtu.be/abcdefghijk", "youtube"),
        ("https://vt.tiktok.com/ZSabc123/", "tiktok"),
    ):
        work = media.entry_submit(
            contest=contest, entrant=person, title=f"Clip {platform}", link_url=url, now=NOW
        )
        assert work.link_platform == platform
    for bad in (
        "http://www.youtube.com/watch?v=abc",  # not https
        "https://youtube.com.evil.example/watch?v=abc",
        "https://notyoutube.com/watch?v=abc",
        "https://www.youtube.com/",  # the home page, not a post
        "javascript:alert(1)",
    ):
        with pytest.raises(ValidationError) as caught:
            media.entry_submit(contest=contest, entrant=person, title="Sai", link_url=bad, now=NOW)
        assert "Facebook, YouTube hoặc TikTok" in str(caught.value) or "tối đa" in str(
            caught.value
        ), bad


def test_entries_window_limit_and_moderation(tree: Tree, officers: Officers) -> None:
    contest = video_contest(tree.pa, entries_per_entrant=1)
    person = entrant(contest, tree.a_g1, "0912000444")
    with pytest.raises(ValidationError) as caught:
        media.entry_submit(
            contest=contest,
            entrant=person,
            title="Muộn",
            link_url="https://youtu.be/abcdefghijk",
            now=NOW + 11 * DAY,
        )
    assert "hết hạn nhận tác phẩm" in str(caught.value)
    work = link_entry(contest, person, "Clip", approve=False)
    with pytest.raises(ValidationError) as caught:
        link_entry(contest, person, "Clip hai", n=2)
    assert "đủ 1 tác phẩm" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        media.entry_moderate(entry=work, approve=False, reason="", actor=officers.a_propaganda)
    assert "lý do" in str(caught.value)
    with pytest.raises(PermissionDenied):
        media.entry_moderate(entry=work, approve=True, actor=officers.b_admin)
    media.entry_moderate(
        entry=work,
        approve=False,
        reason="Không phải tác phẩm của tác giả.",
        actor=officers.a_propaganda,
    )
    assert AuditEvent.objects.filter(action="contest.media.moderate").exists()
    # Rejected, it no longer counts against the limit.
    link_entry(contest, person, "Clip mới", n=3)


def test_conflict_of_interest_and_jury_score(tree: Tree, officers: Officers) -> None:
    contest = video_contest(tree.pa)  # criteria: Nội dung ×3 /10, Kỹ thuật ×1 /5
    g1 = link_entry(contest, entrant(contest, tree.a_g1, "0912000501"), "Của A-G1", n=1)
    g3 = link_entry(contest, entrant(contest, tree.a_g3, "0912000502"), "Của A-G3", n=2)
    # The communicator holds a role at A-KCN (A-G1's parent, below the province): A-G1's work
    # is their own unit's; the province's leader judges everything.
    near = media.judge_invite(contest=contest, user=officers.a_communicator)
    media.judge_invite(contest=contest, user=officers.a_leader)
    with pytest.raises(ValidationError) as caught:
        media.judge_invite(contest=contest, user=officers.b_admin)  # another province
    assert "Chỉ mời được cán bộ" in str(caught.value)
    # Each judge is told once, with a link to their judging list; inviting again adds nothing.
    media.judge_invite(contest=contest, user=officers.a_leader)
    notices = Notification.objects.filter(kind="contest.judge_invited")
    assert sorted(n.user_id for n in notices) == sorted(
        [officers.a_communicator.pk, officers.a_leader.pk]
    )
    notice = notices.get(user=officers.a_leader)
    assert contest.title in notice.title and notice.url == reverse("contests:media_juries")
    assert "không chấm tác phẩm của đơn vị mình" in notice.body
    criteria = {c.name: c.pk for c in contest.criteria.all()}
    with pytest.raises(ValidationError) as caught:
        media.score_set(
            entry=g1,
            actor=officers.a_communicator,
            values={criteria["Nội dung"]: 8, criteria["Kỹ thuật"]: 4},
        )
    assert "xung đột lợi ích" in str(caught.value) and tree.a_kcn.name in str(caught.value)
    assert set(media.conflicted_entries(near)) == {g1.pk}
    with pytest.raises(PermissionDenied):
        media.score_set(entry=g3, actor=officers.a_admin, values={})  # not a judge
    with pytest.raises(ValidationError) as caught:
        media.score_set(
            entry=g3,
            actor=officers.a_leader,
            values={criteria["Nội dung"]: 11, criteria["Kỹ thuật"]: 4},
        )
    assert "từ 0 đến 10" in str(caught.value)
    media.score_set(
        entry=g3, actor=officers.a_leader, values={criteria["Nội dung"]: 8, criteria["Kỹ thuật"]: 5}
    )
    media.score_set(
        entry=g3,
        actor=officers.a_communicator,
        values={criteria["Nội dung"]: 6, criteria["Kỹ thuật"]: 1},
    )
    media.score_set(
        entry=g1,
        actor=officers.a_leader,
        values={criteria["Nội dung"]: 10, criteria["Kỹ thuật"]: 0},
    )
    # By hand: leader on g3 (3×0,8 + 1×1,0) ÷ 4 = 0,85; communicator (3×0,6 + 1×0,2) ÷ 4 = 0,5;
    # mean 0,675. g1: the leader only, (3×1 + 0) ÷ 4 = 0,75.
    scores = media.jury_scores(contest)
    assert scores[g3.pk] == pytest.approx(0.675) and scores[g1.pk] == pytest.approx(0.75)
    assert media.scoring_left(contest) == 0
    # The rubric is fixed once scoring started; a judge who scored stays.
    with pytest.raises(ValidationError):
        media.criterion_add(contest=contest, name="Sáng tạo", weight=1)
    with pytest.raises(ValidationError):
        media.judge_remove(judge=near)


def test_one_vote_per_identity_per_entry_per_day_by_a_database_constraint(tree: Tree) -> None:
    contest = video_contest(tree.pa)
    work = link_entry(contest, entrant(contest, tree.a_g1, "0912000601"), "Clip")
    fan = voter(contest, "0987 654 321")
    assert fan.identity_hash and "0987654321" not in fan.identity_hash
    media.vote_cast(entry=work, voter=fan, now=NOW)
    with pytest.raises(ValidationError) as caught:
        media.vote_cast(entry=work, voter=fan, now=NOW + dt.timedelta(hours=2))
    assert "hôm nay" in str(caught.value)
    # The same phone number verified again is the same voter.
    assert voter(contest, "+84987654321").pk == fan.pk
    # The database itself refuses the second row, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            contest=contest, entry=work, voter=fan, period=NOW.date().isoformat(), created_at=NOW
        )
    media.vote_cast(entry=work, voter=fan, now=NOW + DAY)  # the next day: a new vote
    assert media.vote_counts(contest) == {work.pk: 2}


def test_per_contest_rule_and_voting_window(tree: Tree) -> None:
    contest = video_contest(tree.pa, rule="contest")
    work = link_entry(contest, entrant(contest, tree.a_g1, "0912000701"), "Clip")
    fan = voter(contest, "0987000111")
    media.vote_cast(entry=work, voter=fan, now=NOW)
    with pytest.raises(ValidationError) as caught:
        media.vote_cast(entry=work, voter=fan, now=NOW + 3 * DAY)
    assert "mỗi người một phiếu" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        media.voter_start(contest=contest, phone="0987000222", now=NOW + 30 * DAY)
    assert "Bình chọn mở từ" in str(caught.value)
    pending = link_entry(
        contest, entrant(contest, tree.a_g2, "0912000702"), "Chờ", approve=False, n=2
    )
    with pytest.raises(ValidationError):
        media.vote_cast(entry=pending, voter=fan, now=NOW)


def test_a_burst_from_new_identities_is_flagged_not_refused(tree: Tree, settings) -> None:
    settings.LANTOA_CONTEST_VOTE_BURST = 5
    settings.LANTOA_CONTEST_VOTE_BURST_SECONDS = 300
    contest = video_contest(tree.pa)
    work = link_entry(contest, entrant(contest, tree.a_g1, "0912000801"), "Clip")
    other = link_entry(contest, entrant(contest, tree.a_g2, "0912000802"), "Clip khác", n=2)
    # Four old voters (verified days ago) vote within the window: no flag.
    for i in range(4):
        fan = voter(contest, f"090000000{i}", at=NOW - 4 * DAY)
        media.vote_cast(entry=work, voter=fan, now=NOW + dt.timedelta(seconds=i))
    assert not Vote.objects.exclude(flag="").exists()
    # Five new numbers, each verified seconds before voting, within a minute: all five
    # flagged (the old voters' votes are not), every vote still counted.
    for i in range(5):
        at = NOW + dt.timedelta(seconds=10 + 10 * i)
        media.vote_cast(entry=work, voter=voter(contest, f"091100000{i}", at=at), now=at)
    flagged = Vote.objects.filter(flag=VoteFlag.PENDING)
    assert flagged.count() == 5 and media.vote_counts(contest)[work.pk] == 9
    assert flagged.first().flag_detail["votes"] == 5
    # A vote for another work is not part of the burst.
    at = NOW + dt.timedelta(seconds=70)
    media.vote_cast(entry=other, voter=voter(contest, "0922000000", at=at), now=at)
    assert media.pending_votes(contest) == 5


def test_annulment_with_a_reason_before_the_results(tree: Tree, officers: Officers) -> None:
    contest = video_contest(tree.pa)
    work = link_entry(contest, entrant(contest, tree.a_g1, "0912000901"), "Clip")
    vote = media.vote_cast(entry=work, voter=voter(contest, "0933000111"), now=NOW)
    with pytest.raises(ValidationError):
        media.vote_annul(vote=vote, reason=" ", actor=officers.a_propaganda)
    with pytest.raises(PermissionDenied):
        media.vote_annul(vote=vote, reason="Phiếu ảo", actor=officers.b_admin)
    media.vote_annul(vote=vote, reason="Số điện thoại của ban tổ chức", actor=officers.a_propaganda)
    vote.refresh_from_db()
    assert vote.annulled_at and vote.annulled_by == officers.a_propaganda
    assert media.vote_counts(contest) == {}
    assert AuditEvent.objects.filter(action="contest.media.vote_annul").exists()


def test_final_score_weights_results_and_announcement(tree: Tree, officers: Officers) -> None:
    contest = video_contest(tree.pa, jury=60, public=40, criteria=(("Nội dung", 1, 10),))
    a = link_entry(contest, entrant(contest, tree.a_g1, "0912001001", "Lê Văn A"), "Clip A", n=1)
    b = link_entry(contest, entrant(contest, tree.a_g2, "0912001002", "Trần Thị B"), "Clip B", n=2)
    (crit,) = contest.criteria.all()
    media.judge_invite(contest=contest, user=officers.a_leader)
    media.score_set(entry=a, actor=officers.a_leader, values={crit.pk: 9})
    media.score_set(entry=b, actor=officers.a_leader, values={crit.pk: 5})
    for i in range(4):
        media.vote_cast(entry=b, voter=voter(contest, f"094400000{i}"), now=NOW)
    media.vote_cast(entry=a, voter=voter(contest, "0955000000"), now=NOW)
    # A: 60 × 0,9 + 40 × 1/4 = 64; B: 60 × 0,5 + 40 × 4/4 = 70.
    rows = media.standings(contest)
    assert [(r.entry.pk, r.final) for r in rows] == [(b.pk, 70.0), (a.pk, 64.0)]
    media.winners_set(contest=contest, count=1, actor=officers.a_propaganda)
    with pytest.raises(ValidationError) as caught:
        media.media_results_publish(contest=contest, actor=officers.a_propaganda, now=NOW)
    assert "kết thúc lúc" in str(caught.value)
    later = NOW + 21 * DAY
    published = media.media_results_publish(contest=contest, actor=officers.a_propaganda, now=later)
    assert published.results_published_at == later
    with pytest.raises(ValidationError):  # nothing changes after the results
        media.vote_annul(vote=Vote.objects.first(), reason="Muộn", actor=officers.a_propaganda)
    item = media.media_results_announce(contest=contest, actor=officers.a_propaganda)
    assert item.unit == tree.pa and item.status == "draft"
    assert "“Clip B” của Trần Thị B" in item.body and "70,0 điểm" in item.body
    assert "Clip A" not in item.body
    assert media.media_results_announce(contest=contest, actor=officers.a_propaganda) == item


def test_counted_for_the_organiser_and_the_entrants_grassroots_unions(tree: Tree) -> None:
    from lantoa.core.extensions import target_metrics
    from lantoa.core.periods import parse_period
    from lantoa.reports.data import report_data
    from lantoa.reports.render import render

    contest = video_contest(tree.pa)
    link_entry(contest, entrant(contest, tree.a_g1, "0912002001"), "Clip 1", n=1)
    link_entry(contest, entrant(contest, tree.a_g1, "0912002002"), "Clip 2", n=2)
    link_entry(contest, entrant(contest, tree.a_g3, "0912002003"), "Clip 3", n=3)
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    organised = target_metrics.get("contests_organised")
    assert organised.values([tree.pa.pk, tree.a_kcn.pk], *year) == {tree.pa.pk: 1.0}
    taking_part = target_metrics.get("contest_entrants")
    ids = [tree.pa.pk, tree.a_kcn.pk, tree.a_g1.pk, tree.a_g3.pk, tree.pb.pk]
    assert taking_part.values(ids, *year) == {
        tree.pa.pk: 3.0,
        tree.a_kcn.pk: 2.0,
        tree.a_g1.pk: 2.0,
        tree.a_g3.pk: 1.0,
    }
    text = render(report_data(tree.pa, parse_period("2026-H1")), "md").decode()
    assert "đã tổ chức 1 cuộc thi trực tuyến (1 cuộc thi video clip, ảnh)" in text
    assert (
        "Đã có 3 lượt đoàn viên của 2 công đoàn cơ sở tham gia cuộc thi trực tuyến, với 3 tác "
        "phẩm video clip, ảnh." in text
    )
    own = render(report_data(tree.a_g1, parse_period("2026-H1")), "md").decode()
    assert "Đã có 2 lượt đoàn viên tham gia cuộc thi trực tuyến, với 2 tác phẩm" in own


def test_a_video_poster_is_a_frame_cut_by_ffmpeg_when_present(
    tree: Tree, tmp_path, monkeypatch
) -> None:
    """A stand-in ``ffmpeg`` on the PATH writes a frame where the real one would (the last
    argument): the poster is that frame, made a thumbnail, and not marked a placeholder."""
    frame = tmp_path / "frame.jpg"
    frame.write_bytes(photo_bytes("darkred", size=(1280, 720)))
    fake = tmp_path / "bin" / "ffmpeg"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\nfor last; do :; done\ncp "{frame}" "$last"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    contest = video_contest(tree.pa)
    person = entrant(contest, tree.a_g1, "0912003001")
    clip = b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 500
    work = media.entry_submit(
        contest=contest,
        entrant=person,
        title="Clip MOV",
        upload=io.BytesIO(clip),
        upload_size=len(clip),
        now=NOW,
    )
    assert work.file_format == "mov" and not work.poster_placeholder
    from PIL import Image

    with work.poster.open("rb") as fh:
        poster = Image.open(fh)
        assert poster.size == (640, 360) and poster.getpixel((10, 10))[0] > 100
