"""The register of legal documents (lantoa.kb.register): a document marked amended, replaced or
expired flags exactly the articles citing it, notifies their editors, shows the public notice
until an editor records the review; the review queue; the register screens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from lantoa.audit.models import AuditEvent
from lantoa.kb.models import Article, DocumentKind, DocumentStatus, LegalDocument
from lantoa.kb.register import (
    article_record_review,
    document_mark,
    document_save,
    ensure_register,
    months_before,
    review_cutoff,
)
from lantoa.kb.selectors import REVIEW_FLAGGED, REVIEW_OVERDUE, review_queue
from lantoa.kb.services import article_update
from lantoa.notifications.models import Notification
from tests.conftest import Officers, Tree, login
from tests.kb.support import make

NOTICE = "Nội dung này đang được rà soát do văn bản pháp luật liên quan đã thay đổi"


@pytest.fixture
def articles(tree: Tree) -> dict[str, Article]:
    ensure_register()
    return {
        # Cites the Employment Law 2025 (by number, and written out).
        "national": make(tree, "Trợ cấp thất nghiệp toàn quốc", law_refs=["74/2025/QH15 Đ38"]),
        "province": make(
            tree,
            "Trợ cấp thất nghiệp ở tỉnh A",
            unit=tree.pa,
            law_refs=["Điều 39 Luật Việc làm 2025", "45/2019/QH14 Đ46"],
        ),
        # Cites other documents only.
        "other": make(tree, "Nghỉ phép năm", law_refs=["45/2019/QH14 Đ113"]),
        "b": make(tree, "Phép năm ở tỉnh B", unit=tree.pb, law_refs=["45/2019/QH14 Đ113"]),
    }


def new_law(**kw) -> LegalDocument:
    fields = {
        "number": "12/2026/QH15",
        "title": "Luật Việc làm (sửa đổi)",
        "short_title": "Luật Việc làm 2026",
        "kind": DocumentKind.LAW,
        "issuer": "Quốc hội",
        "issued_on": dt.date(2026, 6, 1),
        "in_force_from": dt.date(2027, 1, 1),
        "status": DocumentStatus.PENDING,
        **kw,
    }
    return document_save(**fields)


def test_marking_a_document_replaced_flags_exactly_its_articles_and_notifies_editors(
    client: Client, tree: Tree, officers: Officers, articles: dict[str, Article]
) -> None:
    replacement = new_law()
    employment = LegalDocument.objects.get(number="74/2025/QH15")
    marked = document_mark(
        document=employment,
        status=DocumentStatus.REPLACED,
        replaced_by=replacement,
        actor=officers.national_admin,
    )
    assert marked.flagged_count == 2
    flagged = set(Article.objects.filter(review_flagged_at__isnull=False))
    assert flagged == {articles["national"], articles["province"]}
    national = Article.objects.get(pk=articles["national"].pk)
    assert national.basis_outdated and national.needs_review
    assert national.review_reasons == [
        "Luật Việc làm 2025 (74/2025/QH15) đã bị thay thế bởi Luật Việc làm 2026 "
        f"(12/2026/QH15) (ghi nhận {timezone.localdate():%d/%m/%Y})."
    ]
    # The editors of each article's unit, and nobody else, are told.
    notices = Notification.objects.filter(kind="kb.review")
    assert {n.user.username for n in notices} == {
        officers.national_admin.username,  # the national article (the root's editors)
        officers.a_admin.username,  # the province A article
        officers.a_leader.username,
        officers.a_propaganda.username,
    }
    note = notices.get(user=officers.a_propaganda)
    assert note.unit == tree.pa and "Cần rà soát 1 bài hỏi đáp" in note.title
    assert "Trợ cấp thất nghiệp ở tỉnh A" in note.body and "toàn quốc" not in note.body
    assert note.body.startswith(national.review_reasons[0])
    with translation.override("en"):  # an English editor sees it in English
        assert note.shown_title == (
            "1 Q&A articles to review: Luật Việc làm 2025 (74/2025/QH15) has changed"
        )
        assert "has been replaced by Luật Việc làm 2026 (12/2026/QH15)" in note.shown_body
        assert "Trợ cấp thất nghiệp ở tỉnh A" in note.shown_body
    assert note.url == reverse("kb:review_queue") + f"?van_ban={employment.pk}"
    assert AuditEvent.objects.filter(action="kb.articles_flagged", target="74/2025/QH15").exists()

    # Workers see the notice on the public page of a flagged article, not elsewhere.
    public = client.get(reverse("kb_public:detail", args=[national.slug])).content.decode()
    assert NOTICE in public
    other = client.get(reverse("kb_public:detail", args=[articles["other"].slug])).content.decode()
    assert NOTICE not in other
    # Editors see the flag in the knowledge base.
    login(client, officers.a_propaganda)
    page = client.get(reverse("kb:detail", args=[articles["province"].pk])).content.decode()
    assert "Cần rà soát" in page and "đã bị thay thế bởi" in page and "Đã rà soát" in page
    listing = client.get(reverse("kb:list")).content.decode()
    assert "Cần rà soát" in listing


def test_review_is_recorded_only_once_the_basis_is_corrected(
    client: Client, tree: Tree, officers: Officers, articles: dict[str, Article]
) -> None:
    replacement = new_law(status=DocumentStatus.IN_FORCE)
    document_mark(
        document=LegalDocument.objects.get(number="74/2025/QH15"),
        status=DocumentStatus.REPLACED,
        replaced_by=replacement,
    )
    article = Article.objects.get(pk=articles["national"].pk)
    with pytest.raises(ValidationError, match="còn dẫn văn bản không còn hiệu lực"):
        article_record_review(article=article, actor=officers.national_admin)
    login(client, officers.national_admin)
    refused = client.post(reverse("kb:reviewed", args=[article.pk]), follow=True)
    assert "còn dẫn văn bản không còn hiệu lực" in refused.content.decode()
    article.refresh_from_db()
    assert article.needs_review

    article_update(article=article, law_refs=["12/2026/QH15 Đ38"], actor=officers.national_admin)
    response = client.post(
        reverse("kb:reviewed", args=[article.pk]), {"next": reverse("kb:review_queue")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("kb:review_queue")
    article.refresh_from_db()
    assert not article.needs_review and not article.basis_outdated and article.review_reason == ""
    assert article.reviewed_on == timezone.localdate()
    assert article.reviewed_by == officers.national_admin
    assert AuditEvent.objects.filter(action="kb.article_reviewed").count() == 1
    public = client.get(reverse("kb_public:detail", args=[article.slug])).content.decode()
    assert NOTICE not in public
    # Someone without kb.manage at the article's unit may not record a review.
    login(client, officers.a_admin)
    assert client.post(reverse("kb:reviewed", args=[article.pk])).status_code == 403


def test_an_amendment_flags_for_review_without_the_public_notice(
    client: Client, tree: Tree, articles: dict[str, Article]
) -> None:
    amending = new_law(number="13/2026/QH15", title="Luật sửa đổi Luật Việc làm")
    employment = LegalDocument.objects.get(number="74/2025/QH15")
    document_mark(document=employment, status=DocumentStatus.AMENDED, amended_by=[amending])
    article = Article.objects.get(pk=articles["national"].pk)
    assert article.needs_review and not article.basis_outdated
    assert "đã được sửa đổi, bổ sung bởi" in article.review_reason
    page = client.get(reverse("kb_public:detail", args=[article.slug])).content.decode()
    assert NOTICE not in page
    # A second amendment adds its reason; saving without a change flags nothing new.
    second = new_law(number="14/2026/QH15", title="Luật sửa đổi lần hai")
    employment.refresh_from_db()
    document_mark(document=employment, status=DocumentStatus.AMENDED, amended_by=[second])
    article.refresh_from_db()
    assert len(article.review_reasons) == 2
    again = document_mark(document=employment, status=DocumentStatus.AMENDED)
    assert again.flagged_count == 0


def test_status_rules_are_enforced_in_vietnamese(articles: dict[str, Article]) -> None:
    employment = LegalDocument.objects.get(number="74/2025/QH15")
    with pytest.raises(ValidationError) as err:
        document_mark(document=employment, status=DocumentStatus.REPLACED)
    assert "vui lòng chọn văn bản thay thế nó" in str(err.value)
    with pytest.raises(ValidationError) as err:
        document_mark(document=employment, status=DocumentStatus.AMENDED)
    assert "vui lòng ghi văn bản sửa đổi" in str(err.value)
    with pytest.raises(ValidationError) as err:
        new_law(number="45/2019/qh14")
    assert "Đã có văn bản số 45/2019/QH14" in str(err.value)
    with pytest.raises(ValidationError) as err:
        new_law(number="không phải số hiệu")
    assert "không đúng dạng" in str(err.value)
    assert not Article.objects.filter(review_flagged_at__isnull=False).exists()


def test_review_queue_lists_flagged_and_overdue_articles(
    client: Client, tree: Tree, officers: Officers, articles: dict[str, Article]
) -> None:
    today = timezone.localdate()
    assert review_cutoff(today) == months_before(today, 12)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2025, 12, 7), -12) == dt.date(2026, 12, 7)
    # Province A's article was last reviewed 13 months ago; province B's 11 months ago.
    Article.objects.filter(pk=articles["province"].pk).update(reviewed_on=months_before(today, 13))
    Article.objects.filter(pk=articles["b"].pk).update(reviewed_on=months_before(today, 11))
    document_mark(
        document=LegalDocument.objects.get(number="74/2025/QH15"),
        status=DocumentStatus.EXPIRED,
    )
    everything = review_queue(user=officers.national_admin)
    assert list(everything) == [articles["province"], articles["national"]]
    overdue = review_queue(user=officers.national_admin, reason=REVIEW_OVERDUE)
    assert list(overdue) == [articles["province"]]
    flagged = review_queue(user=officers.national_admin, reason=REVIEW_FLAGGED)
    assert set(flagged) == {articles["national"], articles["province"]}
    # Province A's editors see their own articles only; B's admin none of them.
    assert list(review_queue(user=officers.a_propaganda)) == [articles["province"]]
    assert list(review_queue(user=officers.b_admin)) == []

    login(client, officers.a_propaganda)
    page = client.get(reverse("kb:review_queue")).content.decode()
    assert "Trợ cấp thất nghiệp ở tỉnh A" in page and "Quá hạn rà soát" in page
    assert "Trợ cấp thất nghiệp toàn quốc" not in page
    unit_page = client.get(reverse("kb:review_queue_unit", args=["P-A"]))
    assert unit_page.status_code == 200
    assert "Trợ cấp thất nghiệp ở tỉnh A" in unit_page.content.decode()
    login(client, officers.a_viewer)
    assert client.get(reverse("kb:review_queue")).status_code == 403
    # The queue is a work tile on the unit page of those who manage articles there.
    login(client, officers.a_propaganda)
    unit = client.get(reverse("units:detail", args=["P-A"])).content.decode()
    assert reverse("kb:review_queue_unit", args=["P-A"]) in unit


def test_register_screens(client: Client, tree: Tree, officers: Officers, articles) -> None:
    login(client, officers.a_viewer)
    listing = client.get(reverse("kb:law_list"), {"q": "viec lam"}).content.decode()
    assert "74/2025/QH15" in listing and "Bộ luật Lao động 2019" not in listing
    employment = LegalDocument.objects.get(number="74/2025/QH15")
    detail = client.get(reverse("kb:law_detail", args=[employment.pk])).content.decode()
    assert "Trợ cấp thất nghiệp toàn quốc" in detail
    assert client.get(reverse("kb:law_create")).status_code == 403
    # A provincial editor reads the register but may not change it (one register for all).
    login(client, officers.a_propaganda)
    assert client.get(reverse("kb:law_edit", args=[employment.pk])).status_code == 403
    # A national editor marks it replaced on screen.
    login(client, officers.national_admin)
    assert client.get(reverse("kb:law_create")).status_code == 200
    edit = client.get(reverse("kb:edit", args=[articles["province"].pk])).content.decode()
    assert "74/2025/QH15 Đ39\n45/2019/QH14 Đ46" in edit  # the references, one per line
    replacement = new_law(status=DocumentStatus.IN_FORCE)
    form = {
        "number": employment.number,
        "title": employment.title,
        "short_title": employment.short_title,
        "kind": employment.kind,
        "issuer": employment.issuer,
        "issued_on": "16/06/2025",
        "in_force_from": "01/01/2026",
        "status": DocumentStatus.REPLACED,
        "replaced_by": "99/2099/QH99",
        "amended_by": "",
        "note": "",
    }
    bad = client.post(reverse("kb:law_edit", args=[employment.pk]), form)
    assert bad.status_code == 200 and "chưa có trong danh mục" in bad.content.decode()
    assert not Article.objects.filter(review_flagged_at__isnull=False).exists()
    done = client.post(
        reverse("kb:law_edit", args=[employment.pk]),
        {**form, "replaced_by": replacement.number},
        follow=True,
    )
    text = done.content.decode()
    assert "2 bài hỏi đáp dẫn văn bản này được đánh dấu cần rà soát" in text
    employment.refresh_from_db()
    assert employment.status == DocumentStatus.REPLACED and employment.replaced_by == replacement
    assert Article.objects.filter(review_flagged_at__isnull=False).count() == 2
