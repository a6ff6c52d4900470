"""The knowledge-base search API: public and ranked, internal articles for officers, validation,
limits."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from lantoa.kb.models import Article
from tests.conftest import Officers, Tree
from tests.kb.support import make


def api_get(client: Client, **params: object) -> tuple[int, dict]:
    # The published, versioned API address: the literal address is the contract.
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
    assert internal_hit["url"].endswith(reverse("kb:detail", args=[internal["a"].pk]))
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
