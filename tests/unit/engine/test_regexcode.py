"""Rule regexes kept compiled in the cache of compiled tables (kefulint.engine.regexcode): the
pattern made from the stored code is the one ``re.compile`` makes; code of another interpreter, or
code that is not valid, is never used (the pattern is compiled as before)."""
from __future__ import annotations

import json
import re

import pytest
from kefulint import Linter, Settings
from kefulint.engine import regexcode, tablecache
from kefulint.rules.model import Example
from kefulint.rules.resolve import resolve_rules
from kefulint.text.normalize import Normalized

TEXTS = ["亲，这个价格全网最低", "加我微信 abc_123，好评返现5元", "有事打我电话13800138000", "您好"]


@pytest.fixture(scope="module")
def rules():
    return tuple(resolve_rules(Settings(rulesets=("contact", "review", "adlaw"))))


def test_every_built_in_pattern_made_from_its_code_finds_what_re_compile_finds(linter):
    made = grouped = 0
    for rule in linter.rules:
        for pattern in rule.regex:
            code = regexcode.code_of(pattern)
            if code is None:  # re cannot compile it (\p{Han}): the engine uses the regex module
                with pytest.raises(re.error):
                    re.compile(pattern)
                continue
            code = json.loads(json.dumps(code))  # as read back from the cache
            ours, theirs = regexcode.compile_from(pattern, code), re.compile(pattern)
            made += 1
            if ours != theirs:  # a long alternation grouped (regexfactor.py): the same matches
                grouped += 1
                for example in (*rule.bad, *rule.good, *(Example(t) for t in TEXTS)):
                    text = Normalized(example.text).compact
                    assert [(m.span(), m.groups()) for m in ours.finditer(text)] == \
                        [(m.span(), m.groups()) for m in theirs.finditer(text)], (rule.id, pattern, text)
    assert made > 100
    assert 0 < grouped < made


def test_code_of_another_interpreter_is_not_used():
    stored = regexcode.codes_of(["a+b"])
    assert regexcode.usable(json.loads(json.dumps(stored))) == {"a+b": regexcode.code_of("a+b")}
    stored["stamp"] = ["2.7.18", 1, 4]
    assert regexcode.usable(stored) == {}
    assert regexcode.usable(None) == {} and regexcode.usable([]) == {}


def test_a_pattern_re_warns_about_is_left_to_re():
    with pytest.warns(FutureWarning):
        re.compile("[[a]")
    assert regexcode.code_of("[[a]") is None
    assert regexcode.code_of("(") is None


def findings(linter):
    return [[(f.rule, f.start, f.end) for f in linter.check(t).findings] for t in TEXTS]


def test_a_cached_linter_makes_its_regexes_from_the_stored_code(cache, rules, monkeypatch):
    plain = findings(Linter(rules))
    Linter(rules, cache=True)  # a miss: stored
    made = []
    real = regexcode.compile_from
    monkeypatch.setattr(regexcode, "compile_from", lambda p, c: made.append(p) or real(p, c))
    assert findings(Linter(rules, cache=True)) == plain
    assert made


@pytest.mark.parametrize("code", [[0, [1, 2, 3], 0, {}, []], [0, "x", 0, {}, []], [0], "x"])
def test_code_that_is_not_valid_is_compiled_as_before(cache, rules, code):
    plain = findings(Linter(rules))
    Linter(rules, cache=True)
    [part] = cache.glob(f"compiled-*.{tablecache.REGEX_PART}.json")
    data = json.loads(part.read_bytes())
    data["data"]["codes"] = {pattern: code for pattern in data["data"]["codes"]}
    part.write_text(json.dumps(data), encoding="utf-8")
    assert findings(Linter(rules, cache=True)) == plain


def test_another_interpreters_internals_store_nothing(monkeypatch):
    from kefulint.engine import regexcode

    def changed(*_args):
        raise AttributeError("this interpreter's re compiler has no such step")

    monkeypatch.setattr(regexcode._compiler, "_code", changed)
    assert regexcode.codes_of(["a+b", "(x)"])["codes"] == {}
