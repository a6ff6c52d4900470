"""The English locale: pages switch language by cookie, and the shipped catalog is complete.

The UI msgids are Vietnamese, so a missing or stale English catalog does not break anything
visibly in Vietnamese; these tests are what catches it.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import Officers, Tree, login

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"
PO_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')

# (English, Vietnamese msgid) pairs that the unit page of an industrial-zone union renders.
UNIT_PAGE_STRINGS = [
    ("Subordinate units", "Đơn vị trực thuộc"),
    ("Change history", "Lịch sử thay đổi"),
    ("Channel coverage", "Độ phủ kênh"),
    ("Skip to content", "Bỏ qua đến nội dung"),
    ("Log out", "Đăng xuất"),
]


@dataclass
class PoEntry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def parse_po(path: Path) -> list[PoEntry]:
    """A small .po reader (polib is not a dependency); handles multi-line strings and plurals."""
    entries: list[PoEntry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if not block.strip():
            continue
        entry = PoEntry()
        current: str | None = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := PO_KEYWORD.match(line):
                current = match.group(1)
                value = ast.literal_eval(match.group(2))
                if current == "msgid":
                    entry.msgid = value
                elif current == "msgctxt":
                    entry.msgctxt = value
                elif current == "msgid_plural":
                    entry.msgid_plural = value
                elif current.startswith("msgstr"):
                    entry.msgstrs[current] = value
            elif line.startswith('"') and current is not None:
                value = ast.literal_eval(line)
                if current == "msgid":
                    entry.msgid += value
                elif current == "msgctxt":
                    entry.msgctxt = (entry.msgctxt or "") + value
                elif current == "msgid_plural":
                    entry.msgid_plural = (entry.msgid_plural or "") + value
                elif current.startswith("msgstr"):
                    entry.msgstrs[current] += value
        entries.append(entry)
    return entries


def catalog() -> list[PoEntry]:
    return [e for e in parse_po(PO_PATH) if e.msgid and not e.obsolete]


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", text))


# --- the page follows the language cookie -------------------------------------------------


@pytest.mark.django_db
def test_unit_page_in_english_with_language_cookie(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/don-vi/A-KCN/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    for english, vietnamese in UNIT_PAGE_STRINGS:
        assert english in html, english
        assert vietnamese not in html, vietnamese
    # Data is not translated: the unit's own name stays as entered.
    assert tree.a_kcn.name in html


@pytest.mark.django_db
def test_unit_page_defaults_to_vietnamese(client: Client, tree: Tree, officers: Officers) -> None:
    """Vietnamese even from a phone set to English: only the switcher's cookie changes it."""
    login(client, officers.a_admin)
    response = client.get("/don-vi/A-KCN/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    for english, vietnamese in UNIT_PAGE_STRINGS:
        assert vietnamese in html, vietnamese
        assert english not in html, english


@pytest.mark.django_db
def test_language_switcher_sets_cookie_and_page_follows(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_admin)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/don-vi/A-KCN/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/don-vi/A-KCN/").content.decode()
    assert "Subordinate units" in html
    assert "Đơn vị trực thuộc" not in html


# --- the catalog -----------------------------------------------------------------------------


def test_english_catalog_is_complete_and_not_fuzzy() -> None:
    entries = catalog()
    assert len(entries) > 300  # the whole UI, not a stray handful
    untranslated = [e.msgid for e in entries if not all(v.strip() for v in e.msgstrs.values())]
    assert untranslated == []
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert fuzzy == []
    plural_forms = [e.msgid for e in entries if e.msgid_plural is not None]
    assert plural_forms, "the catalog has plural entries"
    for e in entries:
        if e.msgid_plural is not None:
            assert set(e.msgstrs) == {"msgstr[0]", "msgstr[1]"}, e.msgid


def test_english_catalog_keeps_placeholders() -> None:
    wrong = [
        (e.msgid, value)
        for e in catalog()
        for value in e.msgstrs.values()
        if placeholders(value) != placeholders(e.msgid)
    ]
    assert wrong == []


def test_compiled_catalog_matches_po() -> None:
    """django.mo is committed (servers have no gettext); it must be compiled from this .po."""
    with MO_PATH.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in catalog():
        if e.msgid_plural is None:
            text = compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)
            if text != e.msgstrs["msgstr"]:
                stale.append(e.msgid)
        elif (
            compiled.ngettext(e.msgid, e.msgid_plural, 1) != e.msgstrs["msgstr[0]"]
            or compiled.ngettext(e.msgid, e.msgid_plural, 2) != e.msgstrs["msgstr[1]"]
        ):
            stale.append(e.msgid)
    assert stale == []


# --- service-layer messages follow the active language -----------------------------------


@pytest.mark.django_db
def test_service_errors_come_out_in_english(tree: Tree) -> None:
    """Refusals raised below the views (unit tree rules, importer rows, inquiry intake) are
    translated too, so the English UI does not mix in Vietnamese sentences."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from lantoa.units.importing import units_import
    from lantoa.units.services import unit_merge

    upload = "code,name,kind,parent_code\nX-1,Công đoàn thử,khong-co,A-KCN\n".encode()
    with translation.override("en"):
        with pytest.raises(ValidationError) as merge:
            unit_merge(source=tree.a_g1, target=tree.a_g1)
        imported = units_import(fileobj=io.BytesIO(upload), filename="units.csv")
        row_error = str(imported.errors[0])
    assert merge.value.messages == ["A unit cannot be merged into itself."]
    assert row_error.startswith("Row 2, column “"), row_error
    assert "unit type “khong-co” is invalid (accepted: " in row_error

    # Vietnamese stays the default: the same refusal, untranslated.
    with pytest.raises(ValidationError) as merge_vi:
        unit_merge(source=tree.a_g1, target=tree.a_g1)
    assert merge_vi.value.messages == ["Không thể hợp nhất một đơn vị vào chính nó."]


@pytest.mark.django_db
def test_inquiry_intake_refusal_in_english() -> None:
    from django.utils import translation

    from lantoa.inquiries.intake import route
    from lantoa.units.models import Unit

    Unit.objects.all().delete()  # not even the root a migrated database starts with
    with translation.override("en"), pytest.raises(ValueError) as refused:
        route(workplace="Công ty A", hint=None)
    assert str(refused.value) == "There is no union unit yet to receive questions."
    with pytest.raises(ValueError) as refused_vi:
        route(workplace="Công ty A", hint=None)
    assert str(refused_vi.value) == "Chưa có đơn vị công đoàn nào để tiếp nhận câu hỏi."
