"""The phonetic layer: how agents spell a word so that a filter misses it.

* full pinyin, with or without spaces (``hao ping fan xian``; spaces vanish in the compact form),
  alone for a class or rule that asks for ``"full"`` (``full_pinyin``: no character mixes),
* pinyin mixed with characters (``货到付kuan``, ``huodao付款``),
* initials (``xyk`` for 信用卡, ``zfb`` for 支付宝),
* homophone characters (``反现`` for 返现, ``发飘`` for 发票).

Variants are generated once, when a ruleset is compiled, for the vocabularies and phrases that opt
in; a message then pays nothing but the one automaton pass it already makes. The readings come
from ``data/pinyin.tsv`` (built with pypinyin by ``scripts/build_pinyin_table.py``), so pypinyin
is never imported at run time. Nothing is folded in the text itself: ``为新`` stays 为新, and only
a vocabulary that asks for homophones gets them.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from itertools import product

# Characters that stand for a syllable in homophone spellings must be common ones: the
# ``HOMOPHONE_RANK`` most frequent characters (by jieba's dictionary) are used.
HOMOPHONE_RANK = 3000
# A word whose pinyin-and-character mixes would exceed this many variants gets full pinyin only.
MAX_MIXES = 16


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    readings: dict[str, tuple[str, ...]] = {}
    by_sound: dict[str, list[str]] = {}
    text = resources.files("kefulint").joinpath("data/pinyin.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        ch, rs, rank = line.split("\t")
        readings[ch] = tuple(rs.split(","))
        if int(rank) <= HOMOPHONE_RANK:
            by_sound.setdefault(readings[ch][0], []).append(ch)
    return readings, {k: tuple(v) for k, v in by_sound.items()}


def readings(ch: str) -> tuple[str, ...]:
    """The character's most common reading (a 1-tuple), or () when it has none. Rarer readings
    are left out on purpose: 款 read as xin would only add noise."""
    rs = _table()[0].get(ch)
    return rs[:1] if rs else ()


def pinyin_variants(word: str) -> set[str]:
    """Full pinyin and every mix of pinyin and characters (货到付kuan); empty when a character
    has no known reading. Each character is read its most common way."""
    options: list[tuple[str, ...]] = []
    for ch in word:
        rs = readings(ch)
        if not rs:
            if ch.isascii():
                options.append((ch,))
                continue
            return set()
        options.append(rs)
    total = 1
    for o in options:
        total *= len(o) + 1
    if total <= MAX_MIXES:  # every mix of characters and pinyin
        parts: list[tuple[str, ...]] = [o if o == (word[i],) else (word[i], *o) for i, o in enumerate(options)]
    else:  # full pinyin only
        parts = options
    out = {"".join(combo) for combo in product(*parts)}
    out.discard(word)
    return out


# characters whose second reading is as common in typed pinyin as the first (开不了 kai bu liao,
# 关了 guan le); every other character is read its commonest way only (款 is never xin)
_TWO_READINGS = frozenset("了得还行长重都")


def full_pinyin(word: str) -> set[str]:
    """The word spelt in full pinyin (开不了 -> kaibuliao, kaibule), for a word of two or more
    Chinese characters; letters and digits in it stay. A sentence typed in pinyin (fa piao kai bu
    liao de qin) reads as the words it spells, and a one-syllable word never matches inside other
    Latin text."""
    options: list[tuple[str, ...]] = []
    han = 0
    for ch in word:
        rs = _table()[0].get(ch)
        if rs:
            options.append(rs[:2] if ch in _TWO_READINGS else rs[:1])
            han += 1
        elif ch.isascii() and ch.isalnum():
            options.append((ch,))
        else:
            return set()
    return {"".join(combo) for combo in product(*options)} if han >= 2 else set()


def initials(word: str) -> set[str]:
    """The initials a word is abbreviated to (信用卡 -> xyk); only for words of 2+ characters
    that all have a reading."""
    options = []
    for ch in word:
        rs = readings(ch)
        if not rs:
            return set()
        options.append(sorted({r[0] for r in rs}))
    if len(options) < 2:
        return set()
    return {"".join(c) for c in product(*options)}


def homophones(word: str) -> set[str]:
    """The word with one character replaced by a common character of the same sound
    (返现 -> 反现, 发票 -> 发飘). One at a time: two changes read as another word."""
    table = _table()[1]
    out: set[str] = set()
    for i, ch in enumerate(word):
        for r in readings(ch):
            for alt in table.get(r, ()):
                if alt != ch:
                    out.add(word[:i] + alt + word[i + 1 :])
    return out
