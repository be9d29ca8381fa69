"""Masking of personal data so that reports never re-leak what they caught."""
from __future__ import annotations

from typing import Iterable

_CN_DIGITS = set("零〇○一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖貳陸")


def _is_secret_char(ch: str) -> bool:
    return ch.isalnum() and (ch.isascii() or ch in _CN_DIGITS or not ch.isalpha() or ch.isdigit())


def mask_sensitive(text: str) -> str:
    """Mask the letters and digits of a contact string, keeping a few at each end:
    ``13800138000`` -> ``138****8000``, ``shanshan_tb88`` -> ``sh*********88``."""
    positions = [i for i, ch in enumerate(text) if _is_secret_char(ch)]
    n = len(positions)
    digits_only = all(not text[i].isalpha() or text[i] in _CN_DIGITS for i in positions)
    if n >= 11 and digits_only:  # phone style: 138****8000
        keep_head, keep_tail = 3, 4
    elif n >= 7:
        keep_head, keep_tail = 2, 2
    elif n >= 4:
        keep_head, keep_tail = 1, 1
    else:
        keep_head, keep_tail = 0, 0
    hidden = set(positions[keep_head : n - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def mask_text(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Mask every given span of ``text`` in place (same length, offsets stay valid)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = mask_sensitive(text[start:end])
    return "".join(chars)
