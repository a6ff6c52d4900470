"""Integrity of the quiz contests: the proof-of-work, the flags found on real attempts, the
organisers' review (an excluded attempt leaves the ranking) and the national ID kept as a
keyed hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from lantoa.audit.models import AuditEvent
from lantoa.contests import entry, integrity, results, selectors, services
from lantoa.contests.models import Attempt, Challenge, Entrant, Flag, FlagDecision, Round
from tests.conftest import Officers, Tree, login
from tests.contests.support import NOW, answer_all, entrant, quiz


def _take(person: Entrant, rnd: Round, *, seconds: int, right: int, start: int = 0, **kw):
    t0 = NOW + dt.timedelta(seconds=start)
    attempt = entry.attempt_start(entrant=person, round=rnd, now=t0, **kw)
    answer_all(attempt, right=right, now=t0 + dt.timedelta(seconds=1))
    return entry.attempt_submit(
        attempt=attempt, prediction=1, now=t0 + dt.timedelta(seconds=seconds)
    )


def _kinds(attempt: Attempt) -> set[str]:
    return set(Flag.objects.filter(attempt=attempt).values_list("kind", flat=True))


# --- proof-of-work --------------------------------------------------------------------------


def test_leading_zero_bits_and_pow() -> None:
    assert integrity.leading_zero_bits(bytes([0, 0, 0x10]) + bytes(29)) == 19
    assert integrity.leading_zero_bits(bytes([0x80]) + bytes(31)) == 0
    nonce = "ab" * 16
    suffix = next(str(n) for n in range(100_000) if integrity.pow_ok(nonce, str(n), 12))
    digest = hashlib.sha256(f"{nonce}:{suffix}".encode()).digest()
    assert digest[0] == 0 and digest[1] >> 4 == 0
    assert not all(integrity.pow_ok(nonce, str(n), 12) for n in range(50))


def test_a_challenge_is_single_use_expires_and_belongs_to_its_entrant(tree: Tree) -> None:
    contest, _rounds = quiz(tree.pa)
    one = entrant(contest, tree.a_g1, "0912000201", "An")
    two = entrant(contest, tree.a_g1, "0912000202", "Bình")
    challenge = integrity.challenge_issue(entrant=one, now=NOW)
    assert challenge.difficulty == 4  # tests/settings.py
    suffix = next(str(n) for n in range(10_000) if integrity.pow_ok(challenge.nonce, str(n), 4))
    bad = next(str(n) for n in range(10_000) if not integrity.pow_ok(challenge.nonce, str(n), 4))
    with pytest.raises(ValidationError):
        integrity.challenge_redeem(entrant=one, nonce=challenge.nonce, suffix=bad, now=NOW)
    with pytest.raises(ValidationError):  # another entrant's challenge
        integrity.challenge_redeem(entrant=two, nonce=challenge.nonce, suffix=suffix, now=NOW)
    late = NOW + dt.timedelta(seconds=601)
    with pytest.raises(ValidationError):
        integrity.challenge_redeem(entrant=one, nonce=challenge.nonce, suffix=suffix, now=late)
    integrity.challenge_redeem(entrant=one, nonce=challenge.nonce, suffix=suffix, now=NOW)
    with pytest.raises(ValidationError):  # used once only
        integrity.challenge_redeem(entrant=one, nonce=challenge.nonce, suffix=suffix, now=NOW)
    assert Challenge.objects.get().used_at == NOW
    assert integrity.challenges_purge(now=NOW + dt.timedelta(days=2)) == 1


# --- flags on real attempts -------------------------------------------------------------------


def test_fast_and_identical_attempts_are_flagged(tree: Tree, settings) -> None:
    settings.LANTOA_CONTEST_FAST_SECONDS = 3
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4)
    people = [entrant(contest, tree.a_g1, f"09120003{i:02d}", f"Người {i}") for i in range(4)]
    # 4 questions in 10 s: 2,5 s a question, under 3 s.
    fast = _take(people[0], rnd, seconds=10, right=4)
    slow = _take(people[1], rnd, seconds=60, right=4)
    assert _kinds(fast) == {"fast"} and _kinds(slow) == set()
    assert Flag.objects.get(attempt=fast).detail == {"seconds": 2.5}
    # The same questions and options (the same draw), the same answers with two wrong: both
    # flagged; a third with the same draw, all right, is not (right answers agree anyway).
    same = [
        _take(p, rnd, seconds=120, right=2, start=100, rng=random.Random(7)) for p in people[2:]
    ]
    assert all(a.answers_hash and a.answers_hash == same[0].answers_hash for a in same)
    assert [_kinds(a) for a in same] == [{"identical"}, {"identical"}]
    again = entry.attempt_start(
        entrant=people[1], round=rnd, now=NOW + dt.timedelta(seconds=300), rng=random.Random(7)
    )
    answer_all(again, right=4, now=NOW + dt.timedelta(seconds=301))
    entry.attempt_submit(attempt=again, now=NOW + dt.timedelta(seconds=400))
    assert again.answers_hash == "" and _kinds(again) == set()


def test_many_entrants_on_one_device_or_address_are_flagged_not_blocked(
    tree: Tree, settings
) -> None:
    settings.LANTOA_CONTEST_DEVICE_ENTRANTS = 3
    settings.LANTOA_CONTEST_IP_ENTRANTS = 4
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4)
    device = integrity.keyed_hash("device", "one-phone-token-123456")
    address = integrity.keyed_hash("ip", "203.0.113.7")
    assert "203.0.113.7" not in address and len(address) == 64
    people = [entrant(contest, tree.a_g2, f"09120004{i:02d}", f"Công nhân {i}") for i in range(4)]
    taken = []
    # Every answer right: an identical sheet needs a wrong answer in common, so no draw of the
    # questions can add an "identical" flag here.
    for i, person in enumerate(people[:2]):
        taken.append(
            _take(person, rnd, seconds=100, right=4, start=i, device_hash=device, ip_hash=address)
        )
    assert all(_kinds(a) == set() for a in taken)  # two on a phone: a family, not flagged
    taken.append(
        _take(people[2], rnd, seconds=100, right=4, start=5, device_hash=device, ip_hash=address)
    )
    assert all(_kinds(a) == {"device"} for a in taken)  # the third flags all three
    # A fourth on another phone of the same factory network: the address threshold.
    other = integrity.keyed_hash("device", "another-phone-token-99")
    taken.append(
        _take(people[3], rnd, seconds=100, right=4, start=9, device_hash=other, ip_hash=address)
    )
    assert [_kinds(a) for a in taken] == [{"device", "ip"}] * 3 + [{"ip"}]
    # Past the threshold, the new attempt is flagged too (the others already were).
    fifth = entrant(contest, tree.a_g2, "0912000499", "Công nhân 5")
    late = _take(fifth, rnd, seconds=100, right=4, start=12, ip_hash=address)
    assert _kinds(late) == {"ip"}
    assert Flag.objects.get(attempt=late).detail == {"count": 5}
    assert Attempt.objects.filter(submitted_at__isnull=False).count() == 5  # nobody blocked
    assert integrity.flags_detect(contest) == 0  # the full scan finds nothing new


def test_a_submission_counts_its_device_and_address_in_one_query(
    tree: Tree, settings, django_assert_num_queries
) -> None:
    """At a submission only the signs the attempt can show are looked for: its speed from its
    own figures, the device and the address counted together, no national id to compare."""
    settings.LANTOA_CONTEST_IP_ENTRANTS = 2
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4)
    address = integrity.keyed_hash("ip", "203.0.113.9")
    first, second = (
        _take(
            entrant(contest, tree.a_g2, f"09120006{i:02d}", f"Công nhân {i}"),
            rnd,
            seconds=100,
            right=4,
            start=i,
            device_hash=integrity.keyed_hash("device", f"phone-token-{i:020d}"),
            ip_hash=address,
        )
        for i in range(2)
    )
    assert first.answers_hash == "" and [_kinds(first), _kinds(second)] == [{"ip"}, {"ip"}]
    Flag.objects.all().delete()
    attempt = Attempt.objects.select_related("entrant", "round").get(pk=second.pk)
    # The device's and the address's counts in one query; the group's attempts (it has just
    # reached the threshold: both are flagged); the flags written in one INSERT.
    with django_assert_num_queries(3):
        assert integrity.flags_detect(contest, attempt=attempt) == 2
    assert integrity.flags_detect(contest) == 0  # the full scan agrees


def test_the_review_excludes_an_attempt_from_the_ranking(
    tree: Tree, officers: Officers, settings
) -> None:
    settings.LANTOA_CONTEST_FAST_SECONDS = 3
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4)
    cheat = _take(entrant(contest, tree.a_g1, "0912000501", "Nhanh"), rnd, seconds=8, right=4)
    honest = _take(entrant(contest, tree.a_g2, "0912000502", "Chậm"), rnd, seconds=90, right=3)
    assert [r.attempt_id for r in selectors.round_ranking(rnd)] == [cheat.pk, honest.pk]
    assert selectors.round_actuals(contest) == {rnd.pk: 1}
    assert integrity.pending_flags(contest) == 1
    with pytest.raises(ValidationError) as no_reason:
        integrity.flag_decide(attempt=cheat, decision="exclude", reason=" ", actor=officers.a_admin)
    assert "reason" in no_reason.value.message_dict
    integrity.flag_decide(
        attempt=cheat,
        decision=FlagDecision.EXCLUDE,
        reason="8 giây cho 4 câu: không thể đọc hết câu hỏi.",
        actor=officers.a_admin,
    )
    assert integrity.pending_flags(contest) == 0
    assert [r.attempt_id for r in selectors.round_ranking(rnd)] == [honest.pk]
    assert [o.full_name for o in selectors.overall_ranking(contest)] == ["Chậm"]
    assert selectors.round_actuals(contest) == {rnd.pk: 0}  # nor in the tie-break's count
    event = AuditEvent.objects.filter(action="contest.flag_decide").get()
    assert event.data["decision"] == "exclude" and event.data["attempt"] == cheat.pk
    flag = Flag.objects.get(attempt=cheat)
    assert flag.decided_by == officers.a_admin and flag.decision_reason.startswith("8 giây")
    # Kept again on a second look: back in the ranking.
    integrity.flag_decide(
        attempt=cheat, decision="keep", reason="Đã gọi điện xác minh.", actor=officers.a_admin
    )
    assert [r.attempt_id for r in selectors.round_ranking(rnd)] == [cheat.pk, honest.pk]
    # An officer of another province cannot decide.
    with pytest.raises(Exception) as refused:
        integrity.flag_decide(
            attempt=cheat, decision="exclude", reason="Thử.", actor=officers.b_admin
        )
    assert refused.type.__name__ == "PermissionDenied"


def test_results_wait_for_closed_rounds_and_reviewed_flags(tree: Tree, settings) -> None:
    settings.LANTOA_CONTEST_FAST_SECONDS = 3
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4)
    flagged = _take(entrant(contest, tree.a_g1, "0912000601"), rnd, seconds=4, right=4)
    with pytest.raises(ValidationError) as still_open:
        results.results_publish(contest=contest, now=NOW)
    assert still_open.value.code == "open_round"
    after = rnd.closes_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as pending:
        results.results_publish(contest=contest, now=after)
    assert pending.value.code == "pending_flags"
    integrity.flag_decide(attempt=flagged, decision="keep", reason="Đã xác minh.")
    results.results_publish(contest=contest, now=after)
    contest.refresh_from_db()
    assert contest.results_published_at == after
    with pytest.raises(ValidationError):  # decisions are final once the results are out
        integrity.flag_decide(attempt=flagged, decision="exclude", reason="Đổi ý.")


def test_flags_screen_lists_reasons_and_records_a_decision(
    client: Client, tree: Tree, officers: Officers, settings
) -> None:
    settings.LANTOA_CONTEST_FAST_SECONDS = 3
    contest, (rnd,) = quiz(tree.pa, questions=12, per_attempt=4)
    flagged = _take(
        entrant(contest, tree.a_g1, "0912000701", "Trần Văn Nhanh"), rnd, seconds=6, right=4
    )
    login(client, officers.a_propaganda)
    page = client.get(f"/cuoc-thi/so/{contest.pk}/dau-hieu/").content.decode()
    assert "Trần Văn Nhanh" in page and "Làm bài nhanh bất thường" in page
    assert "1,5 giây một câu" in page and "0912000701" not in page and "0912***701" in page
    done = client.post(
        f"/cuoc-thi/so/{contest.pk}/dau-hieu/{flagged.pk}/",
        {"decision": "exclude", "reason": "Không đủ thời gian đọc câu hỏi."},
    )
    assert done.status_code == 302
    flagged.refresh_from_db()
    assert flagged.excluded
    # Decided: the page shows the decision, who and when; the form only behind "Đổi quyết định".
    page = client.get(f"/cuoc-thi/so/{contest.pk}/dau-hieu/").content.decode()
    decided_at = timezone.localtime(Flag.objects.get(attempt=flagged).decided_at)
    assert "Không đủ thời gian đọc câu hỏi." in page
    assert f"Quyết định của {officers.a_propaganda.full_name}, lúc " in page
    assert decided_at.strftime("%d/%m/%Y %H:%M") in page
    assert "Không còn bài thi nào chờ xem xét." in page
    change = page.index('<details class="flag-change"><summary>Đổi quyết định</summary>')
    assert change < page.index('name="decision"') < page.index("</details>")
    assert "Ghi quyết định mới" in page
    again = client.post(
        f"/cuoc-thi/so/{contest.pk}/dau-hieu/{flagged.pk}/",
        {"decision": "keep", "reason": "Đã gọi điện xác minh."},
    )
    assert again.status_code == 302
    flagged.refresh_from_db()
    assert not flagged.excluded
    assert (
        "Đã gọi điện xác minh."
        in client.get(f"/cuoc-thi/so/{contest.pk}/dau-hieu/").content.decode()
    )
    # A new flag after the decision: the form shows at once, with a note.
    Flag.objects.create(attempt=flagged, kind="device", detail={"count": 3})
    page = client.get(f"/cuoc-thi/so/{contest.pk}/dau-hieu/").content.decode()
    assert "Có dấu hiệu mới sau quyết định này" in page and "flag-change" not in page
    login(Client(), officers.b_admin)
    other = login(Client(), officers.b_admin)
    assert other.get(f"/cuoc-thi/so/{contest.pk}/dau-hieu/").status_code == 404
    assert (
        other.post(
            f"/cuoc-thi/so/{contest.pk}/dau-hieu/{flagged.pk}/",
            {"decision": "keep", "reason": "x"},
        ).status_code
        == 404
    )


# --- national ID ----------------------------------------------------------------------------


def test_the_national_id_is_kept_as_a_keyed_hash_and_duplicates_flag(tree: Tree, settings) -> None:
    settings.LANTOA_NATIONAL_ID_KEY = "khoa-bi-mat-cho-kiem-thu"
    contest = services.contest_create(
        unit=tree.pa, title="Thi có căn cước", rules="Thể lệ.", requires_national_id=True
    )
    from tests.contests.support import bank

    bank(contest, 12)
    rnd = services.round_create(
        contest=contest,
        title="Tuần 1",
        opens_at=NOW - dt.timedelta(days=1),
        closes_at=NOW + dt.timedelta(days=6),
        questions_per_attempt=4,
        time_limit_minutes=10,
    )
    services.contest_submit(contest=contest)
    services.contest_approve(contest=contest)

    def register(phone: str, national_id: str) -> Entrant:
        person, code = entry.entrant_register(
            contest=contest,
            full_name="Lê Thị Hoa",
            birth_date=dt.date(1990, 1, 1),
            phone=phone,
            unit=tree.a_g1,
            national_id=national_id,
            now=NOW,
        )
        return entry.entrant_verify(entrant=person, code=code, now=NOW)

    with pytest.raises(ValidationError) as missing:
        register("0912000801", "")
    assert "national_id" in missing.value.message_dict
    with pytest.raises(ValidationError):
        register("0912000801", "12345")
    first = register("0912000801", "001 090 012 345")
    first.refresh_from_db()
    assert first.national_id_last4 == "2345"
    assert "001090012345" not in first.national_id_hash and len(first.national_id_hash) == 64
    import hmac

    expected = hmac.new(b"khoa-bi-mat-cho-kiem-thu", b"001090012345", hashlib.sha256)
    assert first.national_id_hash == expected.hexdigest()
    # Nothing of the number but its last 4 digits is stored anywhere on the row.
    stored = " ".join(str(v) for v in Entrant.objects.filter(pk=first.pk).values().get().values())
    assert "001090012345" not in stored and "0010900" not in stored
    # The same person again with another phone: both their attempts are flagged.
    second = register("0912000802", "001090012345")
    assert second.national_id_hash == first.national_id_hash
    a1 = _take(first, rnd, seconds=100, right=3)
    a2 = _take(second, rnd, seconds=100, right=2, start=5)
    assert _kinds(a1) == {"national_id"} and _kinds(a2) == {"national_id"}
    third = register("0912000803", "001090099999")
    assert _kinds(_take(third, rnd, seconds=100, right=2, start=9)) == set()
