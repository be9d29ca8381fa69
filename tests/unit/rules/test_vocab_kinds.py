"""Shared vocabularies (@name), the closed set of rule kinds and the frame keys, checked at load
with the loader's precise messages."""
from __future__ import annotations

import pytest
from kefulint.errors import RulesetError
from kefulint.rules.schema import KINDS, load_builtin, parse_ruleset, shared_vocabulary

RULE = '''id = "x.rule"
category = "payment.credit_card"
severity = "error"
points = 4
message = "错"
suggestion = "对"
examples.bad = ["abc"]
examples.good = ["xyz"]
'''


def _errors(text: str) -> list[str]:
    with pytest.raises(RulesetError) as exc:
        parse_ruleset(text, "rulesets/x.toml", "x")
    return exc.value.errors


def _rule(text: str):
    return parse_ruleset(text, "rulesets/x.toml", "x").rules[0]


def test_kinds_are_a_closed_set():
    assert set(KINDS) == {"pattern", "detector", "frame", "conversation"}
    errors = _errors('[[rule]]\nkind = "phrase"\n' + RULE + 'phrases = ["a"]\n')
    assert errors == ["rulesets/x.toml: rule x.rule: unknown kind 'phrase' (allowed: conversation, detector, frame, pattern)"]


def test_kind_is_required_and_named_in_the_message():
    errors = _errors("[[rule]]\n" + RULE + 'phrases = ["a"]\n')
    assert errors == ["rulesets/x.toml: rule x.rule: missing required key 'kind' (one of: pattern, detector, frame, conversation)"]


def test_a_key_of_another_kind_is_rejected():
    errors = _errors('[[rule]]\nkind = "pattern"\n' + RULE + 'phrases = ["a"]\nframe = [["a"], ["b"]]\n')
    assert errors == ["rulesets/x.toml: rule x.rule: key 'frame' is not used by kind 'pattern' (it belongs to kind 'frame')"]


def test_vocab_reference_expands_with_generated_spellings():
    rule = _rule('[vocab]\ncard = { words = ["信用卡"], initials = true, pinyin = true }\n'
                 '[[rule]]\nkind = "frame"\n' + RULE + 'frame = [["@card"], ["加收"]]\n')
    slot = rule.frame.slots[0]
    assert {"信用卡", "xyk", "xinyongka", "信用ka"} <= set(slot)


def test_full_pinyin_spells_whole_words_only():
    rule = _rule('[vocab]\nno = { words = ["开不了", "不", "v转"], pinyin = "full" }\n'
                 '[[rule]]\nkind = "frame"\n' + RULE + 'frame = [["@no"], ["发票"]]\n')
    slot = set(rule.frame.slots[0])
    assert {"kaibuliao", "kaibule"} <= slot  # 了 is typed both ways
    assert not {"开buliao", "kai不了", "bu"} & slot  # no mixes; a one-syllable word is no word in Latin text
    assert slot == {"开不了", "不", "v转", "kaibuliao", "kaibule"}


def test_pinyin_takes_true_false_or_full():
    errors = _errors('[vocab]\nno = { words = ["开不了"], pinyin = "yes" }\n'
                     '[[rule]]\nkind = "pattern"\n' + RULE + 'phrases = ["@no"]\n')
    assert any("vocab no: 'pinyin' must be true or false (or \"full\")" in e for e in errors)


def test_a_pattern_rule_may_take_its_phrases_in_full_pinyin():
    rule = _rule('[[rule]]\nkind = "pattern"\npinyin = "full"\n' + RULE + 'phrases = ["没办法", "私下转"]\n')
    assert rule.phrases == ("没办法", "私下转", "meibanfa", "sixiazhuan")
    errors = _errors('[[rule]]\nkind = "pattern"\npinyin = "yes"\n' + RULE + 'phrases = ["没办法"]\n')
    assert errors == ["rulesets/x.toml: rule x.rule: 'pinyin' must be \"full\" (the phrases spelt in full pinyin), not 'yes'"]
    errors = _errors('[[rule]]\nkind = "pattern"\npinyin = "full"\nboundary = "word"\n' + RULE + 'phrases = ["第一"]\n')
    assert any("'pinyin' cannot go with 'boundary'" in e for e in errors)
    frame = _rule('[[rule]]\nkind = "frame"\npinyin = "full"\n' + RULE + 'frame = [["自己看", "@refuse_open"], ["页面", "%contact.phone"]]\n').frame
    assert {"zijikan"} <= set(frame.slots[0]) and set(frame.slots[1]) == {"页面", "%contact.phone", "yemian"}
    errors = _errors('[[rule]]\nkind = "detector"\ndetector = "mobile"\npinyin = "full"\n' + RULE)
    assert any("'pinyin' is not used by kind 'detector'" in e for e in errors)


def test_unknown_vocab_is_named_with_the_nearest():
    errors = _errors('[[rule]]\nkind = "frame"\n' + RULE + 'frame = [["@credit_crd"], ["加收"]]\n')
    assert errors == ["rulesets/x.toml: rule x.rule: 'frame[0]': unknown vocab '@credit_crd' (did you mean '@credit_card'?)"
                      .replace("'@credit_card'", "'credit_card'")]


def test_vocab_cycle_and_bad_keys_are_errors():
    errors = _errors('[vocab]\na = ["@b"]\nb = ["@a"]\nc = { word = ["x"] }\n'
                     '[[rule]]\nkind = "pattern"\n' + RULE + 'phrases = ["@a"]\n')
    assert any("vocab c: unknown key 'word' (did you mean 'words'?)" in e for e in errors)
    assert any("includes itself" in e for e in errors)


def test_a_local_vocab_may_not_redefine_a_shared_one():
    errors = _errors('[vocab]\nnegation = ["不"]\n[[rule]]\nkind = "pattern"\n' + RULE + 'phrases = ["a"]\n')
    assert any("vocab negation: already defined in rulesets/vocab.toml" in e for e in errors)


def test_product_vocab_concatenates():
    words = shared_vocabulary().words("go_ask", lambda *_: "")
    assert "问物流去" in words and "去问快递员吧" in words


def test_regex_may_use_a_vocabulary_group():
    rule = _rule('[[rule]]\nkind = "pattern"\n' + RULE + 'regex = ["加(@wechat_any)"]\ntriggers = ["加"]\n')
    assert "薇信" in rule.regex[0] and "vx" in rule.regex[0]


def test_frame_tokens_and_categories_are_checked():
    errors = _errors('[[rule]]\nkind = "frame"\n' + RULE + 'frame = [["转账"], ["#idd", "%contact.bank"]]\n')
    assert any("unknown token '#idd'" in e for e in errors)
    assert any("unknown category 'contact.bank'" in e for e in errors)
    errors = _errors('[[rule]]\nkind = "frame"\n' + RULE + 'frame = [["#id"], ["转账"]]\n')
    assert any("not in the first slot" in e for e in errors)


def test_wechat_variants_are_written_once():
    """The WeChat spellings live in one vocabulary (rulesets/vocab.toml); rules refer to it."""
    from importlib import resources

    files = resources.files("kefulint.rulesets")
    holders = [p.name for p in files.iterdir() if p.name.endswith(".toml") and "薇信" in p.read_text(encoding="utf-8")]
    assert holders == ["vocab.toml"]
    contact = load_builtin("contact")
    keyword_rules = [r.id for r in contact.rules if "薇信" in (*r.triggers, *r.options.get("keywords", ()))]
    assert {"contact.wechat-id", "contact.wechat-invite"} <= set(keyword_rules)


def test_every_shared_vocabulary_is_used():
    """A class no rule refers to is dead data (the engine itself uses negation, not_negation, warning and
    hedge_after)."""
    import re
    from importlib import resources

    files = resources.files("kefulint.rulesets")
    rules_text = "".join(p.read_text(encoding="utf-8") for p in files.iterdir()
                         if p.name.endswith(".toml") and p.name != "vocab.toml")
    vocab_text = files.joinpath("vocab.toml").read_text(encoding="utf-8")
    engine_side = {"negation", "not_negation", "hedge_after", "warning"}
    for name in shared_vocabulary().classes:
        used = re.search(rf'[("]@{name}[")]', rules_text + vocab_text) or name in engine_side
        assert used, f"vocab {name} is not used"


def test_a_product_part_may_be_optional():
    words = shared_vocabulary().words("third_data", lambda *_: "")
    assert "他的收货地址" in words and "她电话" in words


def test_a_shared_vocabulary_error_is_reported_once(tmp_path):
    from kefulint import Settings
    from kefulint.errors import RulesetError
    from kefulint.rules.resolve import resolve_rules

    bad = tmp_path / "bad.toml"
    bad.write_text('[vocab]\nx = { product = [["a"]] }\n', encoding="utf-8")
    with pytest.raises(RulesetError) as exc:
        resolve_rules(Settings(extra_rulesets=(str(bad),)))
    assert len([e for e in exc.value.errors if "vocab x" in e]) == 1


def test_except_drops_a_generated_spelling_that_is_a_word_of_its_own():
    words = shared_vocabulary().words("wechat", lambda *_: "")
    assert "尾号" not in words and "威信" in words
    assert any("'except' must be a list of words" in e for e in _errors('[vocab]\nx = { words = ["a"], except = "b" }\n'))


def test_yields_to_names_other_known_categories():
    errors = _errors('[[rule]]\nkind = "pattern"\n' + RULE + 'phrases = ["a"]\nyields_to = ["etiquette.abus"]\n')
    assert any("'yields_to': unknown category 'etiquette.abus' (did you mean 'etiquette.abuse'?)" in e for e in errors)
    errors = _errors('[[rule]]\nkind = "pattern"\n' + RULE + 'phrases = ["a"]\nyields_to = ["payment.credit_card"]\n')
    assert any("'yields_to': 'payment.credit_card' is the rule's own category" in e for e in errors)
    rule = _rule('[[rule]]\nkind = "pattern"\n' + RULE + 'phrases = ["a"]\nyields_to = ["etiquette.abuse"]\n')
    assert rule.yields_to == ("etiquette.abuse",)


def test_except_drops_a_word_a_product_makes():
    words = shared_vocabulary().words("most_praise", lambda *_: "")
    assert "醉好吃" in words and "最好吃" in words and "醉香" not in words
