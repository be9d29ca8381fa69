"""For any Unicode input the linter never raises and every span lies inside the original text."""
from __future__ import annotations

from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kefulint import Linter
from kefulint.text.normalize import Normalized

LINTER = Linter.default()

# Text biased toward what matters: digits, CJK numerals, circled digits, contact words, noise.
pieces = st.sampled_from(
    list("0123456789一二三四五六七八九零〇幺两①②③⑬⓪❶➀ 　-_.·✨😀\u200b，。：@")
    + ["微信", "V信", "QQ", "扣扣", "电话", "卡号", "www.", ".com", "好评返现", "第一", "滚", "发票", "信用卡", "货到付款"]
)
mixed = st.one_of(st.text(max_size=80), st.lists(pieces, max_size=30).map("".join))


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mixed, ctx=st.lists(mixed, max_size=2))
def test_check_never_raises_and_spans_are_inside(text, ctx):
    result = LINTER.check(text, context=ctx)
    for f in result.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert f.match == text[f.start : f.end]
        assert f.line >= 1 and f.column >= 1
        assert len(f.masked_match) == len(f.match)
    assert isinstance(result.suggested_text, str)


@settings(max_examples=examples(400), deadline=None)
@given(text=mixed)
def test_normalized_maps_stay_inside(text):
    norm = Normalized(text)
    n = len(norm.compact)
    if n:
        start, end = norm.compact_span(0, n)
        assert 0 <= start < end <= len(text)
    for i in range(len(norm.folded)):
        assert 0 <= norm.folded_to_original(i) < len(text)


@settings(max_examples=examples(200), deadline=None)
@given(text=mixed)
def test_explain_never_raises(text):
    info = LINTER.explain(text)
    for c in info["candidates"]:
        assert 0 <= c["start"] <= c["end"] <= len(text)


def test_a_character_that_folds_to_an_astral_one_keeps_the_maps_in_step():
    # 頠 folds (traditional -> simplified) to 𬱟, outside the BMP: found by Hypothesis, it once
    # made the compact text and its offset map disagree (IndexError in check)
    from kefulint import Linter
    from kefulint.text.normalize import Normalized

    n = Normalized("頠Q 10000")
    assert len(n.compact) == len(n.compact_map)
    assert [f.match for f in Linter.default().check("頠Q 10000").findings] == ["Q 10000"]
