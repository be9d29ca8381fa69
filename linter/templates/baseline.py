"""Baselines: the findings a team accepts today, so that CI reports only new ones.

Keyed on rule + path + fingerprint of the normalized reply text, with a count: no line
numbers and no timestamps, entries sorted, one per line, so that the file survives edits
elsewhere and merges cleanly. Paths are relative to the baseline file's directory.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from ..atomicfile import write_atomic
from .lint import FileFinding

VERSION = 1


class BaselineError(Exception):
    pass


def _key(f: FileFinding, abs_path: str, root: Path) -> tuple[str, str, str]:
    rel = os.path.relpath(abs_path, root)
    return f.rule, Path(rel).as_posix(), f.fingerprint


def write(path: str | Path, findings: list[tuple[FileFinding, str]]) -> int:
    """Write the baseline of ``(finding, absolute file path)`` pairs; returns the entry count."""
    target = Path(path)
    root = target.resolve().parent
    counts = Counter(_key(f, p, root) for f, p in findings if f.fingerprint)
    entries = [
        {"rule": rule, "path": rel, "hash": fp, "count": n} for (rule, rel, fp), n in sorted(counts.items())
    ]
    lines = ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in entries)
    body = f'{{\n  "version": {VERSION},\n  "tool": "kefulint",\n  "findings": [\n{lines}\n  ]\n}}\n'
    if not entries:
        body = f'{{\n  "version": {VERSION},\n  "tool": "kefulint",\n  "findings": []\n}}\n'
    write_atomic(target, body.encode("utf-8"))  # a temporary file renamed: never torn, mode kept
    return len(entries)


class Baseline:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.root = self.path.resolve().parent
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{self.path}: baseline file not found") from None
        except (OSError, ValueError) as exc:
            raise BaselineError(f"{self.path}: not a kefulint baseline ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
            raise BaselineError(f"{self.path}: not a kefulint baseline (no \"findings\" list)")
        self.remaining: Counter = Counter()
        for i, e in enumerate(data["findings"]):
            try:
                self.remaining[(e["rule"], e["path"], e["hash"])] += int(e.get("count", 1))
            except (TypeError, KeyError, ValueError):
                raise BaselineError(f"{self.path}: entry {i + 1} needs rule, path and hash") from None

    def accepts(self, f: FileFinding, abs_path: str) -> bool:
        """True (and one use of the entry spent) when the finding is in the baseline."""
        key = _key(f, abs_path, self.root)
        if self.remaining[key] > 0:
            self.remaining[key] -= 1
            return True
        return False
