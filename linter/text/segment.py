"""Word boundaries, from a jieba dictionary loaded only when a candidate asks for them.

Two backends with one dictionary and one algorithm (dictionary only, HMM off): ``rjieba``
(jieba-rs, in Rust: loads in ~0.15 s and ~14 MB, segments ~15x faster) and ``jieba``, the
reference. With an index folder (the on-disk cache) rjieba is given only the dictionary words
found in the texts it cuts, which gives the same tokens without loading the dictionary
(jiebadict.py). rjieba is used where it was measured to give jieba's tokens (benchmarks/bench_segment.py):
the built-in dictionary without user words. With user words the two part ways on ties (a word's
added frequency moves every path's probability, and ``亲亲亲`` may split either way), so a shop
that adds words gets jieba. ``KEFULINT_SEGMENTER=jieba`` chooses the reference anyway; jieba is
also the fallback when rjieba is not installed.
"""
from __future__ import annotations

import os
import threading

BACKEND_ENV = "KEFULINT_SEGMENTER"


class Segmenter:
    """A private tokenizer (never a global one) with the shop's own words added. ``index_folder``:
    where the index of the dictionary is kept (the cache folder; see jiebadict.py), or None."""

    def __init__(self, user_words: tuple[str, ...] = (), index_folder: str | None = None) -> None:
        self._setup(user_words, index_folder)

    def _setup(self, user_words: tuple[str, ...], index_folder: str | None) -> None:
        self.user_words = tuple(user_words)
        self.index_folder = index_folder
        self._cut = None
        self.backend: str | None = None  # "rjieba" or "jieba", once loaded
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._cut is None:
                self._cut, self.backend = _load_backend(self.user_words, self.index_folder)
        return self._cut

    def cut(self, text: str) -> list[str]:
        return (self._cut or self._load())(text)

    @property
    def loaded(self) -> bool:
        return self._cut is not None

    def __getstate__(self):
        return {"user_words": self.user_words, "index_folder": self.index_folder}

    def __setstate__(self, state):
        self._setup(state["user_words"], state.get("index_folder"))


def _load_backend(user_words: tuple[str, ...], index_folder: str | None = None):
    wanted = os.environ.get(BACKEND_ENV, "").strip().lower()
    if wanted != "jieba" and not user_words:
        if index_folder is not None:
            from .jiebadict import partial_cut

            cut = partial_cut(index_folder)
            if cut is not None:
                return cut, "rjieba"
        try:
            import rjieba
        except ImportError:
            pass
        else:
            # the module's own tokenizer: importing rjieba loads it already, a second one would
            # load the dictionary again (it is never given words here)
            cut = rjieba.cut
            return (lambda text: cut(text, False)), "rjieba"
    import logging

    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in user_words:
        tokenizer.add_word(word, freq=100000)
    return (lambda text: tokenizer.lcut(text, HMM=False)), "jieba"
