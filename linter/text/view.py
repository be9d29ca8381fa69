"""Everything the checks of one message share: the search forms, the phrase hits of the one
multi-pattern pass, number runs and word boundaries (both computed only when asked for)."""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import TYPE_CHECKING

from .domains import TLD_PATTERN
from .normalize import Normalized
from .numruns import NumberRun, number_runs

if TYPE_CHECKING:
    from ..rules.platforms import Platform

_DIGIT = re.compile("[0-9]")
_WEB_CHARS = re.compile("[.点@艾/wa]")  # cheap first look: none of these, no link or address
# a link or an address needs a top-level domain after a dot (or 点), "://", "www" or an @ / 艾特
_WEB = re.compile(rf"(?:[.点]\s*{TLD_PATTERN}(?![a-z]))|://|www|@|艾特|[\s(\[]at[\s)\]]")


@lru_cache(maxsize=4096)
def _alternation(words: tuple[str, ...]) -> tuple[re.Pattern, int]:
    """One compiled search for a rule's word list (a pure function of the words)."""
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered)), len(ordered[0])


class MessageView:
    __slots__ = ("_digits", "_runs", "_segmenter", "_web", "frame_hits", "hits", "norm", "platform")

    def __init__(self, norm: Normalized, platform: Platform, hits: dict, segmenter) -> None:
        self.norm = norm
        self.platform = platform
        # (rule index, role) -> list of (compact start, compact end, phrase)
        self.hits = hits
        self._runs: list[NumberRun] | None = None
        self._segmenter = segmenter
        self._digits: int | None = None
        self._web: bool | None = None
        # hits of the frame words and negations, found on first need (engine/match.py)
        self.frame_hits: dict | None = None

    @property
    def folded(self) -> str:
        return self.norm.folded

    @property
    def compact(self) -> str:
        return self.norm.compact

    @property
    def webby(self) -> bool:
        """Could there be a link or an e-mail address at all (a dot, @, 点, 艾特, at, //)?"""
        if self._web is None:
            folded = self.norm.folded
            self._web = _WEB_CHARS.search(folded) is not None and _WEB.search(folded) is not None
        return self._web

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

    def word_near(self, cs: int, ce: int, words, before: int, after: int) -> str | None:
        """One of ``words`` (compact forms) that overlaps compact[cs:ce], ends at most ``before``
        characters before it, or starts at most ``after`` characters after it."""
        if not words:
            return None
        pattern, longest = _alternation(words)
        lo = cs - before - longest
        for m in pattern.finditer(self.norm.compact, max(0, lo), ce + after + longest):
            if m.end() >= cs - before and m.start() <= ce + after:
                return m.group()
        return None

    def word_covering(self, cs: int, ce: int, words) -> str | None:
        """The first of ``words`` with an occurrence that covers compact[cs:ce]."""
        compact = self.norm.compact
        span = ce - cs
        for w in words:
            n = len(w)
            if n >= span:
                lo = ce - n
                if compact.find(w, max(0, lo), cs + n) >= 0:
                    return w
        return None
