"""Should the review model's findings count? Rules alone against rules + model, measured on the
held-out parts only (docs/model.md, "Promoting the model's findings"):

1. trains the review model as shipped today (dev.jsonl, the tune part of dev2/dev3_long, the
   extra set, the rules' examples, the JD replies as compliant) and with the writers' tune parts
   added (benchmarks/data/writers/author*.jsonl; never final/);
2. chooses the promotion cut-off T (one for all categories, and one per category) by 5-fold
   cross-validation over the tune lines alone: each fold scored by a model trained without it; T is
   the lowest probability (>= 0.5) at which the out-of-fold findings the rules did not make keep
   precision >= 0.95 (per category: with at least 3 right ones, or the category is not promoted);
3. scores, on the held-out parts only (dev2+dev3 holdout, the writers' holdout parts, final/ G+H
   and S+T): rules alone, the model alone at its shipped cut-off, and rules + model at T, overall
   and per category; the review queue (the model's info findings the rules did not make) of the
   shipped weights and of the retrained ones; and the 18,246 JD replies (platform jd) the promoted
   findings flag, in sample and out of fold.

    python benchmarks/bench_model_promote.py [--folds 5] [--jobs 2]

Only aggregate figures are printed: no text of a held-out or final line is shown or written.
Training needs the dev extra (scikit-learn); a run takes about 10 minutes on two cores.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from _common import OUT, ROOT, shared_file, table
from kefulint import Linter, Settings, Severity
from kefulint.evaluation import Item, Score, evaluate, read_items
from kefulint.model import training
from kefulint.model.features import model_text
from kefulint.model.weights import Model, shipped_model
from kefulint.rules.resolve import resolve_rules
from kefulint.text.normalize import Normalized

EXTRA = ROOT / "tests" / "data" / "extra_labelled.jsonl"  # what `kefulint train` adds by default
WRITERS = ROOT / "benchmarks" / "data" / "writers"
PRECISION = 0.95  # the promoted findings' out-of-fold precision to keep
MIN_RIGHT = 3  # a category is promoted only with at least this many right out-of-fold findings
FLOOR = 0.5  # never below the model's own cut-off (its JD share was set there)


def load(path, part: str | None = None) -> list[Item]:
    """The items of ``path``; with ``part`` only those of that part (the other part's lines are
    dropped by id at once)."""
    with open(path, encoding="utf-8") as fh:
        items, problems = read_items(fh, str(path))
    if problems:
        raise SystemExit("\n".join(problems))
    if part is not None:
        items = [i for i in items if training.holdout_part(i.id) == part]
    for i in items:
        i.note = path.name  # the file: ids repeat across sets
    return items


def samples(items: list[Item]) -> list[training.Sample]:
    return [training.Sample(i.text, i.labels, i.note) for i in items]


# training runs in worker processes (forked: they see these module globals) -------------------
_DATA: dict = {}


def _train(labelled_keys: list[int]) -> training.Trained:
    items = _DATA["items"]
    return training.train(samples([items[k] for k in labelled_keys]) + _DATA["examples"], _DATA["real"])


def probabilities(model: Model, text: str) -> dict[str, float]:
    logits = model.logits(model_text(Normalized(text).compact))
    return {c: 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0 for c, z in zip(model.categories, logits, strict=True)}


class Judge:
    """Each item's rules verdict, once: the categories found at warning or above (with their
    rules), and every category found at all (the model is never asked about those)."""

    def __init__(self) -> None:
        base = Linter.default()
        self.linters = {"taobao": base, "jd": Linter(base.rules, replace(base.settings, platform="jd"))}
        self._cache: dict[int, tuple[dict[str, set[str]], set[str], bool]] = {}

    def __call__(self, item: Item) -> tuple[dict[str, set[str]], set[str], bool]:
        key = id(item)
        if key not in self._cache:
            linter = self.linters.get(item.platform or "taobao", self.linters["taobao"])
            found = linter.check(item.text, item.context).findings
            warn: dict[str, set[str]] = {}
            for f in found:
                if f.severity >= Severity.WARNING:
                    warn.setdefault(f.category, set()).add(f.rule)
            self._cache[key] = (warn, {f.category for f in found}, any(f.severity is Severity.ERROR for f in found))
        return self._cache[key]


def choose(candidates: list[tuple[float, bool]]) -> tuple[float, int, int]:
    """(T, right, wrong): the lowest cut-off >= FLOOR at which the candidates (probability, right)
    at or above it keep precision >= PRECISION; (inf, 0, 0) when none does."""
    best = (math.inf, 0, 0)
    right = wrong = 0
    ranked = sorted((c for c in candidates if c[0] >= FLOOR), key=lambda c: -c[0])
    for n, (p, ok) in enumerate(ranked):
        right += ok
        wrong += not ok
        if n + 1 < len(ranked) and ranked[n + 1][0] == p:
            continue  # ties are taken together
        if right / (right + wrong) >= PRECISION:
            best = (p, right, wrong)
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    rules = resolve_rules(Settings())
    dev2, dev3 = shared_file("eval", "dev2.jsonl"), shared_file("eval", "dev3_long.jsonl")
    writer_files = training.writers_sets(ROOT)
    base_tune = load(shared_file("eval", "dev.jsonl")) + load(EXTRA) + load(dev2, "tune") + load(dev3, "tune")
    writers_tune = [i for p in writer_files for i in load(p, "tune")]
    items = base_tune + writers_tune
    held = {
        "dev2+dev3 holdout": load(dev2, "holdout") + load(dev3, "holdout"),
        "writers A-F,I-N holdout": [i for p in writer_files if p.stem[-1] in "ABCDEFIJKLMN" for i in load(p, "holdout")],
        "writers O-R,U-Z holdout": [i for p in writer_files if p.stem[-1] in "OPQRUVWXYZ" for i in load(p, "holdout")],
        "final G+H": load(WRITERS / "final" / "authorG.jsonl") + load(WRITERS / "final" / "authorH.jsonl"),
        "final S+T": load(WRITERS / "final" / "authorS.jsonl") + load(WRITERS / "final" / "authorT.jsonl"),
    }
    held["all held-out"] = [i for name in list(held) for i in held[name]]
    # a rule example that copies any line of a labelled set (either part) is left out, as `kefulint train` does
    every = [t for p in (shared_file("eval", "dev.jsonl"), EXTRA, dev2, dev3, *writer_files) for t in training._texts(p)]
    _DATA.update(items=items, examples=training.rule_examples(rules, every),
                 real=training.read_negatives(shared_file("data", "jddc_agent_utterances", "agent_utterances.jsonl")))
    base_every = [t for p in (shared_file("eval", "dev.jsonl"), EXTRA, dev2, dev3) for t in training._texts(p)]
    base_examples = training.rule_examples(rules, base_every)
    print(f"tune lines: {len(base_tune)} today + {len(writers_tune)} writers' = {len(items)}; rule examples "
          f"{len(_DATA['examples'])}; JD replies {len(_DATA['real']):,}; held-out lines "
          f"{len(held['all held-out'])}\n", flush=True)

    fold_of = [int(hashlib.sha256(f"cv{args.folds}:{i.note}:{i.id}".encode()).hexdigest(), 16) % args.folds
               for i in items]
    jobs = {("fold", k): [n for n, f in enumerate(fold_of) if f != k] for k in range(args.folds)}
    jobs[("full", "writers")] = list(range(len(items)))
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = {key: pool.submit(_train, keys) for key, keys in jobs.items()}
        today = training.train(samples(base_tune) + base_examples, _DATA["real"])
        trained = {key: f.result() for key, f in futures.items()}
    models = {"shipped": shipped_model(), "retrained today's data": today.model,
              "retrained + writers": trained[("full", "writers")].model}
    new = models["retrained + writers"]
    for name, m in models.items():
        size = len(m.dumps().encode()) if name != "shipped" else (ROOT / "linter" / "data" / "model.tsv").stat().st_size
        print(f"{name}: {len(m.categories)} categories, {len(m.table)} n-grams, "
              f"{sum(len(r) for r in m.table.values())} weights, {size / 1000:.1f} kB")

    judge = Judge()
    # 1. the cut-off, out of fold on the tune lines ---------------------------------------------
    oof: list[tuple[Item, dict[str, float]]] = []
    for n, item in enumerate(items):
        oof.append((item, probabilities(trained[("fold", fold_of[n])].model, item.text)))
    per_cat: dict[str, list[tuple[float, bool]]] = {}
    for item, probs in oof:
        _, found, _ = judge(item)
        for c, p in probs.items():
            if c not in found:
                per_cat.setdefault(c, []).append((p, c in item.labels))
    pooled = [x for xs in per_cat.values() for x in xs]
    t_global, r_g, w_g = choose(pooled)
    print(f"\n## Cut-off by {args.folds}-fold cross-validation on the tune lines (rule misses + rule-clean pairs)\n")
    grid = []
    for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99):
        r = sum(ok for p, ok in pooled if p >= t)
        w = sum(not ok for p, ok in pooled if p >= t)
        grid.append([t, r, w, f"{r / (r + w):.3f}" if r + w else "-"])
    print(table(["T", "right (rule misses found)", "wrong", "precision"], grid))
    misses = sum(ok for _, ok in pooled)
    print(f"\nrule misses among the tune lines: {misses}; global T = {t_global:.4f} ({r_g} right, {w_g} wrong)\n")
    thresholds: dict[str, float] = {}
    rows = []
    for c in sorted(per_cat):
        t, r, w = choose(per_cat[c])
        if r < MIN_RIGHT:
            t = math.inf
        thresholds[c] = t
        rows.append([c, sum(ok for _, ok in per_cat[c]), "-" if t == math.inf else f"{t:.4f}", r, w])
    print(table(["category", "rule misses (tune, oof)", "T", "right", "wrong"], rows))

    # 2. held out ----------------------------------------------------------------------------
    cache: dict[tuple[str, int], dict[str, float]] = {}

    def probs_of(model_name: str, item: Item) -> dict[str, float]:
        key = (model_name, id(item))
        if key not in cache:
            cache[key] = probabilities(models[model_name], item.text)
        return cache[key]

    def rules_alone(item: Item) -> dict[str, set[str]]:
        return judge(item)[0]

    def model_alone(name: str) -> Callable[[Item], dict[str, set[str]]]:
        return lambda item: {c: {"model"} for c, p in probs_of(name, item).items() if p >= FLOOR}

    def promoted(cut: Callable[[str], float]) -> Callable[[Item], dict[str, set[str]]]:
        def predict(item: Item) -> dict[str, set[str]]:
            warn, found, _ = judge(item)
            out = {c: set(r) for c, r in warn.items()}
            for c, p in probs_of("retrained + writers", item).items():
                if c not in found and p >= cut(c):
                    out[c] = {"model"}
            return out
        return predict

    variants: dict[str, Callable[[Item], dict[str, set[str]]]] = {
        "rules alone": rules_alone,
        "model alone, shipped weights (p>=0.5)": model_alone("shipped"),
        "model alone, retrained + writers (p>=0.5)": model_alone("retrained + writers"),
        f"rules + model, global T={t_global:.3f}": promoted(lambda c: t_global),
        "rules + model, T per category": promoted(lambda c: thresholds.get(c, math.inf)),
    }
    reports = {(v, s): evaluate(held[s], f) for v, f in variants.items() for s in held}
    print("\n## Held-out only: precision / recall (TP / FP / FN), severity >= warning\n")
    rows = []
    for v in variants:
        row = [v]
        for s in held:
            o = reports[(v, s)].overall
            row.append(f"{o.precision:.3f} / {o.recall:.3f} ({o.tp}/{o.fp}/{o.fn})")
        rows.append(row)
    print(table(["", *[f"{s} ({len(held[s])})" for s in held]], rows))
    print("\n## All held-out, per category: precision / recall (TP+FN)\n")
    keep = ["rules alone", f"rules + model, global T={t_global:.3f}", "rules + model, T per category"]
    cats = sorted({c for v in keep for c in reports[(v, "all held-out")].per_category})
    rows = []
    for c in cats:
        row = [c]
        for v in keep:
            s = reports[(v, "all held-out")].per_category.get(c, Score())
            row.append(f"{s.precision:.2f} / {s.recall:.2f} ({s.tp + s.fn})")
        rows.append(row)
    print(table(["category", *keep], rows))

    # 3. the review queue (info findings, p >= 0.5, categories the rules did not find) ----------
    print("\n## Review queue on all held-out: the model's findings where the rules found nothing of the category\n")
    rows = []
    every_held = held["all held-out"]
    for name in models:
        right = wrong = rule_misses = clean_flagged = clean = 0
        for item in every_held:
            warn, found, _ = judge(item)
            probs = probs_of(name, item)
            rule_misses += len(item.labels - set(warn))
            flagged = {c for c, p in probs.items() if p >= FLOOR and c not in found}
            right += len(flagged & item.labels)
            wrong += len(flagged - item.labels)
            if not item.labels:
                clean += 1
                clean_flagged += bool(flagged)
        rows.append([name, rule_misses, right, f"{right / rule_misses:.1%}", wrong,
                     f"{right / (right + wrong):.2f}" if right + wrong else "-", f"{clean_flagged}/{clean}"])
    print(table(["weights", "rule misses", "queue: right", "of misses", "queue: wrong", "queue precision",
                 "compliant lines queued"], rows))

    # 4. the JD replies ------------------------------------------------------------------------
    jd = judge.linters["jd"]
    path = shared_file("data", "jddc_agent_utterances", "agent_utterances.jsonl")
    with open(path, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    oof_all = trained[("full", "writers")].out_of_fold_all
    counts = {k: 0 for k in ("rules error", "queue (in sample)", "queue (out of fold)", "promoted global (in sample)",
                              "promoted global (out of fold)", "promoted per category (in sample)",
                              "promoted per category (out of fold)", "rules error + promoted per category (oof)",
                              "rules error + promoted global (oof)", "queue shipped weights (in sample)")}
    old = models["shipped"]
    for t in texts:
        found = jd.check(t).findings
        cats = {f.category for f in found}
        error = any(f.severity is Severity.ERROR for f in found)
        mt = model_text(Normalized(t).compact)
        inside = dict(zip(new.categories, (1 / (1 + math.exp(-z)) for z in new.logits(mt)), strict=True))
        outside = dict(zip(new.categories, oof_all[mt], strict=True)) if mt in oof_all else inside
        counts["rules error"] += error
        counts["queue shipped weights (in sample)"] += bool(old.flagged(mt) & ~old.mask_of(cats))
        for tag, probs in (("in sample", inside), ("out of fold", outside)):
            counts[f"queue ({tag})"] += any(p >= FLOOR and c not in cats for c, p in probs.items())
            g = any(p >= t_global and c not in cats for c, p in probs.items())
            pc = any(p >= thresholds.get(c, math.inf) and c not in cats for c, p in probs.items())
            counts[f"promoted global ({tag})"] += g
            counts[f"promoted per category ({tag})"] += pc
            if tag == "out of fold":
                counts["rules error + promoted global (oof)"] += error or g
                counts["rules error + promoted per category (oof)"] += error or pc
    print(f"\n## JD replies (platform jd): {len(texts):,}\n")
    print(table(["", "replies", "share"], [[k, v, f"{v / len(texts):.3%}"] for k, v in counts.items()]))

    OUT.mkdir(parents=True, exist_ok=True)
    result = {"global": t_global, "per_category": {c: t for c, t in thresholds.items() if t != math.inf},
              "held_out": {f"{v} | {s}": reports[(v, s)].overall.as_dict() for v, s in reports},
              "jd": counts}
    (OUT / "model_promote.json").write_text(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True))
    (OUT / "model_retrained_writers.tsv").write_text(trained[("full", "writers")].text, encoding="utf-8")
    print(f"\nwritten: {(OUT / 'model_promote.json').relative_to(ROOT)}, "
          f"{(OUT / 'model_retrained_writers.tsv').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
