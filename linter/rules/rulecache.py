"""On-disk cache of resolved rules, so that a fresh ``kefulint check`` skips parsing and
validating every ruleset (TOML, every regex compiled for validation: most of building a Linter).

The key is a hash of everything the rules depend on: the bytes of every built-in ruleset file (and
of the shared vocabularies) and of the extra rulesets the settings name, the settings that shape rules (rulesets, extra rulesets, disable, severity,
points), the kefulint version and the size and mtime of the package's own modules and data files (so
that an edited checkout never reads rules written by older code). The file is JSON lines (the
number of rules, then a line per rule), each line read back field by field into the rule
dataclasses when the rule is first needed (:class:`~.rulelist.RuleList`): loading it runs no code, so a file planted in the cache
folder can at worst give wrong rules, never execute anything (a pickle would). A file is written to
a temporary name and renamed into place; a missing, unreadable or corrupt file is ignored and
rebuilt. A broken ruleset is never cached: it raises :class:`~kefulint.RulesetError` as without the
cache.

Where: ``$KEFULINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/kefulint``, else ``~/.cache/kefulint``
(``%LOCALAPPDATA%\\kefulint`` on Windows). ``KEFULINT_NO_CACHE=1`` turns it off.
"""
from __future__ import annotations

import gc
import json
import os
import sys
import types
import typing
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..finding import Severity
from ..settings import Settings
from .rulelist import RuleList

if TYPE_CHECKING:
    from .model import Rule  # the rules' type only: the model is imported when a rule is decoded

# The keys hash with CPython's own SHA-256 module, the digest hashlib gives: importing hashlib loads
# OpenSSL (~2 ms of a cold start). File names are strings (os.path): pathlib costs ~2.5 ms to import.
try:
    from _sha256 import sha256  # type: ignore[import-not-found]  # Python 3.11
except ImportError:
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # Python 3.12+
    except ImportError:
        from hashlib import sha256

CACHE_ENV = "KEFULINT_CACHE_DIR"
NO_CACHE_ENV = "KEFULINT_NO_CACHE"
_FORMAT = b"kefulint-rules-cache/3"  # 3: a JSON line per rule, read when first needed (2: one JSON list; 1: a pickle)
# the package folders whose code or data shape resolved rules
_STAMPED = ("rules", "detectors", "text", "data")
_KEEP = 16  # newest cache files kept; older ones are removed when a new one is written


def cache_dir() -> str | None:
    """The cache directory, or None when caching is turned off."""
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    if os.environ.get(CACHE_ENV):
        return os.environ[CACHE_ENV]
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "kefulint")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kefulint")


def code_stamp(h, extra: tuple[str, ...] = ()) -> None:
    """Adds the size and mtime of the package's modules and data files (and of the ``extra``
    folders) to the hash ``h``: a cache made by other code is never read."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    folders = [package, *(os.path.join(package, name) for name in (*_STAMPED, *extra))]
    for folder in folders:
        if not os.path.isdir(folder):
            continue
        name = os.path.basename(folder)
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_file() and not entry.name.startswith("."):
                st = entry.stat()
                h.update(f"{name}/{entry.name}:{st.st_size}:{st.st_mtime_ns}\n".encode())


def rules_key(settings: Settings) -> str | None:
    """Hash of everything the resolved rules depend on; None when a ruleset cannot be read
    (then the normal loader reports it)."""
    h = sha256(_FORMAT)
    h.update(__version__.encode())
    shape = (settings.rulesets, settings.extra_rulesets, settings.disable,
             sorted(settings.severity.items()), sorted(settings.points.items()))
    h.update(repr(shape).encode())
    code_stamp(h)
    try:
        # every built-in file, enabled or not, the shared vocabularies among them: which ones the
        # settings enable is in ``shape`` (and the ruleset loader is not imported on a hit)
        for name in sorted(os.listdir(_rulesets_dir())):
            if name.endswith(".toml"):
                with open(os.path.join(_rulesets_dir(), name), "rb") as fh:
                    data = fh.read()
                h.update(f"\nbuiltin {name} {len(data)}\n".encode() + data)
        for path in settings.extra_rulesets:
            with open(path, "rb") as fh:
                data = fh.read()
            h.update(f"\nfile {os.path.abspath(path)} {len(data)}\n".encode() + data)
    except OSError:
        return None
    return h.hexdigest()


def _rulesets_dir() -> str:
    """The folder of the built-in rulesets (read as files: see :mod:`kefulint.text.packagedata`)."""
    from .. import rulesets

    return os.path.dirname(rulesets.__file__ or "")


def _encode(value: Any) -> Any:
    import dataclasses  # here, not at the top: a cold check decodes no rule (see settings.Settings)

    if type(value) in _PLAIN:  # most of a rule: its words (a Severity, a str subclass, is encoded below)
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, Severity):
        return value.value
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})


@cache
def _decoder(tp: Any) -> Callable[[Any], Any]:
    """A function that rebuilds a value of type ``tp`` (as annotated in rules/model.py) from its JSON."""
    import dataclasses

    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder(next(a for a in args if a is not type(None)))
        return lambda v: None if v is None else inner(v)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        if args[0] is str:  # most of a rule (phrases, words): checked in one pass over the types
            return lambda v: tuple(v) if type(v) is list and set(map(type, v)) <= _STR else _invalid(v)
        item = _decoder(args[0])
        return lambda v: tuple(item(x) for x in _list(v))
    if origin is tuple:
        items = [_decoder(a) for a in args]
        return lambda v: tuple(f(x) for f, x in zip(items, _list(v), strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        cls = tp
        hints = typing.get_type_hints(tp)
        plan = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(tp)]
        return lambda v: cls(**{name: f(v[name]) for name, f in plan})
    if tp is Severity:
        return Severity
    if tp is dict or origin is dict:
        return lambda v: v if isinstance(v, dict) else _invalid(v)
    if tp is float:
        return lambda v: float(v) if isinstance(v, int | float) and not isinstance(v, bool) else _invalid(v)
    if tp in (str, int, bool):
        return lambda v: v if isinstance(v, tp) and (tp is bool or not isinstance(v, bool)) else _invalid(v)
    raise TypeError(f"no JSON decoder for {tp!r}")


_STR = frozenset({str})


def _list(value: Any) -> list:
    return value if isinstance(value, list) else _invalid(value)


def _invalid(value: Any) -> Any:
    raise ValueError(f"unexpected {type(value).__name__} in the rules cache")


def _load(path: str, settings: Settings) -> RuleList | None:
    """The rules stored at ``path``, each decoded when first read; None when the file is missing or
    not what a cache file is (a first line with the number of rules, then one JSON line each)."""
    try:
        with open(path, "rb") as fh:
            lines = fh.read().split(b"\n")
        count = json.loads(lines[0])
    except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: rebuilt
        return None
    if type(count) is not int or count != len(lines) - 1:
        return None
    return RuleList(lines[1:], _decode_rule, lambda: _rebuilt(path, settings))


def _decode_rule(line: bytes) -> Rule:
    enabled = gc.isenabled()
    gc.disable()  # hundreds of new objects, none in a cycle: no collection needed while reading
    try:
        from .model import Rule

        return _decoder(Rule)(json.loads(line))
    finally:
        if enabled:
            gc.enable()


# How a rule's ConversationCheck is stored (_store: a dataclass becomes a JSON object, written without
# spaces); a rule without one stores null, and a quote inside a string is escaped: a line without
# this holds no conversation rule
_CONVERSATION_MARK = b'"conversation":{'


def rule_names(rules: Sequence[Rule]) -> set[str]:
    """Every rule's id, category and ruleset (what a ``--disable`` name may be). Of the rules cache
    the lines are read as stored, a rule decoded only where its line is not as expected: decoding
    them all cost a scan given ``--disable`` ~9 MB it kept."""
    if not isinstance(rules, RuleList):
        return {name for r in rules for name in (r.id, r.category, r.ruleset)}
    import re  # the lines hold a quote only escaped inside a string: ',"ruleset":"' is only ever the key

    head = re.compile(rb'\{"id":"([^"\\]+)","category":"([^"\\]+)"').match
    ruleset = re.compile(rb',"ruleset":"([^"\\]+)"').search
    names: set[str] = set()

    def undecoded(line: bytes) -> bool:
        found = head(line)
        more = ruleset(line, found.end()) if found is not None else None
        if found is None or more is None:
            return True
        names.update((found.group(1).decode(), found.group(2).decode(), more.group(1).decode()))
        return False

    for r in rules.where(undecoded):
        names.update((r.id, r.category, r.ruleset))
    return names


def conversation_rules(rules: Sequence[Rule]) -> list[Rule]:
    """The rules with a ``conversation`` check, in order. Of the rules cache only the lines that
    may hold one are decoded: reading every rule cost a scan ~50 ms and ~9 MB that it kept."""
    found = rules.where(lambda line: _CONVERSATION_MARK in line) if isinstance(rules, RuleList) else rules
    return [r for r in found if r.conversation is not None]


def _store(folder: str, path: str, rules: tuple[Rule, ...]) -> None:
    try:
        lines = [json.dumps(_encode(rule), ensure_ascii=False, separators=(",", ":")) for rule in rules]
    except (TypeError, ValueError):
        return  # an option value JSON cannot hold: such rules are simply not cached
    # JSON escapes a line break inside a string: a rule is one line
    store_atomic(path, "\n".join([str(len(lines)), *lines]).encode("utf-8"), "rules-*.json")
    remove_matching(os.path.join(folder, "rules-*.pickle"))  # pickles: from kefulint 0.1 caches


def store_atomic(path: str, data: bytes, pattern: str, keep_per_key: int = 1) -> None:
    """Writes a cache file under a temporary name and renames it into place; keeps the newest
    ``_KEEP`` * ``keep_per_key`` files matching ``pattern`` in its folder (a key stored in
    ``keep_per_key`` files)."""
    import tempfile  # only on a miss: its imports cost a few ms of every cold start

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cache-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        remove_matching(os.path.join(folder, pattern), keep=_KEEP * keep_per_key)
    except OSError:
        pass  # a read-only or full disk only costs the speed-up


def remove_matching(pattern: str, keep: int = 0) -> None:
    """Removes the files matching ``pattern`` but the ``keep`` newest."""
    import contextlib
    import glob

    def mtime(name: str) -> float:
        try:
            return os.stat(name).st_mtime
        except OSError:
            return 0.0

    for stale in sorted(glob.glob(pattern), key=mtime, reverse=True)[keep:]:
        with contextlib.suppress(OSError):  # gone already, or not ours to remove
            os.unlink(stale)


def cached_rules(settings: Settings) -> tuple[Rule, ...]:
    """The rules ``resolve_rules(settings)`` would give, from the cache when it holds them."""
    return tuple(cached_rules_and_key(settings)[0])


def cached_rules_and_key(settings: Settings) -> tuple[Sequence[Rule], str | None]:
    """:func:`cached_rules`, and the key that stands for them (None with the cache off): a Linter
    given it as ``cache`` keys its compiled tables on it instead of hashing the rules. Rules from
    the cache come as a :class:`~.rulelist.RuleList`, each decoded when first read."""
    folder = cache_dir()
    key = rules_key(settings) if folder is not None else None
    if folder is None or key is None:
        return _resolved(settings), None
    path = os.path.join(folder, f"rules-{key[:40]}.json")
    rules = _load(path, settings)
    if rules is None:
        resolved = _resolved(settings)
        _store(folder, path, resolved)
        return resolved, key
    return rules, key


def _rebuilt(path: str, settings: Settings) -> tuple[Rule, ...]:
    """The rules resolved again and stored in place of a file found corrupt after it was loaded."""
    rules = _resolved(settings)
    _store(os.path.dirname(path), path, rules)
    return rules


def _resolved(settings: Settings) -> tuple[Rule, ...]:
    from .resolve import resolve_rules  # on a miss only: it loads the ruleset schema and every detector

    return tuple(resolve_rules(settings))
