"""The normalizer's fast paths (nothing marked, only digits and numerals marked, a few characters
folded by str.replace, the usual marks dropped by str.replace) give what the table and the noise
class give when every character is looked up."""
from __future__ import annotations

import json

from conftest import examples, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st
from kefulint.text import normalize

pieces = st.sampled_from(
    list("0123456789一二三四五六七八九零〇两幺洞死酒①⑬⓪❶ 　-_.，。？！~：、（）ＡＢＱ帳號訂單發貨ol😀⭐🌟❤\u200b")
    + ["微信", "加我", "１３８", "qq", "1o29384", "13l0"]
)
mixed = st.one_of(st.text(max_size=60), st.lists(pieces, max_size=30).map("".join))


def slow(text: str) -> tuple[str, str]:
    """(folded, compact) of ``text``, every character looked up in the fold table."""
    tables = normalize._fold_tables()
    if (tables.foldable or tables.derive()).isdisjoint(text):  # only full-width punctuation: kept as it is
        folded = text
    else:
        folded = "".join(tables.fold.get(ord(ch), ch) for ch in text)
    if normalize._cn_digit().search(folded) and normalize._enough_numerals().match(folded):
        folded = normalize._cn_numerals_to_digits(folded)
    folded = normalize._LETTER_IN_NUMBER.sub(normalize._letter_digit, folded)
    return folded, normalize._noise().sub("", folded)


@settings(max_examples=examples(1000), deadline=None)
@given(text=mixed)
def test_the_fast_paths_normalize_as_the_table_does(text):
    norm = normalize.Normalized(text)
    assert (norm.folded, norm.compact) == slow(text)


def test_the_jd_replies_normalize_as_the_table_does():
    path = shared_path("data", "jddc_agent_utterances", "agent_utterances.jsonl")
    with open(path, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    for text in texts:
        norm = normalize.Normalized(text)
        assert (norm.folded, norm.compact) == slow(text), text
