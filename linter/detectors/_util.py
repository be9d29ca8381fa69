"""Small helpers the detectors share."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..normalize import fold_phrase

if TYPE_CHECKING:
    from ..numbers import NumberRun
    from ..view import MessageView


def keyword_near_run(
    view: "MessageView", run: "NumberRun", keywords: Iterable[tuple[int, int, str]], before: int, after: int
) -> tuple[int, int, str] | None:
    """The first keyword hit ending at most ``before`` compact characters before the run, or
    starting at most ``after`` characters after it."""
    cs, ce = view.folded_to_compact(run.start, run.end)
    for hit in keywords:
        ks, ke, _ = hit
        if ke <= cs and cs - ke <= before:
            return hit
        if ks >= ce and ks - ce <= after:
            return hit
    return None


def folded_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_phrase(w) for w in words)


MIN_NUMBER_DIGITS = 5  # no number detector looks at fewer digits than a QQ number has


def has_digit(view: "MessageView") -> bool:
    """Gate of every number detector: the message holds enough digits to make a number."""
    return view.digit_count >= MIN_NUMBER_DIGITS
