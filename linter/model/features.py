"""What the model sees of a reply: the character n-grams of its compact search form
(:class:`~kefulint.text.normalize.Normalized`), with every run of digits replaced by a mark of its
length class. Training and inference both call :func:`ngrams`, so they cannot drift apart.

Digits are folded because the numbers themselves (this phone, that QQ) never recur; what recurs is
"a number of phone length after 加我". ``#`` cannot occur in the compact form (it is noise there),
so the marks are unambiguous.
"""
from __future__ import annotations

import re

from ..text.normalize import Normalized

_DIGITS = re.compile(r"[0-9]+")
SHORT, MEDIUM, LONG = "#", "##", "###"  # 1-4 digits (prices, counts), 5-10 (QQ, codes), 11+ (phones, cards)


def _mark(m: re.Match) -> str:
    n = m.end() - m.start()
    return SHORT if n <= 4 else MEDIUM if n <= 10 else LONG


def model_text(compact: str, _search=_DIGITS.search, _sub=_DIGITS.sub) -> str:
    """The compact form with digit runs replaced by their length mark."""
    return _sub(_mark, compact) if _search(compact) else compact


def occurrences(text: str, shortest: int, longest: int) -> dict[str, int]:
    """Every n-gram of a :func:`model_text` with the number of times it occurs (overlaps count):
    what the runtime's one Aho-Corasick pass over the vocabulary adds up."""
    out: dict[str, int] = {}
    size = len(text)
    for n in range(shortest, longest + 1):
        for i in range(size - n + 1):
            g = text[i : i + n]
            out[g] = out.get(g, 0) + 1
    return out


def locate(norm: Normalized, gram: str) -> tuple[int, int] | None:
    """The original span of the first occurrence of ``gram`` (an n-gram of the model text of
    ``norm.compact``), or None."""
    compact = norm.compact
    starts: list[int] = []  # model-text index -> compact index
    parts: list[str] = []
    pos = 0
    for m in _DIGITS.finditer(compact):
        parts.append(compact[pos : m.start()])
        starts.extend(range(pos, m.start()))
        mark = _mark(m)
        parts.append(mark)
        starts.extend([m.start()] * len(mark))
        pos = m.end()
    parts.append(compact[pos:])
    starts.extend(range(pos, len(compact)))
    text = "".join(parts)
    i = text.find(gram)
    if i < 0 or not gram:
        return None
    first = starts[i]
    last_model = i + len(gram) - 1
    # a digit mark at the end stands for the whole run
    end = starts[last_model] + 1
    while text[last_model] == "#" and end < len(compact) and "0" <= compact[end] <= "9":
        end += 1
    return norm.compact_span(first, end)
