"""Findings of every message we have, recorded once and compared after an engine change: a speed
change must not change what is found (issue 14).

    python scripts/findings_snapshot.py record SNAPSHOT.json   # before the change
    python scripts/findings_snapshot.py compare SNAPSHOT.json  # after: exit 1 on any difference

Recorded per message: rule id, start, end and severity of every finding. Corpora: the labelled
dev sets (with their buyer context and "platform"), tests/data/extra_labelled.jsonl, every rule's
bad and good examples, the 18,246 JD agent replies (judged on JD), the generated engine corpus
(200,000 replies, ../shared/bench/gen_corpus.py) and the scan log of benchmarks/bench_scan.py
(every agent turn with its buyer turns). Also recorded: the bytes (sha256) of ``kefulint scan``'s
findings and summary on the bundled samples, the JDDC export and the scan log, with --jobs 1
and 2.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "benchmarks"))


def _jsonl(path: Path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def corpora(with_generated: bool = True):
    """(corpus name, iterator of (key, text, context, platform))."""
    for name in ("dev.jsonl", "dev2.jsonl", "dev3_long.jsonl"):
        yield name, ((str(o.get("id", i)), o["text"], o.get("context") or [], o.get("platform"))
                     for i, o in enumerate(_jsonl(SHARED / "eval" / name)))
    yield "extra_labelled", ((str(o.get("id", i)), o["text"], o.get("context") or [], o.get("platform"))
                             for i, o in enumerate(_jsonl(ROOT / "tests" / "data" / "extra_labelled.jsonl")))
    from kefulint import Linter

    def examples():
        for rule in Linter.default().rules:
            for kind, exs in (("bad", rule.bad), ("good", rule.good)):
                for i, ex in enumerate(exs):
                    yield f"{rule.id}/{kind}/{i}", ex.text, list(ex.context), getattr(ex, "platform", None)

    yield "rule_examples", examples()
    yield "jd_replies", ((f"{o['session_id']}/{o['idx']}", o["text"], [], "jd")
                         for o in _jsonl(SHARED / "data" / "jddc_agent_utterances" / "agent_utterances.jsonl"))
    if not with_generated:
        return
    from bench_engine import load_corpus

    texts, _ = load_corpus(200_000)
    yield "engine_corpus", ((str(i), t, [], None) for i, t in enumerate(texts))
    from bench_scan import scan_log

    def scan_turns():
        context: dict[str, list[str]] = {}
        for i, o in enumerate(_jsonl(scan_log())):
            turns = context.setdefault(o["conversation"], [])
            if o["role"] == "buyer":
                turns.append(o["text"])
            else:
                yield str(i + 1), o["text"], turns[-10:], None

    yield "scan_log", scan_turns()


def findings_of(with_generated: bool) -> dict:
    from kefulint import Linter

    base = Linter.default()
    linters = {None: base}
    out: dict = {}
    for name, items in corpora(with_generated):
        found: dict[str, list] = {}
        n = 0
        for key, text, context, platform in items:
            n += 1
            linter = linters.get(platform)
            if linter is None:
                linter = linters[platform] = Linter(base.rules, base.settings._replace(platform=platform))
            fs = linter.check(text, context).findings
            if fs:
                found[key] = [[f.rule, f.start, f.end, f.severity.value] for f in fs]
        out[name] = {"messages": n, "findings": found}
        print(f"{name}: {n} messages, {len(found)} with findings", file=sys.stderr)
    return out


def scan_hashes(with_generated: bool) -> dict:
    """sha256 of the findings and summary of ``kefulint scan`` per input and --jobs."""
    inputs = {"samples": [str(ROOT / "samples" / "scan")],
              "jddc_export": [str(SHARED / "data" / "jddc2019_sample" / "chat_0.1per.txt")]}
    if with_generated:
        from bench_scan import scan_log

        inputs["scan_log"] = [str(scan_log())]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, paths in inputs.items():
            for jobs in (1, 2):
                f, s = Path(tmp) / "f.jsonl", Path(tmp) / "s.json"
                subprocess.run([sys.executable, "-m", "kefulint.cli.main", "scan", *paths, "-q", "--jobs", str(jobs),
                                "-o", str(f), "--summary-json", str(s)], cwd=ROOT, check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                out[f"{name} --jobs {jobs}"] = [hashlib.sha256(f.read_bytes()).hexdigest(),
                                                hashlib.sha256(s.read_bytes()).hexdigest()]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=["record", "compare"])
    ap.add_argument("snapshot", type=Path)
    ap.add_argument("--quick", action="store_true", help="without the two generated corpora")
    args = ap.parse_args()
    now = {"findings": findings_of(not args.quick), "scan": scan_hashes(not args.quick)}
    if args.action == "record":
        args.snapshot.write_text(json.dumps(now, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        return 0
    then = json.loads(args.snapshot.read_text(encoding="utf-8"))
    problems = 0
    for name, was in then["findings"].items():
        if name not in now["findings"]:
            continue  # --quick
        cur = now["findings"][name]
        if cur["messages"] != was["messages"]:
            print(f"{name}: {was['messages']} messages then, {cur['messages']} now")
            problems += 1
        for key in sorted(set(was["findings"]) | set(cur["findings"])):
            a, b = was["findings"].get(key), cur["findings"].get(key)
            if a != b:
                problems += 1
                if problems <= 40:
                    print(f"{name} {key}: then {a} now {b}")
    for name, was in then["scan"].items():
        if name in now["scan"] and now["scan"][name] != was:
            problems += 1
            print(f"scan {name}: reports differ")
    total = sum(len(v["findings"]) for v in now["findings"].values())
    print(f"{'IDENTICAL' if not problems else f'{problems} DIFFERENCES'}: "
          f"{sum(v['messages'] for v in now['findings'].values()):,} messages, {total:,} with findings; "
          f"{len(now['scan'])} scan reports")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
