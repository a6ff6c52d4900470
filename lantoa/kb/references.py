"""Legal references of articles: reading them as people and spreadsheets write them, and
writing them back out.

A reference names one document of the register (``LegalDocument``) and, optionally, a điều,
a khoản and a điểm of it. Both ways of writing one are read, the parts in any order:

* compact, as the import and export files carry them: ``45/2019/QH14 Đ168 k3``,
  ``41/2024/QH15 Đ70 k1 điểm c``, or the number alone for the whole document;
* as an article's text cites them: ``khoản 3 Điều 168 Bộ luật Lao động 2019``,
  ``Điều 14 Bộ luật Lao động 2019``, ``Luật Bảo hiểm xã hội 2024 (41/2024/QH15)``,
  ``Quyết định 61/QĐ-TLĐ của Tổng Liên đoàn Lao động Việt Nam``.

The document is found by its number (diacritics, case and spaces do not matter: ``74/2024/
ND-CP`` is ``74/2024/NĐ-CP``) or, failing a number, by its short title ("Bộ luật Lao động
2019"). A reference the register does not know is an error in Vietnamese, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

from lantoa.core.text import fold

# Letters that number the points (điểm) of a clause, in the order the laws use them.
POINT_LETTERS = frozenset("abcdeghiklmnopqrstuvxy") | {"đ"}
MAX_ARTICLE = 10_000
MAX_CLAUSE = 1_000

# "45/2019/QH14", "74/2024/NĐ-CP", "61/QĐ-TLĐ", "58/VBHN-VPQH": digits, "/", then letters,
# digits, "/" and "-"; it must hold a letter (a date such as 29/7/2025 is not a number).
_NUMBER = re.compile(r"(?<![\w/])\d{1,5}/[\w\-–/]*[^\W\d_][\w\-–/]*", re.UNICODE)
_TOKEN_SPLIT = re.compile(r"[\s,()\[\]:]+")
_DIEU_WORDS = ("điều", "dieu", "đ", "d")
_KHOAN_WORDS = ("khoản", "khoan", "k")
_DIEM_WORDS = ("điểm", "diem")
_FUSED_DIEU = re.compile(r"^(?:điều|dieu|đ|d)\.?(\d+[a-zđ]?)$")
_FUSED_KHOAN = re.compile(r"^(?:khoản|khoan|k)\.?(\d+)$")
_DIEU_VALUE = re.compile(r"^\d+[a-zđ]?$")


class Document(Protocol):
    """What this module needs of a ``LegalDocument`` (also of a row being imported)."""

    number: str
    title: str
    short_title: str

    @property
    def name(self) -> str: ...


class ReferenceError(ValueError):
    """A reference that cannot be read; the message is Vietnamese, for the person who wrote
    it."""


def number_key(number: str) -> str:
    """How numbers are compared: without spaces, diacritics or case, one kind of dash."""
    return fold(number).replace(" ", "").replace("–", "-").upper()


def clean_number(number: str) -> str:
    """A number as stored: spaces removed, upper case ("61/qđ-tlđ " → "61/QĐ-TLĐ")."""
    return re.sub(r"\s+", "", number or "").replace("–", "-").upper()


def looks_like_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(clean_number(text)))


@dataclass(frozen=True)
class Ref:
    """A reference read from text, its document found in the register."""

    document: Any
    dieu: str = ""
    khoan: int | None = None
    diem: str = ""

    @property
    def key(self) -> tuple[str, str, int | None, str]:
        return (number_key(self.document.number), self.dieu, self.khoan, self.diem)


class Register:
    """The documents references may name, looked up by number and by short title."""

    def __init__(self, documents: Iterable[Any]) -> None:
        self.by_key: dict[str, Any] = {}
        titles: dict[str, list[Any]] = {}
        for document in documents:
            self.by_key[number_key(document.number)] = document
            short = fold(document.short_title)
            if short:
                titles.setdefault(short, []).append(document)
        # Longest first, so that "luat bao hiem xa hoi 2024" wins over a shorter title.
        self.titles = sorted(titles.items(), key=lambda item: -len(item[0]))

    def find(self, number: str) -> Any | None:
        return self.by_key.get(number_key(number))

    def add(self, document: Any) -> None:
        self.by_key[number_key(document.number)] = document


def _tokens(text: str) -> list[str]:
    return [t.strip(".;") for t in _TOKEN_SPLIT.split(text.lower()) if t.strip(".;")]


def _find_document(text: str, register: Register) -> tuple[Any, str]:
    """(document, the text left once its number is taken out)."""
    numbers = list(_NUMBER.finditer(text))
    for match in numbers:
        document = register.find(match.group(0))
        if document is not None:
            return document, text[: match.start()] + " " + text[match.end() :]
    if numbers:
        raise ReferenceError(
            _(
                "văn bản số “%(number)s” chưa có trong danh mục văn bản pháp luật; thêm văn bản "
                "vào danh mục trước (trang “Văn bản pháp luật” hoặc lệnh “lantoa kb laws "
                "import”)."
            )
            % {"number": clean_number(numbers[0].group(0))}
        )
    folded = f" {fold(text)} "
    found = [docs for title, docs in register.titles if f" {title} " in folded]
    if not found:
        raise ReferenceError(
            _(
                "không nhận ra văn bản trong “%(text)s”; ghi số hiệu văn bản, ví dụ "
                "“45/2019/QH14 Đ168 k3” hoặc “khoản 3 Điều 168 Bộ luật Lao động 2019”."
            )
            % {"text": text.strip()[:80]}
        )
    if len(found[0]) > 1:
        raise ReferenceError(
            _("“%(text)s” có thể là nhiều văn bản (%(numbers)s); vui lòng ghi số hiệu.")
            % {
                "text": text.strip()[:80],
                "numbers": ", ".join(sorted(d.number for d in found[0])),
            }
        )
    return found[0][0], text


def parse_reference(text: str, register: Register) -> Ref:
    """Read one reference; ``ReferenceError`` says what is wrong with it."""
    if not text or not text.strip():
        raise ReferenceError(_("căn cứ để trống."))
    shown = text.strip()[:80]
    document, rest = _find_document(text, register)
    title_words = set(fold(f"{document.short_title} {document.title}").split())
    parts: dict[str, str] = {}
    tokens = _tokens(rest)

    def put(part: str, value: str) -> None:
        if part in parts:
            raise ReferenceError(
                _(
                    "“%(text)s” ghi hai lần %(part)s; mỗi căn cứ chỉ một điều, khoản, điểm — "
                    "tách các căn cứ bằng dấu chấm phẩy (;)."
                )
                % {"text": shown, "part": part}
            )
        parts[part] = value

    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        fused_dieu = _FUSED_DIEU.match(token)
        fused_khoan = _FUSED_KHOAN.match(token)
        if token in _DIEM_WORDS:
            if following not in POINT_LETTERS:
                raise ReferenceError(
                    _(
                        "“%(text)s”: điểm “%(letter)s” không hợp lệ (điểm là một chữ cái a, b, "
                        "c, d, đ…)."
                    )
                    % {"text": shown, "letter": following}
                )
            put("điểm", following)
            i += 2
            continue
        if token in _DIEU_WORDS and _DIEU_VALUE.match(following):
            put("điều", following)
            i += 2
            continue
        if token in _KHOAN_WORDS and following.isdigit():
            put("khoản", following)
            i += 2
            continue
        if fused_dieu:
            put("điều", fused_dieu.group(1))
        elif fused_khoan:
            put("khoản", fused_khoan.group(1))
        elif token in ("điều", "dieu", "khoản", "khoan"):
            raise ReferenceError(
                _("“%(text)s”: sau “%(word)s” phải là một số.") % {"text": shown, "word": token}
            )
        elif token.isdigit() and token not in title_words:
            raise ReferenceError(
                _(
                    "“%(text)s”: không rõ số “%(number)s” là điều hay khoản; ghi “Điều "
                    "%(number)s” hoặc “khoản %(number)s”, mỗi căn cứ một điều (tách bằng dấu "
                    "chấm phẩy)."
                )
                % {"text": shown, "number": token}
            )
        i += 1
    dieu = parts.get("điều", "").lstrip("0")
    khoan = int(parts["khoản"]) if "khoản" in parts else None
    diem = parts.get("điểm", "")
    if "điều" in parts and (not dieu or int(re.sub(r"\D", "", dieu)) > MAX_ARTICLE):
        raise ReferenceError(_("“%(text)s”: số điều không hợp lệ.") % {"text": shown})
    if khoan is not None and not 1 <= khoan <= MAX_CLAUSE:
        raise ReferenceError(_("“%(text)s”: số khoản không hợp lệ.") % {"text": shown})
    if (khoan is not None or diem) and not dieu:
        raise ReferenceError(
            _("“%(text)s”: có khoản hoặc điểm thì phải ghi điều (ví dụ “%(example)s”).")
            % {"text": shown, "example": f"{document.number} Đ168 k3"}
        )
    return Ref(document=document, dieu=dieu, khoan=khoan, diem=diem)


def parse_references(
    items: Sequence[str], register: Register
) -> tuple[list[Ref], list[tuple[str, str]]]:
    """Every reference of a list, repeats dropped: (references, [(item, error)…])."""
    refs: list[Ref] = []
    errors: list[tuple[str, str]] = []
    seen: set[tuple[str, str, int | None, str]] = set()
    for item in items:
        try:
            ref = parse_reference(item, register)
        except ReferenceError as exc:
            errors.append((item, str(exc)))
            continue
        if ref.key not in seen:
            seen.add(ref.key)
            refs.append(ref)
    return refs, errors


def _parts(dieu: str, khoan: int | None, diem: str) -> str:
    parts = []
    if diem:
        parts.append(f"điểm {diem}")
    if khoan is not None:
        parts.append(f"khoản {khoan}")
    if dieu:
        parts.append(f"Điều {dieu}")
    return " ".join(parts)


def reference_label(ref: Any) -> str:
    """For people: "khoản 3 Điều 168 Bộ luật Lao động 2019 (45/2019/QH14)"."""
    where = _parts(ref.dieu, ref.khoan, ref.diem)
    return f"{where} {ref.document.name}" if where else ref.document.name


def reference_code(ref: Any) -> str:
    """For files: "45/2019/QH14 Đ168 k3", "41/2024/QH15 Đ70 k1 điểm c", "74/2025/QH15"."""
    out = ref.document.number
    if ref.dieu:
        out += f" Đ{ref.dieu}"
    if ref.khoan is not None:
        out += f" k{ref.khoan}"
    if ref.diem:
        out += f" điểm {ref.diem}"
    return out
