"""On-disk cache of a Linter's compiled tables (see compile.py), so that a fresh ``kefulint check``
skips folding every phrase of every rule.

The tables are plain data and stored as JSON: loading a file runs no code, so a file planted in
the cache folder can at worst give wrong findings, never execute anything (a pickle would). The
file name is a hash of the rules, the settings, the format and the package's code (see
:func:`~kefulint.rules.rulecache.code_stamp`), and the file repeats its key inside: a missing,
corrupt, foreign or stale file is ignored and rebuilt. Written to a temporary name and renamed
into place, beside the rules cache (``KEFULINT_NO_CACHE=1`` turns both off).
"""
from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from ..rules.rulecache import cache_dir, code_stamp, store_atomic

FORMAT = "kefulint-compiled/2"  # 2: JSON (1 was a pickle)
# what a file must hold, each of its type (the rest is checked as the Linter takes it)
_SHAPE = {"words": list, "always": list, "detector_rules": list, "context_turns": int, "late": list,
          "global_allow": list, "context_rules": list, "keyed_rules": list, "gates": dict, "gates_plain": dict,
          "automata": dict}
_AUTOMATA = ("main", "plain", "frame", "buyer")


def tables_key(rules: Sequence, settings, rules_key: str | None = None) -> str:
    """The hash the tables of ``rules`` under ``settings`` are stored under. ``rules_key``, when
    given, stands for the rules (the rules cache's key of the rules it gave): hashing them is
    then spared."""
    h = hashlib.sha256(FORMAT.encode())
    code_stamp(h, extra=("engine",))
    h.update(repr(settings).encode())
    h.update(b"\nrules " + (rules_key.encode() if rules_key else repr(tuple(rules)).encode()))
    return h.hexdigest()


def tables_path(rules: Sequence, settings, rules_key: str | None = None) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"compiled-{tables_key(rules, settings, rules_key)[:40]}.json"


def load_tables(path: Path) -> dict | None:
    """The tables stored at ``path``; None when the file is missing, corrupt or not what its name says."""
    enabled = gc.isenabled()
    gc.disable()  # ~100,000 new lists and strings, none of them in a cycle: no collection needed
    try:
        data = json.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: built again
        return None
    finally:
        if enabled:
            gc.enable()
    if not (isinstance(data, dict) and data.get("format") == FORMAT and data.get("key") == path.stem[9:]):
        return None
    tables = data.get("tables")
    if not isinstance(tables, dict) or any(not isinstance(tables.get(k), t) for k, t in _SHAPE.items()):
        return None
    automata = tables["automata"]
    for name in _AUTOMATA:
        pair = automata.get(name)
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], list) and isinstance(pair[1], list)
                and len(pair[0]) == len(pair[1]) and pair[0] and all(isinstance(k, str) and k for k in pair[0])):
            return None
    return tables


def store_tables(path: Path, tables: dict) -> None:
    payload = json.dumps({"format": FORMAT, "key": path.stem[9:], "tables": tables},
                         ensure_ascii=False, separators=(",", ":"))
    store_atomic(path, payload.encode("utf-8"), "compiled-*.json")
    for stale in path.parent.glob("compiled-*.pickle"):  # kefulint 0.1 stored the tables as a pickle
        stale.unlink(missing_ok=True)
