"""rjieba with only the words it needs: jieba's tokens without loading jieba's dictionary.

A scan asks for word boundaries a handful of times (the JDDC export: five windows of ~20
characters), and loading the dictionary into rjieba cost ~0.1 s CPU and ~15 MB each time. jieba cuts
a text (dictionary only, HMM off) by the words of the dictionary found in it and their frequencies
over the dictionary's total: an rjieba tokenizer that holds every dictionary word found in the texts
it was given, with its frequency, and a total equal to the whole dictionary's (a filler word that
no text can hold makes up the difference) builds the same graph of words and the same route, so the
same tokens, for those texts. The words are looked up in an index of jieba's ``dict.txt`` (the
dictionary rjieba embeds) kept in the cache folder: sorted UTF-8 words, mapped from the file and
searched by bisection, read only where a lookup lands. Without a cache folder, or where anything
about the index is amiss, the caller loads rjieba's own dictionary as before.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import mmap
import os
import sys
import zlib
from array import array
from typing import Any

_FORMAT = "kefulint-jieba-index/1"
# a word no text segmented holds (private-use characters are not in the span jieba cuts into words)
FILLER = "\ue000\ue001\ue002"
_SEEN = 1 << 16  # pieces whose lookup is remembered (the words found stay in the tokenizer)


def dictionary_path() -> str | None:
    """jieba's dictionary, found without importing jieba (whose import costs ~50 ms)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(spec.submodule_search_locations[0], "dict.txt")
    return path if os.path.isfile(path) else None


def _read_dictionary(path: str) -> dict[str, int]:
    """word -> frequency, as jieba-rs's ``load_dict`` reads the file: the first two fields of a
    line split on white space (no frequency: 0), a word given again keeping its last one."""
    words: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            fields = line.split()
            if fields:
                words[fields[0]] = int(fields[1]) if len(fields) > 1 else 0
    return words


def build_index(source: str, target: str) -> None:
    """Writes the index of dictionary ``source`` to ``target`` (under a temporary name, renamed)."""
    words = _read_dictionary(source)
    encoded = sorted((w.encode("utf-8"), f) for w, f in words.items())
    offsets = array("Q", [0])
    for word, _ in encoded:
        offsets.append(offsets[-1] + len(word))
    freqs = array("Q", (f for _, f in encoded))
    head = json.dumps({"format": _FORMAT, "words": len(encoded), "total": sum(freqs),
                       "longest": max(map(len, words), default=0)}).encode()
    head += b" " * (-(len(head) + 1) % 8) + b"\n"  # the arrays start 8-byte aligned
    tmp = f"{target}.{os.getpid()}.tmp"
    with open(tmp, "wb") as out:
        out.write(head)
        offsets.tofile(out)
        freqs.tofile(out)
        out.write(b"".join(w for w, _ in encoded))
    os.replace(tmp, target)


class DictionaryIndex:
    """The index of :func:`build_index`, mapped: ``freq(word)``, and whether any word starts so."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        end = self._map.find(b"\n")
        head = json.loads(self._map[:end])
        if head.get("format") != _FORMAT:
            raise ValueError("not a dictionary index")
        self.words: int = head["words"]
        self.total: int = head["total"]
        self.longest: int = head["longest"]
        start = end + 1
        view = memoryview(self._map)
        self._offsets = view[start : start + 8 * (self.words + 1)].cast("Q")
        self._freqs = view[start + 8 * (self.words + 1) : start + 8 * (2 * self.words + 1)].cast("Q")
        self._blob = start + 8 * (2 * self.words + 1)
        if len(self._map) != self._blob + self._offsets[self.words]:
            raise ValueError("a dictionary index cut short or overlong")

    def _word(self, i: int) -> bytes:
        base = self._blob
        return self._map[base + self._offsets[i] : base + self._offsets[i + 1]]

    def lookup(self, word: str) -> tuple[int | None, bool]:
        """(its frequency, or None if it is not a word; whether a longer word starts with it)."""
        key = word.encode("utf-8")
        lo, hi = 0, self.words
        while lo < hi:
            mid = (lo + hi) // 2
            if self._word(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        freq = None
        if lo < self.words and self._word(lo) == key:
            freq = self._freqs[lo]
            lo += 1
        return freq, lo < self.words and self._word(lo).startswith(key)

    def close(self) -> None:
        self._offsets.release()
        self._freqs.release()
        self._map.close()


def _rjieba_class() -> Any:
    """rjieba's tokenizer class, from its extension module: importing the package would load its
    default tokenizer (the whole dictionary)."""
    module = sys.modules.get("rjieba.rjieba")
    if module is None:
        spec = importlib.util.find_spec("rjieba")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("rjieba")
        folder = spec.submodule_search_locations[0]
        names = [n for n in os.listdir(folder)
                 if n.startswith("rjieba.") and n.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))]
        if len(names) != 1:
            raise ImportError("rjieba's extension module")
        loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", os.path.join(folder, names[0]))
        found = importlib.util.spec_from_file_location("rjieba.rjieba", loader.path, loader=loader)
        if found is None:
            raise ImportError("rjieba's extension module")
        module = importlib.util.module_from_spec(found)
        loader.exec_module(module)
        sys.modules["rjieba.rjieba"] = module  # ``import rjieba`` later takes this one
    return module.Jieba


class PartialJieba:
    """``rjieba.cut(text, False)`` for any text, from the words of the dictionary found in the texts
    cut so far (see the module's docstring)."""

    def __init__(self, index: DictionaryIndex) -> None:
        self._index = index
        self._jieba = _rjieba_class().empty()
        # every piece looked up -> (its frequency or None, whether a longer word starts with it)
        self._seen: dict[str, tuple[int | None, bool]] = {}
        self._added = 0  # the frequencies of the words added
        self._jieba.add_word(FILLER, index.total, None)

    def cut(self, text: str) -> list[str]:
        seen = self._seen
        if len(seen) > _SEEN:
            seen.clear()
        lookup = self._index.lookup
        longest = self._index.longest
        added = 0
        for start in range(len(text)):
            for end in range(start + 1, min(len(text), start + longest) + 1):
                piece = text[start:end]
                known = seen.get(piece)
                if known is None:
                    known = seen[piece] = lookup(piece)
                    if known[0] is not None and not self._jieba.has_word(piece):  # a word, new here
                        self._jieba.add_word(piece, known[0], None)
                        added += known[0]
                if not known[1]:  # no longer word starts so
                    break
        if added:
            self._added += added
            self._jieba.add_word(FILLER, self._index.total - self._added, None)
        return self._jieba.cut(text, False)


def partial_cut(folder: str) -> Any:
    """``PartialJieba(index).cut``, the index kept in ``folder`` (made there when missing); None
    where it cannot be had (no rjieba or jieba's dictionary, a folder not writable, an index amiss)."""
    try:
        source = dictionary_path()
        if source is None:
            return None
        st = os.stat(source)
        # the file's place, size and time: a dictionary changed or moved gets an index of its own
        place = zlib.crc32(f"{_FORMAT}\n{source}".encode())
        path = os.path.join(folder, f"jieba-{place:08x}-{st.st_size}-{st.st_mtime_ns}.idx")
        if not os.path.exists(path):
            os.makedirs(folder, mode=0o700, exist_ok=True)
            build_index(source, path)
            for name in os.listdir(folder):  # the index of a dictionary changed or moved since
                if name.startswith("jieba-") and name.endswith(".idx") and name != os.path.basename(path):
                    os.remove(os.path.join(folder, name))
        try:
            index = DictionaryIndex(path)
        except (ValueError, TypeError, IndexError):  # damaged since it was written: made again
            build_index(source, path)
            index = DictionaryIndex(path)
        return PartialJieba(index).cut
    except (OSError, ValueError, TypeError, ImportError, KeyError, IndexError):  # then rjieba's own dictionary
        return None
