"""The review queue: the messages the rules did not flag, ranked by the model's probability,
for a person to read (质检复核). Deterministic: ties keep the order the messages came in, so a
scan with any number of workers gives the same queue."""
from __future__ import annotations

import heapq
import re
from typing import NamedTuple

from ..text.mask import mask_text, may_hold_personal_number

# what may be contact data in a message the rules did not flag: a run of letters, digits and
# id punctuation with a digit or an @ in it, six characters or more
_MAYBE_CONTACT = re.compile(r"[0-9A-Za-z_.@\-]*[0-9@][0-9A-Za-z_.@\-]*")


class Entry(NamedTuple):
    probability: float
    category: str
    grams: tuple[tuple[str, float], ...]  # the n-grams that weighed most, with their weight
    text: str
    where: dict  # conversation, turn, agent, time, source, line (whatever the caller knows)


def masked(text: str) -> str:
    """``text`` with every id-like run (six or more characters with a digit or @) masked."""
    return mask_text(text, [m.span() for m in _MAYBE_CONTACT.finditer(text) if m.end() - m.start() >= 6])


class ReviewQueue:
    """The ``size`` most probable entries offered, most probable first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.offered = 0
        self._heap: list[tuple[float, int, Entry]] = []  # (probability, -arrival, entry): smallest first

    def offer(self, entry: Entry) -> None:
        self.offered += 1
        item = (entry.probability, -self.offered, entry)
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, item)
        elif item[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, item)

    def entries(self) -> list[Entry]:
        return [e for _, _, e in sorted(self._heap, key=lambda t: (-t[0], -t[1]))]

    def to_list(self, show_matches: bool = False) -> list[dict]:
        """The entries, most probable first; unless ``show_matches``, the text masked and the
        personal numbers in a conversation id or an agent's name too."""
        return [
            {**(e.where if show_matches else _shown_where(e.where)), "category": e.category,
             "probability": round(e.probability, 4),
             "ngrams": [[g, round(w, 4)] for g, w in e.grams],  # model text: digits already marks
             "text": e.text if show_matches else masked(e.text)}
            for e in self.entries()
        ]


def _shown_where(where: dict) -> dict:
    shown = dict(where)
    for key in _IDS:
        value = where.get(key)
        if isinstance(value, str) and may_hold_personal_number(value):
            # the detectors only for an id that may hold a personal number (see text.mask)
            from ..detectors.personal_numbers import mask_personal_numbers

            shown[key] = mask_personal_numbers(value)
    return shown


_IDS = frozenset({"conversation", "agent"})  # the names in an entry's ``where`` that may hold a number
