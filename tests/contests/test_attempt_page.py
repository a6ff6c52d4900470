"""The attempt page as a phone loads it: nothing from another origin (no third-party script,
style, font or image) and under 300 KB with everything it links; and the submission with what
the form carries (answers saved with the score, a prediction out of range ignored)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from lantoa.contests import entry
from lantoa.contests.models import Answer, Attempt, Option
from lantoa.contests.public_views import SESSION_ENTRANTS
from tests.conftest import Tree
from tests.contests.support import entrant, quiz

ASSET = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _open_attempt(client: Client, tree: Tree) -> Attempt:
    contest, (rnd,) = quiz(tree.pa, questions=60, per_attempt=20)
    now = timezone.now()
    rnd.opens_at, rnd.closes_at = now - dt.timedelta(hours=1), now + dt.timedelta(days=1)
    rnd.save()
    person = entrant(contest, tree.a_g1, "0912000555")
    attempt = entry.attempt_start(entrant=person, round=rnd)
    session = client.session
    session[SESSION_ENTRANTS] = {str(contest.pk): person.pk}
    session.save()
    return attempt


def _static_file(url: str) -> Path:
    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url[len(settings.STATIC_URL) :])
    assert found, f"{url} is not a static file"
    return Path(str(found))


def test_attempt_page_has_nothing_third_party_and_weighs_under_300_kb(
    client: Client, tree: Tree
) -> None:
    attempt = _open_attempt(client, tree)
    response = client.get(f"/thi/bai/{attempt.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    total = len(response.content)
    linked = [u.replace("&amp;", "&") for u in ASSET.findall(page)]
    assert any(u.endswith(".js") for u in linked) and any(u.endswith(".css") for u in linked)
    seen: set[str] = set()
    while linked:
        url = urlsplit(linked.pop())
        # Same origin only: a path, never a scheme or a host ("//cdn…").
        assert not url.scheme and not url.netloc, f"third-party resource: {url.geturl()}"
        if url.path in seen or not url.path.startswith(settings.STATIC_URL):
            continue
        seen.add(url.path)
        data = _static_file(url.path).read_bytes()
        total += len(data)
        if url.path.endswith(".css"):
            base = url.path.rsplit("/", 1)[0]
            for ref in CSS_URL.findall(data.decode()):
                if not ref.startswith("data:"):
                    linked.append(
                        ref if ref.startswith(("/", "http:", "https:")) else f"{base}/{ref}"
                    )
    assert total < 300 * 1024, f"{total} bytes"
    # The browser is told the same: scripts and styles from this site only.
    policy = response.get("Content-Security-Policy", "")
    for directive in ("script-src", "style-src"):
        found = re.search(rf"{directive} ([^;]*)", policy)
        sources = found.group(1).split() if found else ["'self'"]
        assert all(not s.startswith(("http", "//")) and "*" not in s for s in sources), policy


def test_submission_saves_the_form_with_the_score_and_ignores_a_wild_prediction(
    client: Client, tree: Tree
) -> None:
    attempt = _open_attempt(client, tree)
    answers = list(Answer.objects.filter(attempt=attempt).order_by("position"))
    right = {
        a.question_id: Option.objects.get(question_id=a.question_id, correct=True).pk
        for a in answers
    }
    wrong_first = next(o for o in answers[0].option_order if o != right[answers[0].question_id])
    entry.answer_save(attempt=attempt, question_id=answers[0].question_id, chosen=[wrong_first])
    entry.attempt_predict(attempt=attempt, prediction=41)
    form = {
        # The form changes the autosaved wrong answer to the right one and adds two more.
        f"q{answers[0].question_id}": str(right[answers[0].question_id]),
        f"q{answers[1].question_id}": str(right[answers[1].question_id]),
        f"q{answers[2].question_id}": str(right[answers[2].question_id]),
        # Not an option of its question: left as it was (unanswered).
        f"q{answers[3].question_id}": str(right[answers[4].question_id]),
        "prediction": "999999999999999",
    }
    done = client.post(f"/thi/bai/{attempt.pk}/nop/", form)
    assert done.status_code == 302 and done["Location"] == f"/thi/bai/{attempt.pk}/ket-qua/"
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score == 3 and attempt.prediction == 41
    stored = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "chosen"))
    assert stored[answers[0].question_id] == [right[answers[0].question_id]]
    assert stored[answers[3].question_id] == []
    # Submitting again (a retried request) changes nothing.
    again = client.post(f"/thi/bai/{attempt.pk}/nop/", {**form, "prediction": "7"})
    assert again.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 3 and attempt.prediction == 41
