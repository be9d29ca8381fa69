"""The package's own regular expressions: what ``re.compile`` makes, made from the code an earlier
process stored once the engine hands in a store (engine/regexcode.py: a Linter with the on-disk
cache does). Compiling a pattern with ``re`` is parsing it and generating code, in Python: ~0.3 ms
a pattern, ~5-10 ms for a class of thousands of characters or an alternation of a few hundred
words; a scan of a real chat log compiled ~40 such patterns beyond its start-up (~25 ms)."""
from __future__ import annotations

import re
from collections.abc import Callable

# the store compiled() asks, once one is handed in (a list: set in place, read without a global)
_STORE: list[Callable[[str, int], re.Pattern]] = []


def compiled(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, or the same pattern from the store."""
    return _STORE[0](pattern, flags) if _STORE else re.compile(pattern, flags)


def use_store(store: Callable[[str, int], re.Pattern]) -> None:
    """``store(pattern, flags)`` compiles the patterns from now on (it must make what re.compile makes)."""
    _STORE[:] = [store]
