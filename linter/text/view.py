"""Everything the checks of one message share: the search forms, the phrase hits of the one
multi-pattern pass, number runs and word boundaries (both computed only when asked for)."""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from .compiled import compiled
from .normalize import Normalized

if TYPE_CHECKING:
    from ..rules.platforms import Platform
    from .numruns import NumberRun

_DIGIT = re.compile("[0-9]")


@lru_cache(maxsize=4096)
def _alternation(words: tuple[str, ...]) -> tuple[re.Pattern, int]:
    """One compiled search for a rule's word list (a pure function of the words)."""
    ordered = sorted(words, key=len, reverse=True)
    return compiled("|".join(re.escape(w) for w in ordered)), len(ordered[0])


# A clause ends at a stop, a comma, a tilde or a newline; at a space between two Chinese words; at a
# space after a sentence-final particle. Written once: negation scope (engine/frames) and the
# exclusion words of ``word_near(same_clause=True)`` read the same clauses.
# Compiled on first use (~1.5 ms of a cold start); an unbounded cache, whose hit costs less than a
# bounded one's (asked a few times per candidate).
@cache
def clause_break() -> re.Pattern:
    return compiled(
        r"[，,。；;！!？?\n~～]|(?<=[\u4e00-\u9fff]{2}) +(?=[\u4e00-\u9fff]{2})|(?<=[\u4e00-\u9fff][了吧哦啊呀呢哈嘛啦呗]) +(?=\S)"
        r"|(?<=[\U0001F300-\U0001FAFF\u2600-\u27BF]) +(?=\S)"  # 可以不买的哦😊 穷就别: an emoji and a space end a clause
    )


class MessageView:
    __slots__ = ("_breaks", "_digits", "_present", "_runs", "_segmenter", "found", "frame_hits", "hits", "norm",
                 "platform")

    def __init__(self, norm: Normalized, platform: Platform, hits: dict, segmenter) -> None:
        self.norm = norm
        self.platform = platform
        # (rule index, role) -> list of (compact start, compact end, phrase)
        self.hits = hits
        self._runs: list[NumberRun] | None = None
        self._segmenter = segmenter
        self._digits: int | None = None
        # hits of the frame words and negations, found on first need (engine/match.py), assembled
        # from ``found``: the multi-pattern pass's matches and the name of the automaton that found them
        self.frame_hits: dict | None = None
        self.found: tuple[list, str] | None = None
        # per word list: the words of it in the message (word_covering); per break pattern: the
        # starts and ends of its matches (breaks); each found on first need. Both keyed by id: a
        # compiled pattern hashes its whole code each time (~2,600 instructions for clause_break())
        self._present: dict[int, tuple] | None = None
        self._breaks: dict[int, tuple[re.Pattern, list[int], list[int]]] | None = None

    @property
    def folded(self) -> str:
        return self.norm.folded

    @property
    def compact(self) -> str:
        return self.norm.compact

    @property
    def digit_count(self) -> int:
        if self._digits is None:
            folded = self.norm.folded
            first = _DIGIT.search(folded)
            self._digits = 0 if first is None else len(_DIGIT.findall(folded, first.start()))
        return self._digits

    @property
    def number_runs(self) -> list[NumberRun]:
        if self._runs is None:
            from .numruns import number_runs  # not imported at start-up: most messages have no number

            self._runs = number_runs(self.norm.folded)
        return self._runs

    def is_word(self, cs: int, ce: int, margin: int = 8) -> bool:
        """Whether compact[cs:ce] starts and ends on jieba token boundaries. Only a window of
        ``margin`` characters either side is segmented: a token seldom spans further, and a
        whole long message would cost jieba far more."""
        compact = self.norm.compact
        lo = max(0, cs - margin)
        bounds = {lo}
        pos = lo
        for token in self._segmenter.cut(compact[lo : ce + margin]):
            pos += len(token)
            bounds.add(pos)
        return cs in bounds and ce in bounds

    # coordinates ---------------------------------------------------------------------------
    def folded_to_compact(self, start: int, end: int) -> tuple[int, int]:
        cmap = self.norm.compact_map
        cs = bisect_left(cmap, start)
        ce = bisect_left(cmap, end)
        return cs, max(ce, cs)

    def compact_to_folded(self, start: int, end: int) -> tuple[int, int]:
        cmap = self.norm.compact_map
        if start >= end:
            f = cmap[start] if start < len(cmap) else len(self.norm.folded)
            return f, f
        return cmap[start], cmap[end - 1] + 1

    def word_near(self, cs: int, ce: int, words, before: int, after: int, inside: bool = True,
                  same_clause: bool = False, skip=None) -> str | None:
        """One of ``words`` (compact forms) that overlaps compact[cs:ce], ends at most ``before``
        characters before it, or starts at most ``after`` characters after it. ``inside=False``:
        a word strictly inside the span does not count (the labels of a number joined from parts:
        135开头，中间2708，尾号6149). ``skip(start, end)``: an occurrence to pass over."""
        if not words:
            return None
        pattern, longest = _alternation(words)
        lo = cs - before - longest
        for m in pattern.finditer(self.norm.compact, max(0, lo), ce + after + longest):
            # after=0: only words that start before the span ends (需要的话 right after it is no word before it)
            if m.end() >= cs - before and (m.start() <= ce + after if after else m.start() < ce):
                if not inside and m.start() > cs and m.end() < ce:
                    continue
                if same_clause and self._clause_between(m.end(), cs) or same_clause and self._clause_between(ce, m.start()):
                    continue  # 尾号9527那个是我，全号1892… : the word belongs to another clause
                if skip is not None and skip(m.start(), m.end()):
                    continue  # 扣 of 折扣 before a QQ number's 群号
                return m.group()
        return None

    def _clause_between(self, a: int, b: int) -> bool:
        """Whether a clause break stands in the folded text between compact positions a and b."""
        if b <= a:
            return False
        cmap = self.norm.compact_map
        fa = cmap[a - 1] + 1 if a > 0 else 0
        fb = cmap[b] if b < len(cmap) else len(self.norm.folded)
        starts, ends = self.breaks(clause_break())
        i = bisect_left(starts, fa)
        return i < len(starts) and ends[i] <= fb

    def breaks(self, pattern: re.Pattern) -> tuple[list[int], list[int]]:
        """The starts and the ends of the matches of ``pattern`` in the folded text, in order
        (clause and sentence breaks: every candidate of a message asks for the same)."""
        found = self._breaks
        if found is None:
            found = self._breaks = {}
        entry = found.get(id(pattern))
        if entry is None:
            starts: list[int] = []
            ends: list[int] = []
            for m in pattern.finditer(self.norm.folded):
                starts.append(m.start())
                ends.append(m.end())
            # the pattern is kept beside its spans, so that its id stays its own while the view lives
            entry = found[id(pattern)] = (pattern, starts, ends)
        return entry[1], entry[2]

    def word_covering(self, cs: int, ce: int, words) -> str | None:
        """The first of ``words`` with an occurrence that covers compact[cs:ce]."""
        compact = self.norm.compact
        if type(words) is tuple:
            # the words of a rule's list that occur in the message at all, once per message (the
            # list is kept beside them, so that its id stays its own while the view lives)
            present = self._present
            if present is None:
                present = self._present = {}
            entry = present.get(id(words))
            if entry is None:
                entry = present[id(words)] = (words, tuple(w for w in words if w in compact))
            words = entry[1]
        span = ce - cs
        for w in words:
            n = len(w)
            if n >= span:
                lo = ce - n
                if compact.find(w, max(0, lo), cs + n) >= 0:
                    return w
        return None
