"""On-disk cache of a Linter's compiled tables (see compile.py), so that a fresh ``kefulint check``
skips folding every phrase of every rule.

The tables are plain data and stored as JSON: loading a file runs no code, so a file planted in
the cache folder can at worst give wrong findings, never execute anything (a pickle would). The
file name is a hash of the rules, the settings, the format and the package's code (see
:func:`~kefulint.rules.rulecache.code_stamp`), and each file repeats its key inside: a missing,
corrupt, foreign or stale file is ignored and rebuilt. Files are written to a temporary name and
renamed into place, beside the rules cache (``KEFULINT_NO_CACHE=1`` turns both off).

One file holds what every message needs (the automaton of a message without buyer context among
it); the other automata are stored beside it, one file each, and read when a message first needs
them (the one with buyer context, the frame words, the buyer's turns); so are the rule regexes'
compiled code (see regexcode.py), read when a rule first needs its regexes.
"""
from __future__ import annotations

import gc
import json
import os
from collections.abc import Sequence
from typing import Any

from ..rules.rulecache import cache_dir, code_stamp, remove_matching, sha256, store_atomic

FORMAT = "kefulint-compiled/10"  # 10: the main automaton's keys in the plain one's order first; 9: frame_masks, precheck_words, a frame value's bits; 8: frame_wake; 7: the gates' look characters as they are; 6: frame_sources; 5: screened; 4: automata values stored once; 3: frame_special; 2: JSON (1: a pickle)
# what the first file must hold, each of its type (the rest is checked as the Linter takes it)
_SHAPE = {"words": list, "always": list, "detector_rules": list, "context_turns": int, "late": list,
          "global_allow": list, "context_rules": list, "keyed_rules": list, "screened": list, "frame_special": list,
          "frame_sources": list, "frame_wake": list, "frame_masks": list, "precheck_words": list, "gates": dict,
          "gates_plain": dict, "automata": dict}
FIRST = "plain"  # the automaton stored in the first file
APART = ("main", "frame", "buyer")  # the automata stored beside it
REGEX_PART = "regex"  # the rule regexes' compiled code, stored beside them too
_PREFIX = "compiled-"
_STR = frozenset({str})


def tables_key(rules: Sequence, settings, rules_key: str | None = None) -> str:
    """The hash the tables of ``rules`` under ``settings`` are stored under. ``rules_key``, when
    given, stands for the rules (the rules cache's key of the rules it gave): hashing them is
    then spared."""
    h = sha256(FORMAT.encode())
    code_stamp(h, extra=("engine",))
    h.update(repr(settings).encode())
    h.update(b"\nrules " + (rules_key.encode() if rules_key else repr(tuple(rules)).encode()))
    return h.hexdigest()[:40]


def tables_path(rules: Sequence, settings, rules_key: str | None = None) -> str | None:
    folder = cache_dir()
    if folder is None:
        return None
    return os.path.join(folder, f"{_PREFIX}{tables_key(rules, settings, rules_key)}.json")


def _part_path(path: str, name: str) -> str:
    return f"{os.path.splitext(path)[0]}.{name}.json"


def _read(path: str, name: str) -> Any:
    """The data of a file written by _write for the same key and part; None if it is not that."""
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of new lists and strings, none of them in a cycle
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read())
    except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: built again
        return None
    finally:
        if enabled:
            gc.enable()
    key = os.path.basename(path)[len(_PREFIX):].split(".")[0]
    if isinstance(data, dict) and data.get("format") == FORMAT and data.get("key") == key and data.get("part") == name:
        return data.get("data")
    return None


def _automaton_ok(part: Any) -> bool:
    return (isinstance(part, list) and len(part) == 2 and isinstance(part[0], list) and isinstance(part[1], list)
            and len(part[0]) == len(part[1]) > 0 and set(map(type, part[0])) <= _STR and "" not in part[0])


# An automaton is stored as [keys, per key the index of its value, the distinct values]: most keys
# share their value with others (every phrase of a rule means the same hit), so a file is smaller
# and what is read back holds each value once (~13 MB less for the built-in rules' four automata).
def _pack(part: list) -> list:
    keys, values = part
    index: list[int] = []
    distinct: list = []
    seen: dict[str, int] = {}
    for value in values:
        # values are lists of ints (and lists of them): their repr tells them apart as their JSON
        # does, ~4x faster (json.dumps with separators builds an encoder per call)
        index.append(seen.setdefault(repr(value), len(distinct)))
        if index[-1] == len(distinct):
            distinct.append(value)
    return [keys, index, distinct]


# the automata's keys, one str object each: "main", "plain" and "frame" list most words alike, and
# each part read from JSON would hold a copy of every key of its own (~1.5 MB for a scan). The first
# part read keeps its keys as they are (a cold start reads one); a later one takes theirs.
_KEYS: dict = {}
_FIRST: list = []


def _pooled_keys(keys: list) -> list:
    if not _FIRST and not _KEYS:
        _FIRST.append(keys)
        return keys
    if _FIRST:
        for key in _FIRST.pop():
            _KEYS.setdefault(key, key)
    pool = _KEYS.setdefault
    return [pool(key, key) for key in keys]


def _unpack(part: Any) -> list | None:
    """[keys, values] of a stored automaton (values shared between keys: read, never changed); None
    when it is not one."""
    try:
        keys, index, distinct = part
        if type(index) is not list or type(distinct) is not list or set(map(type, index)) - {int}:
            return None
        unpacked = [_pooled_keys(keys), list(map(distinct.__getitem__, index))]
    except (TypeError, ValueError, IndexError):
        return None
    return unpacked if _automaton_ok(unpacked) else None


def load_tables(path: str) -> dict | None:
    """The tables stored at ``path`` (the automata APART not among them); None when the file is
    missing, corrupt or not what its name says."""
    tables = _read(path, "tables")
    if not isinstance(tables, dict) or any(not isinstance(tables.get(k), t) for k, t in _SHAPE.items()):
        return None
    if set(tables["automata"]) != {FIRST}:
        return None
    first = _unpack(tables["automata"][FIRST])
    return None if first is None else {**tables, "automata": {FIRST: first}}


def load_part(path: str, name: str) -> list | None:
    """[keys, values] of the automaton ``name`` stored beside ``path``; None when missing or corrupt."""
    return _unpack(_read(_part_path(path, name), name))


def load_part_data(path: str, name: str) -> Any:
    """The data of the part ``name`` stored beside ``path`` (not an automaton: see load_part);
    None when missing or corrupt."""
    return _read(_part_path(path, name), name)


def store_tables(path: str, tables: dict, regex_codes: dict | None = None) -> None:
    """Stores ``tables`` at ``path``, each automaton of APART beside it, and ``regex_codes`` (the
    rule regexes compiled, see regexcode.py) beside them."""
    automata = tables["automata"]
    _write(path, "tables", {**tables, "automata": {FIRST: _pack(automata[FIRST])}})
    for name in APART:
        _write(_part_path(path, name), name, _pack(automata[name]))
    if regex_codes is not None:
        _write(_part_path(path, REGEX_PART), REGEX_PART, regex_codes)
    remove_matching(os.path.join(os.path.dirname(path), f"{_PREFIX}*.pickle"))  # kefulint 0.1 stored the tables as a pickle


def _write(path: str, part: str, data: Any) -> None:
    key = os.path.basename(path)[len(_PREFIX):].split(".")[0]
    payload = json.dumps({"format": FORMAT, "key": key, "part": part, "data": data},
                         ensure_ascii=False, separators=(",", ":"))
    # every file of a key counted apart: as many keys kept as with one file each
    store_atomic(path, payload.encode("utf-8"), f"{_PREFIX}*.json", keep_per_key=2 + len(APART))
