"""User-written regexes cannot hang a scan."""
from __future__ import annotations

import time

import pytest
from kefulint import Linter, RulesetError, Settings
from kefulint.rules.schema import parse_ruleset

RULE = '''[[rule]]
id = "shop.slow"
kind = "pattern"
category = "etiquette.banned_phrase"
severity = "error"
points = 1
message = "慢"
suggestion = "快"
regex = ['{pattern}']
examples.bad = ["aaa!"]
examples.good = ["b"]
'''


@pytest.mark.parametrize("pattern", ["(a+)+$", "(\\\\d*)*x", "(?:ab+){2,}c"])
def test_nested_quantifier_rejected_at_load(pattern):
    with pytest.raises(RulesetError) as exc:
        parse_ruleset(RULE.format(pattern=pattern), "shop.toml", "shop")
    (msg,) = exc.value.errors
    assert msg.startswith("shop.toml: rule shop.slow: regex ") and "backtrack" in msg


def test_runtime_timeout_names_the_rule(tmp_path):
    # slips past the static check, still exponential: alternation of overlapping branches
    path = tmp_path / "shop.toml"
    path.write_text(RULE.format(pattern="^(a|a)*$").replace('examples.bad = ["aaa!"]', 'examples.bad = ["aaa"]'),
                    encoding="utf-8")
    linter = Linter.from_settings(Settings(rulesets=(), extra_rulesets=(str(path),)))
    start = time.perf_counter()
    result = linter.check("a" * 40 + "b")
    assert time.perf_counter() - start < 5
    assert result.findings == ()
    assert result.errors and result.errors[0].startswith("rule shop.slow: regex '^(a|a)*$' timed out")
