"""Helpers shared by the benchmark scripts."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "benchmarks" / "out"


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        raise SystemExit(f"missing {Path('..', 'shared', *parts)}: the shared data folder must sit beside the project")
    return path


def table(headers: list[str], rows: list[list]) -> str:
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("| " + " | ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(row)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


# The labelled sets by other authors are split once into a part the rules were tuned on (70%) and
# a part nobody tunes on (30%), by a salted hash of each line's id: fixed, and independent of the
# order of the file. The untouched part is reported apart (issue 10).
HOLDOUT_SALT = "kefulint-holdout-2026"


def holdout_part(item_id: str) -> str:
    import hashlib

    h = int(hashlib.sha256((HOLDOUT_SALT + item_id).encode()).hexdigest(), 16)
    return "untouched" if h % 100 >= 70 else "tuned"
