"""Connector errors carry a ``Text``: logs and callers read the site's language (``str``), rows
store the text with its code (``stored``) for each officer's language; the platform's words
are a parameter, never translated."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

from lantoa.connectors.errors import ConnectorError, PermanentError, TemporaryError
from lantoa.connectors.http import json_of
from lantoa.core.messages import Text, stored_text

LANTOA = Path(settings.BASE_DIR)
ERRORS = {"ConnectorError", "PermanentError", "TemporaryError"}


def test_message_in_the_site_language_and_stored_with_its_code() -> None:
    said = "(#200) Requires pages_manage_posts permission"
    error = PermanentError(
        Text(gettext_noop("Facebook từ chối bài đăng: %(text)s"), {"text": said}), code="200/3"
    )
    assert error.message == f"Facebook từ chối bài đăng: {said}"
    assert str(error) == f"Facebook từ chối bài đăng: {said} (mã lỗi 200/3)"
    assert stored_text(error.stored()) == str(error)
    with translation.override("en"):
        assert str(error) == f"Facebook từ chối bài đăng: {said} (mã lỗi 200/3)"  # for the logs
        assert (
            stored_text(error.stored()) == f"Facebook refused the post: {said} (error code 200/3)"
        )
    no_code = PermanentError(Text(gettext_noop("Zalo chưa tạo xong bài viết."), {}))
    assert str(no_code) == "Zalo chưa tạo xong bài viết." and no_code.stored() == {
        "msgid": "Zalo chưa tạo xong bài viết.",
        "params": {},
    }
    # A plain string (a caller outside the product) still works; nothing to store beside it.
    plain = TemporaryError("không rõ", code=1)
    assert str(plain) == "không rõ (mã lỗi 1)" and plain.stored() is None


def test_a_platform_error_made_in_english_mode_is_stored_in_vietnamese() -> None:
    class Garbled:
        status_code = 502

        def json(self) -> object:
            raise ValueError

    with translation.override("en"), pytest.raises(TemporaryError) as info:
        json_of(Garbled(), "Zalo")  # type: ignore[arg-type]
    error = info.value
    assert str(error) == "Zalo: câu trả lời không phải JSON (HTTP 502) (mã lỗi bad_response)"
    with translation.override("en"):
        assert stored_text(error.stored()) == (
            "Zalo: the answer is not JSON (HTTP 502) (error code bad_response)"
        )


def _string_errors(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else None
            first = node.args[0]
            written = isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            )
            # _("…") or _("…") % {…}: translated once, in the worker's language, then stored.
            gettext = isinstance(first, ast.BinOp) or (
                isinstance(first, ast.Call)
                and isinstance(first.func, ast.Name)
                and first.func.id in {"_", "gettext", "pgettext"}
            )
            if name in ERRORS and (written or gettext):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def test_every_connector_error_is_a_text() -> None:
    """An error built from a string would show in Vietnamese to English readers: every one
    is a ``Text`` (a msgid and named parameters)."""
    assert _string_errors(LANTOA) == []
    assert ConnectorError.__subclasses__() == [TemporaryError, PermanentError]


def test_the_check_finds_an_error_made_from_a_string(tmp_path: Path) -> None:
    (tmp_path / "lantoa").mkdir()
    (tmp_path / "lantoa" / "x.py").write_text(
        'def a(text):\n    raise PermanentError(f"Zalo từ chối: {text}", code=1)\n'
        'def b():\n    raise TemporaryError("Zalo bận.")\n'
        'def c():\n    raise PermanentError(_("Vui lòng kết nối lại."))\n'
        'def d(t):\n    raise PermanentError(Text(gettext_noop("Ổn: %(t)s"), {"t": t}))\n',
        encoding="utf-8",
    )
    assert [f.split(":")[1] for f in _string_errors(tmp_path / "lantoa")] == ["2", "4", "6"]


def test_a_broken_wording_does_not_hide_the_error() -> None:
    error = PermanentError(Text(gettext_noop("Zalo từ chối gửi tin: %(text)s"), {}), code=-1)
    assert str(error).startswith("Zalo từ chối gửi tin: %(text)s") and error.code == -1
    assert error.shown() == str(error)  # the stored text cannot be shown: the string is
