"""Word boundaries from jieba, loaded only when a candidate asks for them (start-up ~0.8 s)."""
from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _base_dictionary() -> tuple[dict[str, int], int]:
    """jieba's own dictionary (word -> frequency, total), read once per process: reading it is
    most of jieba's start-up, and every Linter of a process (a reload, a lint run's config
    profiles) needs the same one. Never changed after loading; a Segmenter that adds words copies it."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    base = jieba.Tokenizer()
    base.initialize()
    return base.FREQ, base.total


class Segmenter:
    """A private jieba tokenizer (never the global one) with the shop's own words added."""

    def __init__(self, user_words: tuple[str, ...] = ()) -> None:
        self._setup(user_words)

    def _setup(self, user_words: tuple[str, ...]) -> None:
        self.user_words = tuple(user_words)
        self._tokenizer: Any = None  # jieba.Tokenizer, untyped
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._tokenizer is None:
                import jieba

                freq, total = _base_dictionary()
                tokenizer = jieba.Tokenizer()
                # the shared dictionary as is, or a copy this tokenizer's own words go into
                tokenizer.FREQ, tokenizer.total = (dict(freq) if self.user_words else freq), total
                tokenizer.initialized = True
                for word in self.user_words:
                    tokenizer.add_word(word, freq=100000)
                self._tokenizer = tokenizer
        return self._tokenizer

    def cut(self, text: str) -> list[str]:
        tokenizer = self._tokenizer or self._load()
        return tokenizer.lcut(text, HMM=False)

    def __getstate__(self):
        return {"user_words": self.user_words}

    def __setstate__(self, state):
        self._setup(state["user_words"])
