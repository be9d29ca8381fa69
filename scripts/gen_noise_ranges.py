"""Writes linter/data/noise_bmp.txt: the Basic Multilingual Plane code points that are noise in
the compact search form (everything but letters, digits and "+"), as hex ranges. Regenerate when
the Python version's Unicode database changes: python scripts/gen_noise_ranges.py"""
from __future__ import annotations

import unicodedata
from pathlib import Path

ranges: list[list[int]] = []
for cp in range(0x10000):
    if 0xD800 <= cp < 0xE000:
        continue
    ch = chr(cp)
    if (ch.isalnum() and ch != "_") or ch == "+":
        continue
    if ranges and ranges[-1][1] == cp - 1:
        ranges[-1][1] = cp
    else:
        ranges.append([cp, cp])
out = Path(__file__).resolve().parent.parent / "linter" / "data" / "noise_bmp.txt"
lines = [f"# noise code points of the BMP (not letters/digits/+), unicodedata {unicodedata.unidata_version}"]
lines += [f"{a:04X}-{b:04X}" for a, b in ranges]
out.write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"{len(ranges)} ranges -> {out.name}")
