"""Long alternations grouped by their first character (kefulint.engine.regexfactor): the grouped
pattern finds what ``re.compile`` finds, match for match and group for group."""
from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import random
import re
from re import _compiler, _parser  # type: ignore[attr-defined]

import pytest
from kefulint.engine import regexfactor

WORDS = ["微信", "微x", "微", "薇信", "vx", "v信", "威信", "wx", "weixin", "wei信", "围脖", "微博", "v", "w"]


def grouped(pattern: str) -> tuple[re.Pattern, bool]:
    parsed = _parser.parse(pattern, 0)
    changed = regexfactor.factor(parsed)
    code = _compiler._code(parsed, 0)
    index = [None] * parsed.state.groups
    for name, i in parsed.state.groupdict.items():
        index[i] = name
    return _sre.compile(pattern, parsed.state.flags, code, parsed.state.groups - 1,
                        dict(parsed.state.groupdict), tuple(index)), changed


@pytest.mark.parametrize("pattern", [
    "(" + "|".join(WORDS) + ")(联系|聊)?",
    "加(我)?(" + "|".join(WORDS) + ")(?![a-z0-9])",
    "(?:" + "|".join(WORDS[:5]) + "|[vV]x|" + "|".join(WORDS[5:]) + "|)号",  # a class and an empty one in between
    "(?<=[加找])(?:" + "|".join(w for w in WORDS if len(w) == 2) + ")",  # inside a fixed-width look-behind
    "(?P<who>我|您)(" + "|".join(WORDS) + ")+(?P=who)?",
])
def test_grouped_alternations_find_the_same_matches(pattern):
    ours, changed = grouped(pattern)
    theirs = re.compile(pattern)
    assert changed and ours != theirs  # the code is another
    rnd = random.Random(20261203)
    pieces = [*WORDS, "加", "我", "您", "联系", "号", "信", "x", "V", " ", "找", "聊"]
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        assert [(m.span(), m.groups()) for m in ours.finditer(text)] == \
            [(m.span(), m.groups()) for m in theirs.finditer(text)], text


def test_a_pattern_that_ignores_case_is_left_as_it_is():
    for pattern in ("(?i)(" + "|".join(WORDS) + ")", "((?i:" + "|".join(WORDS) + "))"):
        ours, changed = grouped(pattern)
        assert not changed and ours == re.compile(pattern)


def test_a_short_alternation_is_left_as_it_is():
    pattern = "(微信|微x|vx|wx)"
    ours, _changed = grouped(pattern)
    assert ours == re.compile(pattern)
