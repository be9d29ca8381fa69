"""Every bad example of every rule raises that rule; every good example does not. User rulesets
given with ``pytest --ruleset PATH`` are run the same way.

"Raises" means the rule confirms a candidate: where two rules of one category catch the same
words, the report keeps one finding (see engine/assemble.py), but both rules caught it. The
examples of conversation rules are small conversations, judged as ``kefulint scan`` judges them."""
from __future__ import annotations

import pytest
from kefulint import Linter, Settings
from kefulint.rules.resolve import resolve_rules
from kefulint.rules.schema import load_path
from kefulint.scan.judge import ConversationJudge
from kefulint.scan.readers import Message


def _cases(config):
    extra = tuple(config.getoption("--ruleset") or ()) if config else ()
    rules = resolve_rules(Settings(extra_rulesets=extra))
    for rule in rules:
        for i, ex in enumerate(rule.bad):
            yield pytest.param(rule.id, ex, True, id=f"{rule.id}-bad{i}")
        for i, ex in enumerate(rule.good):
            yield pytest.param(rule.id, ex, False, id=f"{rule.id}-good{i}")


def pytest_generate_tests(metafunc):
    if "example" in metafunc.fixturenames:
        metafunc.parametrize("rule_id,example,should_fire", list(_cases(metafunc.config)))


@pytest.fixture(scope="module")
def full_linter(request):
    extra = tuple(request.config.getoption("--ruleset") or ())
    return Linter.from_settings(Settings(extra_rulesets=extra))


def test_example(full_linter, rule_id, example, should_fire):
    if example.conversation:
        messages = [Message("example", i, "example", role, "小美" if role == "agent" else "", at, text)
                    for i, (role, text, at) in enumerate(example.conversation, start=1)]
        judged = ConversationJudge(full_linter).judge(messages)
        fired = sorted({f.rule for turn in judged.turns for f in turn.findings})
        assert (rule_id in fired) == should_fire, f"{rule_id} {'should' if should_fire else 'must not'} fire, got {fired}"
        return
    explained = full_linter.explain(example.text, context=list(example.context))
    fired = sorted({c["rule"] for c in explained["candidates"] if c["status"] == "confirmed"})
    reported = [f.rule for f in explained["result"].findings]
    if should_fire:
        assert rule_id in fired, f"{rule_id} should fire on {example.text!r}, got {fired}"
        assert reported, f"{example.text!r} must be reported"
    else:
        assert rule_id not in reported, f"{rule_id} must not be reported on {example.text!r}"
        # a rule that gives way to another category (yields_to) may match where that one is found
        if not next(r for r in full_linter.rules if r.id == rule_id).yields_to:
            assert rule_id not in fired, f"{rule_id} must not fire on {example.text!r}"


def test_user_ruleset_examples_run(tmp_path):
    path = tmp_path / "shop.toml"
    path.write_text(
        '''[[rule]]
id = "shop.competitor"
kind = "pattern"
category = "offplatform.link"
severity = "warning"
points = 1
message = "提到竞品店铺"
suggestion = "亲，本店就有同款哦"
phrases = ["隔壁老王家"]
examples.bad = ["去隔壁老王家看看"]
examples.good = ["老王您好"]
''',
        encoding="utf-8",
    )
    rs = load_path(path)
    linter = Linter.from_settings(Settings(extra_rulesets=(str(path),)))
    rule = rs.rules[0]
    assert [f.rule for f in linter.check(rule.bad[0].text).findings] == ["shop.competitor"]
    assert linter.check(rule.good[0].text).findings == ()
