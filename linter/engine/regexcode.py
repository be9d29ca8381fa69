"""Rule regexes kept compiled in the on-disk cache of compiled tables (:mod:`.tablecache`), and the
package's own regexes (:mod:`kefulint.text.compiled`) in a file of their own beside it.

Compiling a pattern with stdlib ``re`` is parsing it and generating code for CPython's regular
expression engine (``_sre``), both in Python: ~0.4 ms a pattern, ~50 ms for the patterns a scan of
a real chat log reaches. The generated code is a list of ints; stored once with the tables, it is
handed back to ``_sre.compile`` (what ``re.compile`` itself ends with), which costs microseconds
and gives a pattern equal to what ``re.compile`` gives (``==`` compares the code).

The code's format belongs to the interpreter: it is stored with the interpreter's version and the
engine's ``MAGIC``, and ignored under any other (the patterns are then compiled as before).
``_sre.compile`` validates the code it is given, so a planted cache file can at worst make a
pattern match wrongly, as any planted table can.
"""
from __future__ import annotations

import re
import sys
import warnings
from typing import Any

try:  # CPython's regular expression engine and the two steps of re.compile before it
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # another interpreter: patterns are compiled as usual
    _sre = None


def stamp() -> list:
    """What the stored code is valid for: this interpreter's version and its engine's format."""
    return [sys.version, getattr(_sre, "MAGIC", None), getattr(_sre, "CODESIZE", None)]


def code_of(pattern: str, flags: int = 0, factored: bool = True) -> list | None:
    """[flags, code, groups, group index, index group] of ``pattern`` as ``re.compile(pattern,
    flags)`` makes them, but (``factored``) for its long alternations of words, grouped by their
    first character (:mod:`.regexfactor`: the same matches, found faster); None when re cannot
    compile it (the engine then uses the ``regex`` module) or warns about it (the warning is left
    to the first real compile)."""
    if _sre is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = _parser.parse(pattern, flags)
            if factored:
                from .regexfactor import factor  # only where code is made: a cold start reads stored code

                factor(parsed)
            code = _compiler._code(parsed, flags)
    except (re.error, Warning, RecursionError, OverflowError):
        return None
    except (AttributeError, TypeError, ValueError, IndexError, KeyError, ImportError):  # another
        return None  # interpreter's internals (its parser or compiler changed): nothing stored
    try:
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        return [flags | parsed.state.flags, list(code), parsed.state.groups - 1, groupindex, indexgroup]
    except (AttributeError, TypeError, ValueError, IndexError, KeyError):  # as above: the parser's
        return None  # state is not what this module knows


def codes_of(patterns) -> dict:
    """{"stamp": ..., "codes": {pattern: code}} of the ``patterns`` re compiles without a warning."""
    codes = {}
    for pattern in patterns:
        if pattern not in codes:
            code = code_of(pattern)
            if code is not None:
                codes[pattern] = code
    return {"stamp": stamp(), "codes": codes}


def usable(stored: Any) -> dict[str, list]:
    """The codes of ``stored`` (what codes_of made, read back) if they were made by this
    interpreter, else none."""
    if (_sre is None or not isinstance(stored, dict) or stored.get("stamp") != stamp()
            or not isinstance(stored.get("codes"), dict)):
        return {}
    return stored["codes"]


def compile_from(pattern: str, code: list) -> re.Pattern:
    """The pattern ``re.compile(pattern)`` gives, from its stored ``code`` (its list of ints as
    the tables cache stores it, text: see tablecache.ints_text); raises ValueError (or TypeError,
    RuntimeError: code that is not valid) when it cannot be made."""
    flags, ops, groups, groupindex, indexgroup = code
    if isinstance(ops, str):
        from .tablecache import text_ints

        ops = text_ints(ops)
    return _sre.compile(pattern, flags, ops, groups, groupindex, tuple(indexgroup))


# The package's own regexes (text/compiled.py): their code in a file of the cache folder, per
# interpreter, read when the first of them is compiled; the code of the patterns a process is the
# first to compile is added to it when the process exits. A pattern made of a shop's own data (its
# platforms' names, surnames) adds one per distinct list: the newest _KEEP are kept.
_STORE_FORMAT = "kefulint-regex-code/1"
_STORE_PREFIX = "regexes-"
_KEEP = 2000


class _Store:
    """``re.compile(pattern, flags)`` from the code stored at ``path``, or compiled and its code kept."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.codes: dict[str, list] | None = None  # "flags:pattern" -> code, read on first use
        self.made: dict[str, list] = {}  # what this process compiled first, written at exit

    def __call__(self, pattern: str, flags: int = 0) -> re.Pattern:
        codes = self.codes if self.codes is not None else self._load()
        key = f"{int(flags)}:{pattern}"
        code = codes.get(key)
        if code is not None:
            try:
                return compile_from(pattern, code)
            except (TypeError, ValueError, RuntimeError, AttributeError, IndexError):
                pass  # not valid code after all: made again below
        code = code_of(pattern, flags, factored=False)
        if code is None:  # re cannot compile it or warns about it: left to re
            return re.compile(pattern, flags)
        made = compile_from(pattern, code)
        if not self.made:
            import atexit

            atexit.register(self.save)
        self.made[key] = codes[key] = code
        return made

    def _load(self) -> dict[str, list]:
        codes = self.codes = _read_store(self.path)
        return codes

    def save(self) -> None:
        """Adds the code of the patterns this process compiled first to the file (read again:
        another process may have added some meanwhile), the newest _KEEP kept."""
        if not self.made:
            return
        import json

        from ..rules.rulecache import store_atomic
        from .tablecache import ints_text

        codes = _read_store(self.path)
        for key, (flags, ops, *rest) in self.made.items():
            codes.pop(key, None)
            codes[key] = [flags, ints_text(ops) if isinstance(ops, list) else ops, *rest]
        payload = {"format": _STORE_FORMAT, "stamp": stamp(), "codes": dict(list(codes.items())[-_KEEP:])}
        store_atomic(self.path, json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                     f"{_STORE_PREFIX}*.json")
        self.made.clear()


def _read_store(path: str) -> dict[str, list]:
    import json

    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read())
    except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: compiled again
        return {}
    if not isinstance(data, dict) or data.get("format") != _STORE_FORMAT or data.get("stamp") != stamp():
        return {}
    codes = data.get("codes")
    return codes if isinstance(codes, dict) else {}


_STORES: dict[str, _Store] = {}


def keep_regex_code(folder: str) -> None:
    """The package's own regexes are compiled from (and their code kept in) a file of ``folder``."""
    if _sre is None:
        return
    import os

    from ..rules.rulecache import sha256
    from ..text.compiled import use_store

    name = f"{_STORE_PREFIX}{sha256(repr([_STORE_FORMAT, *stamp()]).encode()).hexdigest()[:24]}.json"
    path = os.path.join(folder, name)
    store = _STORES.get(path)
    if store is None:
        store = _STORES[path] = _Store(path)
    use_store(store)
