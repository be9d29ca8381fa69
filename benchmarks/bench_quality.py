"""Detection quality, in one run:
1. the labelled dev set scored by kefulint and by a plain keyword filter over the same phrases;
2. the false-alarm rate at severity error on 18,246 real (almost all compliant) JDDC agent replies,
   with every error-level hit written to benchmarks/out/jddc_error_hits.tsv for review.

    python benchmarks/bench_quality.py
"""
from __future__ import annotations

import json
import sys
import time

from _common import OUT, shared_file, table
from kefulint import Linter, Settings, Severity
from kefulint.evaluation import evaluate, keyword_predictor, linter_predictor, read_items


def main() -> int:
    linter = Linter.default()
    dev = shared_file("eval", "dev.jsonl")
    with open(dev, encoding="utf-8") as fh:
        items, _ = read_items(fh, str(dev))
    ours = evaluate(items, linter_predictor(linter, Severity.WARNING))
    kw = evaluate(items, keyword_predictor(linter))
    print(f"## Dev set: {len(items)} labelled replies ({sum(1 for i in items if i.context)} with buyer context)\n")
    rows = []
    for name, rep in (("kefulint (normalize + confirm + context)", ours), ("keyword filter, same phrases (Aho-Corasick)", kw)):
        o = rep.overall
        rows.append([name, o.tp, o.fp, o.fn, f"{o.precision:.3f}", f"{o.recall:.3f}", f"{o.f1:.3f}"])
    print(table(["approach", "TP", "FP", "FN", "precision", "recall", "F1"], rows))
    worst = min(ours.per_category.items(), key=lambda kv: min(kv[1].precision, kv[1].recall))
    print(f"\nlowest category: {worst[0]} precision {worst[1].precision:.3f} recall {worst[1].recall:.3f}")

    # JDDC replies are JD traffic: judge them as sent on JD.
    jd = Linter.from_settings(Settings(platform="jd"))
    path = shared_file("data", "jddc_agent_utterances", "agent_utterances.jsonl")
    OUT.mkdir(parents=True, exist_ok=True)
    hits_path = OUT / "jddc_error_hits.tsv"
    n = flagged_error = flagged_any = 0
    start = time.perf_counter()
    with open(path, encoding="utf-8") as fh, open(hits_path, "w", encoding="utf-8") as out:
        out.write("idx\trule\tmatch\ttext\n")
        for line in fh:
            rec = json.loads(line)
            n += 1
            res = jd.check(rec["text"])
            if res.findings:
                flagged_any += 1
            errors = [f for f in res.findings if f.severity is Severity.ERROR]
            if errors:
                flagged_error += 1
                out.writelines(f"{n}\t{f.rule}\t{f.masked_match}\t{rec['text']}\n" for f in errors)
    secs = time.perf_counter() - start
    print(f"\n## JDDC real agent replies (platform jd): {n:,} replies in {secs:.1f} s\n")
    print(table(["severity", "replies flagged", "rate", "target"], [
        ["error", f"{flagged_error:,}", f"{flagged_error / n:.3%}", "<= 0.300%"],
        ["any (incl. warning/info)", f"{flagged_any:,}", f"{flagged_any / n:.3%}", "-"],
    ]))
    print(f"\nevery error-level hit: {hits_path.relative_to(OUT.parent.parent)}")
    ok = ours.overall.precision >= 0.97 and ours.overall.recall >= 0.95 and flagged_error / n <= 0.003
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
