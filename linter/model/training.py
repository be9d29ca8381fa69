"""Training the review model (``kefulint train``): one logistic regression per category over the
n-gram counts of :mod:`.features` (divided by the square root of the text's length), fitted with
scikit-learn, written as a plain weights file that the runtime reads with the standard library
(:mod:`.weights`).

The steps, each deterministic (fixed seed, sorted vocabularies, rounded weights), so the same
data gives the same file byte for byte:

1. samples: labelled lines (``labels`` = categories; an empty list is a compliant reply), the
   rules' own examples (``examples.bad`` positive for the rule's category, ``examples.good``
   compliant), and real replies taken as compliant (the JD corpus), less the few a person
   reviewed and found to be violations (:data:`REVIEWED_NEGATIVES`); identical texts are one
   weighted row;
2. vocabulary: every n-gram seen in at least ``min_count`` samples, less the commonest
   characters of real replies on their own (they stay inside longer n-grams);
3. per category with at least ``min_positives`` positives: L1-penalized logistic regression with
   balanced class weights (L1 keeps a few hundred n-grams in all: a file of kilobytes and a
   lookup that costs about what the engine does);
4. threshold: the real replies are split in ``folds`` parts; each part is scored by models
   trained without it, and each category's threshold is set so that, together, the categories
   flag at most ``real_share`` of those out-of-fold scores. The threshold is folded into the
   bias, so the shipped model flags exactly when its probability reaches 0.5.

scikit-learn and numpy are imported only here (the ``dev`` extra); the runtime never needs them.
"""
from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ModelError
from ..rules.model import Rule
from ..text.normalize import Normalized
from .features import model_text, occurrences
from .weights import FORMAT, Model, _sigmoid

HOLDOUT_SALT = "kefulint-holdout-2026"


def holdout_part(line_id: str) -> str:
    """``"holdout"`` or ``"tune"``: the lead keeps the holdout part of the later labelled sets
    untouched for the final measurement; nothing here trains or tunes on it."""
    digest = hashlib.sha256((HOLDOUT_SALT + line_id).encode("utf-8")).hexdigest()
    return "holdout" if int(digest, 16) % 100 >= 70 else "tune"


@dataclass(frozen=True)
class Sample:
    text: str
    labels: frozenset[str]
    source: str  # the file name (no directory), or "rules"


# Real replies of the negatives corpus (1-based line number: the first 12 hex digits of the
# sha256 of its text, and why) read by a person and found to be violations; neither they nor any
# other reply with the same text are used as compliant examples.
REVIEWED_NEGATIVES: dict[int, tuple[str, str]] = {
    # every error-level rule hit on the corpus (benchmarks/bench_quality.py)
    6752: ("499c2896f843", "adlaw.absolute: pasted product copy says 最权威的儿童教育内容"),
    9377: ("6a7a79869604", "offplatform.payment: tells the buyer to pay the courier by 微信转账"),
    9997: ("844901d67cdf", "etiquette.banned_phrase: the whole reply is 不清楚"),
    9998: ("bd9004d01af2", "etiquette.banned_phrase: the whole reply is 不清楚呢"),
    12414: ("c36b4792cdd2", "etiquette.banned_phrase: the whole reply is 不知道"),
    # the violations among the model's 100 highest out-of-fold replies (docs/model.md)
    287: ("3b3c98d79664", "invoice.refusal: a tax point charged for a VAT invoice (增票税点)"),
    999: ("30616881051b", "etiquette.banned_phrase: 我们也不清楚"),
    1566: ("a3cccf058194", "contact.qq: a QQ number (anonymized in the corpus)"),
    5760: ("9acc256cd451", "etiquette.banned_phrase: 小妹也不知道"),
    14704: ("04d1947d8261", "etiquette.banned_phrase: 调货不知道"),
    15844: ("c62ebd7c52fa", "invoice.refusal: no invoice, and a tax point deducted from the refund"),
    16066: ("9b0d31236948", "invoice.refusal: a tax point charged for an ordinary invoice"),
}

def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def read_labelled(path: str | Path, tune_only: bool = False) -> list[Sample]:
    """Labelled JSONL lines ``{"id", "text", "labels"}``; with ``tune_only`` the holdout part
    is left out unread (its lines are dropped by id before anything else is looked at)."""
    path = Path(path)
    out = []
    for lineno, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if tune_only and holdout_part(str(obj["id"])) == "holdout":
                continue
            text, labels = obj["text"], obj.get("labels", [])
            if not isinstance(text, str) or not isinstance(labels, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise ModelError([f"{path.name}:{lineno}: needs an 'id', a string 'text' and a list 'labels'"]) from None
        out.append(Sample(text, frozenset(labels), path.name))
    return out


def read_negatives(path: str | Path, reviewed: dict[int, tuple[str, str]] = REVIEWED_NEGATIVES) -> list[Sample]:
    """Real replies (JSONL with ``text``) taken as compliant, less the reviewed violations and
    every reply with the same text as one of them."""
    path = Path(path)
    texts = []
    for lineno, line in enumerate(_lines(path), start=1):
        try:
            texts.append(json.loads(line)["text"])
        except (ValueError, KeyError, TypeError):
            raise ModelError([f"{path.name}:{lineno}: needs a string 'text'"]) from None
    for lineno, (expected, _why) in sorted(reviewed.items()):
        if lineno > len(texts) or text_hash(texts[lineno - 1]) != expected:
            raise ModelError([f"{path.name}:{lineno}: not the reply that was reviewed (the file changed?)"])
    out_hashes = {expected for expected, _ in reviewed.values()}
    return [Sample(t, frozenset(), path.name) for t in texts if text_hash(t) not in out_hashes]


def rule_examples(rules: Iterable[Rule], exclude: Iterable[str] = ()) -> list[Sample]:
    """The rules' examples without buyer context (the model reads the reply alone), less any
    whose search form is that of an excluded text (an evaluation line copied into a rule)."""
    excluded = {Normalized(t).compact for t in exclude}
    out = []
    for rule in rules:
        for examples, labels in ((rule.bad, frozenset([rule.category])), (rule.good, frozenset())):
            for ex in examples:
                if not ex.context and Normalized(ex.text).compact not in excluded:
                    out.append(Sample(ex.text, labels, "rules"))
    return out


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise ModelError([f"cannot read {path.name}: {exc.strerror or exc}"]) from None


@dataclass(frozen=True)
class TrainOptions:
    seed: int = 20260
    shortest: int = 1  # n-gram orders
    longest: int = 3
    min_count: int = 2  # samples an n-gram must occur in to be a feature
    common_chars: int = 100  # the commonest characters of the real replies are no features alone
    min_positives: int = 6  # a category with fewer positives gets no model
    c: float = 2.0  # inverse regularization strength
    l1_ratio: float = 1.0  # 1: L1 penalty (few n-grams keep a weight: a small file, a fast lookup); 0: L2
    folds: int = 4
    real_share: float = 0.009  # out-of-fold share of real replies flagged, all categories together
    digits: int = 4  # decimals kept in the file
    prune: float = 0.05  # |weight| below this is left out of the file (and of the fold models)


@dataclass
class Trained:
    model: Model
    text: str  # the file
    oof_share: float  # out-of-fold share of the real replies flagged at the shipped thresholds
    positives: dict[str, int] = field(default_factory=dict)
    # model text of each distinct real reply -> (category, probability) of its most probable
    # category, scored by the fold model that did not see it (thresholds applied as shipped)
    out_of_fold: dict[str, tuple[str, float]] = field(default_factory=dict)
    # the same replies -> every category's probability out of fold (in model.categories' order)
    out_of_fold_all: dict[str, tuple[float, ...]] = field(default_factory=dict)


def train(labelled: Sequence[Sample], negatives: Sequence[Sample], options: TrainOptions = TrainOptions(),
          provenance: dict | None = None) -> Trained:
    """Fit the model; ``labelled`` holds positives (and compliant lookalikes), ``negatives`` the
    real replies that also set the thresholds."""
    import numpy as np
    from scipy.sparse import csr_matrix

    # Samples with the same model text and labels are one row with a weight: a reply sent 2,000
    # times is not 2,000 times the work, and all its copies fall in the same fold.
    rows: dict[tuple[str, frozenset[str], bool], int] = {}
    for s in labelled:
        key = (model_text(Normalized(s.text).compact), s.labels, False)
        rows[key] = rows.get(key, 0) + 1
    for s in negatives:
        key = (model_text(Normalized(s.text).compact), frozenset(), True)
        rows[key] = rows.get(key, 0) + 1
    keys = sorted(rows, key=lambda k: (k[2], k[0], sorted(k[1])))
    count = np.array([rows[k] for k in keys], dtype=float)
    real = np.array([k[2] for k in keys])
    grams = [occurrences(k[0], options.shortest, options.longest) for k in keys]
    seen: Counter[str] = Counter()
    for g, n in zip(grams, count, strict=False):
        seen.update(dict.fromkeys(g, int(n)))
    # the commonest characters of real replies (的, 您, 哦 ...) are not features on their own: they
    # say little, and every message would look each of them up (they stay inside longer n-grams)
    chars: Counter[str] = Counter()
    for k, g, n in zip(keys, grams, count, strict=False):
        if k[2]:
            chars.update({x: c * int(n) for x, c in g.items() if len(x) == 1})
    common = {x for x, _ in sorted(chars.items(), key=lambda t: (-t[1], t[0]))[: options.common_chars]}
    vocab = sorted(g for g, n in seen.items() if n >= options.min_count and g not in common)
    index = {g: i for i, g in enumerate(vocab)}
    indices: list[int] = []
    indptr = [0]
    data: list[float] = []
    for k, g in zip(keys, grams, strict=False):
        scale = 1.0 / len(k[0]) ** 0.5 if k[0] else 0.0
        ids = sorted((index[x], n) for x, n in g.items() if x in index)
        indices.extend(i for i, _ in ids)
        data.extend(n * scale for _, n in ids)
        indptr.append(len(indices))
    x = csr_matrix((np.array(data), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
                   shape=(len(keys), len(vocab)))
    positives = Counter(label for s in labelled for label in s.labels)
    categories = sorted(c for c, n in positives.items() if n >= options.min_positives)
    y = {c: np.array([c in k[1] for k in keys]) for c in categories}

    # folds of the distinct real replies, by a seeded shuffle
    real_rows = np.flatnonzero(real)
    order = list(range(len(real_rows)))
    random.Random(options.seed).shuffle(order)
    fold_of = np.empty(len(real_rows), dtype=np.int64)
    for rank, i in enumerate(order):
        fold_of[i] = rank % options.folds
    oof = np.zeros((len(real_rows), len(categories)))
    for k in range(options.folds):
        keep = np.concatenate([np.flatnonzero(~real), real_rows[fold_of != k]])
        held = real_rows[fold_of == k]
        for j, c in enumerate(categories):
            coef, intercept = _fit(x[keep], y[c][keep], count[keep], options)
            oof[fold_of == k, j] = x[held] @ coef + intercept
    thresholds, share = _thresholds(oof, count[real_rows], options.real_share)
    weights: dict[str, dict[int, float]] = {}
    biases = []
    for j, c in enumerate(categories):
        coef, intercept = _fit(x, y[c], count, options)
        biases.append(round(intercept - thresholds[j], options.digits))
        for i in np.flatnonzero(coef):
            weights.setdefault(vocab[i], {})[j] = float(coef[i])
    model = Model(tuple(categories), tuple(biases), {g: weights[g] for g in sorted(weights)},
                  options.shortest, options.longest)
    meta = {
        "format": FORMAT,
        "options": dict(vars(options)),
        "samples": {"labelled": len(labelled), "real": len(negatives), "distinct": len(keys)},
        "vocabulary": len(vocab),
        "weights": sum(len(r) for r in model.table.values()),
        "positives": {c: positives[c] for c in categories},
        "real_share_out_of_fold": round(share, 5),
        **(provenance or {}),
    }
    shifted = oof - np.array(thresholds)
    best = shifted.argmax(axis=1) if categories else np.zeros(len(real_rows), dtype=np.int64)
    out_of_fold = {
        keys[r][0]: (categories[best[i]], _sigmoid(float(shifted[i, best[i]])))
        for i, r in enumerate(real_rows) if categories
    }
    out_of_fold_all = {keys[r][0]: tuple(_sigmoid(float(z)) for z in shifted[i]) for i, r in enumerate(real_rows)}
    return Trained(model, model.dumps(meta), share, {c: positives[c] for c in categories}, out_of_fold,
                   out_of_fold_all)


def _fit(x, y, weight, options: TrainOptions):
    """(weights, intercept) of one category: liblinear's logistic regression (seeded), balanced
    classes, weights rounded to the file's decimals and the small ones dropped."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    pos = weight[y].sum()
    neg = weight[~y].sum()
    balanced = np.where(y, (pos + neg) / (2 * pos), (pos + neg) / (2 * neg)) * weight
    fitted = LogisticRegression(C=options.c, solver="liblinear", l1_ratio=options.l1_ratio,
                                dual=options.l1_ratio == 0, max_iter=5000, tol=1e-6,
                                random_state=options.seed).fit(x, y, sample_weight=balanced)
    coef = np.round(fitted.coef_[0], options.digits)
    coef[np.abs(coef) < options.prune] = 0.0
    return coef, round(float(fitted.intercept_[0]), options.digits)


def _thresholds(oof, weight, real_share: float) -> tuple[list[float], float]:
    """Per-category logit thresholds: each category may flag its ``m`` highest out-of-fold
    real replies (one ``m`` for all), the largest ``m`` whose union, counting every copy of a
    reply, stays within ``real_share``."""
    import numpy as np

    n, k = oof.shape
    total = weight.sum()
    ranked = -np.sort(-oof, axis=0)  # descending per column

    def at(m: int) -> tuple[list[float], float]:
        thr = [float(ranked[0, j]) + 1e-3 if m == 0 else
               float(ranked[m - 1, j] + ranked[m, j]) / 2 if m < n else float(ranked[-1, j]) - 1e-3
               for j in range(k)]
        flagged = np.zeros(n, dtype=bool)
        for j in range(k):
            flagged |= oof[:, j] >= thr[j]
        return thr, float(weight[flagged].sum() / total) if n else 0.0

    lo, hi = 0, max(1, int(real_share * n))
    best = at(0)
    while lo <= hi:
        mid = (lo + hi) // 2
        thr, share = at(mid)
        if share <= real_share:
            best, lo = (thr, share), mid + 1
        else:
            hi = mid - 1
    return best


def file_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


# --- the shipped model's data -------------------------------------------------------------------

LABELLED = ("eval/dev.jsonl",)  # every line
TUNE_ONLY = ("eval/dev2.jsonl", "eval/dev3_long.jsonl")  # the tune part only
REAL = "data/jddc_agent_utterances/agent_utterances.jsonl"
# the writers' sets of the project (benchmarks/data/writers/author*.jsonl, not final/): tune part only
WRITERS = "benchmarks/data/writers"


def writers_sets(root: str | Path = ".") -> list[Path]:
    """The writers' labelled sets under ``root`` that the model may train on (their tune part):
    ``author*.jsonl`` of :data:`WRITERS` and of its ``round5/``, never its ``final/`` sets
    (measurement only)."""
    folder = Path(root) / WRITERS
    return sorted(folder.glob("author*.jsonl")) + sorted((folder / "round5").glob("author*.jsonl"))


def shipped_data(shared: str | Path, extra: Sequence[str | Path], rules: Iterable[Rule],
                 tune_only: Sequence[str | Path] = ()) -> tuple[list[Sample], list[Sample], dict]:
    """(labelled, real replies, provenance) of the shipped model: the labelled sets of the
    shared folder and the ``tune_only`` sets (the later ones' tune part only), the project's own
    ``extra`` sets, the rules' examples and the real JD replies."""
    shared = Path(shared)
    labelled: list[Sample] = []
    sources: dict[str, dict] = {}
    every_text: list[str] = []
    for path, tune in [(shared / rel, rel in TUNE_ONLY) for rel in LABELLED + TUNE_ONLY] + [
            (Path(p), True) for p in tune_only]:
        part = read_labelled(path, tune_only=tune)
        labelled.extend(part)
        sources[path.name] = {"sha256": file_digest(path), "used": len(part)}
        every_text.extend(_texts(path))  # held-out lines too: a rule example copied from one is left out
    for path in map(Path, extra):
        part = read_labelled(path)
        labelled.extend(part)
        sources[path.name] = {"sha256": file_digest(path), "used": len(part)}
        every_text.extend(s.text for s in part)
    examples = rule_examples(rules, every_text)
    sources["rule examples"] = {"used": len(examples)}
    real_path = shared / REAL
    real = read_negatives(real_path)
    sources[real_path.name] = {"sha256": file_digest(real_path), "used": len(real),
                               "reviewed_out": sorted(REVIEWED_NEGATIVES)}
    return labelled + examples, real, {"sources": sources}


def _texts(path: Path) -> list[str]:
    """The texts of a labelled file, for excluding copies of them; nothing else is read."""
    out = []
    for line in _lines(path):
        try:
            out.append(json.loads(line)["text"])
        except (ValueError, KeyError, TypeError):
            continue
    return out
