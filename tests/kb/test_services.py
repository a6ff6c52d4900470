"""Knowledge-base services (lantoa.kb.services): anonymised drafts from inquiries, duplicate
titles, publishing with audit rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from lantoa.audit.models import AuditEvent
from lantoa.kb.anonymise import EMAIL, NAME, PHONE
from lantoa.kb.models import Article, ArticleStatus, ArticleTerm
from lantoa.kb.selectors import article_search, kb_suggest
from lantoa.kb.services import article_create_from_inquiry, article_publish, article_unpublish
from tests.conftest import Officers, Tree
from tests.kb.support import make, titles


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
