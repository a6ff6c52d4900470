"""The inverted-index search (lantoa.kb.search): folding, ranking, word order, prefix,
abbreviations, term statistics, a fixed number of queries.  Runs unchanged on SQLite and
PostgreSQL (``DATABASE_URL=postgres://…``)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantoa.kb import search
from lantoa.kb.models import Article, ArticleTerm, TermStat
from lantoa.kb.selectors import article_search
from lantoa.kb.services import article_delete, article_update
from tests.conftest import Officers, Tree
from tests.kb.support import assert_frequencies_match_postings, make, titles


def test_search_folds_diacritics_both_ways(corpus: dict[str, Article]) -> None:
    assert titles(article_search(text="luong toi thieu vung"))[0] == corpus["wage"].title
    assert titles(article_search(text="LƯƠNG TỐI THIỂU VÙNG"))[0] == corpus["wage"].title
    # đ/Đ folds to d: typed with "d", with "đ" and in capitals.
    for text in ("doan phi", "đoàn phí", "ĐOÀN PHÍ", "Doan Phi"):
        assert titles(article_search(text=text))[0] == corpus["fee"].title, text


def test_title_match_ranks_above_answer_match(corpus: dict[str, Article]) -> None:
    results = article_search(text="thai san")
    assert titles(results) == [corpus["title"].title, corpus["answer_only"].title]
    assert results[0].score > results[1].score > 0


def test_word_order_does_not_matter_but_the_typed_order_scores_higher(
    corpus: dict[str, Article],
) -> None:
    in_order = article_search(text="lương tối thiểu vùng")
    shuffled = article_search(text="vung thieu toi luong")
    assert titles(shuffled)[0] == corpus["wage"].title
    assert in_order[0].score > shuffled[0].score  # adjacent pairs add a bonus


def test_last_word_is_a_prefix_while_typing(tree: Tree, corpus: dict[str, Article]) -> None:
    # Many words starting with "ph" in one article do not add up against one "phép".
    make(
        tree,
        "Đi làm muộn bị phạt",
        question="Có phải nộp phạt không, phòng nhân sự nói phải phạt?",
        answer="Pháp luật cấm phạt tiền; phụ cấp, phí, phúc lợi không được trừ.",
    )
    assert titles(article_search(text="nghi ph"))[0] == corpus["leave"].title
    assert titles(article_search(text="đi làm muộn bị ph"))[0] == "Đi làm muộn bị phạt"
    assert titles(article_search(text="đoàn ph"))[0] == corpus["fee"].title
    # A finished word (trailing space) is matched exactly: "ph" is not a word.
    assert article_search(text="ph ") == []


def test_abbreviations_are_spelled_out(tree: Tree) -> None:
    article = make(tree, "Rút bảo hiểm xã hội một lần", question="Có nên rút không?")
    assert [r.article for r in article_search(text="rut BHXH 1 lan")] == [article]


def test_unknown_words_and_empty_queries_find_nothing(corpus: dict[str, Article]) -> None:
    assert article_search(text="xyzxyz") == []
    assert article_search(text="   ") == []
    assert article_search(text="?!") == []


def test_category_filters_search(corpus: dict[str, Article]) -> None:
    assert titles(article_search(text="nghỉ", category="hours")) == [corpus["leave"].title]


def test_index_follows_edits(tree: Tree, corpus: dict[str, Article]) -> None:
    article = corpus["leave"]
    assert ArticleTerm.objects.filter(article=article, term="phep").exists()
    article_update(article=article, title="Nghỉ hằng năm", question="Được nghỉ mấy ngày?")
    assert not ArticleTerm.objects.filter(article=article, term="phep").exists()
    assert ArticleTerm.objects.filter(article=article, term="hang nam").exists()
    assert titles(article_search(text="nghi hang nam"))[0] == "Nghỉ hằng năm"
    # Weights: title 8 + question 4 for "nghi" (answer has none).
    assert ArticleTerm.objects.get(article=article, term="nghi").weight == 12


def test_article_terms_weights() -> None:
    terms = search.article_terms(
        title="Lương tối thiểu",
        question="Lương bao nhiêu?",
        answer="lương lương lương lương lương",
        tags=["Lương cơ bản"],
        law_refs=["Điều 91 Bộ luật Lao động 2019"],
    )
    assert terms["luong"] == 8 + 4 + 3 + 3  # title, question, tags, answer capped at 3
    assert terms["luong toi"] == 8
    assert terms["dieu 91"] == 3
    assert search.words("4.960.000 đồng, 220,6%") == ["4960000", "dong", "220", "6"]


def test_term_frequencies_follow_every_write(
    tree: Tree, corpus: dict[str, Article], officers: Officers
) -> None:
    assert_frequencies_match_postings()
    assert TermStat.objects.get(term="nghi").df == 3  # leave, answer_only, title
    article_update(article=corpus["leave"], title="Ngày phép", question="Mấy ngày?")
    assert_frequencies_match_postings()
    assert TermStat.objects.get(term="nghi").df == 2
    article_delete(article=corpus["fee"], actor=officers.national_admin)
    assert_frequencies_match_postings()
    assert not TermStat.objects.filter(term="doan phi").exists()
    TermStat.objects.all().delete()  # drifted figures are rebuilt by `lantoa kb reindex`
    call_command("kb", "reindex", stdout=io.StringIO())
    assert_frequencies_match_postings()


def test_weak_matches_and_common_words_do_not_crowd_the_list(
    tree: Tree, corpus: dict[str, Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(20):
        make(tree, f"Người lao động hỏi số {i}", answer="nghỉ việc, tiền lương, người lao động")
    text = "người lao động nghỉ thai sản"
    everything = article_search(text=text, limit=30)
    # The 20 articles sharing only "người lao động nghỉ" fall below a fifth of the best.
    assert [r.article for r in everything] == [corpus["title"], corpus["answer_only"]]
    monkeypatch.setattr(search, "POSTINGS_BUDGET", 6)  # the pairs, "thai", "san"
    with CaptureQueriesContext(connection) as ctx:
        budgeted = article_search(text=text, limit=30)
    # Beyond the budget the commonest words are not even read; the answer is the same.
    assert [r.article for r in budgeted] == [corpus["title"], corpus["answer_only"]]
    assert budgeted[0].score < everything[0].score
    sql = next(q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"])
    assert "'thai'" in sql and "'nguoi'" not in sql


def test_search_costs_a_fixed_number_of_queries(tree: Tree, corpus: dict[str, Article]) -> None:
    for i in range(30):
        make(tree, f"Bài thử số {i} về lương", answer="lương " * 5)
    with CaptureQueriesContext(connection) as ctx:
        results = article_search(text="luong toi thieu v")
    assert results and titles(results)[0] == corpus["wage"].title
    # Frequencies of the words, the prefix's expansions as a word and after "thieu", the
    # total count, the ranked GROUP BY, the articles.
    assert len(ctx.captured_queries) == 6
