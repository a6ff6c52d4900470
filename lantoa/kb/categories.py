"""Fields of law (lĩnh vực) of the knowledge base: the built-in ``Category`` ones, which the
inquiry desk files questions under, and those an import created (``ArticleCategory``) when a
file named a field that matches none.

Text from a file is matched by its key: folded (no diacritics, đ → d, lower case) with spaces
and punctuation dropped, so "Hợp đồng lao động, thử việc", "hop dong lao dong thu viec" and
"HỢP ĐỒNG LAO ĐỘNG – THỬ VIỆC" are one field, and "wages" is the built-in code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import slugify

from lantoa.core.text import fold
from lantoa.kb.models import ArticleCategory, Category

MAX_NAME = 100


def category_key(text: str) -> str:
    """What a category's text is matched by (see the module docstring)."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def category_choices() -> list[tuple[str, str]]:
    """(code, label) of every field: the built-in ones in their order, then the created ones
    by name."""
    extra = [(c.code, c.name) for c in ArticleCategory.objects.all()]
    return [(value, str(label)) for value, label in Category.choices] + extra


def category_codes() -> set[str]:
    return set(Category.values) | set(ArticleCategory.objects.values_list("code", flat=True))


def category_label(code: str) -> str:
    """The label of ``code`` ("" for none; the code itself when it is unknown)."""
    if not code:
        return ""
    if code in Category.values:
        return str(Category(code).label)
    name = ArticleCategory.objects.filter(code=code).values_list("name", flat=True).first()
    return name or code


@dataclass(frozen=True)
class Resolved:
    """What a category written in a file became."""

    written: str  # as the file wrote it
    code: str
    label: str  # the Vietnamese label of the field it is filed under
    how: str  # "exact" (the code or the label itself), "mapped" or "created"


def _lookup() -> dict[str, tuple[str, str]]:
    """Key → (code, Vietnamese label) of every existing field, codes and labels alike."""
    lookup: dict[str, tuple[str, str]] = {}
    with translation.override("vi"):
        for value, label in Category.choices:
            lookup[category_key(value)] = (value, str(label))
            lookup[category_key(str(label))] = (value, str(label))
    for code, name, key in ArticleCategory.objects.values_list("code", "name", "key"):
        lookup.setdefault(category_key(code), (code, name))
        lookup.setdefault(key, (code, name))
    with translation.override("en"):
        for value, label in Category.choices:
            lookup.setdefault(category_key(str(label)), (value, str(Category(value).label)))
    return lookup


def categories_resolve(texts: Iterable[str]) -> dict[str, Resolved]:
    """Each distinct text (stripped, non-empty, with letters or digits) → the existing field
    it names, or the field to create (``how`` "created", ``code`` still to be given by
    ``categories_create``). Nothing is written."""
    lookup = _lookup()
    resolved: dict[str, Resolved] = {}
    new_by_key: dict[str, Resolved] = {}
    for text in texts:
        if text in resolved:
            continue
        key = category_key(text)
        found = lookup.get(key)
        if found is not None:
            code, label = found
            exact = text in (code, label)
            resolved[text] = Resolved(text, code, label, "exact" if exact else "mapped")
        elif key in new_by_key:
            # Two spellings of one new field in a file: the first names it.
            first = new_by_key[key]
            resolved[text] = Resolved(text, "", first.label, "mapped")
        else:
            new_by_key[key] = resolved[text] = Resolved(text, "", text, "created")
    return resolved


def _free_code(name: str) -> str:
    base = slugify(fold(name))[:50].strip("-") or "linh-vuc"
    code, n = base, 1
    taken = category_codes()
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def categories_create(resolved: dict[str, Resolved]) -> dict[str, Resolved]:
    """Create the fields ``categories_resolve`` found missing (inside the caller's
    transaction) and give every entry its code."""
    codes: dict[str, str] = {}  # key → code of the fields created here
    done: dict[str, Resolved] = {}
    for text, item in resolved.items():
        if item.how == "created":
            key = category_key(text)
            with transaction.atomic():
                try:
                    made = ArticleCategory.objects.create(
                        code=_free_code(text), name=text[:MAX_NAME], key=key
                    )
                except IntegrityError:  # created meanwhile by another import
                    made = ArticleCategory.objects.get(key=key)
            codes[key] = made.code
            done[text] = Resolved(text, made.code, made.name, "created")
    return {
        text: done.get(text)
        or Resolved(text, item.code or codes[category_key(text)], item.label, item.how)
        for text, item in resolved.items()
    }  # in the file's order
