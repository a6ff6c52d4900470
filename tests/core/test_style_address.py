"""docs/STYLE.md: officers are addressed as "anh/chị", the public (workers, readers) as "bạn".

Every template and every string constant in the product's code says "bạn" only where the
reader is the public: the pages and mails below. Anything else saying "bạn" speaks to an
officer in the wrong voice."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "lantoa"
BAN = re.compile(r"\bbạn\b", re.IGNORECASE)

# Read by the public: the worker's question desk, the public site and its newsletter mails,
# the legal Q&A, and pages a visitor may meet (404, the busy page).
PUBLIC_TEMPLATES = (
    "templates/inquiries/public/",
    "templates/publicsite/",
    "templates/kb/public_",
    "templates/publishing/email/",
    "templates/404.html",
    "templates/403.html",  # its visitor's branch; officers get "anh/chị" there
    "templates/kb/_search_form.html",  # its public branch ("Bạn muốn hỏi gì?")
    "templates/core/unavailable.html",
    "templates/contests/public/",  # the entrants' pages of a contest
    "templates/contests/media/public/",  # a video/photo contest's gallery, entry and vote pages
    "templates/surveys/public/",  # a survey's response page and its thanks
    "templates/livegame/public/",  # the players' pages of a live game
    "templates/units/unit_picker.html",  # the unit search on public forms (players, entrants)
)
PUBLIC_MODULES = (
    "inquiries/public_forms.py",
    "inquiries/public_views.py",
    "inquiries/replies.py",  # the receipts and answers mailed to the worker
    "inquiries/demo.py",  # the demo's workers writing their questions
    "publicsite/views.py",  # the newsletter sign-up
    "contests/entry.py",  # what an entrant is told (registration, code, attempts)
    "contests/public_forms.py",
    "contests/otp.py",  # what an entrant is told when the code could not be sent
    "contests/media.py",  # what an entrant or a voter of a video/photo contest is told
    "contests/media_files.py",  # the checks of an entrant's upload or link
    "contests/media_forms.py",  # the public's forms of a video/photo contest
    "contests/media_public_views.py",
    "surveys/public_views.py",  # the survey's response page
    "surveys/demo.py",  # the demo's questions, put to workers
    "livegame/public_forms.py",
    "livegame/players.py",  # what a player joining a live game is told
    "livegame/public_views.py",  # the players' pages (join limits)
    "units/picker.py",  # the unit search on public forms (players, entrants)
)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def officer_templates_saying_ban() -> list[str]:
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        rel = _relative(path)
        if rel.startswith(PUBLIC_TEMPLATES):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BAN.search(line):
                found.append(f"{rel}:{n}")
    return found


def officer_strings_saying_ban() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = _relative(path)
        if "/migrations/" in f"/{rel}" or rel.endswith(PUBLIC_MODULES):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and BAN.search(node.value)
            ):
                found.append(f"{rel}:{node.lineno}")
    return found


def test_officers_are_addressed_as_anh_chi() -> None:
    assert officer_templates_saying_ban() == []
    assert officer_strings_saying_ban() == []


def test_the_check_tells_bạn_from_other_words() -> None:
    assert BAN.search("Tài khoản của bạn đã bị khóa") and BAN.search("Bạn không có quyền")
    assert not BAN.search("bàn bạc, bán hàng") and not BAN.search("anh/chị")
