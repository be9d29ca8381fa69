"""Detection quality, in one run (issue 10):

1. precision / recall per category on every labelled set, the sets by other authors split into
   the 70 % the rules were tuned on and the 30 % nobody tuned on (see _common.holdout_part);
2. the false-alarm rate at severity error on 18,246 real (almost all compliant) JDDC agent replies,
   judged as sent on JD, with every error-level hit printed and written to
   benchmarks/out/jddc_error_hits.tsv;
3. the same sets scored by a plain keyword filter over the same phrases, for scale;
4. the writers' sets (benchmarks/data/writers, see its README): sets by writers who never saw the
   rules, in five rounds, split the same way (tuned 70 % / untouched 30 %), and final sets that
   were never tuned on or read.

    python benchmarks/bench_quality.py [--misses]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _common import OUT, ROOT, holdout_part, shared_file, table
from kefulint import Linter, Settings, Severity
from kefulint.evaluation import Report, evaluate, keyword_predictor, linter_predictor, read_items


def load(path: Path):
    with open(path, encoding="utf-8") as fh:
        items, problems = read_items(fh, str(path))
    if problems:
        raise SystemExit("\n".join(problems))
    return items


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true", help="list the misses and false alarms of the tuned parts")
    args = ap.parse_args()
    linter = Linter.default()
    predict = linter_predictor(linter, Severity.WARNING)
    dev = load(shared_file("eval", "dev.jsonl"))
    others = load(shared_file("eval", "dev2.jsonl")) + load(shared_file("eval", "dev3_long.jsonl"))
    own = load(ROOT / "tests" / "data" / "extra_labelled.jsonl") + load(ROOT / "tests" / "data" / "extra_labelled_2.jsonl")
    writers_dir = ROOT / "benchmarks" / "data" / "writers"

    def writers_of(folder: Path, letters: str, prefix: str = "author") -> list:
        return [i for p in sorted(folder.glob(f"{prefix}?.jsonl")) if p.stem[-1] in letters for i in load(p)]

    round1 = writers_of(writers_dir, "ABCDEFIJKLMN")  # written in the third session
    round2 = writers_of(writers_dir, "OPQRUVWXYZ")  # written in the fourth
    round3 = writers_of(writers_dir / "round5", "ABCDGHIJKLMQRSTUVWX", "author5")  # written in the fifth
    final1 = writers_of(writers_dir / "final", "GH")
    final2 = writers_of(writers_dir / "final", "ST")
    final3 = writers_of(writers_dir / "final", "EF", "author5")
    final4 = writers_of(writers_dir / "final", "NOP", "author5")
    final5 = writers_of(writers_dir / "final", "ABC", "author6")
    round7 = (writers_of(writers_dir / "round7", "ABCDGHIJLMNOPQRSTUVWZ", "author7")  # written in the seventh
              + writers_of(writers_dir / "round7", "ABCDEFGHIJK", "author8"))
    final6 = writers_of(writers_dir / "final", "EFKXY", "author7")
    final7 = writers_of(writers_dir / "final", "ABC", "author9")  # written in the eighth, scored once
    round10 = writers_of(writers_dir / "round10", "ABCDGHIJLMN", "author10")  # the eighth, dev2's fifteen categories
    final8 = writers_of(writers_dir / "final", "EFKO", "author10")
    round11 = (writers_of(writers_dir / "round11", "ABCDE", "author11")  # written in the ninth, dev2's fifteen categories
               + writers_of(writers_dir / "round12", "ABCD", "author12") + writers_of(writers_dir / "round13", "ABC", "author13"))
    final9 = (writers_of(writers_dir / "final", "FG", "author11") + writers_of(writers_dir / "final", "E", "author12")
              + writers_of(writers_dir / "final", "D", "author13"))
    def part(items: list, which: str) -> list:
        """The ``which`` part ("tuned" 70 % / "untouched" 30 %) of a set, by benchmarks/_common.holdout_part."""
        return [i for i in items if holdout_part(i.id) == which]

    def rounds(*specs: tuple[int, str]) -> list:
        """The sets of writer rounds (round number, letters): roundNN/authorNN?.jsonl."""
        return [i for n, letters in specs for i in writers_of(writers_dir / f"round{n}", letters, f"author{n}")]

    def finals(*specs: tuple[int, str]) -> list:
        """The final sets of writer rounds (round number, letters): final/authorNN?.jsonl."""
        return [i for n, letters in specs for i in writers_of(writers_dir / "final", letters, f"author{n}")]

    # written in the tenth, eleventh and twelfth sessions, dev2's fifteen categories (the twelfth's all
    # in dev2's style, from 40 example lines)
    round14 = rounds((14, "ABCDEF"), (15, "ABCDE"), (16, "ABCDE"), (17, "ABCDE"), (18, "ABCD"), (19, "ABCD"))
    final10 = finals((14, "GH"), (15, "FG"), (16, "F"), (17, "F"), (18, "E"))
    round20 = rounds((20, "ABC"), (21, "ABCD"), (22, "ABCDEF"), (23, "ABCDEF"), (24, "ABCD"), (25, "ABCD"))
    final11 = finals((20, "DE"), (21, "EF"), (22, "G"), (23, "G"), (24, "EF"), (25, "EF"))
    round26 = rounds((26, "ABCD"), (27, "ABCD"), (28, "ABC"), (29, "ABCD"), (30, "ABC"), (31, "ABC"), (32, "ABC"))
    final12 = finals((27, "E"), (28, "D"), (29, "E"), (30, "D"), (31, "D"))
    round33 = rounds((33, "ABCD"), (34, "ABCD"), (35, "ABCD"), (36, "ABCD"), (37, "ABCD"))  # thirteenth session, dev2's style
    final13 = finals((33, "E"), (34, "E"), (35, "E"), (36, "E"), (37, "E"))
    # fourteenth session: dev2's style, and (40B, 40C, 41A, 41C, 42A, 42C; finals 40F, 41F, 42F) no style examples
    round38 = rounds((38, "ABCD"), (39, "ABCD"), (40, "ABCD"), (41, "ABCD"), (42, "ABCD"))
    final14 = finals((38, "E"), (39, "E"), (40, "EF"), (41, "EF"), (42, "EF"))
    # fifteenth session: 43A, 44A, 44C (dev2's style), 43B, 44B (no style examples); finals 43E, 44E (style), 43F (none)
    round43 = rounds((43, "AB"), (44, "ABC"))
    final15 = finals((43, "EF"), (44, "E"))
    # sixteenth session: 45A (dev2's style), 45B (no style examples), every line of both read (no untouched
    # part); 46A (style) and 46B (none), tuned on their 70 % parts; finals 45E (style) and 46F (none)
    round45 = rounds((45, "AB"))
    round46 = rounds((46, "AB"))
    final16 = finals((45, "E"), (46, "F"))
    # seventeenth session: 47A (dev2's style), 47B (no style examples), tuned on their 70 % parts; final 47F (none)
    round47 = rounds((47, "AB"))
    final17 = finals((47, "F"))
    # eighteenth session: final 48F (no style examples), scored once on arrival
    final18 = finals((48, "F"))
    # nineteenth session: 49A, 49B (no style examples), scored on arrival, tuned on their 70 % parts; final 49F (none)
    round49 = rounds((49, "AB"))
    final19 = finals((49, "F"))
    # twentieth session: 50A, 50B (no style examples), scored on arrival, tuned on their 70 % parts; final 50F (none)
    round50 = rounds((50, "AB"))
    final20 = finals((50, "F"))
    # twenty-first session: 51A, 51B, 52A, 52B, 53A, 53B (no style examples), scored on arrival, tuned on their 70 %
    # parts; finals 51F, 52F, 53F (none)
    round51 = rounds((51, "AB"), (52, "AB"), (53, "AB"))
    final21 = finals((51, "F"), (52, "F"), (53, "F"))
    # twenty-second session: 54A, 54B, 55A, 55B (no style examples), scored on arrival, tuned on their 70 % parts;
    # finals 54F, 55F (none)
    round54 = rounds((54, "AB"), (55, "AB"))
    final22 = finals((54, "F"), (55, "F"))
    sets = {
        "dev (first author, 150)": dev,
        "dev2+dev3 tuned 70%": part(others, "tuned"),
        "dev2+dev3 untouched 30%": part(others, "untouched"),
        "dev + dev2 + dev3, all": dev + others,
        "project's own extra sets": own,
        "writers A-F,I-N tuned 70%": part(round1, "tuned"),
        "writers A-F,I-N untouched 30%": part(round1, "untouched"),
        "writers O-R,U-Z tuned 70%": part(round2, "tuned"),
        "writers O-R,U-Z untouched 30%": part(round2, "untouched"),
        "writers 5A-5D,5G-5M,5Q-5X tuned 70%": part(round3, "tuned"),
        "writers 5A-5D,5G-5M,5Q-5X untouched 30%": part(round3, "untouched"),
        "writers G+H (never tuned on)": final1,
        "writers S+T final (never tuned on)": final2,
        "writers 5E+5F final (never read)": final3,
        "writers 5N-5P final (written last, scored once)": final4,
        "writers 6A-6C final (sixth session, never read)": final5,
        "writers 7A-7W,7Z,8A-8K (tune sets) tuned 70%": part(round7, "tuned"),
        "writers 7A-7W,7Z,8A-8K (tune sets) untouched 30%": part(round7, "untouched"),
        "writers 7E,7F,7K,7X,7Y final (seventh session, never read)": final6,
        "writers 9A-9C final (eighth session, never read)": final7,
        "writers 10A-10D,10G-10N (dev2's categories) tuned 70%": part(round10, "tuned"),
        "writers 10A-10D,10G-10N (dev2's categories) untouched 30%": part(round10, "untouched"),
        "writers 10E,10F,10K,10O final (dev2's categories, never read)": final8,
        "writers 11A-11E,12A-12D,13A-13C (ninth session) tuned 70%": part(round11, "tuned"),
        "writers 11A-11E,12A-12D,13A-13C (ninth session) untouched 30%": part(round11, "untouched"),
        "writers 11F,11G,12E,13D final (ninth session, never read)": final9,
        "writers 14A-19D (tenth session) tuned 70%": part(round14, "tuned"),
        "writers 14A-19D (tenth session) untouched 30%": part(round14, "untouched"),
        "writers 14G,14H,15F,15G,16F,17F,18E final (tenth session, never read)": final10,
        "writers 20A-25D (eleventh session) tuned 70%": part(round20, "tuned"),
        "writers 20A-25D (eleventh session) untouched 30%": part(round20, "untouched"),
        "writers 20D-25F final (eleventh session, never read)": final11,
        "writers 26A-32C (twelfth session) tuned 70%": part(round26, "tuned"),
        "writers 26A-32C (twelfth session) untouched 30%": part(round26, "untouched"),
        "writers 27E,28D,29E,30D,31D final (twelfth session, never read)": final12,
        "writers 33A-37D (thirteenth session) tuned 70%": part(round33, "tuned"),
        "writers 33A-37D (thirteenth session) untouched 30%": part(round33, "untouched"),
        "writers 33E-37E final (thirteenth session, never read)": final13,
        "writers 38A-42D (fourteenth session) tuned 70%": part(round38, "tuned"),
        "writers 38A-42D (fourteenth session) untouched 30%": part(round38, "untouched"),
        "writers 38E-42F final (fourteenth session, never read)": final14,
        "writers 43A-44C (fifteenth session) tuned 70%": part(round43, "tuned"),
        "writers 43A-44C (fifteenth session) untouched 30%": part(round43, "untouched"),
        "writers 43E,43F,44E final (fifteenth session, never read)": final15,
        "writers 45A-45B (sixteenth session, every line read)": round45,
        "writers 46A-46B (sixteenth session) tuned 70%": part(round46, "tuned"),
        "writers 46A-46B (sixteenth session) untouched 30%": part(round46, "untouched"),
        "writers 45E,46F final (sixteenth session, never read)": final16,
        "writers 47A-47B (seventeenth session) tuned 70%": part(round47, "tuned"),
        "writers 47A-47B (seventeenth session) untouched 30%": part(round47, "untouched"),
        "writers 47F final (seventeenth session, never read)": final17,
        "writers 48F final (eighteenth session, never read)": final18,
        "writers 49A-49B (nineteenth session) tuned 70%": part(round49, "tuned"),
        "writers 49A-49B (nineteenth session) untouched 30%": part(round49, "untouched"),
        "writers 49F final (nineteenth session, never read)": final19,
        "writers 50A-50B (twentieth session) tuned 70%": part(round50, "tuned"),
        "writers 50A-50B (twentieth session) untouched 30%": part(round50, "untouched"),
        "writers 50F final (twentieth session, never read)": final20,
        "writers 51A-53B (twenty-first session) tuned 70%": part(round51, "tuned"),
        "writers 51A-53B (twenty-first session) untouched 30%": part(round51, "untouched"),
        "writers 51F,52F,53F final (twenty-first session, never read)": final21,
        "writers 54A-55B (twenty-second session) tuned 70%": part(round54, "tuned"),
        "writers 54A-55B (twenty-second session) untouched 30%": part(round54, "untouched"),
        "writers 54F,55F final (twenty-second session, never read)": final22,
    }
    held_out = ("dev2+dev3 untouched 30%", "writers A-F,I-N untouched 30%", "writers O-R,U-Z untouched 30%",
                "writers 5A-5D,5G-5M,5Q-5X untouched 30%", "writers G+H (never tuned on)",
                "writers S+T final (never tuned on)", "writers 5E+5F final (never read)",
                "writers 5N-5P final (written last, scored once)", "writers 6A-6C final (sixth session, never read)",
                "writers 7A-7W,7Z,8A-8K (tune sets) untouched 30%", "writers 7E,7F,7K,7X,7Y final (seventh session, never read)",
                "writers 9A-9C final (eighth session, never read)",
                "writers 10A-10D,10G-10N (dev2's categories) untouched 30%", "writers 10E,10F,10K,10O final (dev2's categories, never read)",
                "writers 11A-11E,12A-12D,13A-13C (ninth session) untouched 30%", "writers 11F,11G,12E,13D final (ninth session, never read)",
                "writers 14A-19D (tenth session) untouched 30%",
                "writers 14G,14H,15F,15G,16F,17F,18E final (tenth session, never read)",
                "writers 20A-25D (eleventh session) untouched 30%",
                "writers 20D-25F final (eleventh session, never read)",
                "writers 26A-32C (twelfth session) untouched 30%", "writers 27E,28D,29E,30D,31D final (twelfth session, never read)",
                "writers 33A-37D (thirteenth session) untouched 30%",
                "writers 33E-37E final (thirteenth session, never read)",
                "writers 38A-42D (fourteenth session) untouched 30%",
                "writers 38E-42F final (fourteenth session, never read)",
                "writers 43A-44C (fifteenth session) untouched 30%",
                "writers 43E,43F,44E final (fifteenth session, never read)",
                "writers 46A-46B (sixteenth session) untouched 30%",
                "writers 45E,46F final (sixteenth session, never read)",
                "writers 47A-47B (seventeenth session) untouched 30%",
                "writers 47F final (seventeenth session, never read)",
                "writers 48F final (eighteenth session, never read)",
                "writers 49A-49B (nineteenth session) untouched 30%",
                "writers 49F final (nineteenth session, never read)",
                "writers 50A-50B (twentieth session) untouched 30%",
                "writers 50F final (twentieth session, never read)",
                "writers 51A-53B (twenty-first session) untouched 30%",
                "writers 51F,52F,53F final (twenty-first session, never read)",
                "writers 54A-55B (twenty-second session) untouched 30%",
                "writers 54F,55F final (twenty-second session, never read)")
    sets["every held-out set together"] = [i for name in held_out for i in sets.get(name, [])]
    sets = {name: items for name, items in sets.items() if items}
    reports: dict[str, Report] = {name: evaluate(items, predict) for name, items in sets.items()}
    print("## Labelled sets (a message-category pair is one decision; severity >= warning)\n")
    rows = []
    for name, rep in reports.items():
        o = rep.overall
        rows.append([name, len(sets[name]), o.tp, o.fp, o.fn, f"{o.precision:.3f}", f"{o.recall:.3f}", f"{o.f1:.3f}"])
    kw = evaluate(dev + others, keyword_predictor(linter)).overall
    rows.append(["keyword filter, same phrases, dev+dev2+dev3", len(dev) + len(others), kw.tp, kw.fp, kw.fn,
                 f"{kw.precision:.3f}", f"{kw.recall:.3f}", f"{kw.f1:.3f}"])
    print(table(["set", "replies", "TP", "FP", "FN", "precision", "recall", "F1"], rows))

    cats = sorted({c for rep in reports.values() for c in rep.per_category})
    names = [n for n in ("dev2+dev3 untouched 30%", "writers A-F,I-N untouched 30%", "writers O-R,U-Z untouched 30%",
                         "writers 5A-5D,5G-5M,5Q-5X untouched 30%", "writers G+H (never tuned on)",
                         "writers S+T final (never tuned on)", "writers 5E+5F final (never read)",
                         "writers 5N-5P final (written last, scored once)",
                         "writers 6A-6C final (sixth session, never read)", "writers 7A-7W,7Z,8A-8K (tune sets) untouched 30%",
                         "writers 7E,7F,7K,7X,7Y final (seventh session, never read)") if n in sets]
    print("\n## Per category: precision / recall (TP+FN)\n")
    rows = []
    for cat in cats:
        row = [cat]
        for name in names:
            s = reports[name].per_category.get(cat)
            row.append("-" if s is None else f"{s.precision:.2f} / {s.recall:.2f} ({s.tp + s.fn})")
        rows.append(row)
    print(table(["category", *names], rows))
    if args.misses:
        for name in ("dev2+dev3 tuned 70%", "writers A-F,I-N tuned 70%", "writers O-R,U-Z tuned 70%",
                     "writers 5A-5D,5G-5M,5Q-5X tuned 70%", "writers 7A-7W,7Z,8A-8K (tune sets) tuned 70%"):
            rep = reports[name]
            print(f"\n### {name}: misses")
            for item, cat in rep.misses:
                print(f"- {item.id} {cat}: {item.text[:100]!r}")
            print(f"\n### {name}: false alarms")
            for item, cat, rules in rep.false_alarms:
                print(f"- {item.id} {cat} ({rules}): {item.text[:100]!r}")

    # JDDC replies are JD traffic: judge them as sent on JD.
    jd = Linter.from_settings(Settings(platform="jd"))
    path = shared_file("data", "jddc_agent_utterances", "agent_utterances.jsonl")
    OUT.mkdir(parents=True, exist_ok=True)
    hits_path = OUT / "jddc_error_hits.tsv"
    n = flagged_error = flagged_any = 0
    hits: list[str] = []
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
                for f in errors:
                    out.write(f"{n}\t{f.rule}\t{f.masked_match}\t{rec['text']}\n")
                    hits.append(f"- #{n} {f.rule} 「{f.masked_match}」: {rec['text'][:80]!r}")
    secs = time.perf_counter() - start
    print(f"\n## JDDC real agent replies (platform jd): {n:,} replies in {secs:.1f} s\n")
    print(table(["severity", "replies flagged", "rate", "target"], [
        ["error", f"{flagged_error:,}", f"{flagged_error / n:.3%}", "<= 0.300%"],
        ["any (incl. warning/info)", f"{flagged_any:,}", f"{flagged_any / n:.3%}", "-"],
    ]))
    print("\nevery error-level hit (also in benchmarks/out/jddc_error_hits.tsv):")
    print("\n".join(hits) or "- none")
    all_ = reports["dev + dev2 + dev3, all"].overall
    held = reports["dev2+dev3 untouched 30%"].overall
    ok = (all_.precision >= 0.97 and all_.recall >= 0.95 and held.precision >= 0.95 and held.recall >= 0.90
          and flagged_error / n <= 0.003)
    print(f"\ntargets (issue 10): all sets P >= 0.97 and R >= 0.95; untouched P >= 0.95 and R >= 0.90; "
          f"JD <= 0.3 % at error -> {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
