"""The on-disk cache of resolved rules (kefulint.rules.rulecache): same rules as without it, rebuilt when
anything they depend on changes, and never trusted when corrupt."""
from __future__ import annotations

import json
import pickle

import pytest
from kefulint import Linter, RulesetError, Settings
from kefulint.rules.resolve import resolve_rules
from kefulint.rules.rulecache import CACHE_ENV, NO_CACHE_ENV, cached_rules, rules_key

RULESET = """\
[ruleset]
name = "shop"

[[rule]]
id = "shop.code-word"
kind = "pattern"
category = "offplatform.payment"
severity = "error"
points = 3
phrases = ["{phrase}"]
message = "不得发送内部暗号"
suggestion = "亲，请以平台页面为准"
examples.bad = ["{phrase}是多少"]
examples.good = ["亲，请以平台页面为准"]
"""


def files(folder):
    return sorted(folder.glob("rules-*.json")) if folder.exists() else []


def test_miss_then_hit_gives_the_same_rules(cache):
    settings = Settings(disable=("adlaw",), severity={"contact.mobile": "warning"})
    first = cached_rules(settings)
    assert len(files(cache)) == 1
    second = cached_rules(settings)
    assert first == second == tuple(resolve_rules(settings))
    text = "有事打我电话13800138000，这个价格全网最低"
    assert Linter(second, settings).check(text) == Linter.from_settings(settings).check(text)


def test_a_hit_does_not_parse_rulesets(cache, monkeypatch):
    cached_rules(Settings())
    monkeypatch.setattr("kefulint.rules.resolve.resolve_rules", lambda s: pytest.fail("rules were parsed again"))
    assert cached_rules(Settings())


def test_key_follows_settings_and_ruleset_bytes(cache, tmp_path):
    extra = tmp_path / "shop.toml"
    extra.write_text(RULESET.format(phrase="暗号甲"), encoding="utf-8")
    settings = Settings(extra_rulesets=(str(extra),))
    assert rules_key(settings) != rules_key(Settings())
    assert rules_key(Settings(disable=("adlaw",))) != rules_key(Settings())
    assert rules_key(Settings(points={"contact": 1})) != rules_key(Settings())
    assert rules_key(Settings(platform="jd")) == rules_key(Settings())  # platform does not shape rules
    before = cached_rules(settings)
    extra.write_text(RULESET.format(phrase="暗号乙"), encoding="utf-8")
    after = cached_rules(settings)
    assert before != after
    assert [r.phrases for r in after if r.id == "shop.code-word"] == [("暗号乙",)]


@pytest.mark.parametrize("content", [
    b"", b"not json", b'{"rules": []}', b'["x"]', b"[{}]", pickle.dumps(("x",)),
    json.dumps([{"id": 1}]).encode(),
])
def test_corrupt_or_foreign_file_is_ignored_and_rebuilt(cache, content):
    # the file's mechanics, on one ruleset (every field's round trip is the test below)
    settings = Settings(rulesets=("contact",))
    cached_rules(settings)
    [path] = files(cache)
    path.write_bytes(content)
    assert cached_rules(settings) == tuple(resolve_rules(settings))


def test_cache_is_json_not_pickle_and_round_trips_every_field(cache):
    """A pickle runs code when loaded: a file planted in the cache folder could run anything."""
    expected = tuple(resolve_rules(Settings()))
    cached_rules(Settings())
    [path] = files(cache)
    raw = path.read_bytes()
    assert not raw.startswith(b"\x80")  # no pickle protocol header
    count, *lines = raw.split(b"\n")
    assert json.loads(count) == len(lines) == len(expected)
    for line in lines:
        json.loads(line)  # plain JSON, a line per rule
    loaded = cached_rules(Settings())
    assert loaded == expected
    assert [r.options for r in loaded] == [r.options for r in expected]  # options do not take part in ==
    kinds = {r.kind for r in loaded}
    assert kinds == {"pattern", "detector", "frame", "conversation"}
    frame = next(r for r in loaded if r.frame is not None)
    assert isinstance(frame.frame.slots[0], tuple) and isinstance(frame.frame.window, int)
    assert frame.frame == next(r for r in expected if r.id == frame.id).frame
    assert any(r.negation for r in loaded)
    service = next(r for r in loaded if r.id == "service.reply-time")
    assert service.conversation.seconds == 60.0 and service.bad[0].conversation[0] == ("buyer", "在吗", 0.0)
    assert Linter(loaded, Settings()).check("有事打我电话13800138000") == Linter.default().check("有事打我电话13800138000")


def test_an_old_pickle_cache_is_removed(cache):
    cache.mkdir(parents=True)
    (cache / "rules-0123.pickle").write_bytes(pickle.dumps(("x",)))
    cached_rules(Settings())
    assert not list(cache.glob("*.pickle"))


def test_broken_ruleset_raises_and_is_not_cached(cache, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\nid = 1\n", encoding="utf-8")
    with pytest.raises(RulesetError):
        cached_rules(Settings(extra_rulesets=(str(bad),)))
    with pytest.raises(RulesetError):
        cached_rules(Settings(extra_rulesets=(str(tmp_path / "missing.toml"),)))
    assert files(cache) == []


def test_turned_off(cache, monkeypatch):
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    assert cached_rules(Settings()) == tuple(resolve_rules(Settings()))
    assert files(cache) == []


def test_cache_path_that_is_a_file_still_works(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv(CACHE_ENV, str(blocker))
    assert cached_rules(Settings()) == tuple(resolve_rules(Settings()))


def test_no_temp_files_left_behind(cache):
    cached_rules(Settings())
    cached_rules(Settings(disable=("adlaw",)))
    assert sorted(p.suffix for p in cache.iterdir()) == [".json", ".json"]


def test_key_follows_the_shared_vocabularies(monkeypatch, tmp_path):
    """A change to rulesets/vocab.toml must not be hidden by a stale cache."""
    import shutil

    from kefulint.rules import rulecache

    before = rulecache.rules_key(Settings())
    copy = tmp_path / "rulesets"
    shutil.copytree(rulecache._rulesets_dir(), copy)
    assert rulecache.rules_key(Settings()) == before
    with open(copy / "vocab.toml", "a", encoding="utf-8") as fh:
        fh.write("\n# changed\n")
    monkeypatch.setattr(rulecache, "_rulesets_dir", lambda: str(copy))
    assert rulecache.rules_key(Settings()) != before


def test_a_linter_of_the_cache_decodes_only_the_rules_it_needs(cache):
    from kefulint.rules.rulecache import cached_rules_and_key
    from kefulint.rules.rulelist import RuleList

    cached_rules(Settings())
    rules, key = cached_rules_and_key(Settings())
    assert isinstance(rules, RuleList) and rules == tuple(resolve_rules(Settings()))
    Linter(rules, Settings(), cache=key)  # the compiled tables stored
    rules, key = cached_rules_and_key(Settings())
    linter = Linter(rules, Settings(), cache=key)
    assert linter.rules is rules
    assert not linter.check("亲，您好，请问有什么可以帮您？").findings
    assert sum(r is not None for r in rules._rules) == 0  # a clean reply: no rule decoded
    found = linter.check("加我微信 abc_123").findings
    assert found == Linter.default().check("加我微信 abc_123").findings
    assert 0 < sum(r is not None for r in rules._rules) < len(rules)
    assert pickle.loads(pickle.dumps(linter)).check("加我微信 abc_123").findings == found


def test_rule_names_of_the_cache_decode_no_rule(cache, tmp_path):
    """--disable names are checked against every rule's id, category and ruleset, read from the
    stored lines; a line not as expected (here, a rule whose ruleset is escaped) is decoded."""
    from kefulint.rules.rulecache import cached_rules_and_key, rule_names

    extra = tmp_path / "shop.toml"
    extra.write_text(RULESET.format(phrase="暗号甲"), encoding="utf-8")
    settings = Settings(extra_rulesets=(str(extra),))
    cached_rules(settings)
    rules, _key = cached_rules_and_key(settings)
    names = rule_names(rules)
    assert sum(r is not None for r in rules._rules) == 0
    assert names == rule_names(tuple(resolve_rules(settings)))
    assert {"shop.code-word", "offplatform.payment", "shop", "adlaw", "contact.wechat"} <= names
    line = rules._lines[-1]
    assert b'"id":"shop.code-word"' in line
    rules._lines[-1] = line.replace(b'"ruleset":"shop"', b'"ruleset":"\\u0073hop"')  # JSON for "shop"
    assert rule_names(rules) == names
    assert sum(r is not None for r in rules._rules) == 1


def test_a_rule_line_corrupt_after_loading_is_resolved_again(cache):
    cached_rules(Settings())
    [path] = files(cache)
    count, first, *rest = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([count, first[:-20], *rest]))
    from kefulint.rules.rulecache import cached_rules_and_key

    rules, _key = cached_rules_and_key(Settings())
    assert rules[1] == resolve_rules(Settings())[1]  # decoded from its own line
    assert rules[0] == resolve_rules(Settings())[0]  # its line does not decode: resolved again
    assert tuple(rules) == tuple(resolve_rules(Settings()))
    assert cached_rules(Settings()) == tuple(resolve_rules(Settings()))  # the file was stored again
    assert b"\n".join([count, first, *rest]) == path.read_bytes()


def test_the_platform_table_is_kept_as_json(cache):
    from kefulint.rules import platforms

    platforms.load_platforms.cache_clear()
    try:
        first = platforms.load_platforms()
        [copy] = cache.glob("platforms-*.json")
        platforms.load_platforms.cache_clear()
        assert platforms.load_platforms() == first
        for content in (b"{not json", b'{"taobao": {}}', b'{"taobao": {"like": 1}}', b"[]"):
            copy.write_bytes(content)
            platforms.load_platforms.cache_clear()
            assert platforms.load_platforms() == first
    finally:
        platforms.load_platforms.cache_clear()
