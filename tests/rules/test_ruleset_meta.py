"""The rule data itself is tested: well-formed ids, known categories, examples of both kinds,
compiling regexes, and precise errors for malformed rulesets."""
from __future__ import annotations

import re

import pytest
from kefulint.errors import RulesetError
from kefulint.rules.categories import CATEGORIES
from kefulint.rules.schema import builtin_names, load_builtin, parse_ruleset

BUILTINS = ["adlaw", "contact", "etiquette", "invoice", "offplatform", "review", "service", "tmall"]


def test_builtin_rulesets_present():
    assert builtin_names() == BUILTINS


@pytest.mark.parametrize("name", BUILTINS)
def test_ruleset_well_formed(name):
    rs = load_builtin(name)
    ids = [r.id for r in rs.rules]
    assert len(ids) == len(set(ids))
    for r in rs.rules:
        assert r.id.startswith(name + ".")
        assert r.category in CATEGORIES
        assert r.bad and r.good
        assert r.reference, f"{r.id}: reference says where its points and wording come from"
        assert re.search(r"[\u4e00-\u9fff]", r.message) and re.search(r"[\u4e00-\u9fff]", r.suggestion)
        if r.regex:
            assert r.triggers or r.context, f"{r.id}: a regex rule names literal triggers"


def test_all_ids_unique_across_rulesets():
    ids = [r.id for n in BUILTINS for r in load_builtin(n).rules]
    assert len(ids) == len(set(ids))


def _errors(text: str) -> list[str]:
    with pytest.raises(RulesetError) as exc:
        parse_ruleset(text, "rulesets/x.toml", "x")
    return exc.value.errors


GOOD = '''id = "x.rule"
kind = "pattern"
category = "contact.qq"
severity = "error"
points = 6
message = "错"
suggestion = "对"
phrases = ["abc"]
examples.bad = ["abc"]
examples.good = ["xyz"]
'''


def test_unknown_key_is_named_with_suggestion():
    errors = _errors("[[rule]]\n" + GOOD + 'severty = "error"\n')
    assert errors == ["rulesets/x.toml: rule x.rule: unknown key 'severty' (did you mean 'severity'?)"]


def test_every_problem_reported_at_once():
    bad = GOOD.replace('category = "contact.qq"', 'category = "contact.icq"').replace('severity = "error"', 'severity = "fatal"')
    errors = _errors("[[rule]]\n" + bad + 'regex = ["(unclosed"]\n')
    assert len(errors) == 3
    assert any("unknown category 'contact.icq'" in e for e in errors)
    assert any("severity must be one of error, warning, info, not 'fatal'" in e for e in errors)
    assert any("regex '(unclosed' does not compile" in e for e in errors)
    assert all(e.startswith("rulesets/x.toml: rule x.rule: ") for e in errors)


def test_missing_examples_and_patterns():
    text = "[[rule]]\n" + "\n".join(l for l in GOOD.splitlines() if not l.startswith(("phrases", "examples")))
    errors = _errors(text)
    assert "rulesets/x.toml: rule x.rule: kind 'pattern' needs 'phrases' or 'regex'" in errors
    assert "rulesets/x.toml: rule x.rule: needs at least one example in both 'examples.bad' and 'examples.good'" in errors


def test_invalid_toml_and_duplicate_ids():
    assert _errors("[[rule]\n")[0].startswith("rulesets/x.toml: invalid TOML:")
    assert _errors("[[rule]]\n" + GOOD + "[[rule]]\n" + GOOD) == ["rulesets/x.toml: rule x.rule: id used twice"]


def test_detector_options_validated():
    text = "[[rule]]\n" + GOOD.replace('phrases = ["abc"]', 'detector = "qq"\noptions = { keywordz = ["q"] }').replace('kind = "pattern"', 'kind = "detector"')
    errors = _errors(text)
    assert errors == ["rulesets/x.toml: rule x.rule: detector 'qq' has no option 'keywordz' (options: after, allow, cue_window, cues, keywords, max_digits, min_digits, window)"]


def test_a_builtin_ruleset_is_parsed_once_for_the_same_text():
    from importlib import resources

    from kefulint.rules.schema import _parse_builtin

    assert load_builtin("contact") is load_builtin("contact")
    text = resources.files("kefulint.rulesets").joinpath("contact.toml").read_text(encoding="utf-8")
    edited = _parse_builtin(text + "\n# edited\n", "contact")
    assert edited is not load_builtin("contact") and edited.rules == load_builtin("contact").rules


def test_no_builtin_regex_rule_runs_on_every_message():
    """A regex rule without triggers is judged on every message and turns off the engine's early exits
    (the no-match path); a built-in rule names the words that wake it."""
    from kefulint import Linter

    always = [r.id for r in Linter.default().rules if r.regex and not r.triggers]
    assert always == []
