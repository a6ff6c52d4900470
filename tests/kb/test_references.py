"""Reading legal references (lantoa.kb.references): the compact form of the files, the form
articles use in their text, and a Vietnamese error for everything else."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lantoa.kb.references import (
    Ref,
    ReferenceError,
    Register,
    parse_reference,
    parse_references,
    reference_code,
    reference_label,
)


@dataclass
class Doc:
    number: str
    title: str
    short_title: str

    @property
    def name(self) -> str:
        if self.number.casefold() in self.short_title.casefold():
            return self.short_title
        return f"{self.short_title} ({self.number})"


BLLD = Doc("45/2019/QH14", "Bộ luật Lao động", "Bộ luật Lao động 2019")
BLLD_2012 = Doc("10/2012/QH13", "Bộ luật Lao động", "Bộ luật Lao động 2012")
BHXH = Doc("41/2024/QH15", "Luật Bảo hiểm xã hội", "Luật Bảo hiểm xã hội 2024")
ATVSLD = Doc(
    "84/2015/QH13", "Luật An toàn, vệ sinh lao động", "Luật An toàn, vệ sinh lao động 2015"
)
ND = Doc("293/2025/NĐ-CP", "Nghị định quy định mức lương tối thiểu", "Nghị định 293/2025/NĐ-CP")
QD = Doc("61/QĐ-TLĐ", "Quyết định điều chỉnh giảm mức đóng đoàn phí", "Quyết định 61/QĐ-TLĐ")
REGISTER = Register([BLLD, BLLD_2012, BHXH, ATVSLD, ND, QD])


def parts(text: str) -> tuple[str, str, int | None, str]:
    ref = parse_reference(text, REGISTER)
    return ref.document.number, ref.dieu, ref.khoan, ref.diem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45/2019/QH14 Đ168 k3", ("45/2019/QH14", "168", 3, "")),
        ("45/2019/qh14 đ 168 K 3", ("45/2019/QH14", "168", 3, "")),
        ("41/2024/QH15 Đ70 k1 điểm đ", ("41/2024/QH15", "70", 1, "đ")),
        ("41/2024/QH15 Đ70 k1 điểm d", ("41/2024/QH15", "70", 1, "d")),
        ("293/2025/ND-CP", ("293/2025/NĐ-CP", "", None, "")),  # without diacritics
        ("khoản 3 Điều 168 Bộ luật Lao động 2019", ("45/2019/QH14", "168", 3, "")),
        ("Điều 14 Bộ luật Lao động 2012", ("10/2012/QH13", "14", None, "")),
        ("điểm c khoản 1 Điều 70 Luật Bảo hiểm xã hội 2024", ("41/2024/QH15", "70", 1, "c")),
        ("Luật Bảo hiểm xã hội 2024 (41/2024/QH15)", ("41/2024/QH15", "", None, "")),
        ("Điều 40 Luật An toàn, vệ sinh lao động 2015", ("84/2015/QH13", "40", None, "")),
        (
            "Quyết định 61/QĐ-TLĐ của Tổng Liên đoàn Lao động Việt Nam",
            ("61/QĐ-TLĐ", "", None, ""),
        ),
        ("Nghị định 293/2025/NĐ-CP ngày 10/11/2025", ("293/2025/NĐ-CP", "", None, "")),
        ("45/2019/QH14 Điều 8a", ("45/2019/QH14", "8a", None, "")),
    ],
)
def test_reads_compact_and_written_out_references(text: str, expected: tuple) -> None:
    assert parts(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("99/2099/QH99 Đ1", "văn bản số “99/2099/QH99” chưa có trong danh mục"),
        ("Điều 5 Luật Không Tồn Tại", "không nhận ra văn bản"),
        ("Điều 14, 15 Bộ luật Lao động 2019", "không rõ số “15” là điều hay khoản"),
        ("45/2019/QH14 Đ14 Đ15", "ghi hai lần điều"),
        ("45/2019/QH14 k3", "có khoản hoặc điểm thì phải ghi điều"),
        ("45/2019/QH14 Đ168 k3 điểm f", "điểm “f” không hợp lệ"),
        ("45/2019/QH14 Điều", "sau “điều” phải là một số"),
        ("45/2019/QH14 Đ0", "số điều không hợp lệ"),
        ("   ", "căn cứ để trống"),
    ],
)
def test_refuses_what_it_cannot_read_in_vietnamese(text: str, message: str) -> None:
    with pytest.raises(ReferenceError, match=message):
        parse_reference(text, REGISTER)


def test_an_ambiguous_short_title_asks_for_the_number() -> None:
    twice = Register([BLLD, Doc("46/2019/QH14", "Bộ luật Lao động", "Bộ luật Lao động 2019")])
    with pytest.raises(ReferenceError, match=r"nhiều văn bản \(45/2019/QH14, 46/2019/QH14\)"):
        parse_reference("Điều 1 Bộ luật Lao động 2019", twice)


def test_labels_codes_and_repeats() -> None:
    ref = Ref(document=BHXH, dieu="70", khoan=1, diem="c")
    assert reference_label(ref) == "điểm c khoản 1 Điều 70 Luật Bảo hiểm xã hội 2024 (41/2024/QH15)"
    assert reference_code(ref) == "41/2024/QH15 Đ70 k1 điểm c"
    assert reference_label(Ref(document=ND)) == "Nghị định 293/2025/NĐ-CP"
    # What the code writes reads back the same.
    assert parse_reference(reference_code(ref), REGISTER) == ref
    refs, errors = parse_references(
        ["45/2019/QH14 Đ14", "Điều 14 Bộ luật Lao động 2019", "99/2099/QH99"], REGISTER
    )
    assert [reference_code(r) for r in refs] == ["45/2019/QH14 Đ14"]
    assert [item for item, _ in errors] == ["99/2099/QH99"]
