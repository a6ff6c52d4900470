"""English mode speaks English: ambiguous msgids carry a context, one English word per concept,
English number separators in English examples, and no Vietnamese service message on English
pages (docs/STYLE.md, "Tiếng Anh")."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from lantoa.core.tabular import parse_count
from lantoa.inquiries.models import Kind
from lantoa.kb.models import ArticleStatus
from lantoa.periods.models import PeriodReport, ReportStatus
from lantoa.units.services import unit_merge
from tests.conftest import Officers, Tree, login
from tests.core.test_i18n import PO_PATH, parse_po
from tests.periods.test_periods import MARCH, record, reporting_period

LANTOA = Path(settings.BASE_DIR)

# --- contexts and one rendering per concept ----------------------------------------------------


def test_ambiguous_msgids_have_a_context() -> None:
    with translation.override("en"):
        assert pgettext("button", "Công khai") == "Publish"
        assert gettext("Công khai") == "Public"  # the status of an article
        assert str(ArticleStatus.PUBLISHED.label) == "Public"
        assert pgettext("button", "Cập nhật") == "Update"
        assert gettext("Cập nhật") == "Updated"  # "updated on" in a table or a list
        assert pgettext("sender", "Người lao động") == "Worker"
        assert gettext("Người lao động") == "Workers"  # a count
        assert str(Kind.COMPLAINT.label) == "Report"
        assert str(Kind.PETITION.label) == "Petition"
        assert gettext("Phản ánh, kiến nghị") == "Reports & petitions"


def _english(entries, pattern: str) -> list[tuple[str, str]]:
    regex = re.compile(pattern, re.IGNORECASE)
    return [
        (entry.msgid, text)
        for entry in entries
        if not entry.obsolete and entry.msgid and regex.search(entry.msgid)
        for text in entry.msgstrs.values()
    ]


def test_one_english_word_per_concept() -> None:
    entries = parse_po(PO_PATH)
    posts = _english(entries, r"\btin, bài\b")
    assert len(posts) > 10
    wrong = [(vi, en) for vi, en in posts if "post" not in en.lower()]
    assert not wrong, wrong
    officers = _english(entries, r"cán bộ tuyên giáo")
    assert officers and all("outreach officer" in en.lower() for _vi, en in officers), officers
    reports = _english(entries, r"phản ánh|kiến nghị")
    wrong = [(vi, en) for vi, en in reports if re.search(r"complain|request\b", en, re.I)]
    assert not wrong, wrong


def test_numbers_in_english_examples_use_english_separators() -> None:
    vietnamese_number = re.compile(r"\d\.\d{3}(?!\d)|\d,\d{1,2}%")
    wrong = [
        (entry.msgid, text)
        for entry in parse_po(PO_PATH)
        if not entry.obsolete
        for text in entry.msgstrs.values()
        if vietnamese_number.search(text)
    ]
    assert not wrong, wrong
    # …and what the English examples show is accepted.
    assert parse_count("1,200") == 1200
    assert parse_count("12,500") == 12500
    for refused in ("1,5", "1,20", "1.200,5"):
        with pytest.raises(ValueError):
            parse_count(refused)


# --- every service message can be translated ---------------------------------------------------

GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy"}
MESSAGES = {"success", "error", "warning", "info"}


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def bare_strings(node: ast.AST) -> list[ast.AST]:
    """Literal text in a message argument that does not pass through gettext."""
    if isinstance(node, ast.Call) and _name(node.func) in GETTEXT:
        return []
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) and re.search(r"\w\s\w", node.value) else []
    if isinstance(node, ast.JoinedStr):
        return [node]
    if isinstance(node, ast.Dict):
        return [found for value in node.values if value for found in bare_strings(value)]
    if isinstance(node, ast.BinOp):
        return bare_strings(node.left) + bare_strings(node.right)
    if isinstance(node, ast.IfExp):
        return bare_strings(node.body) + bare_strings(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return [found for item in node.elts for found in bare_strings(item)]
    return []


def untranslated_messages(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts or "management" in path.parts:
            continue  # commands talk to the operator's terminal, in Vietnamese
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name == "ValidationError":
                args = node.args[:1]
            elif name in MESSAGES and _name(getattr(node.func, "value", None)) == "messages":
                args = node.args[1:2]
            else:
                continue
            for bare in [s for arg in args for s in bare_strings(arg)]:
                text = ast.unparse(bare)[:70]
                found.append(f"{path.relative_to(root.parent)}:{bare.lineno}: {text}")
    return found


def test_every_service_message_is_translatable() -> None:
    assert untranslated_messages(LANTOA) == []


def test_the_check_finds_an_untranslated_message(tmp_path: Path) -> None:
    (tmp_path / "lantoa" / "x").mkdir(parents=True)
    (tmp_path / "lantoa" / "x" / "services.py").write_text(
        "from django.utils.translation import gettext as _\n"
        'def a(label):\n    raise ValidationError(f"Báo cáo {label} đã được duyệt.")\n'
        'def b():\n    raise ValidationError({"note": "Vui lòng ghi chú."})\n'
        'def c(request):\n    messages.success(request, "Đã lưu.")\n'
        'def d():\n    raise ValidationError(_("Đã lưu %(n)s.") % {"n": 1})\n',
        encoding="utf-8",
    )
    found = untranslated_messages(tmp_path / "lantoa")
    assert [line.split(":")[1] for line in found] == ["3", "5", "7"], found


# --- English pages show English service messages ----------------------------------------------

VIETNAMESE_MESSAGES = [
    "Báo cáo",
    "đã được gửi và đang chờ cấp trên duyệt",
    "lý do trả lại",
    "tối đa",
    "chưa bắt đầu",
    "đã hợp nhất",
    "chỉ lập được báo cáo",
    "Vui lòng",
    "Đã ",
]


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(html: str) -> str:
    """The text of the page's messages and form errors (where service messages appear)."""
    parts = re.findall(
        r'<(?:div|p|li|ul)[^>]*class="[^"]*(?:message|alert|errorlist|error)[^"]*"[^>]*>(.*?)</',
        html,
        re.S,
    )
    return " ".join(parts)


def assert_english(html: str, *expected: str) -> None:
    for text in expected:
        assert text in html, text
    shown = messages_of(html)
    assert shown, "no message on the page"
    for vietnamese in VIETNAMESE_MESSAGES:
        assert vietnamese not in shown, (vietnamese, shown)


def test_period_report_messages_in_english(client: Client, tree: Tree, officers: Officers) -> None:
    period = reporting_period(MARCH)
    record(tree.a_kcn, dt.date(2024, 3, 9))
    login(english(client), officers.a_communicator)
    refused = client.post("/bao-cao/A-KCN/ky/2024-03/gui/", {"note": "x" * 2100})
    assert refused.status_code == 400
    assert_english(refused.content.decode(), "characters long, at most")
    client.post("/bao-cao/A-KCN/ky/2024-03/gui/", {"note": "Complete"})
    again = client.post("/bao-cao/A-KCN/ky/2024-03/gui/", {"note": "Again"}, follow=True)
    assert_english(again.content.decode(), "has been submitted and is awaiting approval")
    assert PeriodReport.objects.get(unit=tree.a_kcn, period=period).status == (
        ReportStatus.SUBMITTED
    )
    login(english(client), officers.a_leader)
    client.post("/bao-cao/A-KCN/ky/2024-03/duyet/")
    no_reason = client.post("/bao-cao/A-KCN/ky/2024-03/tra-lai/", {"comment": ""}, follow=True)
    assert_english(no_reason.content.decode(), "Please give the reason")


def test_report_screen_refusals_in_english(client: Client, tree: Tree, officers: Officers) -> None:
    login(english(client), officers.a_propaganda)
    future = f"{timezone.localdate().year + 1}-H1"
    response = client.post("/bao-cao/P-A/", {"other_period": future, "format": "md"})
    assert response.status_code == 400
    assert_english(response.content.decode(), "has not started yet")
    unit_merge(source=tree.a_xa, target=tree.a_kcn, on=dt.date(2025, 7, 1))
    response = client.post("/bao-cao/A-XA/", {"other_period": "2025-H2", "format": "md"})
    assert response.status_code == 400
    assert_english(response.content.decode(), "was merged into")


def test_facebook_schedule_window_in_english() -> None:
    from lantoa.connectors.facebook.publish import check_schedule_window

    now = timezone.now()
    with translation.override("en"), pytest.raises(ValidationError) as soon:
        check_schedule_window(now, now=now)
    assert soon.value.messages[0].startswith("Facebook only schedules posts")
    with pytest.raises(ValidationError) as soon_vi:
        check_schedule_window(now, now=now)
    assert soon_vi.value.messages[0].startswith("Facebook chỉ nhận hẹn giờ đăng")


def test_report_screen_names_periods_in_english(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(english(client), officers.a_propaganda)
    page = client.get("/bao-cao/P-A/").content.decode()
    year = timezone.localdate().year
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert f"Year {year} ({year})" in options or f"{year} ({year})" in options, options
    assert not [o for o in options if re.search(r"năm|quý|tháng", o, re.I)], options
