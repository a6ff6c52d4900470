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


# -- errors say "Vui lòng …" ----------------------------------------------------------------------
#
# docs/STYLE.md: an error asks with "Vui lòng …", never "Hãy …" nor a bare order ("Nhập mã …").
# Guidance — help texts, notes on a page, what to do next after a success — may say "hãy"; so
# the scan reads only the places where a message is an error: the first argument of an
# exception (ValidationError, ImportFileError, PermanentError, CommandError…), what goes into an
# ``errors`` collection or a form's ``add_error``/``error_messages``, ``messages.error`` and
# ``messages.warning``, the ``required=`` text of a field, API error constants (``MSG_*``) and
# ``{"error": …}`` bodies, an importer's ``error(row, column, message)``, and what a function
# whose name says it builds a refusal (``…_error``, ``…_reason``, ``…_message``) returns. In
# templates: error pages, and error blocks (``notice-error``, ``errorlist``, ``role="alert"``).

HAY = re.compile(r"(?<!\w)hãy(?!\w)", re.IGNORECASE)
# An error that starts with an order and no "Vui lòng": "Nhập mã tra cứu.", "Chọn ít nhất …".
BARE_ORDER = re.compile(r"^(Hãy|Xin|Nhập|Chọn|Điền|Bấm|Dán|Cần bạn|Bạn hãy|Bạn cần)\b")
ERROR_CALLS = {"ValidationError", "RestructureNotAllowed", "CommandError", "fail", "_fail"}
ERROR_KEYWORDS = {"error_messages", "required", "invalid", "message"}
ERROR_FUNCTION = re.compile(r"(^|_)(error|reason|message|refusal)s?$")
ERROR_TEMPLATES = {
    "lantoa/templates/400.html",
    "lantoa/templates/403.html",
    "lantoa/templates/403_csrf.html",
    "lantoa/templates/404.html",
    "lantoa/templates/500.html",
    "lantoa/templates/core/unavailable.html",
    "lantoa/templates/core/no_unit.html",
    "lantoa/templates/inquiries/public/poster_unavailable.html",
}
ERROR_BLOCK = re.compile(r"notice-error|errorlist|role=\"alert\"")
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "format_lazy",
}


def _callee(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _message_texts(node: ast.AST | None) -> list[tuple[int, str]]:
    """(line, text) of the literal message text an expression builds (through gettext,
    ``%``, ``.format``, dicts and lists of messages, conditional messages)."""
    if node is None:
        return []
    if isinstance(node, ast.Constant):
        return [(node.lineno, node.value)] if isinstance(node.value, str) else []
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return [(node.lineno, str(text))]
    if isinstance(node, ast.Call):
        name = _callee(node.func)
        if name in GETTEXT_NAMES:
            args = node.args[1:] if name.startswith("pgettext") else node.args
            return [found for arg in args[:2] for found in _message_texts(arg)]
        if name == "format" and isinstance(node.func, ast.Attribute):
            return _message_texts(node.func.value)
        if name == "str":
            return [found for arg in node.args for found in _message_texts(arg)]
        return []
    if isinstance(node, ast.Dict):
        return [found for value in node.values for found in _message_texts(value)]
    if isinstance(node, ast.List | ast.Tuple):
        return [found for item in node.elts for found in _message_texts(item)]
    if isinstance(node, ast.BinOp):
        return _message_texts(node.left) + _message_texts(node.right)
    if isinstance(node, ast.IfExp):
        return _message_texts(node.body) + _message_texts(node.orelse)
    return []


def _is_errors(node: ast.AST) -> bool:
    """``errors``, ``self.errors``, ``result.errors``, ``errors["field"]``,
    ``field.error_messages["invalid"]``."""
    if isinstance(node, ast.Subscript):
        node = node.value
    return _callee(node).endswith("errors") or _callee(node) == "error_messages"


def error_messages_in(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every error message a module writes (see the comment above)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _callee(node.func)
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            if name in ERROR_CALLS or (name.endswith("Error") and name[:1].isupper()):
                found += [t for arg in node.args for t in _message_texts(arg)]
            elif (
                name in {"error", "warning"} and owner is not None and _callee(owner) == "messages"
            ):
                found += _message_texts(node.args[1] if len(node.args) > 1 else None)
            elif name == "error":  # an importer's error(row, column, message)
                found += _message_texts(node.args[-1] if node.args else None)
            elif name in {"add_error", "add"} and (name == "add_error" or _is_errors(owner)):
                found += _message_texts(node.args[1] if len(node.args) > 1 else None)
            elif name == "append" and owner is not None and _is_errors(owner):
                found += [t for arg in node.args for t in _message_texts(arg)]
            found += [
                t
                for kw in node.keywords
                if kw.arg in ERROR_KEYWORDS
                for t in _message_texts(kw.value)
            ]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (_is_errors(target) and isinstance(target, ast.Subscript)) or (
                    isinstance(target, ast.Name) and target.id.startswith("MSG_")
                ):
                    found += _message_texts(node.value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in {"error", "detail"}:
                    found += _message_texts(value)
        elif isinstance(node, ast.FunctionDef) and ERROR_FUNCTION.search(node.name):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return):
                    found += _message_texts(inner.value)
    return found


def _template_error_lines(rel: str, text: str) -> list[tuple[int, str]]:
    lines = text.splitlines()
    if rel in ERROR_TEMPLATES:
        return list(enumerate(lines, 1))
    return [(n, line) for n, line in enumerate(lines, 1) if ERROR_BLOCK.search(line)]


def error_voice_problems(root: Path) -> list[str]:
    problems: list[str] = []
    for path in sorted((root / "lantoa").rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or "/migrations/" in rel:
            continue
        if path.suffix == ".py":
            texts = error_messages_in(ast.parse(path.read_text(encoding="utf-8")))
            for line, text in texts:
                if HAY.search(text) or BARE_ORDER.match(text.strip()):
                    problems.append(f"{rel}:{line}: “{text[:70]}” — lỗi nói “Vui lòng …”")
        elif "/templates/" in rel and path.suffix in {".html", ".txt"}:
            lines = _template_error_lines(rel, path.read_text(encoding="utf-8"))
            for line, text in lines:
                if HAY.search(text):
                    problems.append(f"{rel}:{line}: “hãy” trong thông báo lỗi — “Vui lòng …”")
    return problems


def test_errors_say_vui_long() -> None:
    problems = error_voice_problems(ROOT)
    assert not problems, "\n".join(problems)


def _planted_errors(tmp_path: Path, rel: str, text: str) -> list[str]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return error_voice_problems(tmp_path)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('raise ValidationError(_("Hãy nhập tiêu đề."))\n', 1),
        ('raise ValidationError({"title": _("Tiêu đề trùng; hãy đặt tên khác.")})\n', 1),
        ('title = forms.CharField(error_messages={"required": _("Hãy nhập tiêu đề.")})\n', 1),
        ('code = code_field(required=_("Nhập mã tra cứu."))\n', 1),
        ('def f(request):\n    messages.error(request, _("Chọn ít nhất một kênh."))\n', 2),
        ('def clean(self):\n    self.add_error("x", _("Cần bạn đồng ý."))\n', 2),
        ('errors["end"] = _("Nhập đủ cả ngày và tháng.")\n', 1),
        ('errors.add("channels", _("Hãy chọn kênh."))\n', 1),
        ('raise ImportFileError(_("tệp quá lớn; hãy chia nhỏ."))\n', 1),
        ('raise PermanentError(f"Tin dài {n} ký tự. Hãy rút gọn.")\n', 1),
        ('MSG_CSRF = "Thiếu mã CSRF. Hãy tải lại trang."\n', 1),
        ('def ended_message(unit):\n    return _("%(f)s; hãy ghi cho đơn vị kế thừa.")\n', 2),
        ('def e(sheet):\n    sheet.error(3, "name", _("hãy ghi tên."))\n', 2),
    ],
)
def test_error_scan_fails_on_hay_or_a_bare_order(tmp_path, text, line):
    problems = _planted_errors(tmp_path, "lantoa/x/services.py", text)
    assert [p.split(":")[1] for p in problems] == [str(line)], problems


def test_error_scan_leaves_guidance_and_vui_long_alone(tmp_path):
    text = (
        'email = forms.BooleanField(help_text=_("Muốn hỏi qua Zalo, bạn hãy quan tâm OA."))\n'
        'NOTE = _("Hãy lưu lại hoặc chụp màn hình trang này.")\n'
        'raise ValidationError(_("Vui lòng nhập tiêu đề."))\n'
        'raise ValidationError(_("Ghi chú dài quá %(n)s ký tự.") % {"n": 5})\n'
    )
    assert _planted_errors(tmp_path, "lantoa/x/forms.py", text) == []


def test_error_scan_reads_error_blocks_and_error_pages_of_templates(tmp_path):
    guidance = '<p class="notice">{% translate "Hãy lưu lại mã." %}</p>\n'
    error = (
        '<p class="notice notice-error" role="alert">{% translate "Có lỗi; hãy sửa tệp." %}</p>\n'
    )
    assert _planted_errors(tmp_path, "lantoa/templates/x/page.html", guidance) == []
    assert _planted_errors(tmp_path, "lantoa/templates/x/page.html", guidance + error) == [
        "lantoa/templates/x/page.html:2: “hãy” trong thông báo lỗi — “Vui lòng …”"
    ]
    (tmp_path / "lantoa/templates/x/page.html").unlink()
    page = "<h1>Lỗi</h1>\n<p>{% translate 'Hãy tải lại trang.' %}</p>\n"
    problems = _planted_errors(tmp_path, "lantoa/templates/403_csrf.html", page)
    assert [p.split(":")[1] for p in problems] == ["2"], problems
