"""The on-disk cache of resolved rules (kefulint.rules.rulecache): same rules as without it, rebuilt when
anything they depend on changes, and never trusted when corrupt."""
from __future__ import annotations

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


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    return folder


def files(folder):
    return sorted(folder.glob("rules-*.pickle")) if folder.exists() else []


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
    monkeypatch.setattr("kefulint.rules.rulecache.resolve_rules", lambda s: pytest.fail("rules were parsed again"))
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


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps({"rules": []}), pickle.dumps(("x",))])
def test_corrupt_or_foreign_file_is_ignored_and_rebuilt(cache, content):
    cached_rules(Settings())
    [path] = files(cache)
    path.write_bytes(content)
    assert cached_rules(Settings()) == tuple(resolve_rules(Settings()))
    assert pickle.loads(path.read_bytes()) == tuple(resolve_rules(Settings()))


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
    assert sorted(p.suffix for p in cache.iterdir()) == [".pickle", ".pickle"]


def test_compiled_tables_cached_give_the_same_findings(cache):
    """Linter(cache=True): the compiled tables are written once, read back by the next Linter with
    the same rules and settings, and rebuilt when the file is corrupt."""
    settings = Settings(allow_phrases=("小美旗舰店",))
    rules = cached_rules(settings)
    texts = ["有事打我电话13800138000，这个价格全网最低", "加我微信 abc_123 吧", "有的，kiki_mom", "您好，在的"]
    fresh = Linter(rules, settings)
    first = Linter(rules, settings, cache=True)
    compiled = sorted(cache.glob("compiled-*.pickle"))
    assert len(compiled) == 1
    second = Linter(rules, settings, cache=True)
    for text in texts:
        for context in ([], ["有微信吗？"]):
            assert first.check(text, context) == second.check(text, context) == fresh.check(text, context)
    compiled[0].write_bytes(b"not a pickle")
    third = Linter(rules, settings, cache=True)
    assert [third.check(t) for t in texts] == [fresh.check(t) for t in texts]
    other = Linter(rules, Settings(), cache=True)  # other settings: another file
    assert len(sorted(cache.glob("compiled-*.pickle"))) == 2 and other.check(texts[0]).findings
