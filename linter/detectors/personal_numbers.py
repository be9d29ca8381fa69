"""Personal numbers inside a string that is no reply: an identifier (a conversation id, an agent's
or a buyer's name: a buyer whose nickname is their mobile number is common) or a buyer's turn quoted
in a report. A number is personal by the detectors' own tests: a mobile, a landline with its area
code set apart, a bank card (Luhn and a known BIN), a resident ID number; an order number or a
short id is none of them and stays readable. Masked with :func:`~kefulint.text.mask.mask_text`, the
one masking of every report, so a number reads the same here as in a finding (``139****5678``).

As in a reply, a letter right after the digits makes them part of a code: a hex id or a UUID
(``af137000b3b9f3af17363237726f3963``, JDDC's session ids) is printed as it is. A letter right
before them does not clear them here: without a sentence around it, ``tb13912345678`` is a
nickname holding a mobile, not a waybill code."""
from __future__ import annotations

from functools import lru_cache

from ..text.compiled import compiled
from ..text.mask import mask_text, may_hold_personal_number, outermost
from ..text.normalize import Normalized
from ..text.numruns import number_runs
from .accounts import card_number, id_number_ok, with_check_letter
from .phone import LANDLINE, area_code_set_apart, mobile_number

_DIGITS = compiled("[0-9]+")
# letters that fold to digits between digits (1o29384 75, 13l0): an id holding one is read through
# Normalized, which knows where they do
_LOOK_ALIKE = frozenset("oOlL")


def _personal(folded: str, digits: str, start: int, end: int) -> int | None:
    """Where the personal number ``digits`` (folded[start:end]) ends, or None if it is none."""
    value, end_with_letter = with_check_letter(folded, digits, end)
    if end_with_letter > end:  # an ID number's check letter X
        return end_with_letter if id_number_ok(value) else None
    if end < len(folded) and folded[end].isascii() and folded[end].isalpha():
        return None  # digits that run into letters: a code or a hex id, as a reply's detectors read them
    if id_number_ok(value) or mobile_number(digits) or card_number(digits):
        return end
    if 10 <= len(digits) <= 12 and LANDLINE.fullmatch(digits) and area_code_set_apart(folded[start:end], digits):
        return end
    return None


def personal_number_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that hold a personal number, none inside another."""
    if not may_hold_personal_number(text):
        return []  # too few digits (or numerals, which fold to digits) for any personal number
    if text.isascii() and text.isalnum() and not _LOOK_ALIKE.intersection(text):
        return _alnum_spans(text)
    norm = Normalized(text)
    folded = norm.folded
    # the runs a reply's detectors read (digits with separators: 139 1234 5678, 0755-2368 1190),
    # and the plain digit runs inside them (2024-11-11#13912345678 is one run of 19 digits)
    runs = [(r.digits, r.start, r.end) for r in number_runs(folded)]
    runs += [(m.group(), m.start(), m.end()) for m in _DIGITS.finditer(folded)]
    found = []
    for digits, start, end in runs:
        stop = _personal(folded, digits, start, end)
        if stop is not None:
            found.append(norm.folded_span(start, stop))
    return outermost(found)


def _alnum_spans(text: str) -> list[tuple[int, int]]:
    """:func:`personal_number_spans` of an id of ASCII letters and digits alone, without o or l (a
    hex id, a nickname such as ``tb13912345678``): no separators, so its runs are its plain digit
    runs, and it folds to itself in lower case. Read through :class:`Normalized` and the number
    runs, a JDDC session id cost ~125 µs (~90 ms of a 12,136-line export's scan)."""
    folded = text.lower()
    found = []
    for m in _DIGITS.finditer(folded):
        stop = _personal(folded, m.group(), m.start(), m.end())
        if stop is not None:
            found.append((m.start(), stop))
    return outermost(found)


@lru_cache(maxsize=4096)
def mask_personal_numbers(text: str) -> str:
    """``text`` with its personal numbers masked as findings mask them. Cached: a scan's reports
    print a conversation's id and an agent's name again and again."""
    spans = personal_number_spans(text)
    return mask_text(text, spans) if spans else text
