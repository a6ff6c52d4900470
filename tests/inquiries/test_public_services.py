"""The public desk's services (lantoa.inquiries.public_services): anonymous inquiries keep no
identity, lookups need code and secret."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from lantoa.inquiries.models import Inquiry, InquiryContact
from lantoa.inquiries.public_services import inquiry_lookup, inquiry_submit_web
from tests.conftest import Tree
from tests.inquiries.support import QUESTION

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_service_drops_identity_of_anonymous_inquiries(tree: Tree) -> None:
    inquiry, receipt = inquiry_submit_web(
        question=QUESTION, anonymous=True, name="X", phone="0912345678", consent=True
    )
    assert inquiry.anonymous and not InquiryContact.objects.filter(inquiry=inquiry).exists()
    assert receipt.response_hours == 24


def test_lookup_service_needs_both(tree: Tree) -> None:
    inquiry, receipt = inquiry_submit_web(question=QUESTION, anonymous=True)
    assert inquiry_lookup(code=receipt.code, secret=receipt.secret) == inquiry
    assert inquiry_lookup(code=receipt.code, secret="") is None
    assert inquiry_lookup(code="", secret=receipt.secret) is None
    Inquiry.objects.filter(pk=inquiry.pk).update(lookup_secret_hash="")
    assert inquiry_lookup(code=receipt.code, secret=receipt.secret) is None
