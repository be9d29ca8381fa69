"""Builds ``linter/data/pinyin.tsv``: the toneless pinyin readings of the 6,000 most frequent
Chinese characters (frequency summed over jieba's dictionary), for the phonetic layer.

Run at build time only (``pip install pypinyin``); kefulint reads the table and never imports
pypinyin. ``python scripts/build_pinyin_table.py > linter/data/pinyin.tsv``
"""
from __future__ import annotations

import collections
import os
import sys

import jieba
from pypinyin import Style, pinyin

CHARS = 6000


def main() -> None:
    freq: collections.Counter[str] = collections.Counter()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for line in f:
            word, count, *_ = line.split()
            for ch in word:
                if "\u4e00" <= ch <= "\u9fff":
                    freq[ch] += int(count)
    out = sys.stdout
    out.write("# char\treadings (toneless pinyin, most common first)\tfrequency rank\n")
    out.write("# built by scripts/build_pinyin_table.py from jieba's dictionary and pypinyin\n")
    for rank, (ch, _n) in enumerate(freq.most_common(CHARS), start=1):
        readings = []
        for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]:
            r = r.replace("ü", "v")
            if r.isascii() and r.isalpha() and r not in readings:
                readings.append(r)
        if readings:
            out.write(f"{ch}\t{','.join(readings)}\t{rank}\n")


if __name__ == "__main__":
    main()
