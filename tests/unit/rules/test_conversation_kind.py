"""``kind = "conversation"``: the rules ``kefulint scan`` judges on a whole conversation are data
(rulesets/service.toml), validated with the loader's precise messages."""
from __future__ import annotations

import pytest
from kefulint.errors import RulesetError
from kefulint.rules.schema import load_builtin, parse_ruleset

RULE = '''[[rule]]
id = "x.slow"
kind = "conversation"
category = "service.reply_time"
severity = "warning"
points = 1
message = "回复用时 {seconds} 秒，超过 {limit} 秒"
suggestion = "请及时回复"
'''
EXAMPLES = '''examples.bad = [{ conversation = [{ buyer = "在吗", at = 0 }, { agent = "在的", at = 9 }] }]
examples.good = [{ conversation = [{ buyer = "在吗", at = 0 }, { agent = "在的", at = 1 }] }]
'''


def _errors(text: str) -> list[str]:
    with pytest.raises(RulesetError) as exc:
        parse_ruleset(text, "rulesets/x.toml", "x")
    return [e.removeprefix("rulesets/x.toml: rule x.slow: ") for e in exc.value.errors]


def test_the_service_rules_are_data():
    rules = {r.id: r for r in load_builtin("service").rules}
    assert set(rules) == {"service.first-response", "service.reply-time", "service.greeting", "service.farewell"}
    assert {r.kind for r in rules.values()} == {"conversation"}
    assert rules["service.first-response"].conversation.seconds == 3
    assert "欢迎" in rules["service.greeting"].conversation.expect  # from the file's own [vocab]
    assert rules["service.reply-time"].bad[0].conversation[-1] == ("agent", "有的，感谢您的咨询", 100.0)


def test_a_conversation_rule_parses():
    rule = parse_ruleset(RULE + 'check = "reply-time"\nseconds = 30\n' + EXAMPLES, "x.toml", "x").rules[0]
    assert (rule.conversation.check, rule.conversation.seconds) == ("reply-time", 30.0)
    assert rule.phrases == () and rule.bad[0].text == ""  # nothing for the message engine to match


def test_check_is_a_closed_set_and_needs_its_key():
    assert _errors(RULE + 'check = "reply_time"\nseconds = 30\n' + EXAMPLES) == [
        "unknown check 'reply_time' (did you mean 'reply-time'?)"]
    assert _errors(RULE + 'check = "reply-time"\n' + EXAMPLES) == ["check 'reply-time' needs 'seconds'"]
    greeting = RULE.replace("{seconds}", "").replace("{limit}", "")
    assert _errors(greeting + 'check = "greeting"\nexpect = ["您好"]\nseconds = 3\n' + EXAMPLES) == [
        "key 'seconds' is not used by check 'greeting'"]
    assert _errors(RULE + 'check = "reply-time"\nseconds = 0\n' + EXAMPLES) == ["'seconds' must be a number > 0"]


def test_message_placeholders_are_checked():
    text = RULE.replace("{limit}", "{limt}") + 'check = "reply-time"\nseconds = 30\n' + EXAMPLES
    assert _errors(text) == ["'message': unknown placeholder {limt} (allowed: {seconds}, {limit})"]


def test_message_keys_of_other_kinds_are_rejected():
    errors = _errors(RULE + 'check = "reply-time"\nseconds = 30\nallow = ["x"]\nphrases = ["y"]\n' + EXAMPLES)
    assert errors == [
        "key 'phrases' is not used by kind 'conversation' (it belongs to kind 'pattern')",
        "key 'allow' is not used by kind 'conversation' (it judges a whole conversation, not one message)",
    ]


def test_examples_are_conversations():
    text = RULE + 'check = "reply-time"\nseconds = 30\nexamples.bad = ["在的"]\n' \
        'examples.good = [{ conversation = [{ buyer = "在吗", shop = "x" }] }]\n'
    errors = _errors(text)
    assert errors[0].startswith("'examples.bad' items of a conversation rule must be {conversation = [")
    assert errors[1].startswith("'examples.good': conversation turn 1 must be {buyer = \"...\"} or {agent = \"...\"}")
