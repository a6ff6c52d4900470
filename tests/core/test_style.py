"""One Vietnamese voice (docs/STYLE.md): the mechanical rules, checked over the whole product.

The rules and the allow-list live in scripts/style_fix.py, which also rewrites what this test
finds; a failure here is fixed by running it (and, for a banned word, by rewording by hand).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_fixer():
    spec = importlib.util.spec_from_file_location("style_fix", ROOT / "scripts" / "style_fix.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["style_fix"] = module
    spec.loader.exec_module(module)
    return module


style_fix = _load_fixer()


# -- the rewrite itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("xoá", "xóa"),
        ("Xoá", "Xóa"),
        ("XOÁ", "XÓA"),
        ("khoá API", "khóa API"),
        ("hoà giải", "hòa giải"),
        ("văn hoá.", "văn hóa."),
        ("thoả ước", "thỏa ước"),
        ("đe doạ", "đe dọa"),
        ("khoẻ", "khỏe"),
        ("loè loẹt", "lòe loẹt"),
        ("Huỷ", "Hủy"),
        ("tuỳ chọn", "tùy chọn"),
        ("uỷ ban", "ủy ban"),
        ("Uỷ ban", "Ủy ban"),
        ("thuỷ sản", "thủy sản"),
        ("Thuỵ", "Thụy"),
        ("luỹ kế", "lũy kế"),
    ],
)
def test_syllable_final_pairs_take_the_mark_on_the_first_vowel(old, new):
    assert style_fix.fix_text(old) == new


@pytest.mark.parametrize(
    "kept",
    [
        "quý",
        "quỹ công đoàn",
        "quả",
        "QUÝ",
        "Quỳnh",
        "hoàn thành",
        "loại",
        "khoản 3",
        "ngoài giờ",
        "hoạt động",
        "khuỷu tay",
        "thuyền",
        "toán",
        "hòa",
        "https://example.vn/xoa-tin",
    ],
)
def test_qu_closed_syllables_and_correct_forms_are_left_alone(kept):
    assert style_fix.fix_text(kept) == kept


def test_rewrite_is_idempotent():
    text = "Xoá, huỷ, khoá, tuỳ; quỹ; hoàn; Lan Toả"
    once = style_fix.fix_text(text)
    assert once == "Xóa, hủy, khóa, tùy; quỹ; hoàn; Lan Tỏa"
    assert style_fix.fix_text(once) == once


def test_allowed_quoted_text_is_kept(tmp_path):
    rel = "tests/inquiries/test_intake.py"
    text = 'message = "Tổ trưởng đe doạ đánh tôi"  # xoá\n'
    assert style_fix.fix_file_text(text, rel) == 'message = "Tổ trưởng đe doạ đánh tôi"  # xóa\n'
    assert [word for _line, word in style_fix.old_forms(text, rel)] == ["xoá"]


def test_catalog_entries_that_become_one_are_merged_keeping_the_translation():
    po = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: a.html:1\nmsgid "Xoá"\nmsgstr ""\n\n'
        '#: b.html:2\nmsgid "Xóa"\nmsgstr "Delete"\n\n'
        '#: c.html:3\nmsgctxt "button"\nmsgid "Huỷ"\nmsgstr "Cancel"\n'
    )
    fixed = style_fix.fix_file_text(po, "lantoa/locale/en/LC_MESSAGES/django.po")
    assert fixed.count('msgid "Xóa"') == 1
    assert 'msgid "Xóa"\nmsgstr "Delete"' in fixed
    assert 'msgctxt "button"\nmsgid "Hủy"\nmsgstr "Cancel"' in fixed
    assert "Xoá" not in fixed
    assert style_fix.fix_file_text(fixed, "lantoa/locale/en/LC_MESSAGES/django.po") == fixed


# -- the scan over the product ------------------------------------------------------------------


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def code_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each string constant in a module that users may read (not docstrings)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstring_nodes(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def po_strings(path: Path) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    current: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(("msgid ", "msgstr")):
            current = [line.split(" ", 1)[1]]
            out.append((number, ""))
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            current = None
            continue
        out[-1] = (out[-1][0], "".join(ast.literal_eval(part) for part in current))
    return out


def ui_texts(root: Path) -> list[tuple[str, int, str]]:
    """(file, line, text) of what the product shows: templates, code strings, data, catalog."""
    lantoa = root / "lantoa"
    texts: list[tuple[str, int, str]] = []
    for path in sorted(lantoa.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or "/migrations/" in rel:
            continue
        if ("/templates/" in rel and path.suffix in {".html", ".txt"}) or "/data/" in rel:
            if path.suffix not in {".html", ".txt", ".csv", ".json"}:
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            texts += [(rel, n, line) for n, line in enumerate(lines, 1)]
        elif path.suffix == ".py":
            texts += [(rel, n, s) for n, s in code_strings(path)]
        elif path.name == "django.po":
            texts += [(rel, n, s) for n, s in po_strings(path)]
    return texts


def style_problems(root: Path) -> list[str]:
    problems: list[str] = []
    for path in style_fix.files(root):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        problems += [
            f"{rel}:{line}: “{word}” — viết dấu ở nguyên âm đầu (scripts/style_fix.py)"
            for line, word in style_fix.old_forms(text, rel)
        ]
    for rel, line, text in ui_texts(root):
        # Allowed text is allowed where it is quoted and as the catalog's msgid of it.
        catalog = rel.endswith(".po")
        if any(
            (a.path == rel or (catalog and a.text)) and a.text in text for a in style_fix.ALLOWED
        ):
            continue
        for word, instead in style_fix.BANNED.items():
            if word.casefold() in text.casefold():
                problems.append(f"{rel}:{line}: “{word}” — dùng: {instead}")
        if style_fix.MEDIAN.search(text):
            problems.append(f"{rel}:{line}: “trung vị” không giải thích (docs/STYLE.md)")
    return problems


def test_the_product_writes_in_one_voice():
    problems = style_problems(ROOT)
    assert not problems, "\n".join(problems)


def test_every_allowance_has_a_reason_and_still_matches_something():
    for allowed in style_fix.ALLOWED:
        assert len(allowed.reason) > 20, allowed
        path = ROOT / allowed.path
        assert path.is_file(), allowed
        assert allowed.text in path.read_text(encoding="utf-8"), allowed


def _planted(tmp_path: Path, rel: str, text: str) -> list[str]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return style_problems(tmp_path)


@pytest.mark.parametrize(
    ("rel", "text", "expected"),
    [
        (
            "lantoa/templates/x/confirm.html",
            '<button>{% translate "Xoá" %}</button>\n',
            "lantoa/templates/x/confirm.html:1: “Xoá”",
        ),
        ("lantoa/x/views.py", 'MESSAGE = _("Đã huỷ.")\n', "lantoa/x/views.py:1: “huỷ”"),
        ("lantoa/x/data/items.csv", "title\nHoà giải\n", "lantoa/x/data/items.csv:2: “Hoà”"),
        (
            "lantoa/locale/en/LC_MESSAGES/django.po",
            'msgid "Tuỳ chọn"\nmsgstr "Options"\n',
            "lantoa/locale/en/LC_MESSAGES/django.po:1: “Tuỳ”",
        ),
        (
            "lantoa/templates/x/approvals.html",
            "<p>Tác giả không tự duyệt (nguyên tắc bốn mắt).</p>\n",
            "lantoa/templates/x/approvals.html:1: “nguyên tắc bốn mắt”",
        ),
        (
            "lantoa/x/report.py",
            'LABEL = "Thời gian trả lời trung vị"\n',
            "lantoa/x/report.py:1: “trung vị” không giải thích",
        ),
        (
            "lantoa/x/narrative.py",
            'TEXT = "đã tổ chức 3 buổi trên hệ thống"\n',
            "lantoa/x/narrative.py:1: “trên hệ thống”",
        ),
    ],
)
def test_scan_fails_on_a_reintroduced_form(tmp_path, rel, text, expected):
    problems = _planted(tmp_path, rel, text)
    assert any(p.startswith(expected) for p in problems), problems


def test_scan_passes_correct_text_and_explained_median(tmp_path):
    problems = _planted(
        tmp_path,
        "lantoa/templates/x/report.html",
        "<p>Xóa, hủy, quỹ. Thời gian trung vị: một nửa số câu hỏi được trả lời nhanh hơn.</p>\n",
    )
    assert problems == []


def test_a_fixed_file_passes_the_scan(tmp_path):
    rel = "lantoa/templates/x/confirm.html"
    text = '{% translate "Xoá" %} · {% translate "Huỷ" %} · {% translate "Tuỳ chọn" %}\n'
    assert _planted(tmp_path, rel, text)
    (tmp_path / rel).write_text(style_fix.fix_file_text(text, rel), encoding="utf-8")
    assert style_problems(tmp_path) == []


def test_median_pattern_requires_an_explanation_nearby():
    assert style_fix.MEDIAN.search("trung vị (giờ)")
    assert not style_fix.MEDIAN.search("trung vị: một nửa số câu hỏi được trả lời nhanh hơn")
    assert re.search("trung vị", "Trung vị".casefold())
