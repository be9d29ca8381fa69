"""The shipped review model: per category a bias and a weight for each n-gram that carries one,
read from ``data/model.tsv`` with the standard library alone. Inference is a lookup and a sum:
``probability = 1 / (1 + exp(-(bias + sum of weights of every n-gram occurrence / sqrt(length))))``
where ``length`` is the length of the model text (:func:`~.features.model_text`).

The file (written by :mod:`.training`, one record a line, tab-separated)::

    format      1
    meta        {"samples": ..., ...}         one line of JSON: what it was trained on
    orders      1   3                          n-gram lengths
    category    0   contact.wechat   -1.2345   index, id, bias (the threshold folded in)
    <n-gram>    0:0.1234 5:-0.0567             category index:weight, only the non-zero ones

A category is flagged when its probability reaches :data:`THRESHOLD` (0.5: the bias holds each
category's own cut-off). Weights have four decimals, so the runtime adds them as integers of
1/10,000: all categories at once, as lanes of one Python integer, over the occurrences that one
Aho-Corasick pass (the engine's ``ahocorasick_rs``) finds. A message none of whose lanes reaches
its cut-off, nearly all of them, costs that pass and one comparison.
"""
from __future__ import annotations

import functools
import json
import math
from importlib import resources
from operator import itemgetter
from typing import Any, NamedTuple

from ..errors import ModelError
from ..text.normalize import Normalized
from .features import model_text

FORMAT = 1
THRESHOLD = 0.5  # the bias of each category holds its own cut-off (see training)
SHIPPED = "data/model.tsv"
UNIT = 10_000  # weights and biases carry four decimals
_LANE = 48  # bits per category in the packed sums: room for any realistic message
_PRECOMPUTED = 2048  # cut-offs kept ready for model texts up to this length
_first = itemgetter(0)


class Verdict(NamedTuple):
    category: str
    probability: float
    grams: tuple[tuple[str, float], ...]  # the n-grams that weighed most for it, with their weight


class Model:
    """Immutable data, shared freely between threads and Linters; the lookup structures are built
    on first use (two threads racing build equal ones)."""

    __slots__ = ("_automaton", "_cutoffs", "_grams", "_offset", "_packed", "bias", "categories", "longest",
                 "meta", "shortest", "table")

    def __init__(self, categories: tuple[str, ...], bias: tuple[float, ...],
                 weights: dict[str, dict[int, float]], shortest: int = 1, longest: int = 3,
                 meta: dict | None = None) -> None:
        self.categories = categories
        self.bias = bias
        self.table: dict[str, tuple[tuple[int, float], ...]] = {
            g: tuple(sorted(row.items())) for g, row in weights.items()
        }
        self.shortest = shortest
        self.longest = longest
        self.meta = meta or {}
        self._automaton: Any = None  # built on first use, last of the lookup structures

    # scoring -----------------------------------------------------------------------------
    def _built(self):
        import ahocorasick_rs

        grams = sorted(self.table) or ["\0"]  # the automaton needs a pattern; "\0" is never in a text
        self._grams = grams
        self._packed = [sum(round(w * UNIT) << (_LANE * i) for i, w in self.table.get(g, ())) for g in grams]
        self._offset = sum(1 << (_LANE * i + _LANE - 1) for i in range(len(self.categories)))
        self._cutoffs = tuple(self._cutoff(n) for n in range(_PRECOMPUTED + 1))
        self._automaton = ahocorasick_rs.AhoCorasick(grams, matchkind=ahocorasick_rs.MatchKind.Standard)
        return self._automaton

    def _cutoff(self, length: int) -> int:
        """Minus each category's cut-off for a model text of ``length``, packed: a category is
        flagged when its sum of weights (in units) reaches ``-bias * sqrt(length)``."""
        root = math.sqrt(length)
        return sum(-math.ceil(-b * root * UNIT - 1e-9) << (_LANE * i) for i, b in enumerate(self.bias))

    def flagged(self, text: str) -> int:
        """The categories that reach their cut-off on the model text ``text``, as a bit mask
        (bit ``i`` for category ``i``; 0 for none): the cheap test every message takes."""
        if not text:
            return 0
        matches = (self._automaton or self._built()).find_matches_as_indexes(text, overlapping=True)
        n = len(text)
        total = sum(map(self._packed.__getitem__, map(_first, matches))) if matches else 0
        lanes = (total + (self._cutoffs[n] if n <= _PRECOMPUTED else self._cutoff(n)) + self._offset) & self._offset
        if not lanes:
            return 0
        return sum(1 << i for i in range(len(self.categories)) if lanes >> (_LANE * i + _LANE - 1) & 1)

    def mask_of(self, categories: set[str]) -> int:
        """The bit mask of ``categories`` (those the model has)."""
        return sum(1 << i for i, c in enumerate(self.categories) if c in categories)

    def _counts(self, text: str) -> dict[str, int]:
        """Occurrences of each vocabulary n-gram in the model text ``text``."""
        out: dict[str, int] = {}
        if text:
            automaton = self._automaton or self._built()
            grams = self._grams
            for i, _, _ in automaton.find_matches_as_indexes(text, overlapping=True):
                out[grams[i]] = out.get(grams[i], 0) + 1
        return out

    def _weights(self, text: str, mask: int) -> tuple[list[int], list[list[tuple[int, str]]]]:
        """Per category in ``mask``: the summed weight in units, and the n-grams that add to it."""
        size = len(self.categories)
        units = [0] * size
        heavy: list[list[tuple[int, str]]] = [[] for _ in range(size)]
        for gram, n in self._counts(text).items():
            for i, w in self.table[gram]:
                if mask >> i & 1:
                    u = round(w * UNIT) * n
                    units[i] += u
                    if u > 0:
                        heavy[i].append((u, gram))
        return units, heavy

    def logits(self, text: str) -> list[float]:
        """Every category's logit on the model text ``text``, summed n-gram by n-gram."""
        units, _ = self._weights(text, -1)
        scale = 1.0 / (UNIT * math.sqrt(len(text))) if text else 0.0
        return [b + u * scale for b, u in zip(self.bias, units, strict=False)]

    def weigh(self, text: str, mask: int = -1, top: int = 5) -> list[Verdict]:
        """Verdicts on the model text ``text`` for the categories in ``mask`` (all by default),
        most probable first, each with the ``top`` n-grams that add most to it."""
        units, heavy = self._weights(text, mask)
        scale = 1.0 / (UNIT * math.sqrt(len(text))) if text else 0.0
        out = []
        for i, category in enumerate(self.categories):
            if mask >> i & 1:
                grams = sorted(heavy[i], key=lambda t: (-t[0], -len(t[1]), t[1]))[:top]
                out.append(Verdict(category, _sigmoid(self.bias[i] + units[i] * scale),
                                   tuple((g, round(u * scale, 4)) for u, g in grams)))
        out.sort(key=lambda v: (-v.probability, v.category))
        return out

    def verdicts(self, norm: Normalized, every: bool = False, top: int = 5) -> list[Verdict]:
        """The flagged categories of a reply (every category with ``every``)."""
        text = model_text(norm.compact)
        mask = -1 if every else self.flagged(text)
        return self.weigh(text, mask, top) if mask else []

    # the file ----------------------------------------------------------------------------
    def dumps(self, meta: dict | None = None) -> str:
        lines = [
            "# kefulint review model: character n-grams of the compact search form -> weight per category.",
            "# Written by `kefulint train` (docs/model.md); read by kefulint.model.weights.",
            f"format\t{FORMAT}",
            "meta\t" + json.dumps(meta if meta is not None else self.meta, ensure_ascii=False, sort_keys=True),
            f"orders\t{self.shortest}\t{self.longest}",
        ]
        lines.extend(f"category\t{i}\t{c}\t{_num(b)}" for i, (c, b) in enumerate(zip(self.categories, self.bias, strict=False)))
        for g in sorted(self.table):
            lines.append(g + "\t" + " ".join(f"{i}:{_num(w)}" for i, w in self.table[g]))
        return "\n".join(lines) + "\n"

    @classmethod
    def loads(cls, text: str, source: str = "model") -> Model:
        categories: list[str] = []
        bias: list[float] = []
        weights: dict[str, dict[int, float]] = {}
        meta: dict = {}
        orders = (1, 3)
        fmt = None
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line or line.startswith("# "):  # a comment; no n-gram holds a space
                continue
            key, _, rest = line.partition("\t")
            try:
                if key == "format":
                    fmt = int(rest)
                elif key == "meta":
                    meta = json.loads(rest)
                elif key == "orders":
                    lo, hi = rest.split("\t")
                    orders = (int(lo), int(hi))
                elif key == "category":
                    index, name, b = rest.split("\t")
                    if int(index) != len(categories):
                        raise ValueError("categories out of order")
                    categories.append(name)
                    bias.append(float(b))
                else:
                    row = {}
                    for cell in rest.split(" "):
                        i, w = cell.split(":")
                        if not 0 <= int(i) < len(categories):
                            raise ValueError(f"no category {i}")
                        row[int(i)] = float(w)
                    weights[key] = row
            except ValueError as exc:
                raise ModelError([f"{source}:{lineno}: malformed line ({exc})"]) from None
        if fmt != FORMAT:
            raise ModelError([f"{source}: format {fmt}, expected {FORMAT}; retrain with `kefulint train`"])
        return cls(tuple(categories), tuple(bias), weights, orders[0], orders[1], meta)


def _num(x: float) -> str:
    text = repr(float(x))
    return "0.0" if text == "-0.0" else text


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@functools.cache
def shipped_model() -> Model:
    """The model in the package, read once per process on first use (immutable)."""
    try:
        text = resources.files("kefulint").joinpath(SHIPPED).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError([f"{SHIPPED} is missing: run `kefulint train`"]) from None
    return Model.loads(text, SHIPPED)
