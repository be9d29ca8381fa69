"""What the model sees of a reply: the character n-grams of its compact search form
(:class:`~kefulint.text.normalize.Normalized`), with every run of digits replaced by a mark of its
length class. Training counts :func:`occurrences`, the runtime finds the same n-grams with one
Aho-Corasick pass (:mod:`.weights`); a test holds the two equal.

Digits are folded because the numbers themselves (this phone, that QQ) never recur; what recurs is
"a number of phone length after 加我". ``#`` cannot occur in the compact form (it is noise there),
so the marks are unambiguous.
"""
from __future__ import annotations

import re

from ..text.normalize import Normalized

_DIGITS = re.compile(r"[0-9]")
_DIGIT_RUN = re.compile(r"[0-9]+")
# longest runs first: a replaced run is marks, never digits again
_RUNS = ((re.compile(r"[0-9]{11,}").sub, "###"), (re.compile(r"[0-9]{5,10}").sub, "##"),
         (re.compile(r"[0-9]{1,4}").sub, "#"))  # 11+ digits: phones, cards; 5-10: QQ, codes; 1-4: prices


# The JD corpus (and its sample, `scan --input-format jddc`) replaces personal data by placeholders
# such as [数字x], which read 数字x in the compact form: one that stands for a number becomes a
# digit, the rest go. Only ever seen in that corpus; the model learned from it with them so read.
_PLACEHOLDER = re.compile("(数字|金额|时间|日期|订单|电话|身份证号)x|(?:姓名|站点|地址|链接|组织机构|邮箱)x")


def _placeholder(m: re.Match) -> str:
    return "0" if m.group(1) else ""


def model_text(compact: str, _search=_DIGITS.search) -> str:
    """The compact form with each digit run replaced by the mark of its length class."""
    if "x" in compact:
        compact = _PLACEHOLDER.sub(_placeholder, compact)
    # compact holds letters and digits only, nearly always: all letters, then there is no digit
    if compact.isalpha() or not _search(compact):
        return compact
    for sub, mark in _RUNS:
        compact = sub(mark, compact)
    return compact


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
    for m in _DIGIT_RUN.finditer(compact):
        parts.append(compact[pos : m.start()])
        starts.extend(range(pos, m.start()))
        mark = model_text(m.group())
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
