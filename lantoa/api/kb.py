"""/kb/search: the legal knowledge base, ranked. Public (published articles only); an
authenticated officer (bearer token or session) also gets the internal articles they may
read. Drafts are never returned."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import Truncator
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from lantoa import access
from lantoa.access import PUBLIC
from lantoa.accounts.models import User
from lantoa.api.auth import API_AUTH, BearerTokenAuth
from lantoa.api.schemas import ErrorOut
from lantoa.kb.categories import category_codes
from lantoa.kb.models import ArticleStatus
from lantoa.kb.selectors import article_search

router = Router(tags=["Hỏi đáp pháp luật"])

MAX_LIMIT = 50
SNIPPET = 200


class KbSearchFilters(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=200,
        description="Từ khóa, có dấu hoặc không dấu, thứ tự tùy ý (ví dụ “luong toi thieu vung”)",
    )
    limit: int = Field(10, ge=1, le=MAX_LIMIT, description="Số kết quả tối đa (1–50)")
    category: str | None = Field(
        None, max_length=60, description="Chỉ tìm trong một lĩnh vực (mã, ví dụ “wages”)"
    )

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str | None) -> str | None:
        # Built-in fields and those imports created: the list is read, not fixed in the schema.
        codes = category_codes()
        if value and value not in codes:
            raise PydanticCustomError(
                "enum", "unknown category", {"expected": ", ".join(sorted(codes))}
            )
        return value


class KbHit(Schema):
    id: int
    title: str
    question: str = Field(description="Đoạn đầu câu hỏi")
    category: str
    category_label: str
    status: str
    score: int = Field(description="Điểm liên quan; càng cao càng phù hợp")
    url: str


class KbSearchOut(Schema):
    query: str
    count: int
    items: list[KbHit]


def _optional_caller(request: HttpRequest) -> User | None:
    """The officer behind the request, if any. A bad bearer token is still a 401 (the caller
    meant to use it); a session that has not passed two-factor is simply anonymous here."""
    for auth in API_AUTH:
        try:
            user = auth(request)
        except AuthenticationError:
            if isinstance(auth, BearerTokenAuth):
                raise
            continue
        if user:
            return user
    return None


@router.get(
    "/kb/search",
    response={200: KbSearchOut, 401: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Tìm bài hỏi đáp pháp luật",
    description=(
        "Tìm không phân biệt dấu (kể cả đ/Đ), không phụ thuộc thứ tự từ, từ cuối có thể "
        "gõ dở. Không xác thực: chỉ bài công khai; cán bộ đã xác thực: thêm bài nội bộ "
        "trong phạm vi được xem."
    ),
)
@access.api_policy(PUBLIC)
def search_articles(request: HttpRequest, filters: Query[KbSearchFilters]) -> dict[str, object]:
    user = _optional_caller(request)
    results = article_search(
        text=filters.q,
        user=user,
        category=filters.category or "",
        statuses=[ArticleStatus.PUBLISHED, ArticleStatus.INTERNAL],
        limit=filters.limit,
    )
    items = []
    for result in results:
        article = result.article
        if article.is_published:
            path = reverse("kb_public:detail", kwargs={"slug": article.slug})
        else:
            path = reverse("kb:detail", kwargs={"pk": article.pk})
        items.append(
            {
                "id": article.pk,
                "title": article.title,
                "question": Truncator(article.question).chars(SNIPPET),
                "category": article.category,
                "category_label": article.category_label,
                "status": article.status,
                "score": result.score,
                "url": request.build_absolute_uri(path),
            }
        )
    return {"query": filters.q, "count": len(items), "items": items}
