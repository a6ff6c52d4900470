"""Rewrite the mechanical Vietnamese style forms of docs/STYLE.md across the repository.

    uv run python scripts/style_fix.py           # rewrite in place, list what changed
    uv run python scripts/style_fix.py --check   # change nothing; exit 1 and list what would change

The rule: in a syllable that ENDS in oa, oe or uy (no consonant after it), the tone mark sits on
the first vowel, as the laws and the brand name write it — hòa, xóa, khóa, lòe, hủy, tùy, thủy.
"hoàn", "loại", "khoản", "ngoài", "khuỷu" keep the mark where it is (something follows the pair),
and so do "quý", "quỹ", "quả": in "qu" the u belongs to the consonant, so "uy" is not a pair.

Safe to re-run (the output of a run has nothing left to rewrite) and meant to be re-run after
merging other branches. It touches only text files we write: templates, Python (string
constants and comments — identifiers are ASCII), data files, demo data, docs and the English
catalog (msgids are rewritten and entries that become duplicates are merged, so msgid/msgstr
pairs stay intact; re-extract with makemessages afterwards). Quoted text that must stay as
written is listed in ALLOWED with the reason; the style test (tests/core/test_style.py) uses the
same rules and the same list.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Second vowel carrying the mark -> first vowel carrying it (lower case; upper case derived).
_MARKED = {
    # oa: huyền, sắc, hỏi, ngã, nặng
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    # oe
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    # uy
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
PAIRS: dict[str, str] = {}
for _old, _new in _MARKED.items():
    PAIRS[_old] = _new
    PAIRS[_old.upper()] = _new.upper()
    PAIRS[_old[0].upper() + _old[1]] = _new[0].upper() + _new[1]
    PAIRS[_old[0] + _old[1].upper()] = _new[0] + _new[1].upper()

# A pair that ends its syllable (no letter after it) and is not the "u" of "qu".
OLD_FORM = re.compile(
    "(?<![qQ])(" + "|".join(sorted(PAIRS, key=len, reverse=True)) + r")(?!\w)",
)

# Words officers should not see, with what to write instead (docs/STYLE.md, "Từ không dùng").
BANNED: dict[str, str] = {
    "nguyên tắc bốn mắt": "người soạn không tự duyệt bài của mình",
    "Redis không trả lời": "hàng đợi tạm thời không trả lời",
    "đăng tay": "tự đăng trên kênh",
    "tiếp dân": "tiếp người lao động trực tiếp",
    "trên hệ thống": "(bỏ: nói việc đã làm, không nói phần mềm)",
    "Kho hỏi đáp pháp luật": "Hỏi đáp pháp luật",
    "mật mã": "mã bí mật",
    "Xin vui lòng": "Vui lòng",
}
# "trung vị" is allowed only when the page explains it ("trung vị: một nửa … nhanh hơn").
MEDIAN = re.compile(r"trung vị(?![^\n]{0,80}(một nửa|nửa số))", re.IGNORECASE)


@dataclass(frozen=True)
class Allowed:
    path: str  # relative to the repository root
    text: str  # the exact quoted text kept as written
    reason: str


ALLOWED: list[Allowed] = [
    Allowed(
        "tests/inquiries/test_intake.py",
        "đe doạ",
        "a worker's message typed as workers type it: the classifier must read both placements",
    ),
    Allowed(
        "lantoa/templates/inquiries/_figure_head.html",
        "Trả lời lần đầu (trung vị)",
        "a column header of inquiries/report.html, which explains the median under its figures",
    ),
    Allowed(
        "scripts/style_fix.py",
        "",
        "this file spells out the forms it rewrites",
    ),
    Allowed(
        "docs/STYLE.md",
        "",
        "the guide shows the wrong forms next to the right ones",
    ),
    Allowed(
        "tests/core/test_style.py",
        "",
        "the test plants the wrong forms to show that it catches them",
    ),
]

TEXT_SUFFIXES = {".py", ".html", ".txt", ".csv", ".md", ".json", ".js", ".po", ".toml"}
# Where we write Vietnamese: product, its data and demo data, docs, benchmarks and tests
# (tests assert the product's strings, so they follow the sweep).
SCOPES = ("lantoa", "docs", "bench", "tests", "README.md", "SECURITY.md")
SKIP_PARTS = {".venv", "node_modules", "__pycache__", "vendor"}


def fix_text(text: str) -> str:
    """The text with every syllable-final oa/oe/uy written with the mark on the first vowel."""
    return OLD_FORM.sub(lambda m: PAIRS[m.group(1)], text)


def _kept_spans(text: str, rel: str) -> list[tuple[int, int]] | None:
    """Spans of allowed quoted text in this file; None when the whole file is allowed."""
    spans: list[tuple[int, int]] = []
    for allowed in ALLOWED:
        if allowed.path != rel:
            continue
        if not allowed.text:
            return None
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(allowed.text), text)]
    return spans


def old_forms(text: str, rel: str) -> Iterator[tuple[int, str]]:
    """(line number, word) for each old form outside the allowed quoted text."""
    spans = _kept_spans(text, rel)
    if spans is None:
        return
    for m in OLD_FORM.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        start = m.start()
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        yield text.count("\n", 0, m.start()) + 1, text[start : m.end()]


def fix_file_text(text: str, rel: str) -> str:
    spans = _kept_spans(text, rel)
    if spans is None:
        return text
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last:
            continue
        out += [fix_text(text[last:a]), text[a:b]]
        last = b
    out.append(fix_text(text[last:]))
    fixed = "".join(out)
    if rel.endswith(".po"):
        fixed = merge_po_duplicates(fixed)
    return fixed


_PO_KEY = re.compile(r'^(msgctxt|msgid) (".*")$')


def _po_key(block: str) -> tuple[str, str] | None:
    ctxt, msgid, current = "", None, None
    for line in block.splitlines():
        if line.startswith("#"):
            continue
        match = _PO_KEY.match(line)
        if match:
            current = match.group(1)
            value = match.group(2)[1:-1]
            if current == "msgctxt":
                ctxt = value
            else:
                msgid = value
        elif line.startswith('"') and current in ("msgctxt", "msgid"):
            if current == "msgctxt":
                ctxt += line[1:-1]
            else:
                msgid = (msgid or "") + line[1:-1]
        else:
            current = None
    return None if msgid is None else (ctxt, msgid)


def _translated(block: str) -> bool:
    return "#, fuzzy" not in block and not re.search(r'^msgstr ""\n*\Z', block, re.MULTILINE)


def merge_po_duplicates(text: str) -> str:
    """Keep one entry per (msgctxt, msgid): two msgids that differed only in tone placement are
    one string after the rewrite; the translated, non-fuzzy one (else the first) is kept."""
    blocks = text.split("\n\n")
    chosen: dict[tuple[str, str], int] = {}
    drop: set[int] = set()
    for index, block in enumerate(blocks):
        key = _po_key(block)
        if key is None or key == ("", "") or block.lstrip().startswith("#~"):
            continue
        if key not in chosen:
            chosen[key] = index
            continue
        first = chosen[key]
        if not _translated(blocks[first]) and _translated(block):
            drop.add(first)
            chosen[key] = index
        else:
            drop.add(index)
    return "\n\n".join(b for i, b in enumerate(blocks) if i not in drop)


def files(root: Path = ROOT) -> Iterable[Path]:
    for scope in SCOPES:
        base = root / scope
        candidates = [base] if base.is_file() else sorted(base.rglob("*")) if base.is_dir() else []
        for path in candidates:
            if (
                path.is_file()
                and path.suffix in TEXT_SUFFIXES
                and not SKIP_PARTS & set(path.relative_to(root).parts)
                and not path.name.endswith(".min.js")
            ):
                yield path


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = 0
    for path in files():
        rel = path.relative_to(ROOT).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        fixed = fix_file_text(text, rel)
        if fixed == text:
            continue
        changed += 1
        words = sorted({word for _line, word in old_forms(text, rel)})
        print(f"{rel}: {', '.join(words) or 'duplicate catalog entries merged'}")
        if not check:
            path.write_text(fixed, encoding="utf-8")
    verb = "would change" if check else "changed"
    print(f"{changed} file(s) {verb}.")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
