"""Masking of personal data so that reports never re-leak what they caught."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import cache

from .compiled import compiled
from .normalize import CN_DIGITS, SOUND_DIGITS, Normalized

# numerals as written (貳 and 陸 fold to 贰 and 陆 only later) and the sound-alikes of a voice input
_CN_DIGITS = "".join(CN_DIGITS) + "貳陸" + "".join(SOUND_DIGITS)
# what gets masked: Latin letters and digits (ASCII and full-width), digits of any script
# (①, ❶, ...), Chinese numerals; never Chinese words around them
# (compiled when a report first masks something: a check without findings does not pay for them)
@cache
def _secret() -> re.Pattern:
    return compiled(f"[0-9A-Za-z\\d\uff21-\uff3a\uff41-\uff5a\u2460-\u24ff\u2776-\u2793{_CN_DIGITS}]")


@cache
def _digit_like() -> re.Pattern:
    return compiled(f"[0-9\\d\u2460-\u24ff\u2776-\u2793{_CN_DIGITS}]")


def count_digit_like(text: str) -> int:
    """How many characters of ``text`` masking takes for digits: digits of any script, Chinese numerals."""
    return len(_digit_like().findall(text))


# the fewest digits a personal number has (a landline with a two-digit area code)
PERSONAL_FEWEST = 10


def may_hold_personal_number(text: str) -> bool:
    """Whether ``text`` has as many digits (or numerals) as a personal number needs: reports read
    only such a name or turn with :mod:`kefulint.detectors.personal_numbers`, and import the
    detectors only then (imported by a report module at start-up, they compiled their ~40 module
    patterns before the engine handed in its store of compiled code: ~0.15 G instructions of a
    20,000-line scan, callgrind)."""
    return count_digit_like(text) >= PERSONAL_FEWEST


def mask_sensitive(text: str, names: bool = True) -> str:
    """Mask the letters and digits of a contact string, keeping a few at each end:
    ``13800138000`` -> ``138****8000``, ``shanshan_tb88`` -> ``sh******_**88``; a name of two to
    four Chinese characters keeps its surname: ``周婷婷`` -> ``周**`` (``names=False``: a string that
    is only part of a text, such as a token, is not read as a name)."""
    positions = [m.start() for m in _secret().finditer(text)]
    n = len(positions)
    if names and not n and 2 <= len(text) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text[0] + "*" * (len(text) - 1)  # a person's name: 周婷婷 -> 周**
    digit_like = _digit_like().match
    digits_only = all(digit_like(text, i) for i in positions)
    if n >= 11 and digits_only:  # phone style: 138****8000
        keep_head, keep_tail = 3, 4
    elif n >= 7:
        keep_head, keep_tail = 2, 2
    elif n >= 4:
        keep_head, keep_tail = 1, 1
    else:
        keep_head, keep_tail = 0, 0
    hidden = positions[keep_head : n - keep_tail]
    if not hidden:
        return text
    chars = list(text)
    for i in hidden:
        chars[i] = "*"
    return "".join(chars)


def mask_text(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Mask every given span of ``text`` in place (same length, offsets stay valid)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = mask_sensitive(text[start:end])
    return "".join(chars)


def outermost(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans in order, without those that overlap one before them or lie inside a longer one
    (a span is masked as one piece: two overlapping would mask its characters twice, differently)."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if end > start and (not kept or start >= kept[-1][1]):
            kept.append((start, end))
    return kept


def spans_in_forms(norm: Normalized, spans: Iterable[tuple[int, int]]) -> tuple[list[tuple[int, int]], ...]:
    """Spans of the original text of ``norm`` as spans of its original, folded and compact forms
    (overlapping ones merged into the outermost, see :func:`outermost`)."""
    spans = outermost(spans)
    if not spans:
        return [], [], []
    # folded index -> original index and compact index -> folded index, both non-decreasing
    to_original = [norm.folded_to_original(i) for i in range(len(norm.folded))]
    cmap = norm.compact_map
    folded = [(bisect_left(to_original, start), bisect_left(to_original, end)) for start, end in spans]
    return spans, folded, [(bisect_left(cmap, start), bisect_left(cmap, end)) for start, end in folded]


# a long run of digits (a phone, QQ, card or account number), an ID number's with its check letter
_LONG_NUMBER = re.compile(r"\d{17}[Xx]|\d{6,}")
_LONGEST_NUMBER = 25  # digits of the longest account number the detectors take


def mask_numbers(text: str) -> str:
    """Every long run of digits in ``text`` masked, each as a finding of it is masked: free text
    no rule read, such as a buyer's turn quoted in a report or a line a reader could not read."""
    return _LONG_NUMBER.sub(_masked_number, text) if _LONG_NUMBER.search(text) else text


def _masked_number(m: re.Match) -> str:
    return mask_sensitive(m.group())


def quoted(value: object, limit: int) -> str:
    """A field value for an error or skip message: cut to ``limit`` characters, long digit runs (a
    phone, QQ or card number typed into the wrong field) masked, as every report masks them. A
    number the cut goes through is masked whole first, as it would be uncut."""
    return repr(mask_numbers(str(value)[: limit + _LONGEST_NUMBER])[:limit])
