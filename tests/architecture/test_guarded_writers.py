"""One guarded writer and one guarded reader for spreadsheets and archives (issue 11, findings
1 and 5), enforced by reading (not running) every module of ``lantoa``.

- Every CSV and XLSX file is written by ``lantoa.core.tabular`` (``csv_chunks``, ``csv_text``,
  ``xlsx_spool``, ``xlsx_chunks``, ``xlsx_workbook`` + ``xlsx_bytes``), which keeps typed text
  from running as a formula: no ``csv.writer``/``csv.DictWriter``, openpyxl
  ``Workbook``/``WriteOnlyCell`` or ``xlsxwriter`` anywhere else. ``xlsx_chunks`` writes through
  ``lantoa.core.xlsx_stream``, which opens a ``ZipFile`` to write the workbook (never to read).
- Every uploaded archive is opened through ``lantoa.core.archives`` (and a workbook read by
  ``lantoa.core.xlsx``): no ``zipfile``, openpyxl ``load_workbook`` or python-docx
  ``Document(<file>)`` anywhere else.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "lantoa"

ALLOWED = {
    "writer": {"lantoa/core/tabular.py", "lantoa/core/xlsx_stream.py"},
    # xlsx_stream: a ZipFile in "w" mode, the workbook it streams out.
    "reader": {"lantoa/core/archives.py", "lantoa/core/xlsx.py", "lantoa/core/xlsx_stream.py"},
}
WRITER_NAMES = {"Workbook", "WriteOnlyCell", "DictWriter"}
READER_NAMES = {"load_workbook", "ZipFile"}


def offences(source: str, path: str) -> list[str]:
    """What in ``source`` writes a spreadsheet or opens an archive outside the guarded
    modules, as "path:line: what"."""
    found: list[str] = []

    def add(node: ast.AST, kind: str, what: str) -> None:
        if path not in ALLOWED[kind]:
            found.append(f"{path}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "xlsxwriter":
                    add(node, "writer", f"import {alias.name}")
                if alias.name == "zipfile":
                    add(node, "reader", "import zipfile")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {a.name for a in node.names}
            if module.split(".")[0] == "xlsxwriter":
                add(node, "writer", f"from {module} import …")
            if module == "csv" and names & {"writer", "DictWriter"}:
                add(node, "writer", f"from csv import {', '.join(sorted(names))}")
            if module == "zipfile":
                add(node, "reader", "from zipfile import …")
            if module.split(".")[0] == "openpyxl" and names & WRITER_NAMES:
                add(node, "writer", f"from {module} import {', '.join(sorted(names))}")
            if module.split(".")[0] == "openpyxl" and names & READER_NAMES:
                add(node, "reader", f"from {module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Attribute):
            base = node.value.id if isinstance(node.value, ast.Name) else ""
            if base == "csv" and node.attr in ("writer", "DictWriter"):
                add(node, "writer", f"csv.{node.attr}")
            elif node.attr in WRITER_NAMES:
                add(node, "writer", f"{base or '…'}.{node.attr}")
            elif node.attr in READER_NAMES:
                add(node, "reader", f"{base or '…'}.{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Document"
            and (node.args or node.keywords)
        ):
            add(node, "reader", "Document(<file>) reads an upload")
    return found


def test_no_spreadsheet_writer_or_archive_reader_outside_core() -> None:
    found: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE.parent).as_posix()
        found += offences(path.read_text(encoding="utf-8"), relative)
    assert not found, "use lantoa.core.tabular / lantoa.core.archives:\n" + "\n".join(found)


def test_the_check_sees_each_way_round_it() -> None:
    sample = """
import csv, zipfile, io
from openpyxl import Workbook, load_workbook
import openpyxl
from docx import Document
w = csv.writer(io.StringIO())
book = openpyxl.Workbook(write_only=True)
other = openpyxl.load_workbook(f)
doc = Document(upload)
new = Document()
"""
    found = offences(sample, "lantoa/reports/x.py")
    assert sorted(f.split(": ", 1)[1] for f in found) == sorted(
        [
            "import zipfile",
            "from openpyxl import Workbook, load_workbook",  # the writer …
            "from openpyxl import Workbook, load_workbook",  # … and the reader
            "csv.writer",
            "openpyxl.Workbook",
            "openpyxl.load_workbook",
            "Document(<file>) reads an upload",
        ]
    )
    assert all(f.startswith("lantoa/reports/x.py:") for f in found)
    # The guarded modules may do their own part only.
    in_tabular = [f.split(": ", 1)[1] for f in offences(sample, "lantoa/core/tabular.py")]
    assert "csv.writer" not in in_tabular and "openpyxl.load_workbook" in in_tabular
