"""Shared vocabularies: named word classes written once and referenced as ``@name``.

``rulesets/vocab.toml`` holds the classes every ruleset may use (refusals, agreement, transfer
verbs, private channels, other platforms and their nicknames, invoice, reward and review words,
surcharges, negations); a ruleset may add its own under ``[vocab]``. A class is a list of words,
or a table::

    [vocab.credit_card]
    words = ["信用卡", "花呗", "@jd_credit"]   # "@name" includes another class
    pinyin = true       # also xin yong ka, 信用ka ... (see phonetic.py)
                        # "full": the full pinyin alone (fa piao kai bu liao), no mixes
    initials = true     # also xyk
    homophones = true   # also 信用咔, 花唄 ...

    [vocab.go_ask]
    product = [["问", "找"], ["@third_party"], ["去", "吧"]]   # 问快递去, 找物流吧 ...

Any list of words in a rule (phrases, frame slots, triggers, allow, unless, near, not_near,
context.buyer, detector keyword options) may hold ``@name``; it is replaced by the class's words
and their generated spellings when the ruleset is loaded.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..text import phonetic

VOCAB_KEYS = ("words", "product", "pinyin", "initials", "homophones", "except", "description")
MAX_PRODUCT = 2000  # words a "product" class may make
_FLAGS = ("pinyin", "initials", "homophones")


@dataclass(frozen=True, slots=True)
class VocabClass:
    name: str
    words: tuple[str, ...]  # as written, "@refs" unresolved
    pinyin: bool | str = False  # True, False or "full" (the full pinyin only)
    initials: bool = False
    homophones: bool = False
    source: str = ""
    # a class made of every concatenation of a word of each part (问 + 快递 + 去 -> 问快递去)
    product: tuple[tuple[str, ...], ...] = ()
    # words left out: generated spellings that are everyday words of their own (微号 -> 尾号), or
    # words of a product that are not what the class means (醉香 among 醉 + praise)
    excluded: tuple[str, ...] = ()


def parse_vocab(data, source: str, errors: list[str], nearest) -> dict[str, VocabClass]:
    """The ``[vocab]`` table of one file; every problem is appended to ``errors``."""
    out: dict[str, VocabClass] = {}
    if not isinstance(data, dict):
        errors.append(f"{source}: [vocab] must be a table")
        return out
    for name, value in data.items():
        where = f"{source}: vocab {name}"
        if isinstance(value, list):
            value = {"words": value}
        if not isinstance(value, dict):
            errors.append(f"{where}: must be a list of words or a table with 'words'")
            continue
        bad = False
        for key in value:
            if key not in VOCAB_KEYS:
                errors.append(f"{where}: unknown key '{key}'{nearest(key, VOCAB_KEYS)}")
                bad = True
        if "product" in value:
            parts = value["product"]
            if "words" in value or not isinstance(parts, list) or len(parts) < 2 or not all(
                isinstance(p, list) and any(isinstance(w, str) and w.strip() for w in p)
                and all(isinstance(w, str) and (w.strip() or not w) for w in p) for p in parts
            ):
                errors.append(
                    f"{where}: 'product' must be a list of two or more lists of words, \"\" for an optional part "
                    "(and no 'words')"
                )
                bad = True
            words: list[str] = ["\x00product"]
        else:
            parts = None
            listed = value.get("words")
            if isinstance(listed, list) and listed and all(isinstance(w, str) and w.strip() for w in listed):
                words = listed
            else:
                errors.append(f"{where}: 'words' must be a non-empty list of non-empty strings")
                words = []
                bad = True
        for flag in _FLAGS:
            if flag in value and not isinstance(value[flag], bool) and not (flag == "pinyin" and value[flag] == "full"):
                errors.append(f"{where}: '{flag}' must be true or false" + (' (or "full")' if flag == "pinyin" else ""))
                bad = True
        excluded = value.get("except", [])
        if not (isinstance(excluded, list) and all(isinstance(w, str) and w.strip() for w in excluded)):
            errors.append(f"{where}: 'except' must be a list of words")
            bad = True
        if not bad:
            out[name] = VocabClass(
                name, tuple(words), **{f: value.get(f, False) for f in _FLAGS}, source=source,
                product=tuple(tuple(p) for p in parts) if parts else (), excluded=tuple(excluded),
            )
    return out


class Vocabulary:
    """Resolves ``@name`` references against the shared classes and a file's own."""

    def __init__(self, classes: dict[str, VocabClass]) -> None:
        self.classes = classes
        self._cache: dict[str, tuple[str, ...]] = {}

    def merged(self, local: dict[str, VocabClass], errors: list[str]) -> Vocabulary:
        for name, cls in local.items():
            if name in self.classes:
                errors.append(
                    f"{cls.source}: vocab {name}: already defined in {self.classes[name].source}; "
                    "choose another name"
                )
        return Vocabulary({**self.classes, **local}) if local else self

    def words(self, name: str, nearest, _stack: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Every word of a class, its generated spellings included. Raises KeyError with a
        message for an unknown name or a cycle."""
        if name in self._cache:
            return self._cache[name]
        if name in _stack:
            raise KeyError(f"vocab @{name} includes itself ({' -> '.join((*_stack, name))})")
        cls = self.classes.get(name)
        if cls is None:
            raise KeyError(f"unknown vocab '@{name}'{nearest(name, self.classes)}")
        out: dict[str, None] = {}
        if cls.product:
            combos: list[str] = [""]
            for part in cls.product:
                options: list[str] = []
                for w in part:
                    options.extend(self.words(w[1:], nearest, (*_stack, name)) if w.startswith("@") else (w,))
                combos = [a + b for a in combos for b in options]
                if len(combos) > MAX_PRODUCT:
                    raise KeyError(f"vocab @{name}: the product makes more than {MAX_PRODUCT} words")
            excluded = set(cls.excluded)
            self._cache[name] = tuple(w for w in dict.fromkeys(combos) if w not in excluded)
            return self._cache[name]
        for w in cls.words:
            if w.startswith("@"):
                for x in self.words(w[1:], nearest, (*_stack, name)):
                    out[x] = None
                continue
            out[w] = None
            for x in _spellings(w, cls):
                out[x] = None
        for w in cls.excluded:
            out.pop(w, None)
        self._cache[name] = tuple(out)
        return self._cache[name]

    def expand(self, items: Iterable[str], nearest, errors: list[str]) -> tuple[str, ...]:
        out: dict[str, None] = {}
        for item in items:
            if item.startswith("@"):
                try:
                    for w in self.words(item[1:], nearest):
                        out[w] = None
                except KeyError as exc:
                    errors.append(exc.args[0])
            else:
                out[item] = None
        return tuple(out)


def _spellings(word: str, cls: VocabClass) -> set[str]:
    out: set[str] = set()
    if cls.pinyin == "full":
        out |= phonetic.full_pinyin(word)
    elif cls.pinyin:
        out |= phonetic.pinyin_variants(word)
    if cls.initials:
        out |= phonetic.initials(word)
    if cls.homophones:
        out |= phonetic.homophones(word)
    return out

