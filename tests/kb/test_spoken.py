"""Workers' own words for what the law calls otherwise (lantoa.kb.spoken): the list, how a
phrase is recognised, and what it adds to the word search and to the model's query."""

from __future__ import annotations

import csv
import re

import pytest

from lantoa.core.text import fold
from lantoa.kb import search, semantic, spoken
from lantoa.kb.importing import SHIPPED_ARTICLES
from lantoa.kb.selectors import article_search
from tests.conftest import Tree
from tests.kb.support import make, titles


def test_a_spoken_phrase_brings_the_laws_words() -> None:
    assert spoken.legal_phrases("tổ trưởng hay sàm sỡ chị em") == ["quấy rối tình dục"]
    assert spoken.legal_phrases("bị sếp gạ gẫm") == ["quấy rối tình dục"]
    # Two words or more are recognised without diacritics and with teencode around them.
    assert spoken.legal_phrases("cty no luong 2 thang chua tra") == ["chậm trả lương"]
    assert spoken.legal_phrases("TĂNG CA quá nhiều") == ["làm thêm giờ"]
    # The longer phrase first, each of the law's phrases once.
    assert spoken.legal_phrases("nghỉ đẻ được mấy tháng") == [
        "nghỉ thai sản",
        "sinh con",
        "thai sản",
    ]


def test_one_word_is_recognised_only_as_written() -> None:
    assert spoken.legal_phrases("đẻ được nghỉ mấy tháng")[:1] == ["sinh con"]
    # "de" is also "để": without its diacritics a single word says nothing.
    assert spoken.legal_phrases("de duoc nghi may thang") == []
    assert spoken.legal_phrases("làm để được thưởng") == []
    # A word without diacritics of its own is recognised as typed.
    assert spoken.legal_phrases("ot nhieu qua") == ["làm thêm giờ"]


def test_nothing_is_added_that_the_query_already_says() -> None:
    assert spoken.legal_phrases("tăng ca, làm thêm giờ tối đa") == []
    assert spoken.legal_phrases("lương tối thiểu vùng") == []
    assert spoken.legal_phrases("") == []
    many = "nợ lương, tăng ca, sàm sỡ, đuổi việc, có bầu, đụng xe"
    assert len(spoken.legal_phrases(many)) == spoken.MAX_PHRASES


def test_the_list_is_well_formed_and_speaks_the_articles_words() -> None:
    with spoken.SPOKEN_TERMS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 100
    keys = [fold(r["spoken"]) if len(r["spoken"].split()) > 1 else r["spoken"] for r in rows]
    assert len(keys) == len(set(keys)), "a spoken phrase listed twice"
    with SHIPPED_ARTICLES.open(encoding="utf-8") as fh:
        corpus = set(
            re.findall(
                r"[a-z0-9]+", fold(" ".join(" ".join(r.values()) for r in csv.DictReader(fh)))
            )
        )
    for row in rows:
        assert row["spoken"].strip() and row["legal"].strip(), row
        for phrase in row["legal"].split(";"):
            unknown = set(search.words(phrase)) - corpus
            assert not unknown, (row["spoken"], phrase, unknown)


def test_the_word_search_finds_the_article_in_the_laws_words(tree: Tree) -> None:
    harassment = make(
        tree,
        "Bị quấy rối tình dục tại nơi làm việc thì phải làm gì?",
        question="Tổ trưởng thường có lời nói, cử chỉ khiếm nhã với tôi.",
        answer="Quấy rối tình dục tại nơi làm việc bị cấm (Điều 8 Bộ luật Lao động).",
    )
    wages = make(
        tree,
        "Công ty chậm trả lương thì người lao động có quyền gì?",
        question="Công ty trả lương muộn hai tháng.",
        answer="Người sử dụng lao động phải trả lương đúng hạn.",
    )
    make(tree, "Lương tối thiểu vùng", question="Mức lương tối thiểu?", answer="Vùng I.")
    assert titles(article_search(text="bị sếp gạ gẫm"))[:1] == [harassment.title]
    assert titles(article_search(text="cty no luong 2 thang chua tra"))[:1] == [wages.title]
    query = search.parse("bị sếp gạ gẫm")
    assert {"quay roi", "roi tinh", "tinh duc"} <= set(query.pairs)
    assert "quay" not in query.words  # the law's phrase counts as a phrase, not loose words


@pytest.mark.parametrize(
    ("text", "embedded"),
    [
        ("cty nợ lương", "công ty nợ lương; chậm trả lương"),
        ("lương tối thiểu vùng", "lương tối thiểu vùng"),
    ],
)
def test_the_model_reads_the_laws_words_too(text: str, embedded: str) -> None:
    assert semantic.query_text(text) == embedded
