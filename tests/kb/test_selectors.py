"""Knowledge-base read models (lantoa.kb.selectors): visibility follows the tree, suggestions."""

from __future__ import annotations

from lantoa.kb.models import Article
from lantoa.kb.selectors import articles_visible_to, kb_suggest
from tests.conftest import Officers, Tree
from tests.kb.support import make


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
