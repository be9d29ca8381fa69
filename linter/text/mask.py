"""Masking of personal data so that reports never re-leak what they caught."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from .compiled import compiled
from .normalize import CN_DIGITS, SOUND_DIGITS

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


_LONG_NUMBER = re.compile(r"\d{6,}")


def quoted(value: object, limit: int) -> str:
    """A field value for an error or skip message: cut to ``limit`` characters, long digit runs (a
    phone, QQ or card number typed into the wrong field) masked, as every report masks them."""
    return repr(_LONG_NUMBER.sub(lambda m: mask_sensitive(m.group()), str(value)[:limit]))
