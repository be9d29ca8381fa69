"""The on-disk cache of compiled tables (kefulint.engine.tablecache, issue 12): JSON that runs no
code when read, the same findings as without it, keyed by rules, settings and code, and a corrupt,
foreign or stale file ignored and rebuilt. Within a process: the tables shared by the Linters of
the same rules and table settings, the ones used longest ago dropped first."""
from __future__ import annotations

import json
import shutil

import pytest
from kefulint import Linter, Settings, Severity
from kefulint.engine import tablecache
from kefulint.engine.compile import TABLE_SETTINGS
from kefulint.rules.resolve import resolve_rules
from kefulint.rules.rulecache import CACHE_ENV, NO_CACHE_ENV, cached_rules_and_key

TEXTS = [
    "亲，您好，请问有什么可以帮您？",
    "加我微信 abc_123，好评返现5元",
    "有事打我电话13800138000，这个价格全网最低",
    "我们不能提供微信，请旺旺联系",
    "qq 邮箱 12345678 圈a qq 点 com",
]


@pytest.fixture(scope="module")
def rules():
    # the cache's mechanics, on three rulesets (building the tables of all of them per case is slow)
    return tuple(resolve_rules(Settings(rulesets=("contact", "review", "adlaw"))))


@pytest.fixture(scope="module")
def plain(rules):
    """The findings without the cache (built once: every case compares against them)."""
    return findings(Linter(rules))


@pytest.fixture(scope="module")
def stored_once(rules, tmp_path_factory):
    """A cache folder the tables of ``rules`` were stored in, made once."""
    folder = tmp_path_factory.mktemp("stored") / "cache"
    with pytest.MonkeyPatch.context() as env:
        env.setenv(CACHE_ENV, str(folder))
        env.delenv(NO_CACHE_ENV, raising=False)
        Linter(rules, cache=True)
    return folder


@pytest.fixture
def stored(cache, stored_once):
    """The cache with the tables stored: a copy (each case would build and store the same ones first)."""
    shutil.copytree(stored_once, cache)
    return cache


def tables(folder):
    """The first file of every key stored (the automata stored apart are beside it)."""
    return sorted(p for p in folder.glob("compiled-*") if p.name.count(".") == 1) if folder.exists() else []


def parts(folder):
    return sorted(p for p in folder.glob("compiled-*") if p.name.count(".") == 2)


def findings(linter):
    return [linter.check(t).findings for t in TEXTS] + [linter.check("有，5738201946", ["有QQ吗"]).findings]


def test_miss_then_hit_gives_the_same_findings(cache, rules, plain):
    assert findings(Linter(rules, cache=True)) == plain  # a miss: built and stored
    [stored] = tables(cache)
    assert stored.suffix == ".json"
    assert json.loads(stored.read_bytes())["format"] == tablecache.FORMAT
    assert [p.name.split(".")[1] for p in parts(cache)] == sorted((*tablecache.APART, tablecache.REGEX_PART))
    assert findings(Linter(rules, cache=True)) == plain  # a hit


def test_the_automata_stored_apart_are_read_when_first_needed(stored, rules, monkeypatch):
    read = []
    real = tablecache.load_part
    monkeypatch.setattr(tablecache, "load_part", lambda path, name, base: read.append(name) or real(path, name, base))
    linter = Linter(rules, cache=True)
    linter.check(TEXTS[0])
    assert read == []  # a clean reply without buyer context needs only the first file
    linter.check("有，5738201946", ["有QQ吗"])
    assert "main" in read and "buyer" in read


@pytest.mark.parametrize("content", [None, b"", b'{"format": "kefulint-compiled/2"}', b"[]"])
def test_an_automaton_gone_or_corrupt_since_is_built_again(stored, rules, plain, content):
    linter = Linter(rules, cache=True)
    for part in parts(stored):
        if content is None:
            part.unlink()
        else:
            part.write_bytes(content)
    assert findings(linter) == plain
    linter.check("我们不能加微信哦")  # a frame's words


def test_a_hit_builds_nothing(stored, rules, monkeypatch):
    monkeypatch.setattr(Linter, "_build_tables", lambda self: pytest.fail("tables were built again"))
    Linter(rules, cache=True).check(TEXTS[1])


def test_the_tables_are_plain_data(rules):
    built = Linter(rules)._build_tables()
    assert json.loads(json.dumps(built)) == built  # what is stored is what a fresh build uses


@pytest.mark.parametrize("content", [
    b"", b"\x80\x04garbage", b"{not json", b"[]", b'{"format": "kefulint-compiled/1"}',
    b'{"format": "kefulint-compiled/2", "key": "x", "tables": {}}',
])
def test_a_corrupt_or_foreign_file_is_rebuilt(stored, rules, plain, content):
    [first] = tables(stored)
    first.write_bytes(content)
    assert findings(Linter(rules, cache=True)) == plain
    assert json.loads(first.read_bytes())["format"] == tablecache.FORMAT  # written again
    for part in parts(stored):
        part.write_bytes(content)
    assert findings(Linter(rules, cache=True)) == plain


def test_a_file_that_only_looks_right_is_rebuilt(stored, rules, plain):
    [first] = tables(stored)
    data = json.loads(first.read_bytes())
    data["data"]["words"] = [[1, 2]]  # the right keys and types at the top, wrong inside
    data["data"]["gates"] = {"rules": []}
    first.write_text(json.dumps(data), encoding="utf-8")
    assert findings(Linter(rules, cache=True)) == plain


def test_a_pickle_is_never_read_and_old_ones_go(cache, rules):
    cache.mkdir(parents=True)
    old = cache / "compiled-0123456789.pickle"
    old.write_bytes(b"\x80\x04N.")
    Linter(rules, cache=True)
    assert not old.exists()
    assert all(p.suffix == ".json" for p in cache.iterdir())


def test_key_follows_rules_settings_and_code(rules, cache, monkeypatch):
    settings = Settings()
    key = tablecache.tables_key(rules, settings)
    assert tablecache.tables_key(rules, settings) == key
    assert tablecache.tables_key(rules[1:], settings) != key
    assert tablecache.tables_key(rules, settings._replace(allow_phrases=("微信支付",))) != key
    assert tablecache.tables_key(rules, settings._replace(platform="jd")) != key
    assert tablecache.tables_key(rules, settings, "key-1") != tablecache.tables_key(rules, settings, "key-2")
    monkeypatch.setattr(tablecache, "code_stamp", lambda h, extra=(): h.update(b"other code"))
    assert tablecache.tables_key(rules, settings) != key


def test_the_rules_cache_key_stands_for_the_rules(cache):
    settings = Settings(disable=("adlaw",))
    rules, key = cached_rules_and_key(settings)
    assert key is not None
    assert findings(Linter(rules, settings, cache=key)) == findings(Linter(rules, settings))
    assert len(tables(cache)) == 1


def test_linters_that_differ_in_no_table_setting_share_the_tables(rules):
    """Within a process a Linter takes the tables built before for the same rules and the settings
    they are built from (TABLE_SETTINGS): every other setting leaves them as they are."""
    others = {"rulesets": ("contact",), "extra_rulesets": ("shop.toml",), "disable": ("adlaw",),
              "severity": {"contact": "warning"}, "points": {"contact": 1}, "platform": "jd",
              "infer_platform": False, "allow_domains": ("mumuhome.cn",), "allow_numbers": ("4008123123",),
              "user_words": ("最生活",), "fail_on": Severity.INFO, "model": True}
    assert {*others, *TABLE_SETTINGS} == set(Settings._fields)  # a new setting is listed here or there
    plain = Linter(rules)
    other = Linter(rules, Settings(**others))
    assert other._build_tables() == plain._build_tables()
    assert other._tables["plain"] is plain._tables["plain"]  # taken, not built again
    allowing = Linter(rules, Settings(allow_phrases=("微信支付",)))
    assert allowing._build_tables() != plain._build_tables()
    assert allowing._tables["plain"] is not plain._tables["plain"]


def test_the_tables_used_longest_ago_are_dropped_first(rules):
    from kefulint.engine.compile import _BUILT_KEEP

    kept = Linter(rules[:1])
    for i in range(1, 1 + _BUILT_KEEP):  # as many other rules as are kept, the first used again in between
        Linter(rules[i : i + 1])
        assert Linter(rules[:1])._tables["plain"] is kept._tables["plain"]


def test_cache_off(monkeypatch, tmp_path, rules):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    Linter(rules, cache=True)
    assert tables(tmp_path / "cache") == []


def test_each_automaton_value_is_stored_once(cache, rules):
    built = Linter(rules)._build_tables()["automata"]
    Linter(rules, cache=True)
    [stored] = tables(cache)
    first = tablecache.load_tables(stored)["automata"][tablecache.FIRST]
    assert first == built[tablecache.FIRST]
    for name in tablecache.APART:
        part, refs = tablecache.load_part(stored, name, first[0])
        assert part == built[name]
        # the keys of the first automaton are named by their index there, and are its objects
        assert [first[0][r] if r >= 0 else key for key, r in zip(part[0], refs, strict=True)] == part[0]
        assert all(part[0][i] is first[0][r] for i, r in enumerate(refs) if r >= 0)
        assert sum(r >= 0 for r in refs) > len(refs) // 2
    keys, index, distinct = json.loads(stored.read_bytes())["data"]["automata"][tablecache.FIRST]
    assert len(keys) == len(tablecache.text_ints(index)) > len(distinct)


@pytest.mark.parametrize("values", [[], [0], [1, 2, 3], [0, 2**32 - 1, 7, 4294967295]])
def test_ints_stored_as_text_read_back_as_they_were(values):
    assert tablecache.text_ints(tablecache.ints_text(values)) == values
    signed = [-v // 2 for v in values]
    assert tablecache.text_ints(tablecache.ints_text(signed, signed=True), signed=True) == signed
    assert isinstance(tablecache.ints_text(values), str)


@pytest.mark.parametrize("refs", [[5, -1], [-2, -1], [0, 1]])
def test_a_part_whose_references_do_not_hold_is_not_read(refs):
    base = ["微信", "加我"]
    part = [tablecache.ints_text(refs, signed=True), ["qq"] if -1 in refs else [], tablecache.ints_text([0, 0]),
            [[[1], []]]]
    got = tablecache._unpack(part, base)
    if max(refs) >= len(base) or min(refs) < -1:
        assert got is None
    else:
        assert got == ([[base[r] if r >= 0 else "qq" for r in refs], [[[1], []]] * 2], refs)
