"""The stand-in for an automaton (kefulint.engine.automaton.WarmUp) finds what the automaton finds,
in the same order, and hands over to it once enough text has been matched."""
from __future__ import annotations

import pytest
from kefulint.engine import automaton
from kefulint.engine.automaton import WarmUp, build
from kefulint.text.normalize import Normalized

TEXTS = [
    "", "亲，您好，请问有什么可以帮您？", "加我微信 abc_123，好评返现5元", "有事打我电话13800138000，这个价格全网最低",
    "我们不能提供微信，请旺旺联系", "qq 邮箱 12345678 圈a qq 点 com", "vx vx vxvx", "𠀀微𠀀信🌟好🌟评",
    "私下转账更优惠，支付宝转我就行", "可以开发票吗，发票抬头写公司", "ababab", "最好的第一次",
]


@pytest.fixture(scope="module")
def tables(linter):
    return {name: linter._tables.get(name) or linter._stored_part(name) for name in ("plain", "main", "frame", "buyer")}


@pytest.mark.parametrize("name", ["plain", "main", "frame", "buyer"])
def test_the_stand_in_finds_what_the_automaton_finds(tables, name):
    keys = tables[name][0]
    real = build(keys)
    stand_in = WarmUp(keys, lambda _a: pytest.fail("built"))
    for text in TEXTS:
        compact = Normalized(text).compact
        assert stand_in._looked_up(compact) == real.find_matches_as_indexes(compact, True), text


def test_overlapping_keys_in_the_automatons_order():
    keys = ["ab", "b", "abc", "bc", "c", "a", "x"]
    real = build(keys)
    for text in ("abc", "abcabc", "xabcx", "cba", ""):
        assert WarmUp(keys, lambda _a: None)._looked_up(text) == real.find_matches_as_indexes(text, True)


def test_the_automaton_takes_over_after_the_warm_up(monkeypatch):
    monkeypatch.setattr(automaton, "WARM_UP_CHARS", 10)
    handed = []
    stand_in = WarmUp(["微信", "信"], handed.append)
    assert stand_in.find_matches_as_indexes("加微信", True) == [(0, 1, 3), (1, 2, 3)]
    assert handed == []
    assert stand_in.find_matches_as_indexes("请加我的微信号码谢谢", True) == [(0, 4, 6), (1, 5, 6)]
    assert len(handed) == 1
    assert handed[0].find_matches_as_indexes("微信", True) == [(0, 0, 2), (1, 1, 2)]


def test_a_linter_swaps_in_the_automaton(linter, monkeypatch):
    from kefulint import Linter

    monkeypatch.setattr(automaton, "WARM_UP_CHARS", 50)
    fresh = Linter(linter.rules, linter.settings)
    clean = "亲，您好，请问有什么可以帮您？"
    for _ in range(5):
        fresh.check(clean)
    assert not isinstance(fresh._automaton_plain[0], WarmUp)
    assert fresh.check("加我微信 abc_123").findings == linter.check("加我微信 abc_123").findings


def test_a_linter_let_go_is_freed_without_the_cyclic_collector(linter):
    """The stand-ins hold their Linter weakly: nothing it made refers back to it."""
    import gc
    import weakref

    from kefulint import Linter

    fresh = Linter(linter.rules, linter.settings)
    for text in ("加我微信 abc_123，" * 100, "我们不能加微信哦"):
        fresh.check(text)
        fresh.check(text, ["有QQ吗"])
    gone = weakref.ref(fresh)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del fresh
        assert gone() is None
    finally:
        if enabled:
            gc.enable()


def test_the_automaton_with_context_is_the_one_without_it_joined_with_the_rest(tables):
    keys, plain_keys = tables["main"][0], tables["plain"][0]
    n = len(plain_keys)
    assert keys[:n] == plain_keys and len(keys) > n  # the keys without context first
    joined = automaton.Joined(build(plain_keys), WarmUp(keys[n:], lambda _a: None), n)
    real = build(keys)
    for text in [*TEXTS, "可以开发票吗可以的", "好的可以，退款1688元到账，可以吗"]:
        compact = Normalized(text).compact
        assert joined.find_matches_as_indexes(compact, True) == real.find_matches_as_indexes(compact, True), text


def test_joined_keys_overlapping_in_the_automatons_order():
    keys = ["ab", "b", "abc", "bc", "c", "a", "x", "bca"]
    real = build(keys)
    for split in range(1, len(keys)):
        joined = automaton.Joined(build(keys[:split]), build(keys[split:]), split)
        for text in ("abc", "abcabc", "xabcx", "cba", "", "bcab"):
            assert joined.find_matches_as_indexes(text, True) == real.find_matches_as_indexes(text, True), (split, text)
