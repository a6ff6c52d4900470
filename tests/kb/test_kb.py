"""Legal knowledge base: the inverted-index search (folding, ranking, word order, prefix),
visibility, the anonymiser, drafts from inquiries, import, the API and the screens.

Runs unchanged on SQLite and PostgreSQL (``DATABASE_URL=postgres://…``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantoa.accounts.models import Role
from lantoa.audit.models import AuditEvent
from lantoa.kb import search
from lantoa.kb.anonymise import CITIZEN_ID, EMAIL, NAME, PHONE, anonymise
from lantoa.kb.importing import SHIPPED_ARTICLES, articles_import, ensure_shipped_articles
from lantoa.kb.models import Article, ArticleStatus, ArticleTerm, TermStat
from lantoa.kb.selectors import article_search, articles_visible_to, kb_suggest
from lantoa.kb.services import (
    article_create,
    article_create_from_inquiry,
    article_delete,
    article_publish,
    article_unpublish,
    article_update,
)
from tests.conftest import Officers, Tree, login, make_officer


def make(tree: Tree, title: str, *, unit=None, status=ArticleStatus.PUBLISHED, **kw) -> Article:
    fields = {
        "question": kw.pop("question", "Câu hỏi mẫu của người lao động?"),
        "answer": kw.pop("answer", "Trả lời mẫu."),
        "category": kw.pop("category", "other"),
        "law_refs": kw.pop("law_refs", ["Điều 1 Bộ luật Lao động 2019"]),
        "tags": kw.pop("tags", []),
    }
    return article_create(unit=unit or tree.vn, title=title, status=status, **fields, **kw)


def titles(results) -> list[str]:
    return [r.article.title for r in results]


# --- search ------------------------------------------------------------------------------


@pytest.fixture
def corpus(tree: Tree) -> dict[str, Article]:
    return {
        "wage": make(
            tree,
            "Lương tối thiểu vùng năm 2026 là bao nhiêu?",
            question="Mức lương tối thiểu vùng hiện nay?",
            answer="Vùng I 5.310.000 đồng/tháng.",
            category="wages",
            tags=["lương cơ bản"],
        ),
        "fee": make(
            tree,
            "Đoàn phí công đoàn đóng bao nhiêu?",
            question="Đoàn viên đóng đoàn phí thế nào?",
            answer="Đóng theo tỷ lệ trên tiền lương.",
            category="membership",
        ),
        "leave": make(
            tree,
            "Một năm được nghỉ phép bao nhiêu ngày?",
            question="Phép năm được mấy ngày?",
            answer="12 ngày làm việc.",
            category="hours",
        ),
        # "thai sản" only deep in the answer…
        "answer_only": make(
            tree,
            "Quyền lợi khi nghỉ việc",
            question="Nghỉ việc được những gì?",
            answer="Được thanh toán lương; chế độ thai sản vẫn được giải quyết nếu đủ điều kiện.",
            category="termination",
        ),
        # …and in the title here.
        "title": make(
            tree,
            "Nghỉ thai sản bao lâu?",
            question="Sinh con được nghỉ mấy tháng?",
            answer="06 tháng.",
            category="maternity",
        ),
    }


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


def assert_frequencies_match_postings() -> None:
    from django.db.models import Count, Q

    real = dict(ArticleTerm.objects.values_list("term").annotate(n=Count("id")).order_by())
    assert dict(TermStat.objects.values_list("term", "df")) == real
    # …and every posting knows whether its article is published.
    mismatch = ArticleTerm.objects.filter(
        Q(published=True) & ~Q(article__status="published")
        | Q(published=False) & Q(article__status="published")
    )
    assert not mismatch.exists()


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


# --- visibility and suggestions -------------------------------------------------------------


@pytest.fixture
def internal(tree: Tree) -> dict[str, Article]:
    return {
        "a": make(tree, "Ghi chú nội bộ tỉnh A về tăng ca", unit=tree.pa, status="internal"),
        "a_draft": make(tree, "Nháp tỉnh A về tăng ca", unit=tree.pa, status="draft"),
        "vn": make(tree, "Hướng dẫn nội bộ toàn quốc về tăng ca", status="internal"),
        "pub_b": make(tree, "Tăng ca tối đa bao nhiêu giờ", unit=tree.pb),
    }


def test_visibility_follows_the_tree(
    tree: Tree, officers: Officers, internal: dict[str, Article]
) -> None:
    def seen(user) -> set[str]:
        return set(articles_visible_to(user).values_list("title", flat=True))

    a, draft, vn, pub = (internal[k].title for k in ("a", "a_draft", "vn", "pub_b"))
    assert seen(None) == {pub}
    assert seen(officers.a_viewer) == {a, draft, vn, pub}  # grassroots below province A
    assert seen(officers.b_admin) == {vn, pub}  # another province: not A's internal notes
    assert seen(officers.national_admin) == {a, draft, vn, pub}


def test_suggestions_skip_drafts_and_respect_the_reader(
    tree: Tree, officers: Officers, internal: dict[str, Article]
) -> None:
    public = kb_suggest(text="Công ty bắt tăng ca nhiều quá")
    assert [x.title for x in public] == [internal["pub_b"].title]
    mine = {x.title for x in kb_suggest(text="tăng ca", user=officers.a_admin, limit=10)}
    assert mine == {internal["a"].title, internal["vn"].title, internal["pub_b"].title}
    theirs = {x.title for x in kb_suggest(text="tăng ca", user=officers.b_admin, limit=10)}
    assert theirs == {internal["vn"].title, internal["pub_b"].title}


def test_suggestions_prefer_the_inquiry_category(tree: Tree) -> None:
    hours = make(tree, "Làm thêm giờ ngày lễ", category="hours")
    wages = make(tree, "Tiền lương làm thêm giờ ngày lễ", category="wages")
    text = "làm thêm giờ ngày lễ"
    assert kb_suggest(text=text, category="wages")[0].pk == wages.pk
    assert kb_suggest(text=text, category="hours")[0].pk == hours.pk


def test_suggestions_from_a_long_text_keep_the_informative_words(tree: Tree) -> None:
    leave = make(tree, "Nghỉ phép năm", question="Phép năm bao nhiêu ngày?")
    # As in the real collection, "người lao động" and "công ty" are in many articles.
    for topic in ("quyền lợi", "hợp đồng", "tiền lương", "bảo hiểm", "kỷ luật"):
        make(tree, f"Người lao động hỏi về {topic}", question="Công ty của người lao động…")
    text = ("Chào anh chị, tôi là người lao động ở công ty, " * 20) + "xin hỏi về phép năm"
    assert kb_suggest(text=text)[0].pk == leave.pk


# --- anonymiser and drafts from inquiries ---------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "028 3822 1234",
    ],
)
def test_anonymise_phone_numbers(raw: str) -> None:
    assert anonymise(f"Gọi tôi số {raw} nhé.") == f"Gọi tôi số {PHONE} nhé."


def test_anonymise_emails_citizen_ids_and_names() -> None:
    text = (
        "Tôi là Nguyễn Thị Lan, CCCD 001234567890, email lan.nguyen@gmail.com. "
        "Chị Lan có lần bị trừ lương 4.960.000 đồng ngày 01/07/2025; nguyen thi lan ký. "
        "Thị Lan đã hỏi. Cô Lan, có lần. Chủ tịch Lân."
    )
    out = anonymise(text, names=["Nguyễn Thị Lan"])
    assert out == (
        f"Tôi là {NAME}, CCCD {CITIZEN_ID}, email {EMAIL}. "
        f"Chị {NAME} có lần bị trừ lương 4.960.000 đồng ngày 01/07/2025; {NAME} ký. "
        f"{NAME} đã hỏi. Cô {NAME}, có lần. Chủ tịch Lân."
    )


def test_anonymise_leaves_ordinary_numbers_alone() -> None:
    text = "Điều 113 Bộ luật Lao động 2019, 45/2019/QH14, mức 5.310.000 đồng, 120.000.000.000 đồng."
    assert anonymise(text) == text


@pytest.fixture
def inquiry(tree: Tree):
    from lantoa.inquiries.models import Inquiry, InquiryContact

    now = timezone.now()
    case = Inquiry.objects.create(
        code="HD-TEST-0001",
        unit=tree.pa,
        source="web",
        category="wages",
        subject="Chậm lương",
        status="answered",
        received_at=now - dt.timedelta(days=2),
        first_response_due=now - dt.timedelta(days=1),
        first_responded_at=now - dt.timedelta(days=1, hours=12),
    )
    InquiryContact.objects.create(
        inquiry=case, name="Trần Văn Hùng", phone="0987654321", email="hung@example.vn"
    )
    return case


def test_article_from_inquiry_is_an_anonymised_internal_draft(inquiry, officers: Officers) -> None:
    article = article_create_from_inquiry(
        inquiry=inquiry,
        actor=officers.a_propaganda,
        title="Công ty chậm lương anh Hùng",
        question="Tôi là Trần Văn Hùng (0987 654 321, hung@example.vn), bị chậm lương 20 ngày.",
        answer="Chào anh Hùng, theo Điều 97 Bộ luật Lao động 2019…",
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert article.source_inquiry_id == inquiry.pk
    assert article.unit_id == inquiry.unit_id
    assert article.category == "wages"
    assert article.title == f"Công ty chậm lương anh {NAME}"
    assert article.question == f"Tôi là {NAME} ({PHONE}, {EMAIL}), bị chậm lương 20 ngày."
    assert article.answer.startswith(f"Chào anh {NAME}, theo Điều 97")
    # Personal data is in no stored text, postings included.
    blob = json.dumps([article.title, article.question, article.answer], ensure_ascii=False)
    assert "Hùng" not in blob and "0987" not in blob and "hung@" not in blob
    assert not ArticleTerm.objects.filter(article=article, term__in=["hung", "tran"]).exists()
    event = AuditEvent.objects.get(action="kb.article_from_inquiry")
    assert event.data["inquiry"] == inquiry.pk and event.actor == officers.a_propaganda
    # A draft is never suggested, even to the officers who may read it.
    assert article not in kb_suggest(text="chậm lương", user=officers.a_admin)


def test_article_from_anonymous_inquiry_without_contact(inquiry, officers: Officers) -> None:
    inquiry.contact.delete()
    inquiry.refresh_from_db()
    article = article_create_from_inquiry(
        inquiry=inquiry,
        actor=officers.a_admin,
        title="Chậm lương",
        question="Q 0912345678",
        answer="A",
    )
    assert article.question == f"Q {PHONE}"


# --- services --------------------------------------------------------------------------------


def test_duplicate_title_is_refused_in_vietnamese(tree: Tree) -> None:
    from django.core.exceptions import ValidationError

    make(tree, "Nghỉ phép năm")
    with pytest.raises(ValidationError) as err:
        make(tree, "nghi phep nam!")
    assert "Đã có bài “Nghỉ phép năm”" in err.value.message_dict["title"][0]
    assert Article.objects.count() == 1


def test_publish_and_unpublish_write_audit_rows(tree: Tree, officers: Officers) -> None:
    article = make(tree, "Bài nội bộ", status="internal")
    assert article_search(text="bai noi bo") == []
    article_publish(article=article, actor=officers.national_admin)
    article.refresh_from_db()
    assert article.status == "published" and article.published_at is not None
    assert titles(article_search(text="bai noi bo")) == ["Bài nội bộ"]
    assert not ArticleTerm.objects.filter(article=article, published=False).exists()
    article_unpublish(article=article, actor=officers.national_admin)
    article.refresh_from_db()
    assert article.status == "internal"
    assert article_search(text="bai noi bo") == []
    assert titles(article_search(text="bai noi bo", user=officers.a_viewer)) == ["Bài nội bộ"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="kb.").values_list("action", flat=True)
    )
    assert actions.count("kb.article_publish") == 1
    assert actions.count("kb.article_unpublish") == 1


# --- import ------------------------------------------------------------------------------------

HEADER = ["title", "question", "answer", "category", "tags", "law_refs"]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run_import(tree: Tree, data: bytes, name: str = "bai.csv", **kw):
    return articles_import(fileobj=io.BytesIO(data), filename=name, unit=tree.vn, **kw)


GOOD = [
    [
        "Nghỉ phép năm",
        "Được nghỉ mấy ngày?",
        "12 ngày.",
        "hours",
        "phép năm; nghỉ",
        "Điều 113 BLLĐ",
    ],
    [
        "Lương làm thêm giờ",
        "Tăng ca tính thế nào?",
        "Ít nhất 150%.",
        "Tiền lương, lương tối thiểu, chậm trả lương",
        "",
        "Điều 98 BLLĐ;Điều 106 BLLĐ",
    ],
]


def test_import_creates_then_updates_by_title(tree: Tree) -> None:
    result = run_import(tree, csv_bytes(GOOD))
    assert result.ok, result.errors
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    leave = Article.objects.get(title="Nghỉ phép năm")
    assert leave.tags == ["phép năm", "nghỉ"] and leave.law_refs == ["Điều 113 BLLĐ"]
    assert leave.status == "internal" and leave.unit == tree.vn
    overtime = Article.objects.get(slug="luong-lam-them-gio")
    assert overtime.category == "wages" and overtime.law_refs == ["Điều 98 BLLĐ", "Điều 106 BLLĐ"]
    assert titles(article_search(text="phep nam", user=None)) == []  # internal: not public
    assert AuditEvent.objects.filter(action="kb.import").count() == 1

    changed = [["NGHỈ PHÉP NĂM", "Được nghỉ mấy ngày?", "14 ngày.", "hours", "", ""], GOOD[1]]
    again = run_import(tree, csv_bytes(changed), publish=True)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    leave.refresh_from_db()
    assert leave.answer == "14 ngày." and leave.title == "NGHỈ PHÉP NĂM"
    assert Article.objects.count() == 2
    assert_frequencies_match_postings()


def test_import_reports_every_bad_row_and_writes_nothing(tree: Tree) -> None:
    rows = [
        GOOD[0],
        ["", "Câu hỏi", "Trả lời", "hours", "", ""],
        ["Tiêu đề", "Câu hỏi", "Trả lời", "luong", "", ""],
        ["Nghỉ phép năm!", "Câu hỏi", "", "hours", "", ""],
        ["X" * 300, "Câu hỏi", "Trả lời", "hours", "", ""],
    ]
    result = run_import(tree, csv_bytes(rows))
    assert not result.ok
    messages = [str(e) for e in result.errors]
    assert messages[0] == "Dòng 3, cột “Tiêu đề”: không được để trống."
    assert messages[1].startswith("Dòng 4, cột “Lĩnh vực”: lĩnh vực “luong” không hợp lệ")
    assert "Dòng 5, cột “Trả lời”: không được để trống." in messages
    assert any(m.startswith("Dòng 6, cột “Tiêu đề”: dài 300 ký tự") for m in messages)
    assert Article.objects.count() == 0 and ArticleTerm.objects.count() == 0
    assert TermStat.objects.count() == 0


def test_import_refuses_repeated_titles_and_bad_headers(tree: Tree) -> None:
    dup = run_import(tree, csv_bytes([GOOD[0], ["nghi phep nam", "Q", "A", "hours", "", ""]]))
    assert [str(e) for e in dup.errors] == [
        "Dòng 3, cột “Tiêu đề”: trùng tiêu đề với dòng 2 (“nghi phep nam”)."
    ]
    bad = run_import(tree, csv_bytes([["a", "b"]], header=["title", "question"]))
    assert str(bad.errors[0]) == "Dòng tiêu đề thiếu cột “Trả lời”, “Lĩnh vực”."
    wrong = run_import(tree, b"x", name="bai.pdf")
    assert "chỉ nhận tệp .csv" in str(wrong.errors[0])
    assert Article.objects.count() == 0


def test_import_xlsx_with_vietnamese_headers(tree: Tree) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["Tiêu đề", "Câu hỏi", "Trả lời", "Lĩnh vực", "Từ khoá", "Căn cứ pháp lý", "Trạng thái"]
    )
    sheet.append(
        [
            "Nghỉ việc riêng",
            "Cưới được nghỉ mấy ngày?",
            "03 ngày.",
            "hours",
            "",
            "Điều 115",
            "Công khai",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    result = run_import(tree, out.getvalue(), name="bai.xlsx")
    assert result.ok, result.errors
    article = Article.objects.get()
    assert article.status == "published" and article.published_at is not None
    assert titles(article_search(text="nghi viec rieng")) == ["Nghỉ việc riêng"]


LAW_ARTICLE = re.compile(r"Điều \d+")


def test_shipped_articles_import_cleanly(tree: Tree) -> None:
    with SHIPPED_ARTICLES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 40
    for row in rows:
        assert LAW_ARTICLE.search(row["law_refs"]), row["title"]
    result = ensure_shipped_articles()
    assert result is not None and result.ok, result.errors if result else None
    assert result.created == len(rows) == Article.objects.filter(status="published").count()
    assert all(a.law_refs and a.category for a in Article.objects.all())
    assert ensure_shipped_articles() is None  # the demo hook loads them once
    # The flagship query of the issue, typed without diacritics.
    assert "Mức lương tối thiểu vùng" in titles(article_search(text="luong toi thieu vung"))[0]
    assert "thai sản" in titles(article_search(text="nghi thai san bao lau"))[0]


def test_import_command(tree: Tree, tmp_path: Path) -> None:
    good = tmp_path / "bai.csv"
    good.write_bytes(csv_bytes(GOOD))
    out = io.StringIO()
    call_command("kb", "import", str(good), "--publish", "--unit", "P-A", stdout=out)
    assert "thêm mới 2 bài" in out.getvalue()
    assert set(Article.objects.values_list("unit__code", "status")) == {("P-A", "published")}
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes([["Tiêu đề mới", "Q", "A", "sai", "", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không nhập được: 1 lỗi"):
        call_command("kb", "import", str(bad), stderr=err)
    assert "Dòng 2, cột “Lĩnh vực”" in err.getvalue()
    assert Article.objects.count() == 2
    out = io.StringIO()
    call_command("kb", "reindex", stdout=out)
    assert "2 bài" in out.getvalue()


# --- API -----------------------------------------------------------------------------------------


def api_get(client: Client, **params: object) -> tuple[int, dict]:
    response = client.get("/api/v1/kb/search", params)
    return response.status_code, response.json()


def test_api_search_is_public_and_ranked(
    client: Client, corpus: dict[str, Article], internal: dict[str, Article]
) -> None:
    status, body = api_get(client, q="thai san")
    assert status == 200
    assert [i["title"] for i in body["items"]] == [
        corpus["title"].title,
        corpus["answer_only"].title,
    ]
    first = body["items"][0]
    assert first["url"] == f"http://testserver/hoi-dap/{corpus['title'].slug}/"
    assert first["category"] == "maternity" and first["category_label"] == "Thai sản, lao động nữ"
    assert first["score"] > body["items"][1]["score"] and body["count"] == 2
    status, body = api_get(client, q="tang ca")
    assert [i["title"] for i in body["items"]] == [internal["pub_b"].title]


def test_api_search_shows_internal_articles_to_officers(
    officers: Officers, internal: dict[str, Article]
) -> None:
    from lantoa.api.services import apitoken_create

    _, raw = apitoken_create(user=officers.a_admin, name="thử")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    status, body = api_get(client, q="tăng ca", limit=10)
    assert status == 200
    assert {i["title"] for i in body["items"]} == {
        internal["a"].title,
        internal["vn"].title,
        internal["pub_b"].title,
    }  # never the draft
    internal_hit = next(i for i in body["items"] if i["id"] == internal["a"].pk)
    assert internal_hit["url"].endswith(f"/tri-thuc/{internal['a'].pk}/")
    bad = Client(headers={"Authorization": "Bearer lt_sai"})
    assert bad.get("/api/v1/kb/search", {"q": "x"}).status_code == 401


def test_api_search_validates_input_in_vietnamese(client: Client, tree: Tree) -> None:
    status, body = api_get(client, q="lương", limit=0)
    assert status == 422 and body["errors"]["limit"] == ["Phải lớn hơn hoặc bằng 1."]
    status, body = api_get(client, q="lương", limit=51)
    assert status == 422 and body["errors"]["limit"] == ["Phải nhỏ hơn hoặc bằng 50."]
    status, body = api_get(client, limit=5)
    assert status == 422 and body["errors"]["q"] == ["Thiếu trường bắt buộc."]
    status, body = api_get(client, q="lương", limit="nhiều")
    assert status == 422 and body["errors"]["limit"] == ["Phải là số nguyên."]
    status, body = api_get(client, q="lương", category="abc")
    assert status == 422 and body["errors"]["category"][0].startswith("Giá trị không nằm")


def test_api_limit_caps_results(client: Client, tree: Tree) -> None:
    for i in range(4):
        make(tree, f"Tiền lương tháng {i}")
    status, body = api_get(client, q="tien luong", limit=3)
    assert status == 200 and body["count"] == 3 and len(body["items"]) == 3


# --- screens --------------------------------------------------------------------------------------


def test_public_pages_show_published_articles_only(
    client: Client, corpus: dict[str, Article], internal: dict[str, Article]
) -> None:
    page = client.get("/hoi-dap/", {"q": "tang ca"})
    assert page.status_code == 200
    text = page.content.decode()
    assert internal["pub_b"].title in text and internal["vn"].title not in text
    partial = client.get("/hoi-dap/", {"q": "thai san"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().index("Nghỉ thai sản bao lâu") < partial.content.decode().index(
        "Quyền lợi khi nghỉ việc"
    )
    listing = client.get("/hoi-dap/", {"linh_vuc": "membership"}).content.decode()
    assert corpus["fee"].title in listing and corpus["wage"].title not in listing
    detail = client.get(f"/hoi-dap/{corpus['fee'].slug}/")
    assert (
        detail.status_code == 200 and "Đóng theo tỷ lệ trên tiền lương" in detail.content.decode()
    )
    assert client.get(f"/hoi-dap/{internal['vn'].slug}/").status_code == 404


def test_officer_screens_follow_the_access_rules(
    client: Client, tree: Tree, officers: Officers, internal: dict[str, Article]
) -> None:
    a_note = internal["a"]
    # Anonymous → login.
    assert client.get("/tri-thuc/").status_code == 302
    # Province B cannot see province A's internal note: 404, on every route of it.
    login(client, officers.b_admin)
    assert a_note.title not in client.get("/tri-thuc/").content.decode()
    for url in (f"/tri-thuc/{a_note.pk}/", f"/tri-thuc/{a_note.pk}/sua/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/tri-thuc/{a_note.pk}/cong-khai/").status_code == 404
    for action in ("an", "duyet"):
        assert client.post(f"/tri-thuc/{a_note.pk}/{action}/").status_code == 404
    assert client.post(f"/tri-thuc/{internal['a_draft'].pk}/duyet/").status_code == 404
    a_note.refresh_from_db()
    assert a_note.status == "internal"
    # …but B's admin may read A-owned published articles without managing them: 403.
    a_pub = make(tree, "Bài công khai của tỉnh A", unit=tree.pa)
    assert client.get(f"/tri-thuc/{a_pub.pk}/").status_code == 200
    assert client.get(f"/tri-thuc/{a_pub.pk}/sua/").status_code == 403
    # A grassroots viewer reads A's note but may not edit it.
    login(client, officers.a_viewer)
    assert client.get(f"/tri-thuc/{a_note.pk}/").status_code == 200
    assert client.get(f"/tri-thuc/{a_note.pk}/sua/").status_code == 403
    assert client.get("/tri-thuc/them/").status_code == 403
    # Province A's propaganda officer publishes it.
    login(client, officers.a_propaganda)
    response = client.post(f"/tri-thuc/{a_note.pk}/cong-khai/")
    assert response.status_code == 302
    a_note.refresh_from_db()
    assert a_note.status == "published"
    assert client.get(f"/tri-thuc/{a_note.pk}/cong-khai/").status_code == 405
    client.post(f"/tri-thuc/{a_note.pk}/an/")
    a_note.refresh_from_db()
    assert a_note.status == "internal"
    draft = internal["a_draft"]
    client.post(f"/tri-thuc/{draft.pk}/duyet/")
    draft.refresh_from_db()
    assert draft.status == "internal"


def test_officer_creates_edits_and_searches(client: Client, tree: Tree, officers: Officers) -> None:
    login(client, officers.a_propaganda)
    form = {
        "title": "Nghỉ ốm có được trả lương?",
        "question": "Tôi ốm 3 ngày.",
        "answer": "Được hưởng chế độ ốm đau.",
        "category": "insurance",
        "law_refs": "Luật Bảo hiểm xã hội 2024\nĐiều 37 Bộ luật Lao động 2019",
        "tags": "nghỉ ốm; ốm đau",
    }
    response = client.post("/tri-thuc/them/", form)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tri-thuc/{article.pk}/"
    assert article.unit == tree.pa and article.status == "internal"
    assert article.created_by == officers.a_propaganda
    assert article.law_refs == ["Luật Bảo hiểm xã hội 2024", "Điều 37 Bộ luật Lao động 2019"]
    assert article.tags == ["nghỉ ốm", "ốm đau"]
    # A bad form keeps the input and says why, in Vietnamese.
    again = client.post("/tri-thuc/them/", {**form, "title": "nghi om co duoc tra luong"})
    assert again.status_code == 200 and "Đã có bài" in again.content.decode()
    assert Article.objects.count() == 1
    client.post(f"/tri-thuc/{article.pk}/sua/", {**form, "answer": "Hưởng 75% tiền lương."})
    article.refresh_from_db()
    assert article.answer == "Hưởng 75% tiền lương."
    listing = client.get("/tri-thuc/", {"q": "nghi om"}).content.decode()
    assert "Nghỉ ốm có được trả lương?" in listing
    assert (
        AuditEvent.objects.filter(action="kb.article_update", actor=officers.a_propaganda).count()
        == 1
    )


def test_grassroots_editor_files_articles_under_their_unit(client: Client, tree: Tree) -> None:
    editor = make_officer("tuyengiao_g1", tree.a_g1, Role.PROPAGANDA)
    login(client, editor)
    client.post(
        "/tri-thuc/them/",
        {"title": "Bài của CĐCS", "question": "Q", "answer": "A", "category": "other"},
    )
    assert Article.objects.get().unit == tree.a_g1
