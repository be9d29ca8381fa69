"""The engine's Aho-Corasick automata (ahocorasick_rs), and what stands in for one until building it
pays: a cold ``kefulint check`` of a reply or two would spend more on building the automaton of
~7,500 phrases (~8 ms) than on looking them up without it."""
from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

# Characters a stand-in looks through before the automaton is built. Its lookups cost ~6 µs a
# character whatever the keys, building costs ~2 µs a key (the plain automaton's ~23,000: ~50 ms): a
# stand-in looks through a character per KEYS_PER_CHAR keys, about a tenth of what building costs,
# and at most WARM_UP_CHARS. A cold check of a reply or a few never builds the large automata; a
# scan builds each within its first few dozen messages, and spent ~6 ms of lookups on each of
# the smaller ones (the frame words' own, the buyer's, the frame precheck's, which builds in ~2 ms).
WARM_UP_CHARS = 1000
KEYS_PER_CHAR = 25


def build(keys: list[str]) -> Any:
    """The automaton of ``keys``: every match, overlapping, as (key index, start, end)."""
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard)


class WarmUp:
    """Finds what ``build(keys)`` finds, the same (key index, start, end) in the same order (by end,
    then by start: the longer key first), by looking up every substring up to the longest key in
    a dict, which is all it builds. Once it has looked through its characters (see WARM_UP_CHARS) it
    builds the automaton, hands it to ``ready`` (which puts it where this stand-in was) and
    answers with it."""

    __slots__ = ("_index", "_keys", "_left", "_longest", "_ready", "_real")

    def __init__(self, keys: list[str], ready: Callable[[Any], None]) -> None:
        self._keys = keys
        self._index = dict(zip(keys, range(len(keys)), strict=True))
        self._longest = max(map(len, keys))
        self._left = min(WARM_UP_CHARS, len(keys) // KEYS_PER_CHAR)
        self._ready = ready
        self._real: Any = None

    def find_matches_as_indexes(self, text: str, overlapping: bool = False) -> list[tuple[int, int, int]]:
        if not overlapping:
            raise ValueError("the engine asks for every match (overlapping=True)")
        if self._real is None:
            self._left -= len(text)
            if self._left >= 0:
                return self._looked_up(text)
            self._real = build(self._keys)
            self._ready(self._real)
        return self._real.find_matches_as_indexes(text, overlapping)

    def _looked_up(self, text: str) -> list[tuple[int, int, int]]:
        get = self._index.get
        longest = self._longest
        out = []
        for end in range(1, len(text) + 1):
            for start in range(max(0, end - longest), end):
                i = get(text[start:end])
                if i is not None:
                    out.append((i, start, end))
        return out


_BY_END_THEN_START = itemgetter(2, 1)


class Joined:
    """Finds what ``build(keys)`` finds, the same (key index, start, end) in the same order, with
    two automata: ``first`` of keys[:offset] (an automaton used on its own too) and ``second`` of
    keys[offset:]. The automaton with buyer context is the one without it and a smaller one of the
    words only context rules listen for: a scan builds ~7,000 keys for it instead of ~22,000.
    An automaton gives its matches by end, then by start (the longer key first): the two lists,
    merged in that order, are the one automaton's."""

    __slots__ = ("_first", "_offset", "_second")

    def __init__(self, first: Any, second: Any, offset: int) -> None:
        self._first = first
        self._second = second
        self._offset = offset

    def find_matches_as_indexes(self, text: str, overlapping: bool = False) -> list[tuple[int, int, int]]:
        found = self._first.find_matches_as_indexes(text, overlapping)
        more = self._second.find_matches_as_indexes(text, overlapping)
        if not more:
            return found
        offset = self._offset
        more = [(i + offset, start, end) for i, start, end in more]
        if not found:
            return more
        found = found + more
        found.sort(key=_BY_END_THEN_START)
        return found


class Assembled:
    """Finds what ``build(keys)`` finds, the same (key index, start, end) in the same order, from
    the matches an automaton of other keys (``among``) already found in the same text and a smaller
    automaton of the keys not among them. The frame automaton's keys are mostly the main pass's
    (of ~30,600, ~19,900 are keys of the automaton without buyer context): a scan builds ~10,700
    keys for the frame words instead of ~30,600, and the main pass's matches of the others are
    taken as they are. Merged by end, then start (see Joined), the two lists are the automaton's.

    The matches handed in are mapped through a ``table`` made for the automaton that found them
    (see :meth:`table`). A caller that needs only which keys are there, not their order, reads the
    two lists apart (:meth:`rest_matches`, :attr:`rest_index`) and merges them only when it must."""

    __slots__ = ("_among", "_rest", "_table", "rest_index")

    def __init__(self, keys: list[str], among: list[str], refs: list[int] | None = None) -> None:
        """``refs``, when known (the tables cache stores them): per key, its index in ``among`` or -1."""
        self._among = among
        if refs is None:
            position = dict(zip(among, range(len(among)), strict=True)).get
            refs = [position(key, -1) for key in keys]
        self._table = table = [-1] * len(among)
        for i, r in enumerate(refs):
            if r >= 0:
                table[r] = i
        # per pattern of the smaller automaton, its key index here
        self.rest_index = [i for i, r in enumerate(refs) if r < 0]
        self._rest = WarmUp([keys[i] for i in self.rest_index], keep_built) if self.rest_index else None

    def table(self, found_keys: list[str]) -> list[int]:
        """Per key index of an automaton of ``found_keys``, the index of that key here if it is a key
        of ``among``, else -1 (the smaller automaton finds the others: no match is given twice)."""
        n = len(self._among)
        if found_keys[:n] == self._among:  # the main automaton: the keys of ``among`` first
            return self._table + [-1] * (len(found_keys) - n)
        index = dict(zip(self._among, self._table, strict=True))
        return [index.get(key, -1) for key in found_keys]

    def rest_matches(self, text: str) -> list[tuple[int, int, int]]:
        """The smaller automaton's matches (its own pattern indexes: see :attr:`rest_index`)."""
        return self._rest.find_matches_as_indexes(text, True) if self._rest is not None else []

    def merged(self, found: list[tuple[int, int, int]], table: list[int],
               rest: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """The automaton's matches from ``found`` (the matches of the automaton ``table`` was made
        for, in its order) and ``rest`` (:meth:`rest_matches` of the same text)."""
        got = [(i, start, end) for f, start, end in found if (i := table[f]) >= 0]
        if not rest:
            return got
        index = self.rest_index
        more = [(index[i], start, end) for i, start, end in rest]
        if not got:
            return more
        got += more
        got.sort(key=_BY_END_THEN_START)
        return got

    def find_matches_as_indexes(self, text: str, found: list[tuple[int, int, int]],
                                table: list[int]) -> list[tuple[int, int, int]]:
        """The matches of ``text``, given ``found``: the matches of the automaton ``table`` was made
        for in the same text."""
        return self.merged(found, table, self.rest_matches(text))


def keep_built(_automaton: Any) -> None:
    """A stand-in of a part of a joined or assembled automaton keeps the automaton it builds."""
