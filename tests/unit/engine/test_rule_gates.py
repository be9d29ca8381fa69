"""What skips a rule (its platforms, its buyer context) is in the compiled tables, and a rule the
rules cache holds is read only when it is judged: a woken rule skipped or found dead is never
decoded (Matching._judge)."""
from __future__ import annotations

import pytest
from kefulint import Linter, Settings
from kefulint.engine.compile import SLOT
from kefulint.rules.rulecache import cached_rules_and_key
from kefulint.rules.rulelist import RuleList
from kefulint.text.normalize import Normalized


def test_the_gates_say_what_each_rule_says(linter):
    for ri, rule in enumerate(linter.rules):
        gate = linter._rule_gates.get(ri)
        if not rule.platforms and not rule.context:
            assert gate is None, rule.id
            continue
        platforms, buyer, unless, turns = gate
        assert platforms == frozenset(rule.platforms), rule.id
        assert buyer == bool(rule.context and rule.context.buyer), rule.id
        assert unless == bool(rule.context and rule.context.unless), rule.id
        assert turns == (rule.context.turns if rule.context else 0), rule.id


def _cached(settings: Settings) -> Linter:
    """A Linter of the rules cache (each rule decoded when first read), its tables stored first."""
    rules, key = cached_rules_and_key(settings)
    Linter(rules, settings, cache=key or True)
    rules, key = cached_rules_and_key(settings)
    assert isinstance(rules, RuleList)
    return Linter(rules, settings, cache=key or True)


@pytest.fixture
def cached(cache):
    return _cached(Settings())


def test_a_woken_frame_found_dead_is_not_read(cached, linter):
    """A frame's waking word alone wakes it; without a word of its other slots it is dead, and its
    rule is never decoded. The findings are the Linter's without the rules cache."""
    tried = 0
    for ri in sorted(cached._needy_frames):
        word = linter.rules[ri].frame.slots[cached._frame_wake[ri] - SLOT][0]
        if word[0] in "%#":
            continue
        compact = Normalized(word).compact
        dead, _hits = cached._dead_frames(compact, {ri})
        if ri not in dead:
            continue
        tried += 1
        assert cached.check(word).findings == linter.check(word).findings, word
        assert cached.rules._rules[ri] is None, linter.rules[ri].id
    assert tried > 10


def test_a_rule_skipped_for_its_platform_is_not_read(cache):
    settings = Settings(platform="jd")
    cached, plain = _cached(settings), Linter.from_settings(settings)
    skipped = [ri for ri, (platforms, *_rest) in cached._rule_gates.items() if platforms and "jd" not in platforms]
    assert skipped
    for ri in skipped:
        rule = plain.rules[ri]
        woke = False
        for example in rule.bad:
            assert cached.check(example.text, example.context).findings == \
                plain.check(example.text, example.context).findings, example.text
            woke |= any(s["rule"] == rule.id for s in plain.explain(example.text, example.context)["skipped"])
        assert woke, rule.id  # a bad example woke it, and the platform skipped it
        assert cached.rules._rules[ri] is None, rule.id  # unread


def test_what_a_judged_rule_looks_for_is_what_the_rule_says(linter):
    for ri, rule in enumerate(linter.rules):
        if rule.frame:
            assert linter._frame_params[ri] == (rule.frame.window, rule.frame.ordered, rule.frame.negation), rule.id
        else:
            assert ri not in linter._frame_params
        if rule.regex:
            assert linter._rule_regexes[ri] == (tuple(rule.regex), rule.trusted, bool(rule.triggers)), rule.id
        else:
            assert ri not in linter._rule_regexes
        assert (ri in linter._detector_set) == bool(rule.detector), rule.id


def test_a_judged_rule_that_makes_no_candidate_is_not_read(cached, linter, monkeypatch):
    """A rule's trigger alone wakes it and it is judged; its regexes find nothing there: the rule is
    never decoded, and the findings are the Linter's without the rules cache."""
    judged = []
    real = cached._rule_candidates
    monkeypatch.setattr(cached, "_rule_candidates", lambda ri, *a: judged.append(ri) or real(ri, *a))
    unread = 0
    for ri, rule in enumerate(linter.rules):
        if not (rule.regex and rule.triggers) or rule.context or rule.platforms or rule.triggers[0][0] in "%#":
            continue
        text = rule.triggers[0]
        if any(c.rule.id == rule.id for c in linter._candidates(text, None, keep_rejected=True)):
            continue
        before = len(judged)
        assert cached.check(text).findings == linter.check(text).findings, text
        if ri in judged[before:] and ri not in judged[:before]:  # judged first by this text, with no candidate
            assert cached.rules._rules[ri] is None, rule.id
            unread += 1
    assert unread > 10


def test_a_whole_reply_regex_puts_its_rule_back_to_sleep_and_finds_what_it_found(linter, monkeypatch):
    """Rules that find with regexes anchored at the reply's start alone are searched before a view
    is made: woken by 详情页 inside a longer reply they are not judged, and the findings are those of
    the Linter without shortcuts on their examples and on replies that hold their triggers."""
    whole = {linter.rules[ri].id: ri for ri in linter._screened - set(linter._screens)}
    assert "etiquette.page-pointer-reply" in whole
    assert all(linter.rules[ri].trusted and not linter.rules[ri].phrases for ri in whole.values())
    full = Linter(linter.rules, linter.settings, shortcuts=False)
    judged: list[set] = []
    real = linter._judge
    monkeypatch.setattr(linter, "_judge", lambda view, active, *a: judged.append(set(active)) or real(view, active, *a))
    for rule_id, ri in whole.items():
        rule = linter.rules[ri]
        cases = [(e.text, e.context) for e in rule.bad + rule.good]
        cases += [(f"亲，{t}第三张图是尺码表，您对照一下哦", None) for t in rule.triggers[:3]]
        for text, context in cases:
            assert linter.check(text, context).findings == full.check(text, context).findings, (rule_id, text)
        for e in rule.bad:
            assert any(f.rule == rule_id for f in linter.check(e.text, e.context).findings), (rule_id, e.text)
    judged.clear()
    linter.check("亲，详情页第三张图是尺码表，您对照一下哦")
    assert not any(whole["etiquette.page-pointer-reply"] in active for active in judged)
