"""The officers' knowledge-base screens: access rules, creating, editing and searching, grassroots
editors."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from lantoa.accounts.models import Role
from lantoa.audit.models import AuditEvent
from lantoa.kb.models import Article
from lantoa.kb.register import ensure_register
from tests.conftest import Officers, Tree, login, make_officer
from tests.kb.support import make


def test_officer_screens_follow_the_access_rules(
    client: Client, tree: Tree, officers: Officers, internal: dict[str, Article]
) -> None:
    a_note = internal["a"]
    # Anonymous → login.
    assert client.get(reverse("kb:list")).status_code == 302
    # Province B cannot see province A's internal note: 404, on every route of it.
    login(client, officers.b_admin)
    assert a_note.title not in client.get(reverse("kb:list")).content.decode()
    for url in (reverse("kb:detail", args=[a_note.pk]), reverse("kb:edit", args=[a_note.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("kb:publish", args=[a_note.pk])).status_code == 404
    for action in ("unpublish", "review"):
        assert client.post(reverse(f"kb:{action}", args=[a_note.pk])).status_code == 404
    assert client.post(reverse("kb:review", args=[internal["a_draft"].pk])).status_code == 404
    a_note.refresh_from_db()
    assert a_note.status == "internal"
    # …but B's admin may read A-owned published articles without managing them: 403.
    a_pub = make(tree, "Bài công khai của tỉnh A", unit=tree.pa)
    assert client.get(reverse("kb:detail", args=[a_pub.pk])).status_code == 200
    assert client.get(reverse("kb:edit", args=[a_pub.pk])).status_code == 403
    # A grassroots viewer reads A's note but may not edit it.
    login(client, officers.a_viewer)
    assert client.get(reverse("kb:detail", args=[a_note.pk])).status_code == 200
    assert client.get(reverse("kb:edit", args=[a_note.pk])).status_code == 403
    assert client.get(reverse("kb:create")).status_code == 403
    # Province A's propaganda officer publishes it.
    login(client, officers.a_propaganda)
    response = client.post(reverse("kb:publish", args=[a_note.pk]))
    assert response.status_code == 302
    a_note.refresh_from_db()
    assert a_note.status == "published"
    assert client.get(reverse("kb:publish", args=[a_note.pk])).status_code == 405
    client.post(reverse("kb:unpublish", args=[a_note.pk]))
    a_note.refresh_from_db()
    assert a_note.status == "internal"
    draft = internal["a_draft"]
    client.post(reverse("kb:review", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "internal"


def test_officer_creates_edits_and_searches(client: Client, tree: Tree, officers: Officers) -> None:
    ensure_register()
    login(client, officers.a_propaganda)
    form = {
        "title": "Nghỉ ốm có được trả lương?",
        "question": "Tôi ốm 3 ngày.",
        "answer": "Được hưởng chế độ ốm đau.",
        "category": "insurance",
        "law_refs": "Luật Bảo hiểm xã hội 2024\nĐiều 37 Bộ luật Lao động 2019",
        "tags": "nghỉ ốm; ốm đau",
    }
    response = client.post(reverse("kb:create"), form)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "kb:detail", args=[article.pk]
    )
    assert article.unit == tree.pa and article.status == "internal"
    assert article.created_by == officers.a_propaganda
    assert article.law_refs == [
        "Luật Bảo hiểm xã hội 2024 (41/2024/QH15)",
        "Điều 37 Bộ luật Lao động 2019 (45/2019/QH14)",
    ]
    assert article.tags == ["nghỉ ốm", "ốm đau"]
    # A bad form keeps the input and says why, in Vietnamese.
    again = client.post(reverse("kb:create"), {**form, "title": "nghi om co duoc tra luong"})
    assert again.status_code == 200 and "Đã có bài" in again.content.decode()
    assert Article.objects.count() == 1
    client.post(reverse("kb:edit", args=[article.pk]), {**form, "answer": "Hưởng 75% tiền lương."})
    article.refresh_from_db()
    assert article.answer == "Hưởng 75% tiền lương."
    listing = client.get(reverse("kb:list"), {"q": "nghi om"}).content.decode()
    assert "Nghỉ ốm có được trả lương?" in listing
    assert (
        AuditEvent.objects.filter(action="kb.article_update", actor=officers.a_propaganda).count()
        == 1
    )


def test_grassroots_editor_files_articles_under_their_unit(client: Client, tree: Tree) -> None:
    editor = make_officer("tuyengiao_g1", tree.a_g1, Role.PROPAGANDA)
    login(client, editor)
    client.post(
        reverse("kb:create"),
        {"title": "Bài của CĐCS", "question": "Q", "answer": "A", "category": "other"},
    )
    assert Article.objects.get().unit == tree.a_g1
