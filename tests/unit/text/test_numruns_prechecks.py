"""The number runs' cheap paths give what the ``regex`` calls they stand before give: a label's
first characters looked for with ``re`` before the label itself, the digits of a run of digits
only taken as they are, and runs as named tuples."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from kefulint.text import numruns
from kefulint.text.normalize import Normalized
from kefulint.text.numruns import NumberRun, number_runs

# the labels' characters, digits, separators and a few others: strings where labels occur often
_ALPHABET = "后面边头几位剩下的接着中间尾号数末结最前开打是为一二三四五0123456789 -，。,abc"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=14))
def test_a_label_without_its_first_characters_is_never_found(text):
    for leads, label in ((numruns._LATER_LEADS, numruns._LATER_PART), (numruns._TAIL_LEADS, numruns._TAIL_LABEL)):
        if leads.search(text) is None:
            assert label.search(text) is None


def test_the_leads_are_the_alternatives_first_characters():
    assert set(numruns._TAIL_LEADS.pattern[1:-1]) == {"尾", "后", "最", "末"}
    for word in ("后面", "后边", "后头", "后几位", "后3位", "后四位", "后半", "剩下", "后缀", "接着", "中间",
                 "尾号", "尾数", "末尾", "结尾", "最后"):
        assert numruns._LATER_PART.search(word) and numruns._LATER_LEADS.search(word)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET + "✨·/٣²", max_size=40))
def test_a_runs_digits_are_its_ascii_digits(text):
    folded = Normalized(text).folded
    for run in number_runs(folded):
        if not run.joined:
            assert run.digits == numruns._NON_DIGIT.sub("", folded[run.start : run.end])


def test_a_run_reads_as_before():
    run = NumberRun("138", 2, 5)
    assert (run.digits, run.start, run.end, run.joined, run.letter_before, run.letter_after) == ("138", 2, 5, False, False, False)
    [found] = number_runs("电话138-1234-5678")
    assert found == NumberRun("13812345678", 2, 15)
