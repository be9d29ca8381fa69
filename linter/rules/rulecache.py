"""On-disk cache of resolved rules, so that a fresh ``kefulint check`` skips parsing and
validating every ruleset (TOML, every regex compiled for validation: most of building a Linter).

The key is a hash of everything the rules depend on: the bytes of every ruleset file that the
settings enable, the settings that shape rules (rulesets, extra rulesets, disable, severity,
points), the kefulint version and the size and mtime of the package's own modules and data files (so
that an edited checkout never reads rules pickled by older code). A file is written to a temporary name
and renamed into place; a missing, unreadable or corrupt file is ignored and rebuilt. A broken
ruleset is never cached: it raises :class:`~kefulint.RulesetError` as without the cache.

Where: ``$KEFULINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/kefulint``, else ``~/.cache/kefulint``
(``%LOCALAPPDATA%\\kefulint`` on Windows). ``KEFULINT_NO_CACHE=1`` turns it off.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from importlib import resources
from pathlib import Path

from .. import __version__
from ..settings import Settings
from .model import Rule
from .resolve import resolve_rules
from .schema import builtin_names

CACHE_ENV = "KEFULINT_CACHE_DIR"
NO_CACHE_ENV = "KEFULINT_NO_CACHE"
_FORMAT = b"kefulint-rules-cache/1"
# the package folders whose code or data shape resolved rules
_STAMPED = ("rules", "detectors", "text", "data")
_KEEP = 16  # newest cache files kept; older ones are removed when a new one is written


def cache_dir() -> Path | None:
    """The cache directory, or None when caching is turned off."""
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "kefulint"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kefulint"


def code_stamp(h, extra: tuple[str, ...] = ()) -> None:
    """Adds the size and mtime of the package's modules and data files (and of the ``extra``
    folders) to the hash ``h``: a cache made by other code is never read."""
    package = Path(__file__).resolve().parent.parent
    folders = [package, *(package / name for name in (*_STAMPED, *extra))]
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_file() and not entry.name.startswith("."):
                st = entry.stat()
                h.update(f"{folder.name}/{entry.name}:{st.st_size}:{st.st_mtime_ns}\n".encode())


def rules_key(settings: Settings) -> str | None:
    """Hash of everything the resolved rules depend on; None when a ruleset cannot be read
    (then the normal loader reports it)."""
    h = hashlib.sha256(_FORMAT)
    h.update(__version__.encode())
    shape = (settings.rulesets, settings.extra_rulesets, settings.disable,
             sorted(settings.severity.items()), sorted(settings.points.items()))
    h.update(repr(shape).encode())
    code_stamp(h)
    files = resources.files("kefulint.rulesets")
    names = builtin_names() if settings.rulesets is None else list(settings.rulesets)
    try:
        for name in names:
            data = files.joinpath(f"{name}.toml").read_bytes()
            h.update(f"\nbuiltin {name} {len(data)}\n".encode() + data)
        for path in settings.extra_rulesets:
            data = Path(path).read_bytes()
            h.update(f"\nfile {os.path.abspath(path)} {len(data)}\n".encode() + data)
    except OSError:
        return None
    return h.hexdigest()


def _load(path: Path) -> tuple[Rule, ...] | None:
    try:
        rules = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a corrupt or foreign file is simply rebuilt
        return None
    if isinstance(rules, tuple) and all(isinstance(r, Rule) for r in rules):
        return rules
    return None


def _store(folder: Path, path: Path, rules: tuple[Rule, ...]) -> None:
    store_atomic(path, pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL), "rules-*.pickle")


def store_atomic(path: Path, data: bytes, pattern: str) -> None:
    """Writes a cache file under a temporary name and renames it into place; keeps the newest
    ``_KEEP`` files matching ``pattern`` in its folder."""
    import tempfile  # only on a miss: its imports cost a few ms of every cold start

    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".cache-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        old = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)[_KEEP:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk only costs the speed-up


def cached_rules(settings: Settings) -> tuple[Rule, ...]:
    """The rules ``resolve_rules(settings)`` would give, from the cache when it holds them."""
    folder = cache_dir()
    key = rules_key(settings) if folder is not None else None
    if folder is None or key is None:
        return tuple(resolve_rules(settings))
    path = folder / f"rules-{key[:40]}.pickle"
    rules = _load(path)
    if rules is None:
        rules = tuple(resolve_rules(settings))
        _store(folder, path, rules)
    return rules
