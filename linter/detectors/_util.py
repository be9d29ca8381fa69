"""Small helpers the detectors share."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..text.normalize import fold_phrase

if TYPE_CHECKING:
    from ..text.numruns import NumberRun
    from ..text.view import MessageView


def keyword_near_run(
    view: MessageView, run: NumberRun, words: Iterable[str], before: int, after: int
) -> str | None:
    """The first keyword (compact form) ending at most ``before`` compact characters before the
    run, or starting at most ``after`` characters after it."""
    cs, ce = view.folded_to_compact(run.start, run.end)
    return view.word_near(cs, ce, words, before, after)


def folded_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_phrase(w) for w in words)


def folded_words(options: dict, key: str = "keywords") -> dict:
    """``prepare`` hook: the keyword list in compact form, longest first."""
    # ties broken by the text: set order changes with PYTHONHASHSEED, and reports must not
    words = sorted({fold_phrase(w) for w in options.get(key, ())} - {""}, key=lambda w: (-len(w), w))
    return {**options, f"{key}_compact": tuple(words)}


MIN_NUMBER_DIGITS = 5  # no number detector looks at fewer digits than a QQ number has
