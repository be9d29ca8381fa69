"""``lint --format jsonl``: one finding per line: the objects of the json format's "findings",
each with its "schema"."""
from __future__ import annotations

from typing import TextIO

from .lint_json import LINT_SCHEMA, compact


def render(run, show_matches: bool, out: TextIO) -> None:
    out.writelines(compact({"schema": LINT_SCHEMA, **f.to_dict(show_matches)}) + "\n" for f in run.findings)
