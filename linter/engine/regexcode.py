"""Rule regexes kept compiled in the on-disk cache of compiled tables (:mod:`.tablecache`).

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


def code_of(pattern: str) -> list | None:
    """[flags, code, groups, group index, index group] of ``pattern`` as ``re.compile(pattern)``
    makes them, but for its long alternations of words, grouped by their first character
    (:mod:`.regexfactor`: the same matches, found faster); None when re cannot compile it (the
    engine then uses the ``regex`` module) or warns about it (the warning is left to the first
    real compile)."""
    if _sre is None:
        return None
    try:
        from .regexfactor import factor  # only where code is made: a cold start reads stored code

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = _parser.parse(pattern, 0)
            factor(parsed)
            code = _compiler._code(parsed, 0)
    except (re.error, Warning, RecursionError, OverflowError):
        return None
    except (AttributeError, TypeError, ValueError, IndexError, KeyError, ImportError):  # another
        return None  # interpreter's internals (its parser or compiler changed): nothing stored
    try:
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        return [parsed.state.flags, list(code), parsed.state.groups - 1, groupindex, indexgroup]
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
