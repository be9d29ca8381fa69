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
    monkeypatch.setattr(automaton, "KEYS_PER_CHAR", 0.1)
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


def _frame_texts(linter) -> list[str]:
    """TEXTS, every example of every rule (bad and good, with its buyer turns) and their halves."""
    out = list(TEXTS)
    for rule in linter.rules:
        for example in (*rule.bad, *rule.good):
            text = example.text
            out += [text, text[: len(text) // 2], text[len(text) // 2 :], *example.context]
    return out


@pytest.mark.parametrize("source", ["plain", "main"])
def test_the_assembled_frame_automaton_finds_what_a_frame_automaton_finds(linter, tables, source):
    """The frame words' matches made of the main pass's (without or with buyer context) and the
    smaller automaton's are a frame automaton's, in its order."""
    fresh = type(linter)(linter.rules, linter.settings)
    assembled, keys = fresh._built("frame")[:2]
    assert keys == tables["frame"][0]
    assert isinstance(assembled, automaton.Assembled)
    assert 0 < len(assembled.rest_index) < len(keys) // 2  # most frame words are the main pass's
    real = build(keys)
    main = build(tables[source][0])
    table, _bits = fresh._frame_table(source)
    for text in _frame_texts(linter):
        compact = Normalized(text).compact
        found = main.find_matches_as_indexes(compact, True)
        assert assembled.find_matches_as_indexes(compact, found, table) == \
            real.find_matches_as_indexes(compact, True), text


def test_the_frame_bits_read_apart_are_the_frame_automatons(linter, tables):
    """_dead_frames reads the bits of the frame words from the two lists apart: the same bits."""
    fresh = type(linter)(linter.rules, linter.settings)
    assembled, keys, values = fresh._built("frame")[:3]
    real = build(keys)
    plain = build(tables["plain"][0])
    _table, bits = fresh._frame_table("plain")
    for text in _frame_texts(linter)[:400]:
        compact = Normalized(text).compact
        want = 0
        for idx, _s, _e in real.find_matches_as_indexes(compact, True):
            want |= values[idx][1]
        got = 0
        for idx, _s, _e in plain.find_matches_as_indexes(compact, True):
            got |= bits[idx]
        for idx, _s, _e in assembled.rest_matches(compact):
            got |= fresh._frame_rest_bits[idx]
        assert got == want, text


def test_assembled_keys_overlapping_in_the_automatons_order():
    keys = ["ab", "b", "abc", "bc", "c", "a", "x", "bca", "cab"]
    texts = ("abc", "abcabc", "xabcx", "cba", "", "bcab", "cabca")
    real = build(keys)
    for among in (["b", "abc", "zz", "c"], ["zz"], keys, keys[::-1], ["ab", "yy", "bca"]):
        assembled = automaton.Assembled(keys, among)
        # an automaton of ``among`` first and more keys after it (the main automaton's shape), and
        # one of the same keys in another order
        longer = [*among, "q", "ca"]
        for found_keys in (among, longer, longer[::-1]):
            found_by = build(found_keys)
            table = assembled.table(found_keys)
            for text in texts:
                assert assembled.find_matches_as_indexes(text, found_by.find_matches_as_indexes(text, True), table) \
                    == real.find_matches_as_indexes(text, True), (among, found_keys, text)


def test_the_frame_automaton_without_the_main_pass_finds_its_own_matches(linter):
    """Without a main pass (a caller that has none), the plain automaton's matches are looked for."""
    fresh = type(linter)(linter.rules, linter.settings)
    keys = fresh._built("frame")[1]
    real = build(keys)
    for text in TEXTS:
        compact = Normalized(text).compact
        assert fresh._frame_matches(compact, None)[0] == real.find_matches_as_indexes(compact, True), text


def test_a_stand_in_looks_through_fewer_characters_the_fewer_its_keys():
    """Building a small automaton costs less than looking through many characters without it."""
    keys = [f"词{i}" for i in range(500)]
    small = WarmUp(keys, lambda _a: None)
    assert small.find_matches_as_indexes("词1" * 5, True) == build(keys).find_matches_as_indexes("词1" * 5, True)
    assert small._real is None  # 10 of its 500 // KEYS_PER_CHAR characters
    small.find_matches_as_indexes("词1" * 6, True)
    assert small._real is not None
    assert WarmUp([f"词{i}" for i in range(100_000)], lambda _a: None)._left == automaton.WARM_UP_CHARS
