"""The responses as an SPSS data file (``.sav``), written by pyreadstat (ReadStat), never by
hand: the same rows as the CSV/XLSX export (``exports.response_table``), each variable with
its label (the question's wording) and its value labels (the codebook), measure levels set.

- Single choice, Likert scales and matrix rows: numeric codes with value labels; "Khác (ghi
  rõ)" is code ``OTHER_CODE`` (97; the first free one of 97, 997, 9997 when an option uses
  it), its words in the string variable ``<code>_khac``. Codes that are not numbers (a
  questionnaire edited by hand) stay strings, still labelled.
- Multiple choice as dichotomies: one 0/1 variable per option ("Có chọn"/"Không chọn"),
  system-missing when the question was not answered.
- Numbers are scale variables, dates SPSS dates, free text strings (UTF-8).

Nothing is suppressed in the answers: the file is the raw data, for officers holding
"data.export" in the unit (the same rule as the CSV/XLSX export); in an anonymous survey a
unit with fewer than ``MIN_CELL`` responses is not named (the same as the CSV/XLSX export).

pyreadstat writes a whole data frame at once (ReadStat has no appending writer), so the file
is built in memory: numeric variables in numpy arrays of the known length, 8 bytes a cell.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from typing import IO, Any

import numpy as np
from django.http import FileResponse
from django.utils.translation import gettext as _

from lantoa.surveys.exports import (
    Column,
    _filename,
    _fixed_header,
    columns_of,
    response_count,
    response_table,
)
from lantoa.surveys.models import OTHER, Channel, Question, QuestionKind, Survey
from lantoa.units.models import Unit

K = QuestionKind
SAV_TYPE = "application/x-spss-sav"
FIXED_NAMES = ["so_phieu", "ngay_gui", "ma_don_vi", "don_vi", "hinh_thuc", "phien_ban"]
OTHER_CODES = (97, 997, 9997)
_NAME_JUNK = re.compile(r"[^A-Za-z0-9_]")


def other_code(question: Question) -> int:
    """The number that stands for "Khác" in ``question``'s variable."""
    taken = {c["value"] for c in question.options}
    return next(c for c in OTHER_CODES if str(c) not in taken)


def _name(text: str) -> str:
    name = _NAME_JUNK.sub("_", text)
    return name if name[:1].isalpha() else f"v{name}"


def _numeric_codes(question: Question) -> bool:
    return all(c["value"] == OTHER or str(c["value"]).isdigit() for c in question.choices())


def _coded_labels(question: Question) -> dict[Any, str]:
    numeric = _numeric_codes(question)
    labels: dict[Any, str] = {}
    for c in question.choices():
        value = c["value"]
        if numeric:
            key: Any = other_code(question) if value == OTHER else int(value)
        else:
            key = str(value)
        labels[key] = str(c["label"])
    return labels


class _Variable:
    """One variable: its name, label, kind of storage, value labels and measure."""

    def __init__(
        self,
        name: str,
        label: str,
        *,
        numeric: bool = False,
        date: bool = False,
        labels: dict[Any, str] | None = None,
        measure: str = "nominal",
        convert: Any = None,
    ) -> None:
        self.name, self.label = name, label
        self.numeric, self.date = numeric, date
        self.labels = labels or {}
        self.measure = measure
        self.convert = convert  # the export's value → the variable's (None: as is)


def _question_variable(col: Column) -> _Variable:
    q = col.question
    name = _name(col.name)
    if col.part == "text":
        return _Variable(name, f"{q.text} — {_('Khác (ghi rõ)')}")
    if q.kind == K.MULTIPLE:
        return _Variable(
            name,
            f"{q.text} — {q.label_of(col.part)}",
            numeric=True,
            labels={1: _("Có chọn"), 0: _("Không chọn")},
        )
    if q.kind in (K.SINGLE, K.LIKERT, K.MATRIX):
        label = q.text
        if q.kind == K.MATRIX:
            row = next((r["label"] for r in q.rows if r["value"] == col.part), col.part)
            label = f"{q.text} — {row}"
        measure = "nominal" if q.kind == K.SINGLE else "ordinal"
        if _numeric_codes(q):
            code = other_code(q)
            return _Variable(
                name,
                label,
                numeric=True,
                labels=_coded_labels(q),
                measure=measure,
                convert=lambda v, code=code: code if v == OTHER else int(v),
            )
        return _Variable(name, label, labels=_coded_labels(q), measure=measure, convert=str)
    if q.kind == K.NUMBER:
        return _Variable(name, q.text, numeric=True, measure="scale", convert=float)
    if q.kind == K.DATE:
        return _Variable(name, q.text, date=True, measure="scale")
    return _Variable(name, q.text)  # short and long text, unit picker (the unit's code)


def variables(survey: Survey) -> list[_Variable]:
    questions = list(survey.current_version().questions.all())
    labels = _fixed_header()
    fixed = [
        _Variable(FIXED_NAMES[0], labels[0], numeric=True, measure="scale"),
        _Variable(FIXED_NAMES[1], labels[1], date=True, measure="scale"),
        _Variable(FIXED_NAMES[2], labels[2]),
        _Variable(FIXED_NAMES[3], labels[3]),
        _Variable(FIXED_NAMES[4], labels[4], labels={k: str(v) for k, v in Channel.choices}),
        _Variable(FIXED_NAMES[5], labels[5], numeric=True, measure="ordinal"),
    ]
    return fixed + [_question_variable(c) for c in columns_of(questions)]


def write_sav(survey: Survey, unit: Unit, path: str) -> int:
    """Write the file to ``path``; the number of responses written."""
    import pandas as pd
    import pyreadstat

    specs = variables(survey)
    size = response_count(survey, unit)
    columns: list[Any] = [
        np.full(size, np.nan) if v.numeric else [None if v.date else ""] * size for v in specs
    ]
    _header, rows = response_table(survey, unit, typed=True)
    n = 0
    for row in rows:
        if n == size:  # a response arrived after the count: the next export has it
            break
        for j, (spec, value) in enumerate(zip(specs, row, strict=True)):
            if value == "" or value is None:
                continue
            columns[j][n] = spec.convert(value) if spec.convert else value
        n += 1
    frame = pd.DataFrame(
        {
            spec.name: (col[:n] if spec.numeric else _strings_or_dates(col[:n], spec))
            for spec, col in zip(specs, columns, strict=True)
        }
    )
    pyreadstat.write_sav(
        frame,
        path,
        file_label=survey.title[:64],
        column_labels={v.name: v.label for v in specs},
        variable_value_labels={v.name: v.labels for v in specs if v.labels},
        variable_measure={v.name: v.measure for v in specs},
    )
    return n


def _strings_or_dates(values: list[Any], spec: _Variable) -> Any:
    import pandas as pd

    if spec.date:
        return pd.Series(
            [pd.Timestamp(v) if isinstance(v, dt.date) else pd.NaT for v in values],
            dtype="datetime64[ns]",
        )
    return pd.Series([str(v) for v in values], dtype=object)


def sav_file(survey: Survey, unit: Unit) -> IO[bytes]:
    """The file, open and rewound; its name is already gone from the disk."""
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        write_sav(survey, unit, path)
        stream = open(path, "rb")  # noqa: SIM115 - handed to the response, which closes it
    finally:
        os.unlink(path)
    return stream


def sav_response(survey: Survey, unit: Unit) -> FileResponse:
    return FileResponse(
        sav_file(survey, unit),
        as_attachment=True,
        filename=f"{_filename(survey)}.sav",
        content_type=SAV_TYPE,
    )
