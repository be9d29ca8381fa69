"""The package's own regexes compiled from the code an earlier process stored (engine/regexcode.py,
text/compiled.py): the pattern made is the one ``re.compile`` makes; a missing, corrupt or foreign
file, or code that is not valid, is compiled again; without a store patterns are compiled as re does."""
from __future__ import annotations

import json
import re
import warnings

import pytest
from kefulint.engine import regexcode
from kefulint.engine.tablecache import ints_text, text_ints
from kefulint.text import compiled

PATTERNS = [
    ("[0-9]", 0),
    (r"(?:不|别|没|甭|不用|不要|不想|不能|不让|不许|未)$", 0),
    (r"(?P<id>[a-z][a-z0-9_-]{4,18})(?:@(?P<host>qq|163)\.com)?", 0),
    (r"(?i)vx|wechat", 0),
    (r"\s*[，,]\s*(关于|至于)", re.MULTILINE),
    ("[\U00010000-\U0010FFFF一-龥]+", re.IGNORECASE | re.DOTALL),
    ("|".join(f"词{i}" for i in range(300)), 0),
]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A cache folder of the test's own; the store the package used before is put back after."""
    monkeypatch.setattr(compiled, "_STORE", [])
    monkeypatch.setattr(regexcode, "_STORES", {})
    monkeypatch.setattr("atexit.register", lambda _f: None)  # the test saves itself
    return tmp_path


def _process(folder):
    """The store a new process would use (nothing read yet, nothing made)."""
    regexcode._STORES.clear()
    regexcode.keep_regex_code(str(folder))
    return compiled._STORE[0]


def _all():
    return [compiled.compiled(p, f) for p, f in PATTERNS]


def test_a_pattern_made_from_stored_code_is_the_one_re_compile_makes(folder, monkeypatch):
    store = _process(folder)
    first = _all()
    assert first == [re.compile(p, f) for p, f in PATTERNS]  # == compares flags, code and pattern
    store.save()
    [saved] = folder.glob("regexes-*.json")
    assert len(json.loads(saved.read_bytes())["codes"]) == len(PATTERNS)
    _process(folder)
    monkeypatch.setattr(regexcode, "code_of", lambda *a, **k: pytest.fail("compiled again"))
    again = _all()
    assert again == [re.compile(p, f) for p, f in PATTERNS]
    assert [(x.groupindex, x.groups, x.flags) for x in again] == [(x.groupindex, x.groups, x.flags) for x in first]
    assert again[2].match("abc_12@qq.com").group("host") == "qq"


def test_the_code_of_later_patterns_is_added(folder):
    store = _process(folder)
    compiled.compiled(*PATTERNS[0])
    store.save()
    store = _process(folder)
    compiled.compiled(*PATTERNS[1])
    store.save()
    [saved] = folder.glob("regexes-*.json")
    assert set(json.loads(saved.read_bytes())["codes"]) == {f"{f}:{p}" for p, f in PATTERNS[:2]}


@pytest.mark.parametrize("content", [b"", b"{not json", b"[]",
                                     b'{"format": "kefulint-regex-code/1", "stamp": [], "codes": {}}'])
def test_a_missing_corrupt_or_foreign_file_is_compiled_again(folder, content):
    store = _process(folder)
    compiled.compiled(*PATTERNS[2])
    store.save()
    [saved] = folder.glob("regexes-*.json")
    saved.write_bytes(content)
    _process(folder)
    assert _all() == [re.compile(p, f) for p, f in PATTERNS]


@pytest.mark.parametrize("cut", ["text", "code"])
def test_code_that_is_not_valid_is_never_used(folder, cut):
    pattern, flags = PATTERNS[1]
    store = _process(folder)
    compiled.compiled(pattern, flags)
    store.save()
    [saved] = folder.glob("regexes-*.json")
    data = json.loads(saved.read_bytes())
    code = data["codes"][f"{flags}:{pattern}"]
    # the stored text cut short (not base64 of whole items), or whole items that _sre refuses
    code[1] = code[1][:7] if cut == "text" else ints_text(text_ints(code[1])[:5])
    saved.write_text(json.dumps(data), encoding="utf-8")
    _process(folder)
    assert compiled.compiled(pattern, flags) == re.compile(pattern, flags)


def test_without_a_store_patterns_are_compiled_as_re_does(folder):
    assert _all() == [re.compile(p, f) for p, f in PATTERNS]
    assert not list(folder.iterdir())


def test_what_re_cannot_compile_or_warns_about_is_left_to_re(folder):
    store = _process(folder)
    with pytest.raises(re.error):
        compiled.compiled(r"[\p{Han}]")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compiled.compiled("[[q]")  # a possible nested set: re warns (a pattern of this test alone: re caches)
    assert any(issubclass(w.category, FutureWarning) for w in caught)
    store.save()
    assert not list(folder.glob("regexes-*.json"))


def test_a_linter_with_the_cache_hands_in_the_store(cache, monkeypatch):
    from kefulint import Linter

    monkeypatch.setattr(compiled, "_STORE", [])
    monkeypatch.setattr(regexcode, "_STORES", {})
    Linter.default()
    assert compiled._STORE == []
    linter = Linter(Linter.default().rules, cache=True)
    assert compiled._STORE and compiled._STORE[0].path.startswith(str(cache))
    assert linter.check("亲，加我微信 abc_123 详聊").findings == Linter.default().check("亲，加我微信 abc_123 详聊").findings
