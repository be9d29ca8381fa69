"""Other people's names: 的王芳, 客户林佳怡, 那个李桂香 (a surname after the words that bring in a
third person), told from everyday words that start with a surname character (的黄色, 的周末,
的范围, 是武汉) by a list built from jieba's dictionary (scripts/build_surname_words.py)."""
from __future__ import annotations

import re
from functools import lru_cache

from ..text.compiled import compiled
from ..text.packagedata import data_file
from . import Detector, Hit
from ._util import folded_words

# characters that end a name: what follows a name rather than belongs to it (王芳下单, 周婷婷她也)
_AFTER_NAME = frozenset("也她他的说买下在和跟是了过都就还又把被给从到对向啊呀吧呢哦嘛啦")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    with open(data_file("surname_words.txt"), encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip() and not line.startswith("#"))


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def find_person(view, options, keywords):
    """Names within ``window`` characters of a keyword (a place, a phone, an order)."""
    compact = view.norm.compact
    cue = options["cue_re"]
    surnames = options["surname_set"]
    common = common_words()
    window = options["window"]
    seen: set[int] = set()
    for ks, ke, _word in keywords:
        for m in cue.finditer(compact, max(0, ks - window), min(len(compact), ke + window)):
            s = m.end()
            if s in seen or s >= len(compact) or compact[s] not in surnames:
                continue
            seen.add(s)
            if s + 1 >= len(compact) or not _is_han(compact[s + 1]) or compact[s + 1] in _AFTER_NAME:
                continue
            if compact[s : s + 2] in common or compact[s : s + 3] in common:
                continue
            end = s + 3 if s + 2 < len(compact) and _is_han(compact[s + 2]) and compact[s + 2] not in _AFTER_NAME else s + 2
            start, stop = view.compact_to_folded(s, end)
            yield Hit(start, stop, "他人姓名")


def _prepare(options: dict) -> dict:
    options = folded_words(options, "cues")
    cues = sorted(options["cues_compact"], key=lambda w: (-len(w), w))
    surnames = re.escape("".join(sorted({s for s in options["surnames"] if len(s) == 1})))  # as find_person reads them
    return {
        **options,
        # a cue only where a surname follows it: most replies hold 的 or 是, few a surname after them
        "cue_re": compiled(
            f"(?:{'|'.join(map(re.escape, cues))})(?=[{re.escape(''.join(options['surnames']))}])" if cues else "(?!)"
        ),
        "surname_set": frozenset(options["surnames"]),
        # the same pairs looked for in the whole text, the surname first (a character-class search
        # is a bitmap scan): none there, none within a window of a keyword (compact_prefilter)
        "pair_re": compiled(
            f"(?s)[{surnames}](?:{'|'.join(f'(?<={re.escape(c)}.)' for c in cues)})" if cues and surnames else "(?!)"
        ),
    }


DETECTORS = (
    Detector(
        "person_name",
        "他人姓名（姓氏 + 名，前有“的/是/叫/客户/那个…”），附近有住址、电话或订单",
        find_person,
        options={"keywords": (list, []), "cues": (list, []), "surnames": (list, []), "window": (int, 24)},
        phrase_options=("keywords",),
        needs_keywords=True,
        compact_prefilter="pair_re",
        prepare=_prepare,
    ),
)
