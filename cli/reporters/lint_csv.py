"""``lint --format csv``: one finding per row, for spreadsheets (UTF-8 with BOM so Excel reads
the Chinese text; a cell that starts like a formula is neutralised, see csv_cells)."""
from __future__ import annotations

import csv
from typing import TextIO

from .csv_cells import csv_cell

FIELDS = ("path", "line", "column", "rule", "category", "severity", "points", "match", "message", "suggestion",
          "label", "fixable", "unsafe_fixable", "needs_rewrite")
_YES_NO = frozenset({"fixable", "unsafe_fixable", "needs_rewrite"})


def render(run, show_matches: bool, out: TextIO) -> None:
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for f in run.findings:
        d = f.to_dict(show_matches)
        writer.writerow([("yes" if d[k] else "no") if k in _YES_NO else csv_cell(d[k]) for k in FIELDS])
