"""One masking everywhere: a number reads the same in a finding, a buyer's turn, a reader's hint,
an error message and each search form of ``--explain`` (``138****8000``, ``11**************2X``)."""
from __future__ import annotations

import pytest
from kefulint import Linter
from kefulint.scan.readers import LogFormat, LogReader
from kefulint.text.mask import mask_numbers, mask_sensitive, mask_text, outermost, quoted, spans_in_forms
from kefulint.text.normalize import Normalized

MOBILE = "13800138000"
ID_NUMBER = "11010519491231002X"  # valid checksum, check letter X
CARD = "6226221177774129"


@pytest.fixture(scope="module")
def linter():
    return Linter.default()


@pytest.mark.parametrize("number", [MOBILE, ID_NUMBER, ID_NUMBER.lower(), CARD, "440301199003071230"])
def test_free_text_masks_a_number_as_its_finding_does(linter, number):
    finding = next(f for f in linter.check(f"身份证号 {number}").findings if f.sensitive)
    assert finding.match == number
    assert mask_numbers(f"我的是{number}，谢谢") == f"我的是{finding.masked_match}，谢谢"
    assert quoted(f"2024-11-11 {number} 在吗", 60) == repr(f"2024-11-11 {finding.masked_match} 在吗")


def test_an_id_number_is_masked_whole_not_as_17_digits_and_a_letter():
    assert mask_numbers(ID_NUMBER) == mask_sensitive(ID_NUMBER) == "11**************2X"
    assert mask_numbers(f"订单2024111112345678 身份证{ID_NUMBER}") == "订单202*********5678 身份证11**************2X"


def test_a_number_the_cut_goes_through_is_masked_as_if_whole():
    text = f"首行：{MOBILE}"
    assert quoted(text, 8) == repr(f"首行：{mask_sensitive(MOBILE)}"[:8])  # 138****8 (not 13800 cut, unmasked)
    assert quoted("x" * 100, 10) == repr("x" * 10)


def test_the_first_line_hint_masks_as_findings_do(tmp_path):
    p = tmp_path / "x.log"
    p.write_text(f"买家 {ID_NUMBER} 问 {MOBILE}\n", encoding="utf-8")
    reader = LogReader([str(p)], LogFormat(format="text"))
    list(reader)
    (note,) = reader.notes
    assert "first line: '买家 11**************2X 问 138****8000'" in note


def test_outermost_keeps_a_span_once():
    assert outermost([(5, 9), (0, 4), (0, 9), (2, 3), (9, 9), (12, 14)]) == [(0, 9), (12, 14)]


def test_each_search_form_masks_a_span_as_the_finding_is_masked(linter):
    text = f"电话 １３８ ００１３ ８０００，身份证{ID_NUMBER}"
    result = linter.check(text)
    assert [f.masked_match for f in result.findings if f.sensitive] == ["１３８ **** ８０００", "11**************2X"]
    norm = Normalized(text)
    forms = (norm.original, norm.folded, norm.compact)
    in_forms = spans_in_forms(norm, [(f.start, f.end) for f in result.findings if f.sensitive])
    shown = [[mask_text(form, spans)[s:e] for s, e in spans] for form, spans in zip(forms, in_forms, strict=True)]
    assert shown == [["１３８ **** ８０００", "11**************2X"], ["138 **** 8000", "11**************2x"],
                     ["138****8000", "11**************2x"]]
