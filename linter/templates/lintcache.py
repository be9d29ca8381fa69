"""The lint cache: each file's report, stored under the hash of its bytes and suffix plus the
fingerprint of everything else that decides its findings (the rules as loaded, the settings, the
reader options, kefulint's own code). An unchanged file is not parsed again, let alone linted.

One pack file per fingerprint, ``lint-<fingerprint>.json``, read once per run:
``entries`` maps content keys to reports; ``paths`` maps a file's path to its size, mtime and
content key, so that a file whose size and mtime are unchanged is not even read (as git's index
and ruff's cache do). A file modified within two seconds of being cached is recorded without
size and mtime, so the next run hashes its bytes (git's "racily clean" rule). The pack is written
to a temporary file and renamed: a stopped run or two runs at once never leave a torn pack (the
last writer wins; what it lacks is linted again). The newest packs are kept, older ones removed.
The directory holds a ``.gitignore`` of ``*`` and a ``CACHEDIR.TAG``.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .. import __version__
from ..config import LintOptions
from ..finding import Severity
from ..rules.model import Rule
from ..settings import Settings

FORMAT = 7  # 5: sensitive matches stored masked only; 6: clause-level fixes, needs_rewrite; 7: unsafe fixes
# https://bford.info/cachedir/ : backup tools, and kefulint's own directory walk, skip it
TAG = "CACHEDIR.TAG"
TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"


@lru_cache(maxsize=1)
def _code_hash() -> str:
    """Hash of kefulint's own modules and data, so a new engine never reuses old results."""
    digest = hashlib.sha256(__version__.encode())
    root = resources.files("kefulint")
    stack = [root]
    files = []
    while stack:
        node = stack.pop()
        for child in node.iterdir():
            if child.is_dir():
                if child.name != "__pycache__":
                    stack.append(child)
            elif child.name.endswith((".py", ".tsv", ".toml")):
                files.append(child)
    for child in sorted(files, key=lambda c: str(c)):
        digest.update(str(child).encode())
        digest.update(child.read_bytes())
    return digest.hexdigest()


def fingerprint(rules: tuple[Rule, ...] | list[Rule], settings: Settings, options: LintOptions) -> str:
    """Everything but the file's own bytes that decides its report."""
    digest = hashlib.sha256(f"kefulint-lint-cache {FORMAT}\n".encode())
    digest.update(_code_hash().encode())
    digest.update(repr(tuple(rules)).encode())
    digest.update(repr(settings._replace(fail_on=Severity.ERROR)).encode())  # fail-on changes no finding
    reader = (options.columns, options.keys, options.suppress_column, options.txt_mode)
    digest.update(repr(reader).encode())
    return digest.hexdigest()


class Cache:
    KEEP = 8  # newest packs kept in a directory (one per config fingerprint in use)

    def __init__(self, directory: str | Path, fingerprint: str) -> None:
        self.directory = Path(directory)
        self.fingerprint = fingerprint
        self.path = self.directory / f"lint-{fingerprint[:32]}.json"
        self._paths: dict[str, list] | None = None
        self._entries: dict[str, dict] = {}
        self._dirty = False

    @staticmethod
    def key(fingerprint: str, suffix: str, data: bytes) -> str:
        digest = hashlib.sha256(fingerprint.encode())
        digest.update(suffix.lower().encode() + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _load(self) -> dict[str, list]:
        if self._paths is None:
            self._paths = {}
            try:
                with open(self.path, encoding="utf-8") as fh:
                    data = json.loads(fh.read())
                if data.get("format") == FORMAT and data.get("fingerprint") == self.fingerprint:
                    self._paths = dict(data["paths"])
                    self._entries = dict(data["entries"])
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                pass  # no pack yet, or a broken one: start afresh
        return self._paths

    def by_stat(self, path: str, st: os.stat_result) -> dict | None:
        """The report of an unchanged file (same size and mtime as when cached)."""
        record = self._load().get(path)
        if record and record[0] == st.st_size and record[1] == st.st_mtime_ns:
            return self._entries.get(record[2])
        return None

    def by_content(self, path: str, st: os.stat_result, key: str) -> dict | None:
        """The report of a file with these bytes (touched, moved or copied since)."""
        self._load()
        entry = self._entries.get(key)
        if entry is not None:
            self._remember(path, st, key)
        return entry

    def put(self, path: str, st: os.stat_result, key: str, entry: dict) -> None:
        self._load()
        self._entries[key] = entry
        self._remember(path, st, key)

    def _remember(self, path: str, st: os.stat_result, key: str) -> None:
        settled = st.st_mtime_ns < time.time_ns() - 2_000_000_000
        self._load()[path] = [st.st_size, st.st_mtime_ns, key] if settled else [None, None, key]
        self._dirty = True

    def save(self) -> None:
        if not self._dirty or self._paths is None:
            return
        used = {record[2] for record in self._paths.values()}
        pack = {"format": FORMAT, "fingerprint": self.fingerprint, "paths": self._paths,
                "entries": {k: v for k, v in self._entries.items() if k in used}}
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                (self.directory / ".gitignore").write_text("# written by kefulint\n*\n", encoding="utf-8")
                (self.directory / TAG).write_text(TAG_SIGNATURE + "\n# kefulint lint cache\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                # dumps, not dump: only dumps uses json's C encoder
                fh.write(json.dumps(pack, ensure_ascii=False, separators=(",", ":")))
            os.replace(tmp, self.path)
            self._dirty = False
            packs = sorted(self.directory.glob("lint-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in packs[self.KEEP :]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only checkout still lints, only without a cache
