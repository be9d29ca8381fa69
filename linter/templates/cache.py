"""The lint cache: a file's report stored under the hash of its bytes, its suffix and the
fingerprint of everything that decides the findings (rules, settings, reader options, the
kefulint code). An unchanged file is read and hashed, but not parsed again, let alone linted.

Entries are written to a temporary file and renamed, so a run that is stopped or a second run
at the same time never leaves a torn entry. The directory holds a ``.gitignore`` of ``*`` and
a ``CACHEDIR.TAG``.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .. import __version__
from ..config import LintOptions
from ..finding import Severity
from ..rule import Rule
from ..settings import Settings

FORMAT = 2
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
    digest.update(repr(replace(settings, fail_on=Severity.ERROR)).encode())  # fail-on changes no finding
    reader = (options.columns, options.keys, options.suppress_column, options.txt_mode)
    digest.update(repr(reader).encode())
    return digest.hexdigest()


class Cache:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    @staticmethod
    def key(fingerprint: str, suffix: str, data: bytes) -> str:
        digest = hashlib.sha256(fingerprint.encode())
        digest.update(suffix.lower().encode() + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            with open(self._path(key), encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: dict) -> None:
        path = self._path(key)
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                (self.directory / ".gitignore").write_text("# written by kefulint\n*\n", encoding="utf-8")
                (self.directory / TAG).write_text(TAG_SIGNATURE + "\n# kefulint lint cache\n", encoding="utf-8")
            path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(value, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only checkout still lints, only without a cache
