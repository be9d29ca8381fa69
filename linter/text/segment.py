"""Word boundaries from jieba, loaded only when a candidate asks for them (start-up ~0.8 s)."""
from __future__ import annotations

import logging
import threading


class Segmenter:
    """A private jieba tokenizer (never the global one) with the shop's own words added."""

    def __init__(self, user_words: tuple[str, ...] = ()) -> None:
        self.user_words = tuple(user_words)
        self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._tokenizer is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
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
        self.__init__(state["user_words"])
