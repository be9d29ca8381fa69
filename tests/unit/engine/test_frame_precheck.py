"""A woken frame with a slot of few words is found dead by a search for them, without the frame
automaton (Matching._dead_frames): the same frames die as the automaton's pass finds, and the
findings are the same."""
from __future__ import annotations

import pytest
from kefulint import Linter
from kefulint.engine import compile as compiled
from kefulint.text.normalize import Normalized


@pytest.fixture(scope="module")
def linters():
    pre, plain = Linter.default(), Linter.default()
    for linter in (pre, plain):
        linter._built("frame")
    plain._prechecked = frozenset()  # every woken frame through the automaton
    return pre, plain


def _texts(linter):
    """Every example of every frame rule, bad and good, and their halves (a slot's words cut off)."""
    out = ["您好", "亲，满49元包邮的哦", "发票会随货寄出"]
    for ri in linter._frame_special:
        rule = linter.rules[ri]
        for example in (*rule.bad, *rule.good):
            out += [example.text, example.text[: len(example.text) // 2], example.text[len(example.text) // 2 :]]
    return out


def test_some_frames_are_prechecked_each_on_a_slot_of_few_words(linters):
    pre, _plain = linters
    assert pre._prechecked
    for words in pre._precheck_words.values():
        assert 0 < len(words) <= compiled.PRECHECK_WORDS
        assert words == tuple(sorted(words, key=lambda w: (-len(w), w)))


def test_the_same_frames_die(linters):
    pre, plain = linters
    texts = _texts(pre)
    frames = sorted(pre._prechecked)
    for text in texts:
        compact = Normalized(text).compact
        for ri in frames:
            assert pre._dead_frames(compact, {ri})[0] == plain._dead_frames(compact, {ri})[0], (text, pre.rules[ri].id)
        both = set(frames[:2])
        assert pre._dead_frames(compact, both)[0] == plain._dead_frames(compact, both)[0], text


def test_the_same_findings(linters):
    pre, plain = linters
    for text in _texts(pre):
        assert [(f.rule, f.start, f.end) for f in pre.check(text).findings] == \
            [(f.rule, f.start, f.end) for f in plain.check(text).findings], text
