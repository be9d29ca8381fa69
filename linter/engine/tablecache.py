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

Most of what is stored is ints (per key of an automaton the index of its value, the regexes'
code) and keys the automata share: a list of ints is stored as one base64 string of their bytes
(JSON makes an int of each number through Python's own parser, ~0.1 us each: ~160,000 of them for
a scan), and an automaton stored apart names its keys that are keys of the first one by their
index there (of the ~32,000 keys of the one with buyer context, ~23,000; of the frame words',
~20,000 of ~30,600): the JSON holds ~40,000 strings fewer, and the keys are the first one's
objects, not copies.
"""
from __future__ import annotations

import gc
import json
import os
import sys
from array import array
from binascii import a2b_base64, b2a_base64
from collections.abc import Sequence
from typing import Any

from ..rules.rulecache import cache_dir, code_stamp, remove_matching, sha256, store_atomic

FORMAT = "kefulint-compiled/14"  # 14: rule_regexes say which rules are whole-reply regexes; 13: frame_params, rule_regexes; 12: rule_gates; 11: lists of ints as base64 text, the automata stored apart as references to the first one's keys; 10: the main automaton's keys in the plain one's order first; 9: frame_masks, precheck_words, a frame value's bits; 8: frame_wake; 7: the gates' look characters as they are; 6: frame_sources; 5: screened; 4: automata values stored once; 3: frame_special; 2: JSON (1: a pickle)
# what the first file must hold, each of its type (the rest is checked as the Linter takes it)
_SHAPE = {"words": list, "always": list, "detector_rules": list, "context_turns": int, "late": list,
          "global_allow": list, "context_rules": list, "keyed_rules": list, "screened": list, "frame_special": list,
          "frame_sources": list, "rule_gates": list, "frame_params": list, "rule_regexes": list, "frame_wake": list,
          "frame_masks": list, "precheck_words": list, "gates": dict, "gates_plain": dict, "automata": dict}
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


# 32-bit array items: unsigned for indexes and code, signed for references (-1: none)
_UNSIGNED, _SIGNED = (next(t for t in kinds if array(t).itemsize == 4) for kinds in ("ILH", "ilh"))


def ints_text(values: Sequence[int], signed: bool = False) -> str:
    """``values`` (each fits 32 bits) as the base64 text of their little-endian bytes."""
    items = array(_SIGNED if signed else _UNSIGNED, values)
    if sys.byteorder != "little":
        items.byteswap()
    return b2a_base64(items.tobytes(), newline=False).decode("ascii")


def text_ints(text: str, signed: bool = False) -> list[int]:
    """The ints of :func:`ints_text`; ValueError (or TypeError) when ``text`` is not such text."""
    items = array(_SIGNED if signed else _UNSIGNED)
    items.frombytes(a2b_base64(text))
    if sys.byteorder != "little":
        items.byteswap()
    return items.tolist()


# An automaton is stored as [keys, per key the index of its value, the distinct values]: most keys
# share their value with others (every phrase of a rule means the same hit), so a file is smaller
# and what is read back holds each value once (~13 MB less for the built-in rules' four automata).
# One stored apart names its keys that are keys of the first automaton by their index there:
# [per key that index or -1, the other keys in order, the value indexes, the distinct values].
def _pack(part: list, base: list[str] | None = None) -> list:
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
    if base is None:
        return [keys, ints_text(index), distinct]
    position = dict(zip(base, range(len(base)), strict=True)).get
    refs = [position(key, -1) for key in keys]
    return [ints_text(refs, signed=True), [k for k, r in zip(keys, refs, strict=True) if r < 0], ints_text(index),
            distinct]


# the keys of the automata stored apart that are not keys of the first one, one str object each:
# the one with buyer context and the frame words' list ~8,000 of them alike, and each part read
# from JSON would hold a copy of its own
_KEYS: dict = {}


def _unpack(part: Any, base: list[str] | None = None) -> tuple[list, list[int] | None] | None:
    """([keys, values], per key its index in ``base`` or -1) of a stored automaton (values shared
    between keys: read, never changed; no references for the first automaton, ``base`` None); None
    when it is not one."""
    try:
        if base is None:
            keys, index, distinct = part
            refs = None
        else:
            refs_text, own, index, distinct = part
            refs = text_ints(refs_text, signed=True)
            if type(own) is not list or set(map(type, own)) - _STR or "" in own or refs.count(-1) != len(own) \
                    or (refs and not -1 <= min(refs) <= max(refs) < len(base)):
                return None
            pool = _KEYS.setdefault
            rest = iter([pool(key, key) for key in own])
            keys = [base[r] if r >= 0 else next(rest) for r in refs]
        if type(distinct) is not list:
            return None
        unpacked = [keys, list(map(distinct.__getitem__, text_ints(index)))]
    except (TypeError, ValueError, IndexError):
        return None
    return (unpacked, refs) if _automaton_ok(unpacked) else None


def load_tables(path: str) -> dict | None:
    """The tables stored at ``path`` (the automata APART not among them); None when the file is
    missing, corrupt or not what its name says."""
    tables = _read(path, "tables")
    if not isinstance(tables, dict) or any(not isinstance(tables.get(k), t) for k, t in _SHAPE.items()):
        return None
    if set(tables["automata"]) != {FIRST}:
        return None
    first = _unpack(tables["automata"][FIRST])
    return None if first is None else {**tables, "automata": {FIRST: first[0]}}


def load_part(path: str, name: str, base: list[str]) -> tuple[list, list[int]] | None:
    """([keys, values], per key its index in ``base`` or -1) of the automaton ``name`` stored beside
    ``path``; ``base``: the keys of the first automaton (FIRST) stored at ``path``. None when
    missing or corrupt."""
    return _unpack(_read(_part_path(path, name), name), base)  # type: ignore[return-value]


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
        _write(_part_path(path, name), name, _pack(automata[name], automata[FIRST][0]))
    if regex_codes is not None:
        _write(_part_path(path, REGEX_PART), REGEX_PART, _packed_codes(regex_codes))
    remove_matching(os.path.join(os.path.dirname(path), f"{_PREFIX}*.pickle"))  # kefulint 0.1 stored the tables as a pickle


def _write(path: str, part: str, data: Any) -> None:
    key = os.path.basename(path)[len(_PREFIX):].split(".")[0]
    payload = json.dumps({"format": FORMAT, "key": key, "part": part, "data": data},
                         ensure_ascii=False, separators=(",", ":"))
    # every file of a key counted apart: as many keys kept as with one file each
    store_atomic(path, payload.encode("utf-8"), f"{_PREFIX}*.json", keep_per_key=2 + len(APART))


def _packed_codes(regex_codes: dict) -> dict:
    """The rule regexes' code (see regexcode.codes_of) with each pattern's code list as text
    (regexcode.compile_from reads it back when the pattern is first compiled)."""
    codes = {pattern: [flags, ints_text(ops), *rest] for pattern, (flags, ops, *rest) in regex_codes["codes"].items()}
    return {**regex_codes, "codes": codes}
